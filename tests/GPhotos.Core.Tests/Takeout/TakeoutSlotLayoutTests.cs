using System.Reflection;
using GPhotos.Model;
using GPhotos.Sources.Takeout;
using Xunit;
using static GPhotos.Core.Tests.Takeout.TakeoutFixtures;

namespace GPhotos.Core.Tests.Takeout;

/// <summary>
/// Issue 15: a zip part's entries stay slots of its directory (no object per entry while the parts are indexed), items
/// are grouped by a 64-bit hash of their key, a media file is its entry and a sidecar its parsed JSON. Each test pins
/// that the smaller layout gives the same answers, the rare paths (hash collisions, directory slots) included.
/// </summary>
[Collection("Takeout")]
public sealed class TakeoutSlotLayoutTests
{
    private const string Year = "Takeout/Google Photos/Photos from 2021/";
    private readonly TakeoutExports _exports;

    public TakeoutSlotLayoutTests(TakeoutExports exports) => _exports = exports;

    /// <summary>Every field a user sees, one line per item, then the warnings.</summary>
    private static List<string> Listing(string[] parts, bool collide)
    {
        var reader = new TakeoutReader(parts, new TakeoutReaderOptions { IncludeTrashed = true });
        TakeoutReader.HashForTests = collide ? _ => 42UL : null;
        try
        {
            var lines = reader.ReadItems().Select(i => string.Join("|", i.Id, i.Filename, i.MimeType, i.MediaType, i.CreationTime?.ToString("o"),
                i.Latitude, i.Longitude, i.Altitude, i.Description, i.ProductUrl, string.Join(",", i.Albums), string.Join(",", i.People),
                i.IsFavorite, i.IsArchived, i.IsTrashed, i.TakeoutArchive, i.TakeoutEntry, i.Size, i.Takeout?.Crc32,
                i.Takeout?.MotionVideoEntry, i.Takeout?.MotionVideoArchive, i.Width, i.Height, i.CameraMake, i.CameraModel)).ToList();
            lines.AddRange(reader.Stats.Warnings.Select(w => "WARNING " + w));
            lines.Add($"stats {reader.Stats.Items} {reader.Stats.Entries} {reader.Stats.DuplicateEntries} {reader.Stats.DuplicatesMerged} {reader.Stats.OrphanSidecars} {reader.Stats.WithoutSidecar}");
            return lines;
        }
        finally { TakeoutReader.HashForTests = null; }
    }

    [Theory]
    [InlineData(false, false)]
    [InlineData(true, false)]
    [InlineData(false, true)]
    public void Every_hash_colliding_gives_the_same_items_and_warnings(bool tgz, bool folders)
    {
        var m = _exports.Get(parts: 3, tgz: tgz, folders: folders);
        var parts = TakeoutAssert.PartPaths(m);
        var normal = Listing(parts, collide: false);
        var collided = Listing(parts, collide: true);
        Assert.True(normal.Count > 20, "the export has items");
        Assert.Equal(normal, collided);
    }

    [Fact]
    public void Repeated_names_and_paths_in_two_parts_are_told_apart_when_every_hash_collides()
    {
        var dir = _exports.Scratch("slot-collide");
        var one = Zip(Path.Combine(dir, "takeout-001.zip"),
            (Year + "IMG.jpg", Jpeg(fill: 1)), (Year + "IMG.jpg", Jpeg(fill: 2)), (Year + "IMG.jpg.json", Utf8(Sidecar("IMG.jpg", "ID1"))),
            (Year + "B.jpg", Jpeg(fill: 3)), (Year + "B.jpg.json", Utf8(Sidecar("B.jpg", "ID2"))));
        var two = Zip(Path.Combine(dir, "takeout-002.zip"),
            (Year.ToUpperInvariant() + "b.JPG", Jpeg(fill: 4)), (Year + "C.jpg", Jpeg(fill: 5)), (Year + "C.jpg.json", Utf8(Sidecar("C.jpg", "ID3"))),
            ("Takeout/Google Photos/Trip/C.jpg", Jpeg(fill: 5)), ("Takeout/Google Photos/Trip/C.jpg.json", Utf8(Sidecar("C.jpg", "ID3"))));
        var normal = Listing(new[] { one, two }, collide: false);
        var collided = Listing(new[] { one, two }, collide: true);
        Assert.Equal(normal, collided);
        Assert.Contains(collided, l => l.StartsWith("WARNING ", StringComparison.Ordinal) && l.Contains("more than once", StringComparison.Ordinal));
        Assert.Contains(collided, l => l.StartsWith("WARNING ", StringComparison.Ordinal) && l.Contains("is in both", StringComparison.Ordinal));
        // C.jpg in its year folder and in the album: one item with the album; IMG.jpg twice: two items.
        Assert.Single(collided, l => l.StartsWith("ID3|", StringComparison.Ordinal) && l.Contains("|Trip|", StringComparison.Ordinal));
        Assert.Equal(2, collided.Count(l => l.Contains("|IMG.jpg|", StringComparison.Ordinal)));
    }

    [Fact]
    public void A_zip_slot_is_a_file_exactly_when_its_name_does_not_end_in_a_slash()
    {
        var zip = ZipBytes(("a/", Array.Empty<byte>()), ("a/b.jpg", Utf8("x")), ("a/c/", Array.Empty<byte>()), ("./x.jpg", Utf8("y")),
            ("/y/z.json", Utf8("{}")), ("top", Utf8("z")), ("a/c/d/", Array.Empty<byte>()), ("a/c/e", Utf8("w")));
        var dir = ZipDirectory.Read(new MemoryStream(zip));
        Assert.Equal(8, dir.Count);
        var files = Enumerable.Range(0, dir.Count).Where(dir.IsFile).Select(dir.Name).ToArray();
        Assert.Equal(new[] { "a/b.jpg", "x.jpg", "y/z.json", "top", "a/c/e" }, files);
        for (int i = 0; i < dir.Count; i++) Assert.Equal(dir.Name(i).Length > 0 && !dir.Name(i).EndsWith('/'), dir.IsFile(i));
    }

    [Fact]
    public void A_zip_part_is_indexed_without_an_entry_per_slot_and_makes_entries_on_demand()
    {
        var dir = _exports.Scratch("slot-index");
        var path = Zip(Path.Combine(dir, "takeout-001.zip"), ("Takeout/", Array.Empty<byte>()), (Year + "A.jpg", Jpeg(fill: 1)), (Year + "A.jpg", Jpeg(fill: 2, payload: 90)));
        using var a = new IndexedArchive { Path = path, Kind = TakeoutInputKind.Zip, OrdinalBase = 1000 };
        TakeoutArchives.IndexZip(a, CancellationToken.None);
        Assert.Empty(a.Entries);
        Assert.Equal(3, a.SlotCount);
        Assert.False(a.IsFile(0));
        a.ZipRepeats = new Dictionary<int, int> { [2] = 2 };
        var first = a.EntryAt(1);
        var second = a.EntryAt(2);
        Assert.Equal((Year + "A.jpg", 1, 1001L, 1), (first.EntryPath, first.ZipIndex, first.Ordinal, first.Occurrence));
        Assert.Equal((Year + "A.jpg#2", 2, 1002L, 2), (second.Address, second.ZipIndex, second.Ordinal, second.Occurrence));
        Assert.NotEqual(first.Size, second.Size);
        Assert.Equal(a.ZipDir!.Crc(2), second.Crc);
        a.Failed = true;
        Assert.Equal(0, a.SlotCount); // a part that failed gives no entries, as before
    }

    [Fact]
    public void A_zip_media_file_keeps_its_name_only_while_its_folder_is_matched()
    {
        var dir = _exports.Scratch("slot-names");
        // "Cafe\u0301" is the NFD spelling: the name the reader matches and emits is the NFC one, made again each time.
        var path = Zip(Path.Combine(dir, "takeout-001.zip"), (Year + "Cafe\u0301(1).JPG", Jpeg(fill: 1)), (Year + "B.jpg", Jpeg(fill: 2)));
        using var a = new IndexedArchive { Path = path, Kind = TakeoutInputKind.Zip };
        TakeoutArchives.IndexZip(a, CancellationToken.None);
        var folder = new TakeoutFolder { Key = "Photos from 2021", Name = "Photos from 2021" };
        var m = new MediaFile(a.EntryAt(0)) { Name = ParsedMediaName.Parse("Caf\u00e9(1).JPG"), Folder = folder };
        m.DropStoredName();
        Assert.False(m.NameIsStored);
        Assert.Equal(("Caf\u00e9(1).JPG", "Caf\u00e9.JPG", ".JPG", 1), (m.Name.Name, m.Name.FullNoIndex, m.Name.Ext, m.Name.Index));
        Assert.True(m.Pin());
        Assert.True(m.NameIsStored);
        m.Unpin();
        Assert.False(m.NameIsStored);

        // A name cut from the path below the Photos root that the entry's own name does not give again is kept.
        var other = new MediaFile(a.EntryAt(1)) { Name = ParsedMediaName.Parse("Not B.jpg"), Folder = folder };
        other.DropStoredName();
        Assert.True(other.NameIsStored);
        Assert.False(other.Pin());
        Assert.Equal("Not B.jpg", other.Name.Name);

        // Tar and folder entries have no directory to read it from: theirs is kept.
        var tar = new MediaFile(new IndexedEntry { EntryPath = Year + "C.jpg", Size = 1 }) { Name = ParsedMediaName.Parse("C.jpg"), Folder = folder };
        tar.DropStoredName();
        Assert.True(tar.NameIsStored);
    }

    [Theory]
    [InlineData("AF1QipMkq9B3xYz_-0123456789abcdefghijklmnopq")] // Google's usual 44 characters: packed in the object
    [InlineData("x")]
    [InlineData("A1234567890123456789012345678901234567890123456789")] // 50: the most that is packed
    [InlineData("A12345678901234567890123456789012345678901234567890")] // 51: kept as a string
    [InlineData("AF1Qip\u00e9\u00fc")]                               // a letter outside Google's alphabet: kept as a string
    public void A_photo_id_is_given_back_as_written_and_only_an_unusual_one_needs_a_side_object(string photoId)
    {
        var json = TakeoutSidecar.Parse(Utf8(Sidecar("a.jpg", photoId)), false);
        var kept = SidecarFile.Create(new IndexedEntry { EntryPath = Year + "a.jpg.json", Size = 1 }, json);
        Assert.Equal((photoId, "https://photos.google.com/photo/" + photoId), (json.PhotoId, json.Url));
        Assert.Equal((photoId, "https://photos.google.com/photo/" + photoId), (kept.Json.PhotoId, kept.Json.Url));
        Assert.Equal("a.jpg", kept.Title);
        ClearPath(kept); // as a zip sidecar: no path of its own
        bool packed = photoId.Length <= 50 && photoId.All(c => c < 128);
        Assert.Equal(packed, typeof(TakeoutSidecar).GetField("_rare", BindingFlags.Instance | BindingFlags.NonPublic)!.GetValue(kept) == null);
    }

    /// <summary>A tar/folder sidecar keeps its path in the side object; a zip one does not: the zip case, by hand.</summary>
    private static SidecarFile ClearPath(SidecarFile s)
    {
        typeof(TakeoutSidecar).GetProperty("StoredPath", BindingFlags.Instance | BindingFlags.NonPublic)!.SetValue(s, null);
        return s;
    }

    /// <summary>Every field declared on <typeparamref name="T"/>, public or not, read from <paramref name="o"/>.</summary>
    private static Dictionary<string, object?> Fields<T>(T o)
        => typeof(T).GetFields(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly)
            .ToDictionary(f => f.Name, f => f.GetValue(o));

    /// <summary>
    /// Every field declared on <typeparamref name="T"/>, with the side object of rare fields (a reference, copied)
    /// opened into its own fields.
    /// </summary>
    private static Dictionary<string, object?> Values<T>(T o)
    {
        var all = new Dictionary<string, object?>();
        foreach (var (name, value) in Fields(o))
        {
            if (value == null || value.GetType().DeclaringType != typeof(T) || !value.GetType().IsClass) { all[name] = value; continue; }
            foreach (var f in value.GetType().GetFields(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic))
                all[name + "." + f.Name] = f.GetValue(value);
        }
        return all;
    }

    [Fact]
    public void A_sidecar_file_takes_over_every_field_of_its_parsed_json()
    {
        var json = TakeoutSidecar.Parse(Utf8(Sidecar("Holiday.jpg", "ID9", geo: "{\"latitude\":48.8584,\"longitude\":2.2945,\"altitude\":12.5}",
            extra: ",\"description\":\"Beach\",\"favorited\":true,\"archived\":true,\"people\":[{\"name\":\"Ann\"}],\"creationTime\":{\"timestamp\":\"1615716000\"}")), false);
        Assert.Equal("Beach", json.Description); // the fixture reached the parser as meant
        Assert.True(json.Favorited);
        var s = SidecarFile.Create(new IndexedEntry { EntryPath = Year + "IMG_1.JPG.json", Size = 1 }, json);
        var taken = Values<TakeoutSidecar>(s);
        Assert.Equal(Year + "IMG_1.JPG.json", taken["_rare.Path"]); // a tar/folder sidecar's path: the one field it adds
        taken["_rare.Path"] = null;
        Assert.Equal(Values(json), taken);
        Assert.Equal(Fields(json).Keys, Fields<TakeoutSidecar>(s).Keys);
        Assert.Equal("Holiday.jpg", s.Title);

        var odd = TakeoutSidecar.Parse(Utf8("{\"title\":\"IMG_1.JPG\",\"url\":\"http://example.test/p/ID9?x\",\"photoTakenTime\":{\"timestamp\":\"1\"}}"), false);
        var t = SidecarFile.Create(new IndexedEntry { EntryPath = Year + "IMG_1.JPG.json", Size = 1 }, odd);
        Assert.Equal(odd.Url, t.Json.Url);
        Assert.Equal(odd.PhotoTakenTime, t.Json.PhotoTakenTime);
        Assert.Equal("IMG_1.JPG", t.Title);
        Assert.Null(t.Json.Title); // the title equal to the name is not stored twice
    }

    [Fact]
    public void A_media_file_takes_over_every_field_of_its_entry()
    {
        var archive = new IndexedArchive { Path = "part.tgz", Kind = TakeoutInputKind.TarGz };
        var e = new IndexedEntry { Archive = archive, EntryPath = Year + "A.jpg", Size = 77, Ordinal = 12, ZipIndex = -1, Occurrence = 3, Crc = 5u, ProbeError = "bad head" };
        var m = new MediaFile(e);
        Assert.Equal(Fields(e), Fields<IndexedEntry>(m));
        Assert.Same(m, m.Entry);
        Assert.Equal((Year + "A.jpg", Year + "A.jpg#3", 5u, "bad head"), (m.EntryPath, m.Address, m.Crc, m.ProbeError));
    }
}
