#nullable enable
using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using GPhotos.Auth;
using GPhotos.Http;
using GPhotos.Model;
using GPhotos.Sources;
using GPhotos.Sources.Library;
using Xunit;

namespace GPhotos.Core.Tests.Sources;

/// <summary>Listing pages read straight from the response stream (issue 15): what it costs, and what a cut or stalled body does.</summary>
[Collection(EmulatorCollection.Name)]
public class StreamingPageTests : IAsyncLifetime
{
    private static readonly Uri Where = new("https://photoslibrary.googleapis.com/v1/mediaItems");
    private readonly EmulatorFixture _emu;
    private string _token = "";

    public StreamingPageTests(EmulatorFixture emu) => _emu = emu;

    public async Task InitializeAsync()
    {
        await _emu.PostAsync("reset", new { empty = true });
        JsonNode token = await _emu.PostAsync("tokens", new { scopes = new[] { GPhotosScopes.LibraryReadAppCreated } });
        _token = (string)token["accessToken"]!;
    }

    public Task DisposeAsync() => Task.CompletedTask;

    private sealed class FixedToken(string token) : IAccessTokenProvider
    {
        public Task<string> GetAccessTokenAsync(CancellationToken cancellationToken) => Task.FromResult(token);
        public Task<string> RefreshAccessTokenAsync(string rejectedToken, CancellationToken cancellationToken) => Task.FromResult(token);
    }

    /// <summary>A 100-item page shaped like Google's (and the emulator's): long ids and URLs, int64 as strings.</summary>
    private static byte[] RealisticPage()
    {
        var items = Enumerable.Range(0, 100).Select(i =>
        {
            string id = "AF1QipPCWz8w9jNUuzonNYP3AxSBf6ydEVQfWHEuIdT" + i.ToString("d6");
            return $$$"""{"id":"{{{id}}}","productUrl":"https://photos.google.com/lr/photo/{{{id}}}","baseUrl":"https://lh3.googleusercontent.com/lr/sQECAAAAMwAAAFnf-UqiAQAAAAAAAIrK-7uBB7XVZBnM5Q{{{i}}}","mimeType":"image/jpeg","mediaMetadata":{"creationTime":"2024-12-27T18:29:59Z","width":"4032","height":"3024","photo":{"cameraMake":"Google","cameraModel":"Pixel 8","focalLength":6.9,"apertureFNumber":1.68,"isoEquivalent":52,"exposureTime":"0.008s"}},"filename":"PXL_20241227_182959{{{i}}}.jpg"}""";
        });
        return Encoding.UTF8.GetBytes("""{"mediaItems":[""" + string.Join(",", items) + """],"nextPageToken":"CkEKPxI9"}""");
    }

    [Fact]
    public void A_listed_item_costs_its_MediaItem_not_a_JObject_tree()
    {
        byte[] body = RealisticPage();
        MediaPage Read() => GoogleApiClient.ReadBody(new MemoryStream(body), Where, r => LibraryClient.ReadPage(r, DateTime.UtcNow));
        Assert.Equal(100, Read().Items.Count); // warm: nothing of the first call's JIT counts
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 10; i++) Read();
        double perItem = (GC.GetAllocatedBytesForCurrentThread() - before) / 1000.0;
        // Measured 1.6 KB (its strings, the MediaItem and its metadata, the reader's buffers); loading the page as a
        // JObject first cost 8.8 KB per item on this page.
        Assert.True(perItem < 2500, $"{perItem:0} bytes allocated per listed item");
    }

    [Fact]
    public void Repeated_keys_keep_the_last_at_every_level_as_a_loaded_JObject_did()
    {
        byte[] body = Encoding.UTF8.GetBytes("""
            {"mediaItems":[{"id":"old"}],"nextPageToken":"t1",
             "mediaItems":[{"id":"a","id":"b","mimeType":"image/png",
                            "mediaMetadata":{"video":{"fps":30},"width":"1","width":"2","video":"not an object"}},
                           {"id":"c","mediaMetadata":{"photo":{"cameraMake":"X"},"photo":{}}}],
             "nextPageToken":"t2"}
            """);
        MediaPage page = GoogleApiClient.ReadBody(new MemoryStream(body), Where, r => LibraryClient.ReadPage(r, DateTime.UtcNow));
        Assert.Equal(new[] { "b", "c" }, page.Items.Select(i => i.Id));
        Assert.Equal("t2", page.NextPageToken);
        MediaItem b = page.Items[0];
        Assert.Equal(2, b.Width);
        Assert.Null(b.MediaMetadata.Video);
        Assert.Equal(MediaType.Photo, b.MediaType); // the later "video" is no object: the mime type decides
        Assert.Null(page.Items[1].CameraMake);
    }

    [Fact]
    public async Task A_page_cut_mid_body_lists_none_of_its_items_and_is_asked_again_whole()
    {
        var items = Enumerable.Range(1, 40).Select(i => new { filename = $"IMG_{i:d4}.JPG", type = "PHOTO" }).ToArray();
        await _emu.PostAsync("items", new { items });
        await _emu.ClearCountersAsync();
        await _emu.PostAsync("faults", new { rules = new[] { new { target = "library", kind = "truncate" } } });
        using var api = new GoogleApiClient(_emu.Endpoints, new FixedToken(_token), new RetryPolicy { DelayScale = 0, MaxAttempts = 3 });
        MediaPage page = await new LibraryClient(api).GetPageAsync(null, null, default);
        Assert.Equal(40, page.Items.Select(i => i.Id).Distinct().Count());
        Assert.Equal(40, page.Items.Count);
        Assert.Equal(2, await _emu.CounterAsync("library.list"));
    }

    [Fact]
    public async Task Ctrl_C_while_a_page_body_stalls_half_way_ends_within_a_second()
    {
        var stalled = new StallingContent(Encoding.UTF8.GetBytes("""{"mediaItems":[{"id":"a"},{"id":"""));
        using var api = new GoogleApiClient(GoogleEndpoints.Google, new FixedToken("t"), new RetryPolicy { DelayScale = 0, MaxAttempts = 1 }, new FixedHandler(stalled));
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(500));
        var clock = Stopwatch.StartNew();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => new LibraryClient(api).GetPageAsync(null, null, cts.Token));
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(1.5), $"took {clock.Elapsed}");
    }

    /// <summary>Answers every request with 200 and the given content.</summary>
    private sealed class FixedHandler(HttpContent content) : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
            => Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK) { Content = content, RequestMessage = request });
    }

    /// <summary>A body that sends its first bytes, then nothing until it is disposed (a server gone quiet mid-page).</summary>
    private sealed class StallingContent(byte[] head) : HttpContent
    {
        private readonly StallingStream _stream = new(head);
        protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) => throw new NotSupportedException();
        protected override bool TryComputeLength(out long length) { length = 0; return false; }
        protected override Task<Stream> CreateContentReadStreamAsync() => Task.FromResult<Stream>(_stream);
        protected override void Dispose(bool disposing) { if (disposing) _stream.Dispose(); base.Dispose(disposing); }
    }

    private sealed class StallingStream(byte[] head) : MemoryStream(head)
    {
        private readonly ManualResetEventSlim _closed = new();
        public override int Read(byte[] buffer, int offset, int count)
        {
            int n = base.Read(buffer, offset, count);
            if (n > 0) return n;
            _closed.Wait(TimeSpan.FromSeconds(30));
            throw new ObjectDisposedException(nameof(StallingStream));
        }
        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
            => Task.Run(() => Read(buffer, offset, count), CancellationToken.None);
        protected override void Dispose(bool disposing) { _closed.Set(); base.Dispose(disposing); }
    }
}
