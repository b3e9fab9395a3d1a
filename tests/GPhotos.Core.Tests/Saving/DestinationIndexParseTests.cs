using GPhotos.Saving;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;
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

    [Theory]
    [InlineData("2024/03/IMG_0001.JPG")]
    [InlineData("Ünïcödé/日本語 \"quoted\" back\\slash.jpg")]
    [InlineData("ctl\u0001\u001f tab\t nl\n cr\r bs\b ff\f nel\u0085 ls\u2028 ps\u2029 del\u007f.jpg")]
    [InlineData("emoji 😀 and a lone surrogate \ud800.jpg")]
    public void A_line_written_by_hand_is_the_JSON_Newtonsoft_wrote_and_reads_back(string text)
    {
        // The serializer was hand-written for speed (once per saved file); older versions read these lines with
        // Newtonsoft, so the line must be the same JSON (same fields, same values) as its writer produced.
        var e = new IndexEntry
        {
            Id = "id-" + text, Source = "Takeout", Path = "p/" + text, Size = 9_876_543_210, SavedUtc = new DateTime(2026, 1, 2, 3, 4, 5, DateTimeKind.Utc).AddTicks(1234),
            MotionChecked = true, MotionPath = "m/" + text, MotionSize = 42, MetadataPath = "x/" + text + ".json",
            Sha256 = new string('a', 64), MotionSha256 = new string('b', 64), ContentChanged = true,
            Name = text, Taken = "2021-03-14T10:15:00Z", Width = 4032, Height = 3024, MediaType = "Photo", Links = new() { "albums/" + text, "albums/two" },
        };
        string line = DestinationIndex.Serialize(e);
        var reference = new JObject
        {
            ["id"] = e.Id, ["source"] = e.Source, ["path"] = e.Path, ["size"] = e.Size, ["saved"] = e.SavedUtc.ToString("o"),
            ["motionChecked"] = true, ["motion"] = e.MotionPath, ["motionSize"] = 42, ["metadata"] = e.MetadataPath,
            ["sha256"] = e.Sha256, ["motionSha256"] = e.MotionSha256, ["contentChanged"] = true,
            ["name"] = e.Name, ["taken"] = e.Taken, ["width"] = 4032, ["height"] = 3024, ["type"] = "Photo", ["links"] = new JArray("albums/" + text, "albums/two"),
        };
        Assert.Equal(reference.ToString(Formatting.None), line); // byte for byte what Newtonsoft writes
        Assert.DoesNotContain('\n', line); // one line
        Assert.True(DestinationIndex.TryParseLine(line, out string id, out _, out IndexEntry back));
        Assert.Equal(e.Id, id);
        if (DestinationIndex.IsSafeRelativePath(e.Path)) // an unsafe path (control characters, backslash) is read and ignored
        {
            Assert.Equal(e.Name, back.Name);
            Assert.Equal(e.Links, back.Links);
        }

        var bare = new IndexEntry { Id = "A", Source = null, Path = "a.jpg", Size = 0, SavedUtc = e.SavedUtc };
        Assert.Equal(new JObject { ["id"] = "A", ["source"] = null, ["path"] = "a.jpg", ["size"] = 0, ["saved"] = e.SavedUtc.ToString("o") }.ToString(Formatting.None),
            DestinationIndex.Serialize(bare));
    }

    [Theory]
    [InlineData("\"saved\":\"2026-01-02T03:04:05.1234567Z\"")]                       // what Serialize writes: read in place
    [InlineData("\"saved\":\"2026-01-02T03:04:05Z\"")]                               // another form: DateTime.TryParse
    [InlineData("\"saved\":\"2026-02-30T03:04:05.0000000Z\"")]                       // no such day: both readers give no time
    [InlineData("\"saved\":\"2026-01-02T24:04:05.0000000Z\"")]
    [InlineData("\"saved\":\"0000-01-02T03:04:05.0000000Z\"")]
    [InlineData("\"saved\":\"2026-01-02T03:04:05.1234567Z\",\"saved\":\"2020-01-01T00:00:00Z\"")] // the last one wins
    [InlineData("\"saved\":\"2020-01-01T00:00:00Z\",\"saved\":\"2026-01-02T03:04:05.1234567Z\"")]
    [InlineData("\"saved\":\"2026-01-02T03:04:05.1234567Z\",\"saved\":null")]
    [InlineData("\"saved\":\"2026-01-02T03:04:05.1234567Z\",\"saved\":7")]
    [InlineData("\"source\":\"Takeout\",\"type\":\"Video\",\"unknown\":\"x\",\"flag\":true,\"n\":5,\"z\":null")]
    [InlineData("\"source\":\"Library\",\"source\":\"Elsewhere\",\"type\":\"Photo\",\"width\":4032,\"height\":3024,\"motionSize\":7,\"size\":\"5\"")]
    [InlineData("\"removed\":false,\"motionChecked\":true,\"contentChanged\":false,\"size\":true")]
    public void The_fast_reader_reads_what_the_full_reader_reads(string fields)
    {
        string line = "{\"id\":\"A\",\"path\":\"a.jpg\",\"size\":1," + fields + "}";
        byte[] bytes = System.Text.Encoding.UTF8.GetBytes(line);
        Assert.True(DestinationIndex.TryParseLine(bytes, 0, bytes.Length, out string id1, out bool removed1, out IndexEntry fast));
        Assert.True(DestinationIndex.TryParseLine(line, out string id2, out bool removed2, out IndexEntry json));
        Assert.Equal(id2, id1);
        Assert.Equal(removed2, removed1);
        Assert.Equal(json == null ? null : DestinationIndex.Serialize(json), fast == null ? null : DestinationIndex.Serialize(fast));
        if (json != null) Assert.Equal(json.SavedUtc, fast.SavedUtc);
    }

    [Fact]
    public void The_same_photo_is_found_by_its_key_after_a_load_and_the_later_line_wins()
    {
        string folder = Path.Combine(Path.GetTempPath(), "gphotos-index-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        try
        {
            string path = Path.Combine(folder, DestinationIndex.FileName);
            string Line(string id, string source, string file) =>
                "{\"id\":\"" + id + "\",\"source\":\"" + source + "\",\"path\":\"" + file + "\",\"size\":1,\"name\":\"IMG.JPG\",\"taken\":\"2024-03-05T10:20:30Z\",\"width\":4032,\"height\":3024,\"type\":\"Photo\"}\n";
            File.WriteAllText(path, Line("A", "Picker", "a.jpg") + Line("B", "Library", "b.jpg") + Line("C", "Library", "c.jpg") + "{\"id\":\"C\",\"removed\":true}\n");
            var item = new GPhotos.Model.MediaItem
            {
                Id = "T", Filename = "IMG.JPG", MediaType = GPhotos.Model.MediaType.Photo,
                MediaMetadata = new GPhotos.Model.MediaMetadata { CreationTime = new DateTime(2024, 3, 5, 10, 20, 30, DateTimeKind.Utc), Width = 4032, Height = 3024 },
            };
            string key = SameMedia.KeyOf(item);
            using DestinationIndex index = DestinationIndex.Open(path);
            Assert.Equal("B", index.FindSame(key, "T")?.Id); // C was removed: B is the last live line with the key
            Assert.Null(index.FindSame(key, "B"));          // never the item itself
            index.Remove("B");
            Assert.Equal("A", index.FindSame(key, "T")?.Id); // B's removal hands the key to A, the last live entry with it (not "none": the photo would be saved twice)
            index.Append(new IndexEntry { Id = "D", Source = "Library", Path = "d.jpg", Size = 1, Name = "IMG.JPG", Taken = "2024-03-05T10:20:30Z", Width = 4032, Height = 3024, MediaType = "Photo" });
            Assert.Equal("D", index.FindSame(key, "T")?.Id); // appended after the keys were built
        }
        finally { Directory.Delete(folder, true); }
    }

    [Theory]
    [InlineData(false)] // keys built at load, before the changes
    [InlineData(true)]  // keys built after the changes (the first FindSame comes late)
    public void A_key_stays_found_while_any_entry_with_it_lives(bool buildLate)
    {
        string folder = Path.Combine(Path.GetTempPath(), "gphotos-index-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        try
        {
            string path = Path.Combine(folder, DestinationIndex.FileName);
            IndexEntry Entry(string id, string name) => new IndexEntry { Id = id, Source = "Library", Path = id + ".jpg", Size = 1, Name = name, Taken = "2024-03-05T10:20:30Z", Width = 4032, Height = 3024, MediaType = "Photo" };
            var item = new GPhotos.Model.MediaItem
            {
                Id = "T", Filename = "IMG.JPG", MediaType = GPhotos.Model.MediaType.Photo,
                MediaMetadata = new GPhotos.Model.MediaMetadata { CreationTime = new DateTime(2024, 3, 5, 10, 20, 30, DateTimeKind.Utc), Width = 4032, Height = 3024 },
            };
            string key = SameMedia.KeyOf(item);
            using DestinationIndex index = DestinationIndex.Open(path);
            if (!buildLate) Assert.Null(index.FindSame(key, "T"));
            index.Append(Entry("A", "IMG.JPG"));
            index.Append(Entry("B", "IMG.JPG"));
            index.Append(Entry("C", "IMG.JPG"));
            index.Append(Entry("X", "OTHER.JPG"));
            Assert.Equal("C", index.FindSame(key, "T")?.Id); // the latest owns the key
            index.Remove("C");
            Assert.Equal("B", index.FindSame(key, "T")?.Id); // then the latest of the rest
            index.Append(Entry("A", "IMG.JPG"));             // A saved again: now the latest
            Assert.Equal("A", index.FindSame(key, "T")?.Id);
            index.Remove("A");
            Assert.Equal("B", index.FindSame(key, "T")?.Id);
            index.Append(Entry("B", "RENAMED.JPG"));         // B's key changes: no entry has the key any more
            Assert.Null(index.FindSame(key, "T"));
            index.Append(Entry("D", "IMG.JPG"));
            Assert.Equal("D", index.FindSame(key, "T")?.Id);
            Assert.Null(index.FindSame(key, "D"));           // never the item itself
        }
        finally { Directory.Delete(folder, true); }
    }
}
