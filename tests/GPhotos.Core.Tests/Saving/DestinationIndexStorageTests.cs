#nullable enable
using FuzzHarness = GPhotos.Core.Tests.Fuzz.Fuzz;
using GPhotos.Saving;
using Xunit;

namespace GPhotos.Core.Tests.Saving;

/// <summary>How a loaded entry is kept small (the capture time as digits) and what the names built from an index hold.</summary>
public class DestinationIndexStorageTests
{
    [Fact]
    public void A_capture_time_reads_back_exactly_as_it_was_set() => FuzzHarness.Text("index-taken",
        ["2024-12-28T18:28:02Z", "0000-00-00T00:00:00Z", "9999-99-99T99:99:99Z", "2024-12-28T18:28:02.5Z", "2024-12-28 18:28:02Z", ""], text =>
    {
        // Kept as 14 digits only in the form SameMedia writes; any other text is kept as it is. Either way it reads back.
        var e = new IndexEntry { Taken = text };
        Assert.Equal(text, e.Taken);
        Assert.Equal(text, e.Clone().Taken);
        e.Taken = null;
        Assert.Null(e.Taken);
    });

    [Fact]
    public void A_hash_reads_back_exactly_as_it_was_set() => FuzzHarness.Text("index-sha256",
        ["e56c4836037692f8f6eb3b4fa5b4f618bf24829c1482a226d83bdd97ae3d560a", new string('f', 64), new string('0', 64), "E56C4836037692F8F6EB3B4FA5B4F618BF24829C1482A226D83BDD97AE3D560A", "abc"], text =>
    {
        // Kept as four numbers in the entry only when lowercase hex of 64 digits; any other text as it is.
        var e = new IndexEntry { Sha256 = text, MotionSha256 = text };
        Assert.Equal(text, e.Sha256);
        Assert.Equal(text, e.Clone().Sha256);
        Assert.Equal(text, e.MotionSha256);
        e.Sha256 = null;
        Assert.Null(e.Sha256);
    });

    [Fact]
    public void A_copy_of_an_entry_is_its_own_down_to_the_rare_fields()
    {
        var e = new IndexEntry { Id = "A", Path = "a.jpg", MotionPath = "a.mp4", MotionSize = 3, MetadataPath = "a.json", Links = ["x/a.jpg"], Taken = "soon", Sha256 = "ABC" };
        IndexEntry copy = e.Clone();
        copy.MotionPath = null;
        copy.MotionSize = null;
        copy.Links!.Add("y/a.jpg");
        copy.Taken = "2024-01-02T03:04:05Z";
        copy.Sha256 = new string('a', 64);
        Assert.Equal(("a.mp4", 3L, "a.json", 1, "soon", "ABC"), (e.MotionPath, e.MotionSize!.Value, e.MetadataPath, e.Links!.Count, e.Taken, e.Sha256));
        Assert.Equal((null, null, "a.json", 2, "2024-01-02T03:04:05Z"), (copy.MotionPath, copy.MotionSize, copy.MetadataPath, copy.Links.Count, copy.Taken));
        Assert.Equal(new string('a', 64), copy.Sha256);
        var plain = new IndexEntry { MotionPath = null, Links = null };
        Assert.Null(plain.MotionPath);
        Assert.Null(plain.MotionSize);
        Assert.Null(plain.Links);
        Assert.Null(plain.Taken);
        Assert.Null(plain.Sha256);
        Assert.Null(plain.MotionSha256);
    }

    [Fact]
    public void A_loaded_capture_time_is_the_text_of_the_line()
    {
        foreach (string taken in new[] { "2024-12-28T18:28:02Z", "0001-01-01T00:00:00Z", "2024-12-28T18:28:02+01:00", "x" })
        {
            string line = "{\"id\":\"A\",\"path\":\"a.jpg\",\"size\":1,\"taken\":\"" + taken + "\"}";
            byte[] bytes = System.Text.Encoding.UTF8.GetBytes(line);
            Assert.True(DestinationIndex.TryParseLine(bytes, 0, bytes.Length, out _, out _, out IndexEntry? e));
            Assert.Equal(taken, e!.Taken);
            Assert.Equal(line, DestinationIndex.Serialize(e).Replace(",\"source\":null", "").Replace(",\"saved\":\"0001-01-01T00:00:00.0000000Z\"", ""));
        }
    }

    [Fact]
    public void The_names_of_an_index_are_every_path_it_records_claimed_for_its_id()
    {
        using var folder = new TempFolder();
        Directory.CreateDirectory(folder.StateFolder);
        File.WriteAllText(folder.IndexPath,
            "{\"id\":\"A\",\"path\":\"2024/a.jpg\",\"size\":1,\"motion\":\"2024/a.mp4\",\"motionSize\":2,\"metadata\":\"2024/a.jpg.json\",\"links\":[\"Albums/T/a.jpg\"]}\n" +
            "{\"id\":\"B\",\"path\":\"b.jpg\",\"size\":1}\n{\"id\":\"B\",\"removed\":true}\n");
        using DestinationIndex index = DestinationIndex.ReadOnly(folder.IndexPath);
        DestinationNames names = DestinationNames.Of(folder.Destination, index);
        foreach (string path in new[] { "2024/a.jpg", "2024/A.JPG", "2024/a.mp4", "2024/a.jpg.json", "Albums/T/a.jpg" })
        {
            Assert.True(names.IsFreeFor(path, "A"), path);
            Assert.False(names.IsFreeFor(path, "C"), path);
        }
        Assert.True(names.IsFreeFor("b.jpg", "C")); // removed: free again
        Assert.False(names.IsFreeFor(DestinationStore.StateFolderName, "A"));
    }

    [Fact]
    public void A_path_read_without_a_copy_is_the_entry_s_and_the_latest_line_wins()
    {
        using var folder = new TempFolder();
        Directory.CreateDirectory(folder.StateFolder);
        File.WriteAllText(folder.IndexPath,
            "{\"id\":\"A\",\"path\":\"old.jpg\",\"size\":1}\n{\"id\":\"A\",\"path\":\"2024/a.jpg\",\"size\":1}\n" +
            "{\"id\":\"B\",\"path\":\"b.jpg\",\"size\":1}\n{\"id\":\"B\",\"removed\":true}\n");
        using DestinationIndex index = DestinationIndex.ReadOnly(folder.IndexPath);
        Assert.True(index.TryGetPath("A", out string? path));
        Assert.Equal("2024/a.jpg", path);
        Assert.True(index.TryGet("A", out IndexEntry? entry));
        Assert.Equal(entry!.Path, path);
        Assert.False(index.TryGetPath("B", out path)); // removed
        Assert.Null(path);
        Assert.False(index.TryGetPath("C", out _));
    }
}
