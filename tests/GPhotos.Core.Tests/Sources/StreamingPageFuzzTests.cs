#nullable enable
using System.Globalization;
using System.Text;
using GPhotos.Core.Tests.Fuzz;
using GPhotos.Http;
using GPhotos.Model;
using GPhotos.Sources;
using GPhotos.Sources.Library;
using GPhotos.Sources.Picker;
using Xunit;

namespace GPhotos.Core.Tests.Sources;

/// <summary>
/// Differential fuzzing: every page (Library list/search, batchGet, Picker items) goes through the old path (the whole
/// body loaded as a JObject, then mapped: <see cref="LegacyMediaJson"/>) and the streaming one (GoogleApiClient.ReadBody
/// into LibraryClient.ReadPage / ReadBatch / PickerClient.ReadPage), and both must give the same items, field by field,
/// the same next-page token, or the same error text. Inputs: seeded generated pages full of what Google and a hostile
/// server could send (every field of every type, nulls, huge numbers, NaN, repeated keys at every level, unknown
/// fields, comments, constructors, cut bodies), then mutated by the shared harness; streams are also fed a byte at a
/// time so token boundaries fall everywhere.
/// </summary>
public class StreamingPageFuzzTests
{
    private static readonly Uri Where = new("https://photoslibrary.googleapis.com/v1/mediaItems");
    private static readonly DateTime Received = new(2026, 12, 6, 10, 0, 0, DateTimeKind.Utc);
    private static readonly string[] Chunk = { "a", "b", "c" };

    private static readonly string[] Samples = PageGenerator.Pages(new Random(Fuzz.Fuzz.Seed), 240)
        .Concat(ApiJsonFuzzTests.Pages).Concat(PageGenerator.Edges).ToArray();

    /// <summary>Old and new outcome of one body, for each of the three readers.</summary>
    private static void SameOutcome(byte[] body)
    {
        foreach (bool trickle in new[] { false, true })
        {
            Assert.Equal(Old(body, j => Describe(LegacyMediaJson.ParseLibraryPage(j, Received))),
                New(body, trickle, r => Describe(LibraryClient.ReadPage(r, Received))));
            Assert.Equal(Old(body, j => Describe(LegacyMediaJson.ParsePickerPage(j, "s", Received))),
                New(body, trickle, r => Describe(PickerClient.ReadPage(r, "s", Received))));
            Assert.Equal(Old(body, j => Describe(LegacyMediaJson.ParseBatch(j, Chunk, Received))),
                New(body, trickle, r => Describe(LibraryClient.ReadBatch(r, Chunk, Received))));
        }
    }

    private static string Old(byte[] body, Func<Newtonsoft.Json.Linq.JObject, string> map)
    {
        try { return map(LegacyMediaJson.ParseObject(new MemoryStream(body), Where)); }
        catch (GoogleApiException ex) { return "error " + ex.GetType().Name + ": " + ex.Message; }
    }

    private static string New(byte[] body, bool trickle, Func<Newtonsoft.Json.JsonReader, string> read)
    {
        Stream stream = trickle ? new Trickle(body) : new MemoryStream(body);
        try { return GoogleApiClient.ReadBody(stream, Where, read); }
        catch (GoogleApiException ex) { return "error " + ex.GetType().Name + ": " + ex.Message; }
    }

    [Fact]
    public void Generated_pages_read_the_same_from_the_stream_as_from_a_JObject()
    {
        foreach (string page in Samples) SameOutcome(Encoding.UTF8.GetBytes(page));
    }

    [Fact]
    public void Mutated_pages_read_the_same_from_the_stream_as_from_a_JObject()
        => Fuzz.Fuzz.Text("stream-vs-jobject", Samples, text => SameOutcome(Encoding.UTF8.GetBytes(text)), iterations: Fuzz.Fuzz.Iterations(2));

    [Fact]
    public void Mutated_bytes_read_the_same_from_the_stream_as_from_a_JObject()
        => Fuzz.Fuzz.Bytes("stream-vs-jobject-bytes", Samples.Select(Encoding.UTF8.GetBytes).ToArray(), SameOutcome);

    [Fact]
    public void The_comparison_can_fail()
    {
        // A guard on the guard: a real difference in a field (here a repeated key read first-wins) is caught.
        byte[] body = Encoding.UTF8.GetBytes("""{"mediaItems":[{"id":"a","id":"b"}]}""");
        Assert.NotEqual(Old(body, j => Describe(LegacyMediaJson.ParseLibraryPage(j, Received))),
            Describe(new MediaPage(new[] { new MediaItem { Id = "a", Source = MediaSource.Library } }, null)));
        Assert.Contains("id=\"b\"", New(body, false, r => Describe(LibraryClient.ReadPage(r, Received))));
    }

    // ---- a canonical text of everything a page gives its caller

    private static string Describe(MediaPage page)
        => "next=" + Show(page.NextPageToken) + "\n" + string.Join("\n", page.Items.Select(Describe));

    private static string Describe(List<BatchGetResult> results)
        => string.Join("\n", results.Select(r => $"{r.RequestedId} {r.StatusCode} {Show(r.StatusMessage)} {(r.Item == null ? "∅" : Describe(r.Item))}"));

    private static string Describe(MediaItem m)
    {
        MediaMetadata md = m.MediaMetadata;
        PhotoMetadata? p = md.Photo;
        VideoMetadata? v = md.Video;
        return $"id={Show(m.Id)} src={m.Source} file={Show(m.Filename)} mime={Show(m.MimeType)} type={m.MediaType} desc={Show(m.Description)} "
            + $"product={Show(m.ProductUrl)} base={Show(m.BaseUrl)} got={Show(m.BaseUrlReceived)} session={Show(m.SessionId)} by={Show(m.ContributorName)} "
            + $"created={Show(md.CreationTime)} w={Show(md.Width)} h={Show(md.Height)} "
            + (p == null ? "photo=∅ " : $"photo=[{Show(p.CameraMake)},{Show(p.CameraModel)},{Show(p.FocalLength)},{Show(p.ApertureFNumber)},{Show(p.IsoEquivalent)},{Show(p.ExposureTime)}] ")
            + (v == null ? "video=∅" : $"video=[{Show(v.CameraMake)},{Show(v.CameraModel)},{Show(v.Fps)},{v.Status}]");
    }

    private static string Show(object? value) => value switch
    {
        null => "∅",
        string s => "\"" + s + "\"",
        double d => d.ToString("R", CultureInfo.InvariantCulture),
        DateTime t => t.ToString("o", CultureInfo.InvariantCulture) + "/" + t.Kind,
        TimeSpan ts => ts.Ticks.ToString(CultureInfo.InvariantCulture) + "t",
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };

    /// <summary>A body that arrives one byte per read, as a slow connection may deliver it.</summary>
    private sealed class Trickle : MemoryStream
    {
        public Trickle(byte[] data) : base(data) { }
        public override int Read(byte[] buffer, int offset, int count) => base.Read(buffer, offset, Math.Min(count, 1));
    }
}
