using System.Text;
using GPhotos.Model;
using GPhotos.Sources.Takeout;
using Xunit;
using static GPhotos.Core.Tests.Takeout.TakeoutFixtures;

namespace GPhotos.Core.Tests.Takeout;

/// <summary>
/// Issue 15 item 5: the reader's index is compact (paths by hash, sidecars reduced to the fields kept, names as one
/// string with offsets). Each test pins that what was made smaller still gives the same answers.
/// </summary>
[Collection("Takeout")]
public sealed class TakeoutCompactIndexTests
{
    private const string Year = "Takeout/Google Photos/Photos from 2021/";
    private readonly TakeoutExports _exports;

    public TakeoutCompactIndexTests(TakeoutExports exports) => _exports = exports;

    /// <summary>Every item of the parts, and the reader (its stats hold the warnings).</summary>
    private static (List<MediaItem> Items, TakeoutReader Reader) Read(params string[] parts)
    {
        var reader = new TakeoutReader(parts);
        return (reader.ReadItems().ToList(), reader);
    }

    [Fact]
    public void A_path_in_two_parts_is_read_once_even_when_its_case_differs_and_the_second_is_named()
    {
        var dir = _exports.Scratch("compact-dup-parts");
        var one = Zip(Path.Combine(dir, "takeout-001.zip"),
            (Year + "IMG_1.jpg", Jpeg(fill: 1)), (Year + "IMG_1.jpg.json", Utf8(Sidecar("IMG_1.jpg", "ID1"))));
        var two = Zip(Path.Combine(dir, "takeout-002.zip"),
            (Year.ToUpperInvariant() + "img_1.JPG", Jpeg(fill: 2)), (Year + "IMG_2.jpg", Jpeg(fill: 3)), (Year + "IMG_2.jpg.json", Utf8(Sidecar("IMG_2.jpg", "ID2"))));
        var (items, reader) = Read(one, two);
        Assert.Equal(new[] { "ID1", "ID2" }, items.Select(i => i.Id).OrderBy(i => i, StringComparer.Ordinal));
        Assert.Equal(1, reader.Stats.DuplicateEntries);
        Assert.Contains(reader.Stats.Warnings, w => w.Contains("img_1.JPG", StringComparison.Ordinal) && w.Contains("is in both", StringComparison.Ordinal));
        Assert.Equal(one, items.Single(i => i.Id == "ID1").TakeoutArchive);
    }

    [Fact]
    public void Names_equal_but_for_case_in_one_part_are_two_items_and_repeats_are_numbered_in_order()
    {
        var zip = Zip(Path.Combine(_exports.Scratch("compact-occurrence"), "takeout-001.zip"),
            (Year + "a.jpg", Jpeg(fill: 1)), (Year + "A.jpg", Jpeg(fill: 2, payload: 70)), (Year + "a.jpg", Jpeg(fill: 3, payload: 75)),
            (Year + "a.jpg", Jpeg(fill: 4, payload: 80)));
        var (items, _) = Read(zip);
        Assert.Equal(new[] { Year + "A.jpg", Year + "a.jpg", Year + "a.jpg#2", Year + "a.jpg#3" },
            items.Select(i => i.TakeoutEntry).OrderBy(e => e, StringComparer.Ordinal));
        Assert.Equal(4, items.Select(i => i.Id).Distinct().Count());
    }

    [Fact]
    public void A_sidecar_keeps_the_usual_url_as_its_id_and_gives_it_back_as_written()
    {
        var usual = TakeoutSidecar.Parse(Utf8("{\"title\":\"a.jpg\",\"url\":\"https://photos.google.com/photo/AF1Qabc_-9\",\"description\":\"\"}"), false);
        Assert.Equal("AF1Qabc_-9", usual.PhotoId);
        Assert.Equal("https://photos.google.com/photo/AF1Qabc_-9", usual.Url);
        Assert.Null(usual.Description);

        const string odd = "https://photos.google.com/u/1/photo/AF1Qxyz/?authuser=1";
        var other = TakeoutSidecar.Parse(Utf8("{\"url\":\"" + odd + "\",\"description\":\"Beach\"}"), false);
        Assert.Equal("AF1Qxyz", other.PhotoId);
        Assert.Equal(odd, other.Url);
        Assert.Equal("Beach", other.Description);

        var noId = TakeoutSidecar.Parse(Utf8("{\"url\":\"not a url at all\"}"), false);
        Assert.Null(noId.PhotoId);
        Assert.Equal("not a url at all", noId.Url);
    }

    [Fact]
    public void A_sidecar_without_times_or_place_reads_them_as_absent_and_with_them_as_written()
    {
        var none = TakeoutSidecar.Parse(Utf8("{\"title\":\"a.jpg\",\"url\":\"https://photos.google.com/photo/X\"}"), false);
        Assert.Null(none.PhotoTakenTime);
        Assert.Null(none.CreationTime);
        Assert.Null(none.Latitude);
        Assert.Null(none.Longitude);
        Assert.Null(none.Altitude);

        var all = TakeoutSidecar.Parse(Utf8(Sidecar("a.jpg", "X", geo: "{\"latitude\":48.8584,\"longitude\":2.2945,\"altitude\":0}")), false);
        Assert.Equal(new DateTime(2021, 3, 14, 10, 15, 0, DateTimeKind.Utc), all.PhotoTakenTime);
        Assert.Equal(DateTimeKind.Utc, all.PhotoTakenTime!.Value.Kind);
        Assert.Equal(48.8584, all.Latitude);
        Assert.Equal(2.2945, all.Longitude);
        Assert.Equal(0.0, all.Altitude); // a zero altitude is a value, not absence
    }

    [Theory]
    [InlineData("IMG_1.JPG.supplemental-metadata.json", "IMG_1.JPG", true)]
    [InlineData("IMG_1.JPG.json", "IMG_1.JPG", true)]
    [InlineData("IMG_1.JPG.supplemental-metadata.json", "Holiday.JPG", false)]
    [InlineData("IMG_1.JPG.json", "img_1.jpg", false)]
    public void A_sidecar_title_equal_to_its_name_is_not_stored_twice_and_reads_the_same(string sidecarName, string title, bool shared)
    {
        var json = TakeoutSidecar.Parse(Utf8(Sidecar(title, "ID")), false);
        var s = SidecarFile.Create(new IndexedEntry { EntryPath = Year + sidecarName, Size = 1 }, json);
        Assert.Equal(title, s.Title);
        Assert.Equal(shared, s.Json.Title == null); // the parsed title, kept only when it differs
        Assert.Equal("IMG_1.JPG", s.Stem);
    }

    /// <summary>
    /// A zip sidecar keeps its part and directory slot, not its IndexedEntry (one object per sidecar for the whole read):
    /// the entry can be collected, and the sidecar still gives its path, file name and stem from the part's directory.
    /// </summary>
    [Fact]
    public void A_zip_sidecar_does_not_keep_its_indexed_entry_and_still_names_itself()
    {
        const string name = Year + "IMG_7.JPG.supplemental-metadata(1).json";
        var zip = ZipBytes((Year + "IMG_7.JPG", Utf8("x")), (name, Utf8(Sidecar("IMG_7.JPG", "ID7"))));
        var archive = new IndexedArchive { Path = "part.zip", Kind = TakeoutInputKind.Zip, ZipDir = ZipDirectory.Read(new MemoryStream(zip)) };
        var (sidecar, entry) = MakeSidecar(archive, 1);
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        Assert.False(entry.IsAlive, "the SidecarFile keeps its IndexedEntry alive");
        Assert.Equal(name, sidecar.EntryPath);
        Assert.Equal("IMG_7.JPG.supplemental-metadata(1).json", sidecar.FileName);
        Assert.Equal("IMG_7.JPG", sidecar.Stem);
        Assert.Equal(1, sidecar.Index);
        Assert.Same(archive, sidecar.Archive);

        // Not inlined: the entry must be unreachable once this returns.
        [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
        static (SidecarFile, WeakReference) MakeSidecar(IndexedArchive a, int slot)
        {
            var e = new IndexedEntry { Archive = a, Size = a.ZipDir.Size(slot), ZipIndex = slot };
            var json = TakeoutSidecar.Parse(Utf8(Sidecar("IMG_7.JPG", "ID7")), false);
            return (SidecarFile.Create(e, json), new WeakReference(e));
        }
    }

    [Theory]
    [InlineData("IMG_1234(1).JPG", "IMG_1234(1)", "IMG_1234", ".JPG", 1, "IMG_1234.JPG")]
    [InlineData("IMG_1234.jpg", "IMG_1234", "IMG_1234", ".jpg", 0, "IMG_1234.jpg")]
    [InlineData("README", "README", "README", "", 0, "README")]
    [InlineData("clip(12).weird", "clip(12)", "clip", ".weird", 12, "clip.weird")]
    [InlineData("a.longextension", "a.longextension", "a.longextension", "", 0, "a.longextension")]
    public void A_media_name_gives_its_parts_from_one_string(string name, string @base, string core, string ext, int index, string fullNoIndex)
    {
        var p = ParsedMediaName.Parse(name);
        Assert.Equal(name, p.Name);
        Assert.Equal(@base, p.Base);
        Assert.Equal(core, p.CoreBase);
        Assert.Equal(ext, p.Ext);
        Assert.Equal(index, p.Index);
        Assert.Equal(fullNoIndex, p.FullNoIndex);
        Assert.Equal(@base.Length, p.BaseLength);
        Assert.Equal(core.Length, p.CoreLength);
    }

    [Fact]
    public void Name_keys_compare_like_the_strings_they_stand_for_ignoring_case()
    {
        var c = NameKeyComparer.Instance;
        var prefix = new NameKey("IMG_1.JPG.supplemental-metadata", 9, 0);
        var whole = new NameKey("img_1.jpg", 9, 0);
        Assert.True(c.Equals(prefix, whole));
        Assert.Equal(c.GetHashCode(prefix), c.GetHashCode(whole));
        Assert.False(c.Equals(prefix, new NameKey("img_1.jpg", 9, 1)));
        Assert.False(c.Equals(prefix, new NameKey("IMG_1.JPG.s", 10, 0)));
        var accented = new NameKey("ÉTÉ.jpg", 7, 0);
        Assert.True(c.Equals(accented, new NameKey("été.JPG", 7, 0)));
        Assert.Equal(c.GetHashCode(accented), c.GetHashCode(new NameKey("été.JPG", 7, 0)));
    }
}
