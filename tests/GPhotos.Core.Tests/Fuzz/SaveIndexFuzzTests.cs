#nullable enable
using System.Text;
using GPhotos.Saving;
using Xunit;

namespace GPhotos.Core.Tests.Fuzz;

/// <summary>
/// The destination index (<c>.gphotos/index.jsonl</c>) is outside bytes too: torn by a crash, edited by hand, written
/// by another version. Loading it must never throw and never lose a valid line because of a damaged one.
/// </summary>
public class SaveIndexFuzzTests
{
    private const string Sentinel = "{\"id\":\"sentinel-zz\",\"source\":\"Library\",\"path\":\"2024/03/SENTINEL.JPG\",\"size\":4242,\"saved\":\"2026-05-01T02:03:04.0000000Z\"}";

    private static readonly byte[][] Samples =
    [
        Encoding.UTF8.GetBytes(
            "{\"id\":\"AF1QipA\",\"source\":\"Library\",\"path\":\"2024/03/IMG_0001.JPG\",\"size\":2481123,\"saved\":\"2026-05-01T02:03:04.0000000Z\",\"motionChecked\":true,\"motion\":\"2024/03/IMG_0001.MP4\",\"motionSize\":912345,\"metadata\":\"2024/03/IMG_0001.JPG.json\"}\n" +
            "{\"id\":\"AF1QipB\",\"source\":\"Takeout\",\"path\":\"IMG_0001~3fa9c2d1.JPG\",\"size\":17,\"saved\":\"2026-05-01T02:03:04.0000000Z\"}\n" +
            "{\"id\":\"AF1QipA\",\"removed\":true}\n"),
        Encoding.UTF8.GetBytes("{\"id\":\"x\",\"path\":\"a.jpg\",\"size\":1}\n{\"id\":\"y\",\"path\":\"../../etc/passwd\",\"size\":1}\n{\"id\":\"z\",\"path\":\"b.jpg\",\"size\":1e30}\n"),
    ];

    /// <summary>Runs <paramref name="test"/> with the path of an index file in a fresh temp folder, deleted afterwards.</summary>
    private static void WithIndexFile(Action<string> test)
    {
        string folder = Path.Combine(Path.GetTempPath(), "gphotos-index-fuzz", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        try { test(Path.Combine(folder, "index.jsonl")); }
        finally
        {
            try { Directory.Delete(folder, true); } catch (IOException) { }
        }
    }

    [Fact]
    public void LoadingNeverThrowsAndNeverLosesAValidLine() => WithIndexFile(path =>
    {
        byte[] tail = Encoding.UTF8.GetBytes("\n" + Sentinel + "\n");
        Fuzz.Bytes("destination-index", Samples, bytes =>
        {
            using (var f = new FileStream(path, FileMode.Create))
            {
                f.Write(bytes);
                f.Write(tail);
            }
            using DestinationIndex index = DestinationIndex.ReadOnly(path);
            Assert.True(index.TryGet("sentinel-zz", out IndexEntry? kept), "the valid line after the damage was lost");
            Assert.Equal("2024/03/SENTINEL.JPG", kept!.Path);
            Assert.Equal(4242, kept.Size);
            Assert.True(index.Count + index.UnreadableLines <= index.LineCount);
            foreach (IndexEntry e in index.Snapshot())
            {
                Assert.True(DestinationIndex.IsSafeRelativePath(e.Path), e.Path); // nothing leads outside the destination
                Assert.True(e.Size >= 0);
            }
        }, iterations: Fuzz.Iterations() / 3);
    });

    [Fact]
    public void AFirstLineThatStartsLikeAUtf16MarkDoesNotTurnTheRestIntoGarbage() => WithIndexFile(path =>
    {
        File.WriteAllBytes(path, [0xFF, 0xFE, .. Encoding.UTF8.GetBytes("torn\n" + Sentinel + "\n")]);
        using DestinationIndex index = DestinationIndex.ReadOnly(path);
        Assert.True(index.TryGet("sentinel-zz", out _));
        Assert.Equal(1, index.UnreadableLines);

        File.WriteAllBytes(path, [0xEF, 0xBB, 0xBF, .. Encoding.UTF8.GetBytes(Sentinel + "\n")]); // an editor's UTF-8 BOM
        using DestinationIndex bom = DestinationIndex.ReadOnly(path);
        Assert.True(bom.TryGet("sentinel-zz", out _));
        Assert.Equal(0, bom.UnreadableLines);
    });
}
