using System.Buffers.Binary;
using System.Text;
using GPhotos.Core.Tests.Takeout;
using GPhotos.Sources.Takeout;
using Xunit;
using static GPhotos.Core.Tests.Takeout.TakeoutFixtures;

namespace GPhotos.Core.Tests.Fuzz;

/// <summary>
/// Every parser of Takeout bytes under mutation. The documented per-item outcomes are: a probe that returns less
/// (never throws), a sidecar/album JSON that is "not readable" (<see cref="Newtonsoft.Json.JsonException"/> or
/// <see cref="InvalidDataException"/>, which the reader turns into a warning naming the file), and a
/// <see cref="TakeoutArchiveException"/> for a whole damaged part (reported through the reader's Reporter) or entry.
/// </summary>
/// <remarks>In the Takeout collection: the zip/tar targets open content, and the content tests count tgz passes globally.</remarks>
[Collection("Takeout")]
public sealed class TakeoutFuzzTests
{
    private static bool NotReadableJson(Exception ex) => ex is Newtonsoft.Json.JsonException || ex is InvalidDataException;

    private static void ProbeAll(byte[] bytes)
    {
        MediaProbe.Probe(new MemoryStream(bytes, writable: false));
        // Through a stream that hands out a few bytes per read, as zip and tar entry streams do.
        MediaProbe.Probe(new TrickleStream(bytes));
    }

    [Fact]
    public void Jpeg_and_exif_probing_never_throws()
    {
        var d = new DateTime(2021, 3, 14, 10, 15, 0);
        Fuzz.Bytes("takeout-probe-jpeg", new[]
        {
            Jpeg(d), Jpeg(d, offset: "+01:00"), Jpeg(d, offset: "-05:00"), Jpeg(null), Jpeg(new DateTime(9999, 12, 31, 23, 0, 0), offset: "-05:00"),
            Jpeg(d, exifIfdPointer: 0x80000000), Jpeg(d, exifIfdPointer: 0xFFFFFFF0),
        }, ProbeAll);
    }

    [Fact]
    public void Exif_tiff_blocks_never_throw()
    {
        // The TIFF block alone (what ReadExif gets after "Exif\0\0"): denser mutations of offsets and counts.
        var samples = new[] { Jpeg(new DateTime(2021, 3, 14), offset: "+02:00"), Jpeg(null) }
            .Select(j => j.Skip(4 + 6).Take(BinaryPrimitives.ReadUInt16BigEndian(j.AsSpan(4)) - 2 - 6).ToArray()).ToArray();
        Fuzz.Bytes("takeout-exif-tiff", samples, tiff =>
        {
            var block = Encoding.ASCII.GetBytes("Exif\0\0").Concat(tiff).ToArray();
            MediaProbe.ReadExif(block, 6, new MediaProbeResult());
        }, maxLength: 4096);
    }

    [Fact]
    public void Png_gif_and_other_heads_never_throw()
    {
        Fuzz.Bytes("takeout-probe-png", new[]
        {
            Png(), Png(int.MaxValue, 1), Encoding.ASCII.GetBytes("GIF89a\x10\x00\x20\x00\0\0\0"),
            Encoding.ASCII.GetBytes("RIFF\0\0\0\0WEBPVP8 "), new byte[] { 0x1A, 0x45, 0xDF, 0xA3, 0, 0, 0, 0, (byte)'w', (byte)'e', (byte)'b', (byte)'m' },
        }, ProbeAll);
    }

    [Fact]
    public void Heic_mp4_and_mov_heads_never_throw()
    {
        Fuzz.Bytes("takeout-probe-bmff", new[] { Bmff("heic"), Bmff("mif1"), Bmff("isom"), Bmff("qt  "), Bmff("3gp5"), Bmff("crx ") }, ProbeAll);
    }

    [Fact]
    public void Sidecar_json_is_parsed_or_not_readable()
    {
        Fuzz.Text("takeout-sidecar", new[]
        {
            Sidecar("IMG_0001.JPG", "AF1QipN", geo: "{\"latitude\":48.85,\"longitude\":2.35,\"altitude\":35.0}",
                extra: ",\"people\":[{\"name\":\"Ann\"}],\"favorited\":true,\"trashed\":false,\"geoDataExif\":{\"latitude\":1,\"longitude\":2}"),
            Sidecar("A.jpg", "x", taken: "NaN", geo: "{\"latitude\":100000000000000000000,\"longitude\":1}"),
            "{\"title\":\"B.jpg\",\"photoTakenTime\":1615716900,\"creationTime\":\"1615716900\",\"url\":\"https://photos.google.com/photo/a?b#c\"}",
        }, json => TakeoutSidecar.Parse(Encoding.UTF8.GetBytes(json), false), allowed: NotReadableJson);
    }

    [Fact]
    public void A_kept_sidecar_gives_back_every_field_its_json_gave()
    {
        // A kept sidecar stores the photo id as ASCII bytes (a string when it is not ASCII), the url only when it is not
        // Google's usual form, and the rare fields in a side object: whatever the JSON, reading them back must give
        // what the parse gave.
        Fuzz.Text("takeout-sidecar-kept", new[]
        {
            Sidecar("IMG_0001.JPG", "AF1QipN", geo: "{\"latitude\":48.85,\"longitude\":2.35,\"altitude\":35.0}",
                extra: ",\"description\":\"Beach\",\"people\":[{\"name\":\"Ann\"}],\"favorited\":true,\"archived\":true"),
            Sidecar("IMG_0001.JPG", "AF1Qipé_ü-9"),
            Sidecar("Other title.jpg", "x"),
            "{\"title\":\"IMG_0001.JPG\",\"url\":\"https://photos.google.com/u/1/photo/AF1Qxyz/?authuser=1\",\"description\":\"\"}",
            "{\"url\":\"not a url\",\"people\":[],\"trashed\":true}",
        }, json =>
        {
            var parsed = TakeoutSidecar.Parse(Encoding.UTF8.GetBytes(json), false);
            var kept = SidecarFile.Create(new IndexedEntry { EntryPath = Year + "IMG_0001.JPG.supplemental-metadata.json", Size = 1 }, parsed);
            Assert.Equal(parsed.Url, kept.Json.Url);
            Assert.Equal(parsed.PhotoId, kept.Json.PhotoId);
            Assert.Equal(parsed.Title, kept.Title);
            Assert.Equal(parsed.Description, kept.Json.Description);
            Assert.Equal(parsed.People, kept.Json.People);
            Assert.Equal((parsed.PhotoTakenTime, parsed.CreationTime, parsed.Latitude, parsed.Longitude, parsed.Altitude),
                (kept.Json.PhotoTakenTime, kept.Json.CreationTime, kept.Json.Latitude, kept.Json.Longitude, kept.Json.Altitude));
            Assert.Equal((parsed.Favorited, parsed.Archived, parsed.Trashed), (kept.Json.Favorited, kept.Json.Archived, kept.Json.Trashed));
            Assert.Equal(Year + "IMG_0001.JPG.supplemental-metadata.json", kept.EntryPath);
            if (parsed.PhotoId != null) Assert.Equal(parsed.PhotoId, TakeoutSidecar.IdFromUrl(parsed.Url));
        }, allowed: NotReadableJson);
    }

    [Fact]
    public void A_packed_photo_id_is_given_back_exactly_or_not_packed()
    {
        Fuzz.Text("takeout-packed-id", new[]
        {
            "AF1QipMkq9B3xYz_-0123456789abcdefghijklmnopq", "x", "A1234567890123456789012345678901234567890123456789", "AF1Qip\u00e9", "a b", "",
        }, id =>
        {
            bool usual = id.Length is > 0 and <= 50 && id.All(c => c is >= 'A' and <= 'Z' or >= 'a' and <= 'z' or >= '0' and <= '9' or '-' or '_');
            Assert.Equal(usual, PackedId.TryPack(id, out var packed));
            Assert.Equal(usual ? id : null, packed.ToString());
        });
    }

    [Fact]
    public void Album_metadata_json_is_parsed_or_not_readable()
    {
        Fuzz.Text("takeout-album-metadata", new[]
        {
            AlbumMetadata,
            "{\"albumData\":{\"title\":\"Urlaub\",\"date\":{\"timestamp\":\"1615716900\"},\"access\":\"protected\"}}",
            "{\"title\":\"\",\"description\":\"x\",\"access\":\"\",\"date\":{\"timestamp\":\"0\",\"formatted\":\"\"},\"sharedAlbumComments\":[{\"text\":\"hi\"}]}",
        }, json => TakeoutSidecar.Parse(Encoding.UTF8.GetBytes(json), true), allowed: NotReadableJson);
    }

    [Fact]
    public void File_and_folder_names_never_throw()
    {
        Fuzz.Text("takeout-names", new[]
        {
            "IMG_20210314_101500.jpg", "PXL_20230101_101010123.MP.jpg", "signal-2023-01-01-101010.jpg", "IMG-20230101-WA0001.jpg",
            "WhatsApp Image 2023-01-01 at 10.10.10.jpeg", "Photos from 2021", "Fotos von ٢٠٢١", "2015-06-20 #2", "Фото за 2011 г.",
            "IMG_1234-bearbeitet(1).jpg", "Long holiday picture name with many words in it-edi.jpg", "IMG.JPG.supplemental-metad(12).json",
        }, name =>
        {
            FileNameDate.Parse(name);
            TakeoutNames.IsYearFolderName(name, out _);
            TakeoutNames.IsPhotosRootName(name);
            TakeoutNames.IsAlbumMetadataName(name);
            var p = ParsedMediaName.Parse(name);
            TakeoutNames.TryStripEdited(p.Base, out _, out _, out _);
            TakeoutNames.StripSupplemental(p.Base);
            TakeoutNames.LooksTruncated(p.Base);
            TakeoutArchives.TrySplitAddress(name, out _, out _);
        }, maxLength: 512);
    }

    private static (string, byte[])[] SmallExport() => new[]
    {
        (Year + "A.jpg", Jpeg(new DateTime(2021, 3, 14), payload: 16)),
        (Year + "A.jpg.supplemental-metadata.json", Utf8(Sidecar("A.jpg", "AAA"))),
        (Year + "A.jpg", Jpeg(null, payload: 8, fill: 1)),
        (Year + "B.png", Png()),
        (Photos + "Trip/metadata.json", Utf8(AlbumMetadata)),
        (Photos + "Trip/A.jpg", Jpeg(new DateTime(2021, 3, 14), payload: 16)),
        (Photos + "Trip/C.mp4", Bmff("isom")),
        (Photos + "Trip/C.mp4.json", Utf8(Sidecar("C.mp4", "CCC", extra: ",\"trashed\":true"))),
    };

    /// <summary>Reads an input end to end and opens every item's bytes: only archive errors, reported or thrown per entry.</summary>
    private static void ReadWhole(string path)
    {
        var errors = new List<TakeoutArchiveException>();
        var reader = new TakeoutReader(path, new TakeoutReaderOptions { Reporter = TakeoutReports.Into(errors), IncludeTrashed = true });
        foreach (var item in reader.ReadItems())
        {
            try
            {
                using var s = TakeoutContent.Open(item);
                var buffer = new byte[4096];
                while (s.Read(buffer, 0, buffer.Length) > 0) { }
            }
            catch (TakeoutArchiveException) { }
        }
        TakeoutContent.ReleaseArchives(path);
    }

    private static void AsInput(string extension, byte[] bytes, Action<string> read)
    {
        var path = Path.Combine(Path.GetTempPath(), "gphotos-fuzz-" + Guid.NewGuid().ToString("N") + extension);
        File.WriteAllBytes(path, bytes);
        try { read(path); }
        finally { File.Delete(path); }
    }

    /// <summary>A zip whose end-of-central-directory record claims absurd counts and offsets.</summary>
    private static byte[] WithEocd(byte[] zip, ushort entries, uint size, uint offset)
    {
        var z = (byte[])zip.Clone();
        int eocd = z.Length - 22;
        BinaryPrimitives.WriteUInt16LittleEndian(z.AsSpan(eocd + 8), entries);
        BinaryPrimitives.WriteUInt16LittleEndian(z.AsSpan(eocd + 10), entries);
        BinaryPrimitives.WriteUInt32LittleEndian(z.AsSpan(eocd + 12), size);
        BinaryPrimitives.WriteUInt32LittleEndian(z.AsSpan(eocd + 16), offset);
        return z;
    }

    [Fact]
    public void Zip_indexing_and_reading_report_damage_per_part_or_entry()
    {
        var zip = ZipBytes(SmallExport());
        Fuzz.Bytes("takeout-zip", new[]
        {
            zip, WithEocd(zip, 0xFFFF, 0xFFFFFFFF, 0xFFFFFFFF), WithEocd(zip, 1, 0x7FFFFFFF, 0x80000000), WithEocd(zip, 0, 0, 0),
        }, bytes => AsInput(".zip", bytes, ReadWhole), maxLength: 1 << 14);
    }

    /// <summary>
    /// The central-directory reader and entry opening alone, over memory (many more cases per second than through files):
    /// a damaged part is InvalidDataException or EndOfStreamException (the callers name the part or entry), never an
    /// allocation sized by a damaged count, an index out of range or an overflow.
    /// </summary>
    [Fact]
    public void Zip_directory_and_entries_fail_only_as_damaged_data()
    {
        var zip = ZipBytes(SmallExport());
        var zip64 = Takeout.ZipDirectoryTests.Zip64Stored("a/big.jpg", Utf8("zip64 payload"));
        Fuzz.Bytes("takeout-zipdir", new[]
        {
            zip, zip64, WithEocd(zip, 0xFFFF, 0xFFFFFFFF, 0xFFFFFFFF), WithEocd(zip, 0xFFFF, 0x7FFFFFFF, 0),
            Takeout.ZipDirectoryTests.Zip64Stored("a/b.jpg", Utf8("x"), zip64Count: long.MaxValue),
            Takeout.ZipDirectoryTests.Zip64Stored("a/b.jpg", Utf8("x"), zip64Count: 0x7FFFFFFF, zip64CdOffset: -1),
            Takeout.ZipDirectoryTests.Zip64Stored("a/b.jpg", Utf8("x"), zip64CdOffset: long.MaxValue - 10),
        }, bytes =>
        {
            var d = ZipDirectory.Read(new MemoryStream(bytes, writable: false));
            var buffer = new byte[4096];
            for (int i = 0; i < d.Count; i++)
            {
                // Names are rebuilt from a folder stored once and the rest: each must find an entry of that very name.
                string name = d.Name(i);
                int found = d.Find(name);
                if (found < 0 || d.Name(found) != name) throw new InvalidOperationException($"entry {i} '{name}' was not found by its name ({found}).");
                try
                {
                    using var s = d.Open(i, new MemoryStream(bytes, writable: false), ownsPart: true);
                    while (s.Read(buffer, 0, buffer.Length) > 0) { }
                }
                catch (Exception ex) when (ex is InvalidDataException || ex is EndOfStreamException) { }
            }
        }, allowed: ex => ex is InvalidDataException || ex is EndOfStreamException, maxLength: 1 << 14);
    }

    [Fact]
    public void Tgz_and_tar_indexing_and_reading_report_damage_per_part_or_entry()
    {
        var tgz = TgzBytes(SmallExport());
        Fuzz.Bytes("takeout-tgz", new[] { tgz }, bytes => AsInput(".tgz", bytes, ReadWhole), maxLength: 1 << 14);
        // Uncompressed, so the mutations reach the tar headers (in a tgz most of them only break the gzip CRC).
        var tar = new MemoryStream();
        using (var gz = new ICSharpCode.SharpZipLib.GZip.GZipInputStream(new MemoryStream(tgz))) gz.CopyTo(tar);
        Fuzz.Bytes("takeout-tar", new[] { tar.ToArray() }, bytes => AsInput(".tar", bytes, ReadWhole), maxLength: 1 << 15);
    }

    /// <summary>Hands out at most 3 bytes per Read, like a slow entry stream.</summary>
    private sealed class TrickleStream : MemoryStream
    {
        public TrickleStream(byte[] bytes) : base(bytes, writable: false) { }
        public override int Read(byte[] buffer, int offset, int count) => base.Read(buffer, offset, Math.Min(count, 3));
        public override int ReadByte() => base.ReadByte();
    }
}
