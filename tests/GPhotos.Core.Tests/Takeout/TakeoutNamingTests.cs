using System.Text;
using GPhotos.Sources.Takeout;
using Xunit;

namespace GPhotos.Core.Tests.Takeout;

/// <summary>Sidecar matching on file names seen in real exports (several reported on immich-go's and GPTH's trackers).</summary>
public sealed class TakeoutMatcherTests
{
    private static TakeoutFolder Folder(string[] media, params (string Name, string Title)[] sidecars)
    {
        var f = new TakeoutFolder { Key = "Photos from 2021", Name = "Photos from 2021", Kind = FolderKind.Year };
        long ordinal = 0;
        foreach (var m in media)
        {
            var e = new IndexedEntry { EntryPath = "Takeout/Google Photos/Photos from 2021/" + m, Size = 10, Ordinal = ordinal++ };
            f.Media.Add(new MediaFile(e) { Name = ParsedMediaName.Parse(m), Folder = f });
        }
        foreach (var (name, title) in sidecars)
        {
            var e = new IndexedEntry { EntryPath = "Takeout/Google Photos/Photos from 2021/" + name, Size = 10, Ordinal = ordinal++ };
            var json = TakeoutSidecar.Parse(Encoding.UTF8.GetBytes(
                "{\"title\":" + (title == null ? "null" : "\"" + title + "\"") + ",\"url\":\"https://photos.google.com/photo/ID" + ordinal + "\",\"photoTakenTime\":{\"timestamp\":\"1600000000\"}}"), false);
            f.Sidecars.Add(SidecarFile.Create(e, json));
        }
        TakeoutMatcher.Match(f);
        return f;
    }

    private static string SidecarOf(TakeoutFolder f, string media)
        => f.Media.Single(m => m.Name.Name == TakeoutNames.Nfc(media)).Sidecar?.FileName;

    [Theory]
    [InlineData("PXL_20211013_220651983.jpg.json", "PXL_20211013_220651983.jpg")]
    [InlineData("IMG_1234.JPG.supplemental-metadata.json", "IMG_1234.JPG")]
    [InlineData("IMG_1234.JPG.supplemental-metad.json", "IMG_1234.JPG")]
    [InlineData("IMG_1234.JPG.s.json", "IMG_1234.JPG")]
    [InlineData("IMG_1234.JPG..json", "IMG_1234.JPG")]
    [InlineData("IMG_1234.json", "IMG_1234.JPG")]
    [InlineData("DSC_0101.JPG(1).json", "DSC_0101(1).JPG")]
    [InlineData("DSC_0101.JPG.supplemental-metadata(1).json", "DSC_0101(1).JPG")]
    [InlineData("IMG_2710.HEIC(1).json", "IMG_2710(1).HEIC")]
    [InlineData("PXL_20231118_035751175.MP.jpg.json", "PXL_20231118_035751175.MP.jpg")]
    [InlineData("PXL_20210102_221126856.MP~2.jpg.json", "PXL_20210102_221126856.MP~2.jpg")]
    [InlineData("PXL_20230809_203449253.LONG_EXPOSURE-02.ORIGIN.json", "PXL_20230809_203449253.LONG_EXPOSURE-02.ORIGINA.jpg")]
    [InlineData("05yqt21kruxwwlhhgrwrdyb6chhwszi9bqmzu16w0 2.jp.json", "05yqt21kruxwwlhhgrwrdyb6chhwszi9bqmzu16w0 2.jpg")]
    [InlineData("Backyard_ceremony_wedding_photography_xxxxxxx_(494).json", "Backyard_ceremony_wedding_photography_xxxxxxx_m(494).jpg")]
    [InlineData("original_1d4caa6f-16c6-4c3d-901b-9387de10e528_.json", "original_1d4caa6f-16c6-4c3d-901b-9387de10e528_P.jpg")]
    [InlineData("13039_327707840323_537645323_9470255_27214_n.j(1).json", "13039_327707840323_537645323_9470255_27214_n(1).jpg")]
    [InlineData("\U0001F600\U0001F603\U0001F604\U0001F601\U0001F606\U0001F605\U0001F602\U0001F923\U0001F972\u263A\uFE0F\U0001F60A\U0001F607\U0001F642\U0001F643\U0001F609\U0001F60C\U0001F60D\U0001F970\U0001F618\U0001F617\U0001F619\U0001F61A\U0001F60B.json",
                "\U0001F600\U0001F603\U0001F604\U0001F601\U0001F606\U0001F605\U0001F602\U0001F923\U0001F972\u263A\uFE0F\U0001F60A\U0001F607\U0001F642\U0001F643\U0001F609\U0001F60C\U0001F60D\U0001F970\U0001F618\U0001F617\U0001F619\U0001F61A\U0001F60B\U0001F61B.jpg")]
    [InlineData("Caf\u00e9.jpg.supplemental-metadata.json", "Cafe\u0301.jpg")]
    public void Sidecar_is_found(string sidecar, string media)
    {
        var f = Folder(new[] { media }, (sidecar, null));
        Assert.Equal(TakeoutNames.Nfc(sidecar), SidecarOf(f, media));
    }

    [Theory]
    [InlineData("PXL_20211013_220651983.jpg.json", "PXL_20211013_220651958.jpg")]
    [InlineData("DSC_0102.JPG(2).json", "DSC_0102(1).JPG")]
    [InlineData("DSC_0103.JPG(1).json", "DSC_0103.JPG")]
    [InlineData("DSC_0104.JPG.json", "DSC_0104(1).JPG")]
    [InlineData("Backyard_ceremony_wedding_photography_xxxxxxx_(494).json", "Backyard_ceremony_wedding_photography_xxxxxxx_m(185).jpg")]
    [InlineData("IMG.json", "IMG_0001.jpg")]
    public void Sidecar_of_another_file_is_not_taken(string sidecar, string media)
    {
        var f = Folder(new[] { media }, (sidecar, null));
        Assert.Null(SidecarOf(f, media));
    }

    [Fact]
    public void Numbered_duplicates_each_get_their_own_sidecar()
    {
        var f = Folder(new[] { "IMG_0001.JPG", "IMG_0001(1).JPG", "IMG_0001(2).JPG" },
            ("IMG_0001.JPG.supplemental-metadata(2).json", null), ("IMG_0001.JPG.supplemental-metadata.json", null), ("IMG_0001.JPG(1).json", null));
        Assert.Equal("IMG_0001.JPG.supplemental-metadata.json", SidecarOf(f, "IMG_0001.JPG"));
        Assert.Equal("IMG_0001.JPG(1).json", SidecarOf(f, "IMG_0001(1).JPG"));
        Assert.Equal("IMG_0001.JPG.supplemental-metadata(2).json", SidecarOf(f, "IMG_0001(2).JPG"));
    }

    [Fact]
    public void Cut_names_sharing_a_prefix_are_told_apart_by_title()
    {
        const string a = "Screenshot_20210314-101500_Some Long App Name Here.jpg";
        const string b = "Screenshot_20210314-101500_Some Long App Name Here2.jpg";
        var f = Folder(new[] { a, b },
            (a.Substring(0, 46) + ".json", b), (a.Substring(0, 46) + ".json", a));
        var sa = f.Media.Single(m => m.Name.Name == a).Sidecar;
        var sb = f.Media.Single(m => m.Name.Name == b).Sidecar;
        Assert.NotNull(sa);
        Assert.NotNull(sb);
        Assert.Equal(a, sa.Json.Title);
        Assert.Equal(b, sb.Json.Title);
    }

    [Fact]
    public void Exact_names_win_over_looser_rules()
    {
        // "PXL_1.MP.json" names the video "PXL_1.MP" exactly; the photo keeps its own sidecar.
        var f = Folder(new[] { "PXL_1.MP.jpg", "PXL_1.MP" }, ("PXL_1.MP.json", null), ("PXL_1.MP.jpg.json", null));
        Assert.Equal("PXL_1.MP.json", SidecarOf(f, "PXL_1.MP"));
        Assert.Equal("PXL_1.MP.jpg.json", SidecarOf(f, "PXL_1.MP.jpg"));
    }

    [Fact]
    public void Title_finds_a_file_whose_name_does_not_follow_the_rules()
    {
        var f = Folder(new[] { "a_b.jpg" }, ("unrelated-name.json", "a/b.jpg"));
        Assert.Equal("unrelated-name.json", SidecarOf(f, "a_b.jpg"));
    }

    [Theory]
    [InlineData("IMG_1.HEIC", "IMG_1.MOV")]
    [InlineData("IMG_1.JPG", "IMG_1.MP4")]
    [InlineData("PXL_1.MP.jpg", "PXL_1.MP")]
    [InlineData("IMG_1(1).HEIC", "IMG_1(1).MOV")]
    public void Motion_videos_join_their_photo(string photo, string video)
    {
        var f = Folder(new[] { photo, video }, (TakeoutNames.SplitIndex(ParsedMediaName.Parse(photo).Base, out var n) + ParsedMediaName.Parse(photo).Ext + (n > 0 ? $"({n})" : "") + ".json", null));
        var p = f.Media.Single(m => m.Name.Name == photo);
        var v = f.Media.Single(m => m.Name.Name == video);
        Assert.NotNull(p.Sidecar);
        Assert.Same(v, p.Companion);
        Assert.True(v.IsCompanion);
    }

    [Fact]
    public void A_video_with_its_own_sidecar_is_not_a_companion()
    {
        var f = Folder(new[] { "IMG_2.HEIC", "IMG_2.MOV" }, ("IMG_2.HEIC.json", null), ("IMG_2.MOV.json", null));
        Assert.Null(f.Media.Single(m => m.Name.Name == "IMG_2.HEIC").Companion);
        Assert.False(f.Media.Single(m => m.Name.Name == "IMG_2.MOV").IsCompanion);
    }

    [Theory]
    [InlineData("IMG_3.jpg", "IMG_3-edited.jpg")]
    [InlineData("IMG_3.HEIC", "IMG_3-edited.jpg")]
    [InlineData("IMG_3.jpg", "IMG_3-bearbeitet.jpg")]
    [InlineData("PXL_20220405_090123740.PORTRAIT.jpg", "PXL_20220405_090123740.PORTRAIT-modifi\u00e9.jpg")]
    [InlineData("PXL_20220405_090123740.PORTRAIT.jpg", "PXL_20220405_090123740.PORTRAIT-modifie\u0301.jpg")]
    [InlineData("IMG_3(1).jpg", "IMG_3(1)-edited.jpg")]
    public void Edited_copies_share_their_originals_sidecar(string original, string edited)
    {
        var o = ParsedMediaName.Parse(original);
        var f = Folder(new[] { original, edited }, (o.CoreBase + o.Ext + (o.Index > 0 ? $"({o.Index})" : "") + ".json", null));
        var orig = f.Media.Single(m => m.Name.Name == TakeoutNames.Nfc(original));
        var copy = f.Media.Single(m => m.Name.Name == TakeoutNames.Nfc(edited));
        Assert.NotNull(orig.Sidecar);
        Assert.Same(orig.Sidecar, copy.Sidecar);
        Assert.Equal(BorrowKind.Edited, copy.Borrow);
        Assert.Equal(BorrowKind.Own, orig.Borrow);
    }

    [Fact]
    public void An_edited_copy_without_its_original_still_finds_the_sidecar()
    {
        var f = Folder(new[] { "IMG_4-edited.jpg" }, ("IMG_4.jpg.supplemental-metadata.json", null));
        var copy = f.Media.Single();
        Assert.Equal("IMG_4.jpg.supplemental-metadata.json", copy.Sidecar?.FileName);
        Assert.Equal(BorrowKind.Edited, copy.Borrow);
    }
}

public sealed class TakeoutNamesTests
{
    [Theory]
    [InlineData("Photos from 2021", 2021)]
    [InlineData("Fotos von 2019", 2019)]
    [InlineData("Photos de 2020", 2020)]
    [InlineData("Fotos de 2018", 2018)]
    [InlineData("Foto del 2017", 2017)]
    [InlineData("Foto's uit 2016", 2016)]
    [InlineData("Zdj\u0119cia z 2015", 2015)]
    [InlineData("Fotky z roku 2014", 2014)]
    [InlineData("Foton fr\u00e5n 2013", 2013)]
    [InlineData("Valokuvat vuodelta 2012", 2012)]
    [InlineData("\u0424\u043e\u0442\u043e \u0437\u0430 2011 \u0433.", 2011)]
    [InlineData("2021\u5e74\u306e\u5199\u771f", 2021)]
    [InlineData("2015-06-20", 2015)]
    [InlineData("2015-06-20 #2", 2015)]
    [InlineData("2021", 2021)]
    public void Year_folders_in_many_languages(string name, int year)
    {
        Assert.Equal(year != 0, TakeoutNames.IsYearFolderName(name, out var y));
        Assert.Equal(year, y);
    }

    [Theory]
    [InlineData("Urlaub 2021")]
    [InlineData("Trip 2021")]
    [InlineData("Summer Trip")]
    [InlineData("2021 Party")]
    [InlineData("Birthday(1)")]
    [InlineData("2021 #2")]
    [InlineData("Summer 2021 (1)")]
    public void Albums_are_not_year_folders(string name) => Assert.False(TakeoutNames.IsYearFolderName(name, out _));

    [Theory]
    [InlineData("Google Photos", true)]
    [InlineData("Google Fotos", true)]
    [InlineData("Google Foto", true)]
    [InlineData("Google Zdj\u0119cia", true)]
    [InlineData("Google \u30d5\u30a9\u30c8", true)]
    [InlineData("Google \u76f8\u518c", true)]
    [InlineData("Google \u0424\u043e\u0442\u043e", true)]
    [InlineData("Google Drive", false)]
    [InlineData("Google Fit", false)]
    [InlineData("Photos from 2021", false)]
    public void Photos_root_names(string name, bool expected) => Assert.Equal(expected, TakeoutNames.IsPhotosRootName(name));

    [Theory]
    [InlineData("IMG.JPG.supplemental-metadata", "IMG.JPG")]
    [InlineData("IMG.JPG.supplemental-metad", "IMG.JPG")]
    [InlineData("IMG.JPG.s", "IMG.JPG")]
    [InlineData("IMG.JPG.", "IMG.JPG")]
    [InlineData("IMG.JPG", "IMG.JPG")]
    [InlineData("IMG", "IMG")]
    [InlineData("long_name_cut_inside.jp", "long_name_cut_inside.jp")]
    public void Supplemental_suffix_is_stripped_at_any_cut(string stem, string expected) => Assert.Equal(expected, TakeoutNames.StripSupplemental(stem));

    [Theory]
    [InlineData("metadata.json", true)]
    [InlineData("Metadaten.json", true)]
    [InlineData("m\u00e9tadonn\u00e9es.json", true)]
    [InlineData("metadatos.json", true)]
    [InlineData("metadata(1).json", true)]
    [InlineData("metadata.jpg.json", false)]
    public void Album_metadata_names(string name, bool expected) => Assert.Equal(expected, TakeoutNames.IsAlbumMetadataName(name));
}

public sealed class TakeoutSidecarTests
{
    private static TakeoutSidecar Parse(string json, bool album = false) => TakeoutSidecar.Parse(Encoding.UTF8.GetBytes(json), album);

    [Fact]
    public void Reads_a_full_sidecar_and_ignores_unknown_fields()
    {
        var s = Parse(@"{""title"":""IMG_1.jpg"",""description"":""d"",""imageViews"":""3"",
            ""creationTime"":{""timestamp"":""1615716900"",""formatted"":""14 Mar 2021""},
            ""photoTakenTime"":{""timestamp"":""1615716000"",""formatted"":""x""},
            ""geoData"":{""latitude"":48.1,""longitude"":11.5,""altitude"":520.0,""latitudeSpan"":0.0},
            ""people"":[{""name"":""Alice""},{""name"":""Bob""},{""name"":""Alice""}],
            ""url"":""https://photos.google.com/photo/AF1QipABC-_1?x=1"",""favorited"":true,""archived"":true,
            ""googlePhotosOrigin"":{""mobileUpload"":{}},""somethingNew"":[1,2,{""deep"":true}]}");
        Assert.Equal("IMG_1.jpg", s.Title);
        Assert.Equal(new DateTime(2021, 3, 14, 10, 0, 0, DateTimeKind.Utc), s.PhotoTakenTime);
        Assert.Equal(DateTimeKind.Utc, s.PhotoTakenTime!.Value.Kind);
        Assert.Equal(48.1, s.Latitude);
        Assert.Equal(520.0, s.Altitude);
        Assert.Equal(new[] { "Alice", "Bob" }, s.People);
        Assert.Equal("AF1QipABC-_1", s.PhotoId);
        Assert.True(s.Favorited && s.Archived && !s.Trashed);
        Assert.False(s.IsAlbumMetadata);
    }

    [Fact]
    public void Numbers_may_be_strings_and_strings_numbers()
    {
        var s = Parse(@"{""photoTakenTime"":{""timestamp"":1615716000},""geoData"":{""latitude"":""-33.5"",""longitude"":""151.2"",""altitude"":""4""},""trashed"":""true""}");
        Assert.Equal(new DateTime(2021, 3, 14, 10, 0, 0, DateTimeKind.Utc), s.PhotoTakenTime);
        Assert.Equal(-33.5, s.Latitude);
        Assert.Equal(4.0, s.Altitude);
        Assert.True(s.Trashed);
    }

    [Fact]
    public void Zero_location_means_none_and_exif_location_is_the_fallback()
    {
        var none = Parse(@"{""geoData"":{""latitude"":0.0,""longitude"":0.0,""altitude"":0.0},""geoDataExif"":{""latitude"":0.0,""longitude"":0.0}}");
        Assert.Null(none.Latitude);
        Assert.Null(none.Altitude);
        var exif = Parse(@"{""geoData"":{""latitude"":0.0,""longitude"":0.0},""geoDataExif"":{""latitude"":35.6,""longitude"":139.7,""altitude"":40}}");
        Assert.Equal(35.6, exif.Latitude);
        Assert.Equal(40.0, exif.Altitude);
    }

    [Fact]
    public void Album_metadata_in_both_forms()
    {
        var modern = Parse(@"{""title"":""Summer"",""description"":"""",""access"":""protected"",""date"":{""timestamp"":""1""}}");
        Assert.True(modern.IsAlbumMetadata);
        Assert.Equal("Summer", modern.AlbumTitle);
        var old = Parse(@"{""albumData"":{""title"":""Urlaub"",""date"":{""timestamp"":""1""}}}");
        Assert.True(old.IsAlbumMetadata);
        Assert.Equal("Urlaub", old.AlbumTitle);
        Assert.True(Parse(@"{""title"":""""}", album: true).IsAlbumMetadata);
    }

    [Fact]
    public void Broken_json_is_an_error_the_reader_catches()
    {
        foreach (var json in new[] { "{\"title\": ", "{\"title\": \"x\", ", "[1,2]", "{\"title\" \"x\"}", "" })
        {
            var ex = Record.Exception(() => Parse(json));
            Assert.True(ex is Newtonsoft.Json.JsonException || ex is InvalidDataException, json + " → " + ex?.GetType());
        }
    }

    [Fact]
    public void Numbers_keep_full_precision()
    {
        var s = Parse(@"{""geoData"":{""latitude"":48.858370123456789,""longitude"":-0.1,""altitude"":1e2}}");
        Assert.Equal(48.858370123456789, s.Latitude);
        Assert.Equal(-0.1, s.Longitude);
        Assert.Equal(100.0, s.Altitude);
    }
}

public sealed class MediaProbeTests
{
    [Theory]
    [InlineData(new byte[] { 0xFF, 0xD8, 0xFF, 0xE0 }, "image/jpeg")]
    [InlineData(new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A }, "image/png")]
    [InlineData(new byte[] { 0x47, 0x49, 0x46, 0x38, 0x39, 0x61 }, "image/gif")]
    [InlineData(new byte[] { 0x52, 0x49, 0x46, 0x46, 0, 0, 0, 0, 0x57, 0x45, 0x42, 0x50 }, "image/webp")]
    [InlineData(new byte[] { 0x52, 0x49, 0x46, 0x46, 0, 0, 0, 0, 0x41, 0x56, 0x49, 0x20 }, "video/x-msvideo")]
    [InlineData(new byte[] { 0, 0, 0, 0x18, 0x66, 0x74, 0x79, 0x70, 0x68, 0x65, 0x69, 0x63 }, "image/heic")]
    [InlineData(new byte[] { 0, 0, 0, 0x18, 0x66, 0x74, 0x79, 0x70, 0x69, 0x73, 0x6F, 0x6D }, "video/mp4")]
    [InlineData(new byte[] { 0, 0, 0, 0x14, 0x66, 0x74, 0x79, 0x70, 0x71, 0x74, 0x20, 0x20 }, "video/quicktime")]
    [InlineData(new byte[] { 0x1A, 0x45, 0xDF, 0xA3, 0, 0, 0, 0 }, "video/x-matroska")]
    [InlineData(new byte[] { 1, 2, 3, 4, 5 }, null)]
    public void Magic_bytes(byte[] head, string mime) => Assert.Equal(mime, MediaProbe.Sniff(head, head.Length));

    [Theory]
    [InlineData(".jpg", "image/png", "image/png")]      // magic wins
    [InlineData(".mp4", "video/quicktime", "video/quicktime")]
    [InlineData(".dng", "image/tiff", "image/x-adobe-dng")] // TIFF-based raw keeps its type
    [InlineData(".jpg", null, "image/jpeg")]
    [InlineData(".xyz", null, "application/octet-stream")]
    public void Magic_against_extension(string ext, string sniffed, string expected) => Assert.Equal(expected, MediaProbe.ChooseMime(ext, sniffed));

    [Fact]
    public void Jpeg_exif_date_offset_camera_and_size()
    {
        // SOI, APP1 Exif (big endian) with Make and an EXIF IFD holding DateTimeOriginal + OffsetTimeOriginal, SOF0 640x480.
        var tiff = new List<byte>();
        void U16(int v) { tiff.Add((byte)(v >> 8)); tiff.Add((byte)v); }
        void U32(int v) { U16(v >> 16); U16(v & 0xFFFF); }
        tiff.AddRange("MM"u8.ToArray()); U16(42); U32(8);
        U16(2); // IFD0: Make, ExifIFD
        U16(0x010F); U16(2); U32(4); tiff.AddRange("Cam\0"u8.ToArray());
        U16(0x8769); U16(4); U32(1); U32(8 + 2 + 24 + 4);
        U32(0);
        // EXIF IFD at 38: two entries, values after it
        int valuesAt = 38 + 2 + 24 + 4;
        U16(2);
        U16(0x9003); U16(2); U32(20); U32(valuesAt);
        U16(0x9011); U16(2); U32(7); U32(valuesAt + 20);
        U32(0);
        tiff.AddRange(Encoding.ASCII.GetBytes("2021:03:14 12:15:00\0"));
        tiff.AddRange(Encoding.ASCII.GetBytes("+02:00\0"));
        var app1 = "Exif\0\0"u8.ToArray().Concat(tiff).ToArray();
        var jpeg = new List<byte> { 0xFF, 0xD8, 0xFF, 0xE1, (byte)((app1.Length + 2) >> 8), (byte)(app1.Length + 2) };
        jpeg.AddRange(app1);
        jpeg.AddRange(new byte[] { 0xFF, 0xC0, 0, 17, 8, 0x01, 0xE0, 0x02, 0x80, 3, 1, 0x22, 0, 2, 0x11, 1, 3, 0x11, 1 });
        jpeg.AddRange(new byte[] { 0xFF, 0xD9 });
        var r = MediaProbe.Probe(new MemoryStream(jpeg.ToArray()));
        Assert.Equal("image/jpeg", r.MimeType);
        Assert.Equal(640, r.Width);
        Assert.Equal(480, r.Height);
        Assert.Equal("Cam", r.CameraMake);
        Assert.Equal(new DateTime(2021, 3, 14, 10, 15, 0, DateTimeKind.Utc), r.DateTaken);
    }

    [Fact]
    public void A_truncated_file_is_not_an_error()
    {
        var r = MediaProbe.Probe(new MemoryStream(new byte[] { 0xFF, 0xD8, 0xFF, 0xE1, 0x10, 0x00, 0x45 }));
        Assert.Equal("image/jpeg", r.MimeType);
        Assert.Null(r.Width);
    }

    [Theory]
    [InlineData("IMG_20210314_101500.jpg", "2021-03-14T10:15:00")]
    [InlineData("PXL_20210314_101500123.MP.jpg", "2021-03-14T10:15:00")]
    [InlineData("VID_20210314_101500.mp4", "2021-03-14T10:15:00")]
    [InlineData("Screenshot_20210314-101500.png", "2021-03-14T10:15:00")]
    [InlineData("Screenshot 2021-03-14 at 10.15.00.png", "2021-03-14T10:15:00")]
    [InlineData("IMG-20210314-WA0001.jpg", "2021-03-14T00:00:00")]
    [InlineData("IMG_0001.JPG", null)]
    [InlineData("IMG_20211399_999999.jpg", null)]
    public void Dates_in_file_names(string name, string expected)
    {
        var d = FileNameDate.Parse(name);
        if (expected == null) Assert.Null(d);
        else
        {
            Assert.Equal(DateTime.SpecifyKind(DateTime.Parse(expected, System.Globalization.CultureInfo.InvariantCulture), DateTimeKind.Utc), d);
            Assert.Equal(DateTimeKind.Utc, d!.Value.Kind);
        }
    }
}
