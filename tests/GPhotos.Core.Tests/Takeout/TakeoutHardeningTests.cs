using GPhotos.Model;
using GPhotos.Sources;
using GPhotos.Sources.Takeout;
using Xunit;
using Xunit.Abstractions;
using static GPhotos.Core.Tests.Takeout.TakeoutFixtures;

namespace GPhotos.Core.Tests.Takeout;

/// <summary>
/// Issue 12, Takeout side: one bad entry never ends a read, nothing is skipped without a warning that names it, and
/// merging does not trust url ids alone. Each test pins a defect found in 0.1.0.
/// </summary>
[Collection("Takeout")]
public sealed class TakeoutHardeningTests
{
    private readonly TakeoutExports _exports;
    private readonly ITestOutputHelper _out;

    public TakeoutHardeningTests(TakeoutExports exports, ITestOutputHelper output)
    {
        _exports = exports;
        _out = output;
    }

    private (List<MediaItem> Items, TakeoutReader Reader) Read(params string[] paths)
    {
        var reader = new TakeoutReader(paths, new TakeoutReaderOptions { Reporter = TakeoutReports.Into(null) });
        var items = reader.ReadItems().ToList();
        _out.WriteLine(reader.Stats.ToString());
        foreach (var w in reader.Stats.Warnings) _out.WriteLine("warning: " + w);
        foreach (var e in reader.Stats.ArchiveErrors) _out.WriteLine("archive error: " + e.Message);
        return (items, reader);
    }

    private string ZipIn(string test, params (string, byte[])[] entries) => Zip(Path.Combine(_exports.Scratch(test), "takeout-001.zip"), entries);

    private string TgzIn(string test, params (string, byte[])[] entries) => Tgz(Path.Combine(_exports.Scratch(test), "takeout-001.tgz"), entries);

    private static byte[] BadExif() => Jpeg(new DateTime(2021, 3, 14, 10, 0, 0), exifIfdPointer: 0x80000000);

    [Fact]
    public void An_exif_ifd_offset_beyond_2_GB_is_ignored_not_thrown()
    {
        foreach (var pointer in new uint[] { 0x80000000, 0xFFFFFFFF, 0x7FFFFFFF, 0xFFFFFFF8 })
        {
            var r = MediaProbe.Probe(new MemoryStream(Jpeg(new DateTime(2021, 3, 14), exifIfdPointer: pointer)));
            Assert.Equal("image/jpeg", r.MimeType);
            Assert.Null(r.DateTaken);
            Assert.Equal(4, r.Width);
        }
    }

    [Fact]
    public void A_bad_exif_file_among_good_ones_is_emitted_with_its_sidecar_date()
    {
        var zip = ZipIn("bad-exif",
            (Year + "A.jpg", Jpeg(new DateTime(2021, 1, 1))), (Year + "A.jpg.supplemental-metadata.json", Utf8(Sidecar("A.jpg", "AAA"))),
            (Year + "BAD.jpg", BadExif()), (Year + "BAD.jpg.supplemental-metadata.json", Utf8(Sidecar("BAD.jpg", "BBB"))),
            (Year + "NOSIDE.jpg", BadExif()),
            (Year + "C.jpg", Jpeg(new DateTime(2021, 1, 2))), (Year + "C.jpg.supplemental-metadata.json", Utf8(Sidecar("C.jpg", "CCC"))));
        var (items, reader) = Read(zip);
        Assert.Equal(new[] { "A.jpg", "BAD.jpg", "NOSIDE.jpg", "C.jpg" }, items.Select(i => i.Filename));
        Assert.Equal(new DateTime(2021, 3, 14, 10, 15, 0, DateTimeKind.Utc), items.Single(i => i.Filename == "BAD.jpg").CreationTime);
        Assert.Contains(reader.Stats.Warnings, w => w.Contains("BAD.jpg", StringComparison.Ordinal) && w.Contains("EXIF", StringComparison.Ordinal));
        Assert.Contains(reader.Stats.Warnings, w => w.Contains("NOSIDE.jpg", StringComparison.Ordinal) && w.Contains("EXIF", StringComparison.Ordinal));
    }

    [Fact]
    public void A_probe_that_throws_is_a_warning_naming_the_file_and_the_item_is_kept()
    {
        // Beyond the known defects: a stream that fails mid-head in any way stays with that entry.
        var dir = _exports.Scratch("probe-throws");
        var year = Path.Combine(dir, "Google Photos", "Photos from 2021");
        Directory.CreateDirectory(year);
        File.WriteAllBytes(Path.Combine(year, "A.jpg"), Jpeg());
        File.WriteAllText(Path.Combine(year, "A.jpg.json"), Sidecar("A.jpg", "AAA"));
        File.WriteAllBytes(Path.Combine(year, "LOCKED.jpg"), Jpeg());
        File.WriteAllText(Path.Combine(year, "LOCKED.jpg.json"), Sidecar("LOCKED.jpg", "LLL"));
        var reader = new TakeoutReader(dir);
        var items = new List<MediaItem>();
        foreach (var item in reader.ReadItems())
        {
            items.Add(item);
            if (items.Count == 1) File.Delete(Path.Combine(year, "LOCKED.jpg")); // gone before its head is read
        }
        Assert.Equal(2, items.Count);
        Assert.Contains(reader.Stats.Warnings, w => w.Contains("LOCKED.jpg", StringComparison.Ordinal));
    }

    [Fact]
    public void A_sidecar_integer_too_large_for_a_long_loses_only_its_location_in_a_zip()
    {
        var zip = ZipIn("huge-int", HugeLatitudeEntries());
        var (items, reader) = Read(zip);
        Assert.Equal(new[] { "A.jpg", "HUGE.jpg", "C.jpg" }, items.Select(i => i.Filename));
        Assert.Null(items[1].Latitude);
        Assert.Equal(new DateTime(2021, 3, 14, 10, 15, 0, DateTimeKind.Utc), items[1].CreationTime);
        Assert.Empty(reader.Stats.ArchiveErrors);
    }

    [Fact]
    public void A_sidecar_integer_too_large_for_a_long_does_not_damage_the_rest_of_a_tgz()
    {
        var tgz = TgzIn("huge-int-tgz", HugeLatitudeEntries());
        var (items, reader) = Read(tgz);
        Assert.Equal(3, items.Count);
        Assert.Empty(reader.Stats.ArchiveErrors);
    }

    private static (string, byte[])[] HugeLatitudeEntries() => new[]
    {
        (Year + "A.jpg", Jpeg()), (Year + "A.jpg.json", Utf8(Sidecar("A.jpg", "AAA"))),
        (Year + "HUGE.jpg", Jpeg(fill: 1)),
        (Year + "HUGE.jpg.json", Utf8(Sidecar("HUGE.jpg", "HHH", geo: "{\"latitude\":100000000000000000000,\"longitude\":99999999999999999999999999,\"altitude\":1e400}"))),
        (Year + "C.jpg", Jpeg(fill: 2)), (Year + "C.jpg.json", Utf8(Sidecar("C.jpg", "CCC"))),
    };

    [Theory]
    [InlineData("IMG_٢٠٢١٠٣١٤_١٠١٥٠٠.jpg")]        // Arabic-Indic digits
    [InlineData("IMG_２０２１０３１４_101500.jpg")]   // full-width digits
    [InlineData("Screenshot_2021-0३-14-10-15-00.png")]
    [InlineData("IMG_2021031٤_101500.jpg")]
    public void Non_ascii_digits_in_a_name_give_no_date_and_no_exception(string name)
    {
        Assert.Null(FileNameDate.Parse(name));
    }

    [Theory]
    [InlineData("Photos from ٢٠٢١")]
    [InlineData("٢٠٢١")]
    [InlineData("2021-٠3-14")]
    [InlineData("Fotos von 20٢١")]
    public void Non_ascii_digits_in_a_folder_name_are_no_year_and_no_exception(string folder)
    {
        Assert.False(TakeoutNames.IsYearFolderName(folder, out _));
    }

    [Fact]
    public void Non_ascii_digits_in_names_do_not_end_a_read()
    {
        var zip = ZipIn("digits",
            (Photos + "Photos from ٢٠٢١/IMG_٢٠٢١٠٣١٤_١٠١٥٠٠.jpg", Jpeg()),
            (Photos + "Photos from 2021/IMG_20210314_1٠1500.jpg", Jpeg(fill: 3)),
            (Photos + "Photos from 2021/B.jpg", Jpeg(fill: 4)), (Photos + "Photos from 2021/B.jpg.json", Utf8(Sidecar("B.jpg", "BBB"))));
        var (items, _) = Read(zip);
        Assert.Equal(3, items.Count);
    }

    [Theory]
    [InlineData("NaN")]
    [InlineData("Infinity")]
    [InlineData("-Infinity")]
    [InlineData("1e400")]
    public void A_timestamp_that_is_not_a_number_is_absent_and_the_creation_time_is_used(string taken)
    {
        var s = TakeoutSidecar.Parse(Utf8(Sidecar("A.jpg", "AAA", taken: taken)), false);
        Assert.Null(s.PhotoTakenTime);
        Assert.Equal(new DateTime(2021, 3, 15, 9, 20, 0, DateTimeKind.Utc), s.CreationTime);
    }

    [Theory]
    [InlineData("9999:12:31 23:00:00", "-05:00")]
    [InlineData("9999:12:31 23:59:59", "-14:00")]
    [InlineData("1800:01:01 00:00:00", "+14:00")]
    [InlineData("2021:03:14 10:00:00", "+99:00")]
    public void An_exif_date_that_leaves_the_calendar_with_its_offset_is_absent_or_plain(string date, string offset)
    {
        var d = MediaProbe.ParseExifDate(date, offset);
        Assert.True(d == null || (d.Value.Year >= 1799 && d.Value.Year <= 9999));
        var r = MediaProbe.Probe(new MemoryStream(Jpeg(new DateTime(9999, 12, 31, 23, 0, 0), offset: "-05:00")));
        Assert.Null(r.DateTaken);
    }

    [Fact]
    public void A_zero_byte_entry_is_listed_with_a_warning_and_its_save_error_names_it()
    {
        var zip = ZipIn("zero",
            (Year + "EMPTY.jpg", Array.Empty<byte>()), (Year + "EMPTY.jpg.json", Utf8(Sidecar("EMPTY.jpg", "EEE"))),
            (Year + "A.jpg", Jpeg()), (Year + "A.jpg.json", Utf8(Sidecar("A.jpg", "AAA"))));
        var (items, reader) = Read(zip);
        Assert.Equal(2, items.Count);
        var empty = items.Single(i => i.Filename == "EMPTY.jpg");
        Assert.Equal(new DateTime(2021, 3, 14, 10, 15, 0, DateTimeKind.Utc), empty.CreationTime);
        Assert.Contains(reader.Stats.Warnings, w => w.Contains("EMPTY.jpg", StringComparison.Ordinal) && w.Contains("empty file (0 bytes)", StringComparison.Ordinal));
        var ex = Assert.ThrowsAny<TakeoutArchiveException>(() => TakeoutContentSource.Instance.OpenAsync(empty, ContentVariant.Original, default).GetAwaiter().GetResult());
        Assert.Contains("EMPTY.jpg", ex.Message);
        Assert.Contains("empty file (0 bytes)", ex.Message);
        Assert.DoesNotContain("server", ex.Message);
    }

    [Fact]
    public void An_album_named_Bin_without_trash_evidence_is_an_album()
    {
        var zip = ZipIn("bin",
            (Year + "A.jpg", Jpeg()), (Year + "A.jpg.json", Utf8(Sidecar("A.jpg", "AAA"))),
            (Photos + "Bin/A.jpg", Jpeg()), (Photos + "Bin/A.jpg.json", Utf8(Sidecar("A.jpg", "AAA"))),
            (Photos + "Bin/ONLY.jpg", Jpeg(fill: 9)), (Photos + "Bin/ONLY.jpg.json", Utf8(Sidecar("ONLY.jpg", "OOO"))));
        var (items, reader) = Read(zip);
        Assert.Equal(2, items.Count);
        Assert.All(items, i => Assert.Equal(new[] { "Bin" }, i.Albums));
        Assert.All(items, i => Assert.False(i.IsTrashed));
        Assert.Equal(0, reader.Stats.TrashedSkipped);
    }

    [Fact]
    public void A_trashed_item_is_skipped_with_a_warning_naming_it()
    {
        var zip = ZipIn("trash",
            (Year + "A.jpg", Jpeg()), (Year + "A.jpg.json", Utf8(Sidecar("A.jpg", "AAA"))),
            (Photos + "Trash/GONE.jpg", Jpeg(fill: 8)), (Photos + "Trash/GONE.jpg.json", Utf8(Sidecar("GONE.jpg", "GGG", extra: ",\"trashed\":true"))));
        var (items, reader) = Read(zip);
        Assert.Equal("A.jpg", Assert.Single(items).Filename);
        Assert.Equal(1, reader.Stats.TrashedSkipped);
        Assert.Contains(reader.Stats.Warnings, w => w.Contains("GONE.jpg", StringComparison.Ordinal) && w.Contains("trash", StringComparison.Ordinal));
    }

    [Fact]
    public void Two_zip_entries_of_one_name_are_two_items_each_with_its_own_bytes()
    {
        var first = Jpeg(fill: 0x11);
        var second = Jpeg(fill: 0x22, payload: 80);
        var zip = ZipIn("dup-name",
            (Year + "IMG.jpg", first), (Year + "IMG.jpg", second),
            (Year + "B.jpg", Jpeg(fill: 0x33)), (Year + "B.jpg.json", Utf8(Sidecar("B.jpg", "BBB"))));
        var (items, reader) = Read(zip);
        var dups = items.Where(i => i.Filename == "IMG.jpg").ToList();
        Assert.Equal(2, dups.Count);
        Assert.NotEqual(dups[0].Id, dups[1].Id);
        Assert.Equal(new[] { first, second }.Select(b => (long)b.Length), dups.Select(d => d.Size!.Value).OrderBy(s => s));
        foreach (var d in dups)
        {
            using var s = TakeoutContent.Open(d);
            var ms = new MemoryStream();
            s.CopyTo(ms);
            Assert.Equal(d.Size == first.Length ? first : second, ms.ToArray());
        }
        Assert.Contains(reader.Stats.Warnings, w => w.Contains("IMG.jpg", StringComparison.Ordinal) && w.Contains("more than once", StringComparison.Ordinal));
    }

    [Fact]
    public void Three_zip_entries_of_one_name_get_three_distinct_ids()
    {
        var zip = ZipIn("dup-name-3", (Year + "IMG.jpg", Jpeg(fill: 1)), (Year + "IMG.jpg", Jpeg(fill: 2, payload: 70)), (Year + "IMG.jpg", Jpeg(fill: 3, payload: 75)));
        var (items, _) = Read(zip);
        Assert.Equal(3, items.Select(i => i.Id).Distinct().Count());
        Assert.Equal(3, items.Select(i => i.TakeoutEntry).Distinct().Count());
    }

    [Fact]
    public void Two_tgz_entries_of_one_name_are_two_items_each_with_its_own_bytes()
    {
        var first = Jpeg(fill: 0x11);
        var second = Jpeg(fill: 0x22, payload: 80);
        var tgz = TgzIn("dup-name-tgz", (Year + "IMG.jpg", first), (Year + "IMG.jpg", second));
        var (items, _) = Read(tgz);
        Assert.Equal(2, items.Count);
        Assert.NotEqual(items[0].Id, items[1].Id);
        var got = TakeoutContent.OpenMany(items).Select(e => { var ms = new MemoryStream(); e.Stream!.CopyTo(ms); return ms.ToArray(); }).ToList();
        Assert.Contains(got, b => b.SequenceEqual(first));
        Assert.Contains(got, b => b.SequenceEqual(second));
        foreach (var i in items)
        {
            using var s = TakeoutContent.Open(i);
            Assert.Equal(i.Size, s.Length);
        }
    }

    [Fact]
    public void Photos_sharing_a_url_id_stay_apart_and_each_merges_with_its_album_copy()
    {
        var a = Jpeg(fill: 0x41);
        var b = Jpeg(fill: 0x42, payload: 90);
        var zip = ZipIn("url-collision",
            (Year + "A.jpg", a), (Year + "A.jpg.json", Utf8(Sidecar("A.jpg", "SAME", taken: "1615716900"))),
            (Year + "B.jpg", b), (Year + "B.jpg.json", Utf8(Sidecar("B.jpg", "SAME", taken: "1615716999"))),
            (Photos + "Trip/metadata.json", Utf8(AlbumMetadata)),
            (Photos + "Trip/A.jpg", a), (Photos + "Trip/A.jpg.json", Utf8(Sidecar("A.jpg", "SAME", taken: "1615716900"))),
            (Photos + "Trip/B.jpg", b), (Photos + "Trip/B.jpg.json", Utf8(Sidecar("B.jpg", "SAME", taken: "1615716999"))));
        var (items, reader) = Read(zip);
        Assert.Equal(new[] { "A.jpg", "B.jpg" }, items.Select(i => i.Filename).OrderBy(n => n));
        Assert.All(items, i => Assert.Equal(new[] { "Trip" }, i.Albums));
        Assert.All(items, i => Assert.StartsWith(TakeoutFixtures.Year, i.TakeoutEntry));
        Assert.Equal(2, items.Select(i => i.Id).Distinct().Count());
        Assert.Contains(reader.Stats.Warnings, w => w.Contains("SAME", StringComparison.Ordinal) && w.Contains("B.jpg", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("IMG_1234-EFFECTS.jpg")]
    [InlineData("IMG_1234-ANIMATION.gif")]
    [InlineData("IMG_1234-COLLAGE.jpg")]
    [InlineData("IMG_1234-PANO.jpg")]
    [InlineData("IMG_1234-MIX.jpg")]
    [InlineData("IMG_1234-edited.jpg")]
    [InlineData("IMG_1234-bearbeitet.jpg")]
    [InlineData("IMG_1234-modifié.jpg")]
    [InlineData("IMG_1234-editado.jpg")]
    [InlineData("IMG_1234-ha editado.jpg")]
    [InlineData("IMG_1234-modificato.jpg")]
    [InlineData("IMG_1234-bewerkt.jpg")]
    [InlineData("IMG_1234-redigert.jpg")]
    [InlineData("IMG_1234-edytowane.jpg")]
    [InlineData("IMG_1234-編集済み.jpg")]
    public void Edited_and_created_copies_in_many_languages_take_their_originals_sidecar(string edited)
    {
        var zip = ZipIn("edited",
            (Year + "IMG_1234.jpg", Jpeg()), (Year + "IMG_1234.jpg.supplemental-metadata.json", Utf8(Sidecar("IMG_1234.jpg", "ORIG"))),
            (Year + edited, Jpeg(fill: 7)));
        var (items, reader) = Read(zip);
        Assert.Equal(2, items.Count);
        var copy = items.Single(i => i.TakeoutEntry!.EndsWith(edited, StringComparison.Ordinal));
        Assert.Equal("ORIG-edited", copy.Id);
        Assert.Equal(new DateTime(2021, 3, 14, 10, 15, 0, DateTimeKind.Utc), copy.CreationTime);
        Assert.Equal(0, reader.Stats.WithoutSidecar);
    }

    [Theory]
    [InlineData("-edi")]
    [InlineData("-e")]
    [InlineData("-bearb")]
    public void An_edit_suffix_cut_at_47_characters_is_still_an_edited_copy(string cutSuffix)
    {
        var original = "Long holiday picture name with many words in it and more.jpg"; // base > 47
        var originalFile = original.Substring(0, 47) + ".jpg";
        var editedBase = original.Substring(0, 47 - cutSuffix.Length) + cutSuffix;
        var zip = ZipIn("edited-cut",
            (Year + originalFile, Jpeg()), (Year + original.Substring(0, 46) + ".json", Utf8(Sidecar(original, "LONG"))),
            (Year + editedBase + ".jpg", Jpeg(fill: 7)));
        var (items, _) = Read(zip);
        Assert.Equal(2, items.Count);
        var copy = items.Single(i => i.TakeoutEntry!.EndsWith(editedBase + ".jpg", StringComparison.Ordinal));
        Assert.Equal("LONG-edited", copy.Id);
    }

    [Theory]
    [InlineData("IMG-20230101-WA0001.jpg", "2023-01-01T00:00:00")]
    [InlineData("VID-20230101-WA0001.mp4", "2023-01-01T00:00:00")]
    [InlineData("WhatsApp Image 2023-01-01 at 10.10.10.jpeg", "2023-01-01T10:10:10")]
    [InlineData("Screenshot_20230101-101010.png", "2023-01-01T10:10:10")]
    [InlineData("Screenshot_20230101-101010_Chrome.jpg", "2023-01-01T10:10:10")]
    [InlineData("Screenshot_2023-01-01-10-10-10-232_com.google.a.jpg", "2023-01-01T10:10:10")]
    [InlineData("Screenshot 2023-01-01 at 10.10.10.png", "2023-01-01T10:10:10")]
    [InlineData("signal-2023-01-01-101010.jpg", "2023-01-01T10:10:10")]
    [InlineData("signal-2023-01-01-101010_001.jpg", "2023-01-01T10:10:10")]
    [InlineData("photo_2023-01-01_10-10-10.jpg", "2023-01-01T10:10:10")]      // Telegram
    [InlineData("video_2023-01-01_10-10-10.mp4", "2023-01-01T10:10:10")]      // Telegram
    [InlineData("Screen_Recording_20230101-101010_YouTube.mp4", "2023-01-01T10:10:10")]
    [InlineData("Screen Recording 2023-01-01 at 10.10.10.mov", "2023-01-01T10:10:10")]
    [InlineData("screen-20230101-101010.mp4", "2023-01-01T10:10:10")]
    [InlineData("PXL_20230101_101010123.jpg", "2023-01-01T10:10:10")]
    [InlineData("PXL_20230101_101010123.MP.jpg", "2023-01-01T10:10:10")]
    [InlineData("IMG_20230101_101010-edited.jpg", "2023-01-01T10:10:10")]
    [InlineData("MVIMG_20230101_101010.jpg", "2023-01-01T10:10:10")]
    [InlineData("IMG_1_BURST20230101101010.jpg", "2023-01-01T10:10:10")]
    [InlineData("2016_01_30_11_49_15.mp4", "2016-01-30T11:49:15")]
    [InlineData("201801261147521000.jpg", "2018-01-26T11:47:52")]
    [InlineData("Snapchat-20230101.jpg", "2023-01-01T00:00:00")]
    public void File_names_of_common_apps_give_their_date(string name, string expected)
    {
        Assert.Equal(DateTime.SpecifyKind(DateTime.Parse(expected, System.Globalization.CultureInfo.InvariantCulture), DateTimeKind.Utc), FileNameDate.Parse(name));
    }
}
