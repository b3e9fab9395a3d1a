using GPhotos.Saving;
using Xunit;

namespace GPhotos.Core.Tests.Saving;

public class DestinationIndexParseTests
{
    [Fact]
    public void A_complete_line_parses_and_a_written_line_reads_back()
    {
        var written = new IndexEntry { Id = "A", Source = "Library", Path = "2024/03/IMG.JPG", Size = 123, SavedUtc = new DateTime(2026, 1, 2, 3, 4, 5, DateTimeKind.Utc), MotionChecked = true, MotionPath = "2024/03/IMG.MP4", MotionSize = 9 };
        Assert.True(DestinationIndex.TryParseLine(DestinationIndex.Serialize(written), out string id, out bool removed, out IndexEntry e));
        Assert.Equal("A", id);
        Assert.False(removed);
        Assert.Equal(written.Path, e.Path);
        Assert.Equal(123, e.Size);
        Assert.Equal(written.SavedUtc, e.SavedUtc);
        Assert.True(e.MotionChecked);
        Assert.Equal(9, e.MotionSize);
    }

    [Theory]
    [InlineData("{\"id\":\"A\",\"path\":\"x.jpg\",\"size\":1")]      // torn by a crash
    [InlineData("{\"id\":\"A\",\"path\":\"x.jpg\",\"size\":1}}")]    // trailing garbage
    [InlineData("{\"id\":\"A\",\"pa")]
    [InlineData("[1,2]")]
    [InlineData("not json")]
    public void A_damaged_line_is_rejected(string line) => Assert.False(DestinationIndex.TryParseLine(line, out _, out _, out _));

    [Fact]
    public void A_removal_line_names_the_id()
    {
        Assert.True(DestinationIndex.TryParseLine("{\"id\":\"A\",\"removed\":true}", out string id, out bool removed, out IndexEntry e));
        Assert.Equal("A", id);
        Assert.True(removed);
        Assert.Null(e);
    }

    [Theory]
    [InlineData("{\"id\":\"A\",\"path\":\"../../etc/passwd\",\"size\":1}")]
    [InlineData("{\"id\":\"A\",\"path\":\"x.jpg\",\"size\":-1}")]
    [InlineData("{\"id\":\"A\",\"path\":\"x.jpg\"}")]
    public void An_unusable_entry_is_ignored(string line)
    {
        Assert.True(DestinationIndex.TryParseLine(line, out _, out _, out IndexEntry e));
        Assert.Null(e);
    }

    [Fact]
    public void Unknown_fields_and_sizes_as_strings_are_tolerated()
    {
        Assert.True(DestinationIndex.TryParseLine("{\"id\":\"A\",\"future\":{\"x\":[1]},\"path\":\"a.jpg\",\"size\":\"42\"}", out _, out _, out IndexEntry e));
        Assert.Equal(42, e.Size);
    }

    [Fact]
    public void A_previewed_index_is_reused_only_while_the_file_is_unchanged()
    {
        string folder = Path.Combine(Path.GetTempPath(), "gphotos-index-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        try
        {
            string path = Path.Combine(folder, DestinationIndex.FileName);
            File.WriteAllText(path, "{\"id\":\"A\",\"path\":\"a.jpg\",\"size\":1}\n");
            using (DestinationIndex unchanged = DestinationIndex.ReadOnly(path))
                Assert.True(unchanged.TryOpenForAppend());

            using DestinationIndex stale = DestinationIndex.ReadOnly(path);
            File.AppendAllText(path, "{\"id\":\"B\",\"path\":\"b.jpg\",\"size\":2}\n"); // another run wrote meanwhile
            Assert.False(stale.TryOpenForAppend());
        }
        finally { Directory.Delete(folder, true); }
    }
}
