#nullable enable
using System.Text;
using FuzzHarness = GPhotos.Core.Tests.Fuzz.Fuzz;
using GPhotos.Saving;
using Xunit;

namespace GPhotos.Core.Tests.Saving;

/// <summary>
/// The index is read as bytes (lines found in the raw file, the lines Save writes parsed in place). Whatever the
/// bytes, a line must mean what the string readers make of it decoded, and a file must load as it did when it was
/// read line by line through a StreamReader: same entries, same line and unreadable counts, same line numbers.
/// </summary>
public class DestinationIndexBytesFuzzTests
{
    private static readonly UTF8Encoding Utf8 = new(false);

    private static readonly string Sha = "e56c4836037692f8f6eb3b4fa5b4f618bf24829c1482a226d83bdd97ae3d560a";

    /// <summary>Lines as Save writes them, and near them: what the byte reader takes and what it must hand on.</summary>
    private static readonly string[] LineSamples =
    [
        "{\"id\":\"AF1QipLYl3mCHf6uVEEoOFgnbSaa3wWXpLnIjU3i_XCXopq8g\",\"source\":\"Library\",\"path\":\"DSC25880.JPG\",\"size\":4096,\"saved\":\"2026-12-06T15:00:00.3965975Z\",\"sha256\":\"" + Sha + "\",\"name\":\"DSC25880.JPG\",\"taken\":\"2024-12-28T18:28:02Z\",\"width\":6000,\"height\":4000,\"type\":\"Photo\"}",
        "{\"id\":\"B\",\"source\":\"Takeout\",\"path\":\"2024/03/b.jpg\",\"size\":7,\"saved\":\"2026-01-02T03:04:05.0000000Z\",\"motionChecked\":true,\"motion\":\"2024/03/b.mp4\",\"motionSize\":3,\"metadata\":\"2024/03/b.jpg.json\",\"motionSha256\":\"" + Sha + "\",\"contentChanged\":true,\"links\":[\"Albums/Trip/b.jpg\",\"../x\"]}",
        "{\"id\":\"C\",\"removed\":true}",
        "{\"id\":\"D\",\"path\":\"caf\u00e9.jpg\",\"size\":1,\"name\":\"caf\u00e9.jpg\",\"type\":\"Video\"}",
        "{\"id\":\"E\",\"path\":\"e.jpg\",\"size\":\"42\",\"saved\":\"2026-01-02 03:04:05\",\"future\":{\"x\":[1]},\"width\":null,\"sha256\":\"" + Sha.ToUpperInvariant() + "\"}",
        "{\"id\":\"F\",\"path\":\"f\\u0041.jpg\",\"size\":1,\"taken\":1,\"removed\":false,\"id\":\"G\"}",
        "{\"id\":\"H\",\"path\":\"CON.jpg\",\"size\":1}",
        "{\"id\":\"I\",\"path\":\"i.jpg\",\"size\":-1,\"motionSize\":-4,\"width\":0,\"height\":-0}",
        "{\"id\":\"\",\"path\":\"2024/../j.jpg\",\"size\":12345678901234567,\"x\":true,\"y\":null,\"z\":-5}",
    ];

    private static byte[][] Bytes(IEnumerable<string> texts) => texts.Select(t => Utf8.GetBytes(t)).ToArray();

    private static readonly byte[][] LineBytes = Bytes(LineSamples).Concat(new[]
    {
        new byte[] { (byte)'{', (byte)'"', 0xC3, 0x28, (byte)'"', (byte)':', (byte)'1', (byte)'}' }, // invalid UTF-8
        Utf8.GetBytes(LineSamples[0])[..100], // torn
    }).ToArray();

    private static string Outcome(bool ok, string? id, bool removed, IndexEntry? e) =>
        $"{ok}|{id}|{removed}|{(e == null ? "-" : DestinationIndex.Serialize(e))}";

    [Fact]
    public void A_line_of_bytes_means_what_its_decoded_text_means() => FuzzHarness.Bytes("index-byte-line", LineBytes, bytes =>
    {
        // Inside a larger buffer, as the loader hands lines over: the reader must keep to its range.
        var buffer = new byte[bytes.Length + 6];
        buffer[0] = buffer[1] = buffer[2] = (byte)'{';
        buffer[^1] = buffer[^2] = buffer[^3] = (byte)'}';
        bytes.CopyTo(buffer, 3);
        bool fromBytes = DestinationIndex.TryParseLine(buffer, 3, bytes.Length, out string? id1, out bool removed1, out IndexEntry? e1);
        bool fromText = DestinationIndex.TryParseLine(Utf8.GetString(bytes), out string? id2, out bool removed2, out IndexEntry? e2);
        Assert.Equal(Outcome(fromText, id2, removed2, e2), Outcome(fromBytes, id1, removed1, e1));
        if (e1 != null)
        {
            Assert.True(DestinationIndex.IsSafeRelativePath(e1.Path));
            Assert.Equal(e2!.Sha256, e1.Sha256);
            Assert.Equal(e2.MotionSha256, e1.MotionSha256);
        }
    }, iterations: FuzzHarness.Iterations() / 2);

    /// <summary>What a file meant when it was read line by line through a StreamReader (the loader before bytes).</summary>
    private static string ReadAsBefore(byte[] file)
    {
        var entries = new Dictionary<string, IndexEntry>(StringComparer.Ordinal);
        int lines = 0, unreadable = 0, unknown = 0, number = 0;
        var numbers = new List<int>();
        using var reader = new StreamReader(new MemoryStream(file), new UTF8Encoding(false), detectEncodingFromByteOrderMarks: false);
        string? line;
        while ((line = reader.ReadLine()) != null)
        {
            number++;
            if (number == 1 && line.Length > 0 && line[0] == '\uFEFF') line = line[1..];
            if (line.Length == 0) continue;
            lines++;
            if (!DestinationIndex.TryParseLine(line, out string? id, out bool removed, out IndexEntry? e) || string.IsNullOrEmpty(id))
            {
                unreadable++;
                if (numbers.Count < 10) numbers.Add(number);
                continue;
            }
            if (removed) entries.Remove(id);
            else if (e != null) entries[id] = e;
            else
            {
                unreadable++;
                unknown++;
                if (numbers.Count < 10) numbers.Add(number);
            }
        }
        return Describe(entries.Values, lines, unreadable, unknown, numbers);
    }

    private static string Describe(IEnumerable<IndexEntry> entries, int lines, int unreadable, int unknown, IEnumerable<int> numbers) =>
        string.Join("\n", entries.Select(DestinationIndex.Serialize).Order(StringComparer.Ordinal))
        + $"\nlines {lines}, unreadable {unreadable}, unknown shape {unknown}, at {string.Join(",", numbers)}";

    private static string Load(string path)
    {
        using DestinationIndex index = DestinationIndex.ReadOnly(path);
        return Describe(index.Snapshot(), index.LineCount, index.UnreadableLines, index.UnknownShapeLines, index.UnreadableLineNumbers);
    }

    private static readonly byte[][] FileSamples = Bytes(
    [
        string.Join("\n", LineSamples) + "\n",
        "\uFEFF" + string.Join("\r\n", LineSamples) + "\r\n",
        string.Join("\r", LineSamples) + "\n\n\r\n" + LineSamples[0][..80],
        "\uFEFF\uFEFF" + LineSamples[0] + "\n" + LineSamples[0].Replace("\"id\":\"AF1", "\"id\":\"AF2") + "\n{\"id\":\"AF1QipLYl3mCHf6uVEEoOFgnbSaa3wWXpLnIjU3i_XCXopq8g\",\"removed\":true}",
    ]).Concat(new[] { new byte[] { 0xEF, 0xBB, (byte)'\n', 0xE2, 0x82, (byte)'\r', (byte)'{', (byte)'}', 0xFF } }).ToArray();

    [Fact]
    public void A_file_of_any_bytes_loads_as_it_did_line_by_line()
    {
        using var folder = new TempFolder();
        Directory.CreateDirectory(folder.StateFolder);
        FuzzHarness.Bytes("index-byte-file", FileSamples, bytes =>
        {
            File.WriteAllBytes(folder.IndexPath, bytes);
            Assert.Equal(ReadAsBefore(bytes), Load(folder.IndexPath));
        }, iterations: Math.Max(50, FuzzHarness.Iterations() / 5));
    }

    [Fact]
    public void Lines_are_split_where_StreamReader_splits_them_at_any_buffer_size() => FuzzHarness.Bytes("index-line-reader", FileSamples, bytes =>
    {
        var expected = new List<string>();
        using (var text = new StreamReader(new MemoryStream(bytes), new UTF8Encoding(false), detectEncodingFromByteOrderMarks: false))
            for (string? line; (line = text.ReadLine()) != null;) expected.Add(line);
        // Small buffers put line ends, "\r\n" pairs and UTF-8 sequences across refills and make long lines grow it.
        foreach (int size in new[] { 1, 2, 3, 7, 64, 64 * 1024 })
        {
            var reader = new DestinationIndex.LineReader(new MemoryStream(bytes), size);
            var actual = new List<string>();
            while (reader.Next(out int start, out int length)) actual.Add(Utf8.GetString(reader.Buffer, start, length));
            Assert.Equal(expected, actual);
        }
    }, iterations: FuzzHarness.Iterations() / 3);

    [Fact]
    public void Huge_lines_load_whole_and_the_lines_after_them_too()
    {
        using var folder = new TempFolder();
        Directory.CreateDirectory(folder.StateFolder);
        string links = string.Join(",", Enumerable.Range(0, 20_000).Select(i => $"\"Albums/A{i}/x.jpg\""));
        string text = "{\"id\":\"A\",\"path\":\"a.jpg\",\"size\":1,\"future\":\"" + new string('x', 300_000) + "\"}\n"
            + "{\"id\":\"B\",\"path\":\"b.jpg\",\"size\":2,\"links\":[" + links + "]}\n"
            + "{\"id\":\"C\",\"path\":\"c.jpg\",\"size\":3,\"note\":\"" + new string('\u00e9', 100_000) + "\"}\n"
            + "{\"id\":\"D\",\"path\":\"d.jpg\",\"size\":4}\n" + "{\"id\":\"E\",\"path\":\"e.jpg\",\"si" + new string('z', 200_000);
        File.WriteAllText(folder.IndexPath, text);
        using DestinationIndex index = DestinationIndex.ReadOnly(folder.IndexPath);
        Assert.Equal(4, index.Count);
        Assert.True(index.TryGet("B", out IndexEntry b));
        Assert.Equal(20_000, b.Links!.Count);
        Assert.Equal(1, index.UnreadableLines);
        Assert.Equal([5], index.UnreadableLineNumbers);
        Assert.Equal(ReadAsBefore(File.ReadAllBytes(folder.IndexPath)), Load(folder.IndexPath));
    }

    [Fact]
    public void A_big_index_reads_every_entry_and_its_key_fields()
    {
        using var folder = new TempFolder();
        Directory.CreateDirectory(folder.StateFolder);
        var text = new StringBuilder();
        for (int i = 0; i < 5000; i++)
            text.Append(LineSamples[0].Replace("AF1Qip", "AF" + i.ToString("D5")).Replace("DSC25880", "D" + i)).Append('\n');
        File.WriteAllText(folder.IndexPath, text.ToString());
        using DestinationIndex index = DestinationIndex.ReadOnly(folder.IndexPath);
        Assert.Equal(5000, index.Count);
        Assert.Equal(0, index.UnreadableLines);
        Assert.True(index.TryGet("AF04999LYl3mCHf6uVEEoOFgnbSaa3wWXpLnIjU3i_XCXopq8g", out IndexEntry e));
        Assert.Equal("D4999.JPG", e.Path);
        Assert.Same(e.Path, e.Name); // one string for both
        Assert.Equal(Sha, e.Sha256);
        Assert.Equal("2024-12-28T18:28:02Z", e.Taken);
        Assert.Equal(new DateTime(2026, 12, 6, 15, 0, 0, DateTimeKind.Utc).AddTicks(3965975), e.SavedUtc);
        Assert.Equal(DateTimeKind.Utc, e.SavedUtc.Kind);
        Assert.Equal((6000L, 4000L, "Photo", "Library"), (e.Width!.Value, e.Height!.Value, e.MediaType, e.Source));
        Assert.Equal(ReadAsBefore(File.ReadAllBytes(folder.IndexPath)), Load(folder.IndexPath));
    }
}
