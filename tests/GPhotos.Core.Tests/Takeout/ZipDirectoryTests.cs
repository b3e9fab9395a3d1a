using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;
using GPhotos.Sources.Takeout;
using Xunit;
using static GPhotos.Core.Tests.Takeout.TakeoutFixtures;

namespace GPhotos.Core.Tests.Takeout;

/// <summary>
/// The zip central-directory reader that replaced System.IO.Compression's ZipArchive: same names, sizes and bytes as
/// ZipArchive gives, zip64 records, CP437 names, repeated names, and damage reported per part or per entry.
/// </summary>
[Collection("Takeout")]
public sealed class ZipDirectoryTests
{
    private static byte[] ReadAll(ZipDirectory d, int i, byte[] zip)
    {
        using var s = d.Open(i, new MemoryStream(zip, writable: false), ownsPart: true);
        var ms = new MemoryStream();
        s.CopyTo(ms);
        return ms.ToArray();
    }

    private static byte[] Mixed(out (string Name, byte[] Bytes, CompressionLevel Level)[] entries)
    {
        var rnd = new Random(7);
        var noise = new byte[70_000];
        rnd.NextBytes(noise);
        entries = new[]
        {
            ("Takeout/Google Photos/Photos from 2021/A.jpg", noise, CompressionLevel.NoCompression),
            ("Takeout/Google Photos/Photos from 2021/A.jpg.json", Utf8(Sidecar("A.jpg", "AAA")), CompressionLevel.Optimal),
            ("Takeout/Google Photos/Trip/Große Ferien é.jpg", Enumerable.Repeat((byte)'x', 200_000).ToArray(), CompressionLevel.Optimal),
            ("Takeout/Google Photos/Trip/empty.jpg", Array.Empty<byte>(), CompressionLevel.Optimal),
            ("Takeout/Google Photos/Trip/", Array.Empty<byte>(), CompressionLevel.NoCompression),
        };
        var ms = new MemoryStream();
        using (var zip = new ZipArchive(ms, ZipArchiveMode.Create, leaveOpen: true))
            foreach (var (name, bytes, level) in entries)
            {
                using var s = zip.CreateEntry(name, level).Open();
                s.Write(bytes);
            }
        return ms.ToArray();
    }

    [Fact]
    public void Stored_and_deflated_entries_read_as_ZipArchive_reads_them()
    {
        var zip = Mixed(out var entries);
        var d = ZipDirectory.Read(new MemoryStream(zip));
        Assert.Equal(entries.Length, d.Count);
        using var reference = new ZipArchive(new MemoryStream(zip));
        for (int i = 0; i < d.Count; i++)
        {
            Assert.Equal(reference.Entries[i].FullName, d.Name(i));
            Assert.Equal(reference.Entries[i].Length, d.Size(i));
            Assert.Equal(reference.Entries[i].Crc32, d.Crc(i));
            Assert.Equal(entries[i].Bytes, ReadAll(d, i, zip));
        }
        Assert.Equal(0, d.Method(0));
        Assert.Equal(8, d.Method(2));
        Assert.Equal(2, d.Find(entries[2].Name));
        Assert.Equal(-1, d.Find("Takeout/Google Photos/Trip/missing.jpg"));
    }

    [Fact]
    public void A_changed_byte_is_a_CRC_error_naming_the_entry_never_silent()
    {
        var zip = ZipBytes(("Takeout/Google Photos/Photos from 2021/A.jpg", Jpeg(new DateTime(2021, 3, 14), payload: 4000)));
        var d = ZipDirectory.Read(new MemoryStream(zip));
        zip[(int)d.LocalHeaderOffset(0) + 30 + d.Name(0).Length + 2000] ^= 0x40;
        var path = Path.Combine(Path.GetTempPath(), "gphotos-crc-" + Guid.NewGuid().ToString("N") + ".zip");
        File.WriteAllBytes(path, zip);
        try
        {
            using var s = TakeoutContent.Open(path, "Takeout/Google Photos/Photos from 2021/A.jpg");
            var ex = Assert.Throws<TakeoutArchiveException>(() => s.CopyTo(Stream.Null));
            Assert.Equal("Takeout/Google Photos/Photos from 2021/A.jpg", ex.EntryPath);
            Assert.Contains("CRC-32", ex.Message);
        }
        finally
        {
            TakeoutContent.ReleaseArchives(path);
            File.Delete(path);
        }
    }

    [Fact]
    public void Deflate64_and_encrypted_entries_fail_per_entry_with_a_clear_message()
    {
        var zip = ZipBytes(("a/Deflate64.jpg", Jpeg(null)), ("a/Secret.jpg", Jpeg(null)), ("a/Fine.jpg", Jpeg(null)));
        var d = ZipDirectory.Read(new MemoryStream(zip));
        int cd = FindCentral(zip, 0);
        BinaryPrimitives.WriteUInt16LittleEndian(zip.AsSpan(cd + 10), 9);
        int cd2 = FindCentral(zip, 1);
        BinaryPrimitives.WriteUInt16LittleEndian(zip.AsSpan(cd2 + 8), 1);
        var path = Path.Combine(Path.GetTempPath(), "gphotos-m9-" + Guid.NewGuid().ToString("N") + ".zip");
        File.WriteAllBytes(path, zip);
        try
        {
            var ex = Assert.Throws<TakeoutArchiveException>(() => TakeoutContent.Open(path, "a/Deflate64.jpg"));
            Assert.Equal("a/Deflate64.jpg", ex.EntryPath);
            Assert.Contains("Deflate64", ex.Message);
            ex = Assert.Throws<TakeoutArchiveException>(() => TakeoutContent.Open(path, "a/Secret.jpg"));
            Assert.Contains("encrypted", ex.Message);
            using var fine = TakeoutContent.Open(path, "a/Fine.jpg");
            Assert.Equal(Jpeg(null), ReadStream(fine));
        }
        finally
        {
            TakeoutContent.ReleaseArchives(path);
            File.Delete(path);
        }
        Assert.True(d.Count == 3);
    }

    /// <summary>
    /// Folders are stored once per directory and names rebuilt from folder and rest: whole names, order and lookups must
    /// be exactly those of the full names, with folders interleaved, repeated, nested, absent, non-ASCII, and names that
    /// differ only in where the last '/' is.
    /// </summary>
    [Fact]
    public void Names_are_whole_and_found_with_folders_stored_once()
    {
        string[] names =
        {
            "Takeout/Google Photos/Photos from 2015/IMG_1.jpg", "Takeout/Google Photos/Trip é/IMG_1.jpg",
            "Takeout/Google Photos/Photos from 2015/IMG_1.jpg.json", "top.jpg", "Takeout/Google Photos/Trip é/",
            "ab/c.jpg", "a/bc.jpg", "a/b/c.jpg", "a/", "Takeout/Google Photos/Photos from 2015/IMG_1.jpg",
            "./Takeout/Google Photos/Photos from 2015/IMG_2.jpg", "Takeout/Google Photos/Trip é/Ünïcode.jpg", "/lead.jpg",
            // a leading "/./" (and repeats) is cut alike whether the name is ASCII (cut on bytes) or not (cut as text)
            "/./dot.jpg", "/.//./Trip é/dot2.jpg",
        };
        var zip = ZipBytes(names.Select(n => (n, Utf8(n))).ToArray());
        var d = ZipDirectory.Read(new MemoryStream(zip));
        Assert.Equal(names.Length, d.Count);
        string[] expected = names.Select(TakeoutArchives.NormalizeEntryPath).ToArray();
        Assert.Equal(expected, Enumerable.Range(0, d.Count).Select(d.Name));
        Assert.Equal("dot.jpg", d.Name(names.Length - 2));
        Assert.Equal("Trip é/dot2.jpg", d.Name(names.Length - 1));
        // "", "Takeout/Google Photos/Photos from 2015/", "Takeout/Google Photos/Trip é/", "ab/", "a/", "a/b/", "Trip é/"
        Assert.Equal(7, d.FolderCount);
        for (int i = 0; i < d.Count; i++)
        {
            int occurrence = expected.Take(i).Count(n => n == expected[i]) + 1;
            Assert.Equal(i, d.Find(expected[i], occurrence));
        }
        Assert.Equal(-1, d.Find("a/b"));
        Assert.Equal(-1, d.Find("a/bc.jp"));
        Assert.Equal(-1, d.Find("Takeout/Google Photos/Photos from 2015/"));
        Assert.Equal(-1, d.Find("Takeout/Google Photos/Photos from 2015/IMG_1.jpg", 3));
        Assert.Equal(Utf8(names[6]), ReadAll(d, 6, zip));
    }

    [Fact]
    public void Repeated_names_keep_both_entries_in_directory_order()
    {
        var zip = ZipBytes(("a/IMG.jpg", Utf8("first")), ("a/IMG.jpg", Utf8("second")), ("a/IMG.jpg#2", Utf8("hash-named")));
        var d = ZipDirectory.Read(new MemoryStream(zip));
        Assert.Equal(0, d.Find("a/IMG.jpg", 1));
        Assert.Equal(1, d.Find("a/IMG.jpg", 2));
        Assert.Equal(-1, d.Find("a/IMG.jpg", 3));
        var path = Path.Combine(Path.GetTempPath(), "gphotos-dup-" + Guid.NewGuid().ToString("N") + ".zip");
        File.WriteAllBytes(path, zip);
        try
        {
            using (var s = TakeoutContent.Open(path, "a/IMG.jpg")) Assert.Equal("first", Encoding.UTF8.GetString(ReadStream(s)));
            // A real entry named "x#2" wins over the address of the second "x" (the reader never makes that address then).
            using (var s = TakeoutContent.Open(path, "a/IMG.jpg#2")) Assert.Equal("hash-named", Encoding.UTF8.GetString(ReadStream(s)));
        }
        finally
        {
            TakeoutContent.ReleaseArchives(path);
            File.Delete(path);
        }
    }

    [Fact]
    public void Names_without_the_UTF8_flag_are_read_as_UTF8_when_valid_else_as_code_page_437()
    {
        var zip = ZipBytes(("a/Xber.jpg", Utf8("cp437")), ("a/plain.jpg", Utf8("ascii")));
        // 0x81 is 'ü' in CP437 and not valid UTF-8 alone; the flag (bit 11) stays clear for an ASCII name.
        foreach (int at in IndexesOf(zip, Encoding.ASCII.GetBytes("a/Xber.jpg"))) zip[at + 2] = 0x81;
        var d = ZipDirectory.Read(new MemoryStream(zip));
        Assert.Equal("a/über.jpg", d.Name(0));
        Assert.Equal("cp437", Encoding.UTF8.GetString(ReadAll(d, 0, zip)));
        Assert.Equal(0, d.Find("a/über.jpg"));
        Assert.Equal("ü", ZipDirectory.DecodeLegacy(new byte[] { 0xC3, 0xBC }, 0, 2)); // UTF-8 without the flag
    }

    [Fact]
    public void A_truncated_part_is_one_archive_error_naming_the_part()
    {
        var zip = ZipBytes(("Takeout/Google Photos/Photos from 2021/A.jpg", Jpeg(null)));
        var path = Path.Combine(Path.GetTempPath(), "gphotos-cut-" + Guid.NewGuid().ToString("N") + ".zip");
        File.WriteAllBytes(path, zip.AsSpan(0, zip.Length - 30).ToArray());
        try
        {
            var errors = new List<TakeoutArchiveException>();
            var items = new TakeoutReader(path, new TakeoutReaderOptions { Reporter = TakeoutReports.Into(errors) }).ReadItems().ToList();
            Assert.Empty(items);
            var e = Assert.Single(errors);
            Assert.Equal(path, e.ArchivePath);
            Assert.Contains("end of central directory", e.Message);
        }
        finally { File.Delete(path); }
        Assert.Throws<InvalidDataException>(() => ZipDirectory.Read(new MemoryStream(zip.AsSpan(0, zip.Length - 30).ToArray())));
        // An entry said to start past the end of the part.
        var outside = (byte[])zip.Clone();
        BinaryPrimitives.WriteUInt32LittleEndian(outside.AsSpan(FindCentral(outside, 0) + 42), (uint)zip.Length);
        var bad = Assert.Throws<InvalidDataException>(() => ZipDirectory.Read(new MemoryStream(outside)));
        Assert.Contains("outside the part", bad.Message);
    }

    [Fact]
    public void More_than_65535_entries_are_read_through_the_zip64_end_records()
    {
        const int count = 70_000;
        var ms = new MemoryStream();
        using (var zip = new ZipArchive(ms, ZipArchiveMode.Create, leaveOpen: true))
            for (int i = 0; i < count; i++)
            {
                using var s = zip.CreateEntry("p/" + i.ToString("D6") + ".jpg", CompressionLevel.NoCompression).Open();
                s.WriteByte((byte)i);
            }
        var bytes = ms.ToArray();
        var d = ZipDirectory.Read(new MemoryStream(bytes));
        Assert.Equal(count, d.Count);
        int last = d.Find("p/069999.jpg");
        Assert.Equal(count - 1, last);
        Assert.Equal(new[] { unchecked((byte)69_999) }, ReadAll(d, last, bytes));
        // Compact: well under the ~500 B per entry ZipArchive kept.
        Assert.True(d.FootprintBytes / count < 80, $"{d.FootprintBytes / count} B per entry");
    }

    [Fact]
    public void Zip64_extra_fields_give_sizes_and_offsets()
    {
        var payload = Utf8("zip64 stored payload");
        var zip = Zip64Stored("a/big.jpg", payload);
        var d = ZipDirectory.Read(new MemoryStream(zip));
        Assert.Equal(1, d.Count);
        Assert.Equal(payload.Length, d.Size(0));
        Assert.Equal(payload, ReadAll(d, 0, zip));
    }

    [Theory]
    [InlineData(4294967294L)]   // the largest size kept in 32 bits
    [InlineData(4294967295L)]   // uint.MaxValue itself: the mark of a size kept apart, so kept apart too
    [InlineData(5000000000L)]
    public void Sizes_of_4_GB_and_more_are_kept_whole(long size)
    {
        var payload = Utf8("zip64 stored payload");
        var d = ZipDirectory.Read(new MemoryStream(Zip64Stored("a/big.mp4", payload, claimedSize: size)));
        Assert.Equal((size, (long)payload.Length), (d.Size(0), d.CompressedSize(0)));
    }

    private static byte[] ReadStream(Stream s)
    {
        var ms = new MemoryStream();
        s.CopyTo(ms);
        return ms.ToArray();
    }

    private static IEnumerable<int> IndexesOf(byte[] hay, byte[] needle)
    {
        for (int i = 0; i + needle.Length <= hay.Length; i++)
            if (hay.AsSpan(i, needle.Length).SequenceEqual(needle)) yield return i;
    }

    private static int FindCentral(byte[] zip, int n)
    {
        int seen = 0;
        for (int i = 0; i + 4 <= zip.Length; i++)
            if (BinaryPrimitives.ReadUInt32LittleEndian(zip.AsSpan(i)) == 0x02014b50 && seen++ == n) return i;
        throw new InvalidOperationException("no central record " + n);
    }

    /// <summary>One stored entry whose central record saturates sizes and offset and carries them in a zip64 extra field, with zip64 end records.</summary>
    internal static byte[] Zip64Stored(string name, byte[] data, long? zip64Count = null, long? zip64CdOffset = null, long? claimedSize = null)
    {
        var ms = new MemoryStream();
        var w = new BinaryWriter(ms);
        var n = Encoding.UTF8.GetBytes(name);
        uint crc = Crc(data);
        w.Write(0x04034b50u); w.Write((ushort)45); w.Write((ushort)0); w.Write((ushort)0); w.Write(0u); w.Write(crc);
        w.Write((uint)data.Length); w.Write((uint)data.Length); w.Write((ushort)n.Length); w.Write((ushort)0); w.Write(n); w.Write(data);
        long cd = ms.Position;
        w.Write(0x02014b50u); w.Write((ushort)45); w.Write((ushort)45); w.Write((ushort)0); w.Write((ushort)0); w.Write(0u); w.Write(crc);
        w.Write(0xFFFFFFFFu); w.Write(0xFFFFFFFFu); w.Write((ushort)n.Length); w.Write((ushort)28); w.Write((ushort)0);
        w.Write((ushort)0); w.Write((ushort)0); w.Write(0u); w.Write(0xFFFFFFFFu); w.Write(n);
        w.Write((ushort)1); w.Write((ushort)24); w.Write(claimedSize ?? data.Length); w.Write((long)data.Length); w.Write(0L);
        long cdSize = ms.Position - cd;
        long z64 = ms.Position;
        w.Write(0x06064b50u); w.Write(44L); w.Write((ushort)45); w.Write((ushort)45); w.Write(0u); w.Write(0u);
        w.Write(zip64Count ?? 1L); w.Write(zip64Count ?? 1L); w.Write(cdSize); w.Write(zip64CdOffset ?? cd);
        w.Write(0x07064b50u); w.Write(0u); w.Write(z64); w.Write(1u);
        w.Write(0x06054b50u); w.Write((ushort)0); w.Write((ushort)0); w.Write((ushort)0xFFFF); w.Write((ushort)0xFFFF);
        w.Write(0xFFFFFFFFu); w.Write(0xFFFFFFFFu); w.Write((ushort)0);
        w.Flush();
        return ms.ToArray();
    }

    private static uint Crc(byte[] data)
    {
        var c = new ICSharpCode.SharpZipLib.Checksum.Crc32();
        c.Update(data);
        return (uint)c.Value;
    }
}
