#nullable enable
using FuzzHarness = GPhotos.Core.Tests.Fuzz.Fuzz;
using GPhotos.Saving;
using GPhotos.Verification;
using Xunit;

namespace GPhotos.Core.Tests.Saving;

/// <summary>
/// Issue 16's index fields (hashes, the same-photo key, album links, the content-changed mark) are outside bytes
/// like the rest of the index: a damaged or planted line must never lead a link, a check or a save outside the
/// destination, nor make a hash up.
/// </summary>
public class BackupIndexFuzzTests
{
    private static readonly string[] Lines =
    [
        "{\"id\":\"A\",\"source\":\"Picker\",\"path\":\"2024/IMG_1.JPG\",\"size\":5,\"sha256\":\"" + new string('a', 64) + "\",\"contentChanged\":true,\"name\":\"IMG_1.JPG\",\"taken\":\"2024-03-05T10:20:30Z\",\"width\":4032,\"height\":3024,\"type\":\"Photo\",\"links\":[\"Albums/Trip/IMG_1.JPG\",\"Albums/x/IMG_1.JPG\"]}",
        "{\"id\":\"B\",\"source\":\"Takeout\",\"path\":\"b.jpg\",\"size\":7,\"motion\":\"b.mp4\",\"motionSize\":3,\"motionSha256\":\"" + new string('0', 64) + "\",\"links\":[\"../../etc/passwd\",{\"x\":[1]},7]}\n{\"id\":\"A\",\"removed\":true}",
    ];

    [Fact]
    public void New_fields_parse_safely_or_not_at_all() => FuzzHarness.Text("index-trust-fields", Lines, text =>
    {
        foreach (string line in text.Split('\n'))
        {
            if (!DestinationIndex.TryParseLine(line, out _, out _, out IndexEntry? e) || e == null) continue;
            foreach (string link in e.Links ?? []) Assert.True(DestinationIndex.IsSafeRelativePath(link), link);
            foreach (string? hash in new[] { e.Sha256, e.MotionSha256 })
                Assert.True(hash == null || (hash.Length == 64 && hash.All(c => char.IsAsciiHexDigitLower(c) || char.IsAsciiDigit(c))), hash);
            SameMedia.KeyOf(e); // never throws, whatever the key fields hold
        }
    }, iterations: FuzzHarness.Iterations() / 3);

    [Fact]
    public void The_fast_line_reader_and_the_JSON_reader_agree_on_every_line() => FuzzHarness.Text("index-fast-line", Lines.Concat(new[]
    {
        "{\"id\":\"C\",\"source\":null,\"path\":\"c.jpg\",\"size\":-0,\"saved\":\"2026-01-02T03:04:05.0000000Z\",\"motionChecked\":false,\"width\":01,\"height\":1.0,\"links\":[]}",
        "{\"id\":\"E\",\"path\":\"e.jpg\",\"size\":3,\"motionChecked\":false,\"contentChanged\":false,\"removed\":false,\"motion\":\"e.mp4\",\"motionSize\":-4}",
        "{\"id\":\"D\",\"path\":\"d\\u00e9.jpg\",\"size\":99999999999999999999,\"id\":7,\"links\":\"x\",\"links\":[\"a\",null]} ",
    }).ToArray(), text =>
    {
        // The index is read by a fast reader for the lines Save writes and by Newtonsoft for anything else; a line
        // must mean the same to both (a planted or damaged line cannot read differently depending on its shape).
        foreach (string text0 in text.Split('\n'))
        {
            // As the loader sees it: the line's UTF-8 bytes, and for the JSON reader those bytes decoded.
            byte[] bytes = System.Text.Encoding.UTF8.GetBytes(text0);
            string line = System.Text.Encoding.UTF8.GetString(bytes);
            bool fast = DestinationIndex.TryParseLine(bytes, 0, bytes.Length, out string? id1, out bool removed1, out IndexEntry? e1);
            bool json = DestinationIndex.TryParseLine(line, out string? id2, out bool removed2, out IndexEntry? e2);
            Assert.Equal(json, fast);
            Assert.Equal(id2, id1);
            Assert.Equal(removed2, removed1);
            Assert.Equal(e2 == null ? null : DestinationIndex.Serialize(e2), e1 == null ? null : DestinationIndex.Serialize(e1));
        }
    }, iterations: FuzzHarness.Iterations() / 3);

    [Fact]
    public void A_check_of_a_damaged_index_reports_problems_and_stays_inside_the_destination()
    {
        using var folder = new TempFolder();
        Directory.CreateDirectory(folder.StateFolder);
        File.WriteAllText(Path.Combine(folder.Destination, "b.jpg"), "1234567");
        FuzzHarness.Text("index-trust-check", Lines, text =>
        {
            File.WriteAllText(folder.IndexPath, text);
            var problems = new List<BackupProblem>();
            BackupSummary s = BackupVerifier.Run(folder.Destination, full: true, problems.Add);
            Assert.Equal(problems.Count, s.Problems);
            foreach (BackupProblem p in problems)
                Assert.StartsWith(folder.Destination + Path.DirectorySeparatorChar, Path.GetFullPath(p.Path));
        }, iterations: Math.Max(20, FuzzHarness.Iterations() / 20));
    }
}
