using System.IO.Compression;
using GPhotos.Sources.Takeout;
using Xunit;

namespace GPhotos.Core.Tests.Drive;

/// <summary>
/// How much of a part the zip directory reader asks for: on Drive every byte read is a byte fetched, so the end records
/// are read in the last 1 KB first and the directory once, exactly (issue 14's byte target for a re-run).
/// </summary>
public sealed class ZipEndReadTests
{
    /// <summary>Counts the bytes read (what a Drive part would fetch).</summary>
    private sealed class Counting : MemoryStream
    {
        public Counting(byte[] b) : base(b, writable: false) { }
        public long BytesRead { get; private set; }
        public override int Read(byte[] buffer, int offset, int count)
        {
            int n = base.Read(buffer, offset, count);
            BytesRead += n;
            return n;
        }
    }

    private static byte[] Zip(int entries, int dataBytes, string comment = null)
    {
        var rnd = new Random(3);
        var ms = new MemoryStream();
        using (var zip = new ZipArchive(ms, ZipArchiveMode.Create, leaveOpen: true))
        {
            for (int i = 0; i < entries; i++)
            {
                var data = new byte[dataBytes];
                rnd.NextBytes(data);
                using var s = zip.CreateEntry($"Takeout/Google Photos/Photos from 2021/IMG_{i:00000}.jpg", CompressionLevel.NoCompression).Open();
                s.Write(data);
            }
            if (comment != null) zip.Comment = comment;
        }
        return ms.ToArray();
    }

    private static long DirectoryBytes(byte[] zip)
    {
        for (int p = zip.Length - 22; p >= 0; p--)
            if (BitConverter.ToUInt32(zip, p) == 0x06054b50) return BitConverter.ToUInt32(zip, p + 12);
        throw new InvalidDataException("no end record");
    }

    [Fact]
    public void A_part_without_comment_costs_its_directory_and_end_record_only()
    {
        // 400 entries of 2 KB: a 35 KB directory after 800 KB of data.
        byte[] zip = Zip(400, 2048);
        var part = new Counting(zip);
        ZipDirectory d = ZipDirectory.Read(part);
        Assert.Equal(400, d.Count);
        // The directory, the 22-byte end record; the 64 KB read before this change was 30 KB more.
        Assert.InRange(part.BytesRead, DirectoryBytes(zip) + 22, DirectoryBytes(zip) + 22 + 64);
    }

    [Fact]
    public void A_small_part_is_read_in_its_last_kilobyte()
    {
        byte[] zip = Zip(2, 3000);
        var part = new Counting(zip);
        Assert.Equal(2, ZipDirectory.Read(part).Count);
        Assert.Equal(1024, part.BytesRead);
    }

    [Theory]
    [InlineData(900)]   // the end record still in the first 1 KB
    [InlineData(5000)]  // a second read of the last 64 KB
    [InlineData(65000)]
    public void A_part_with_a_comment_is_read_whatever_its_length(int commentLength)
    {
        byte[] zip = Zip(30, 500, new string('c', commentLength));
        ZipDirectory d = ZipDirectory.Read(new Counting(zip));
        Assert.Equal(30, d.Count);
        Assert.Equal("Takeout/Google Photos/Photos from 2021/IMG_00029.jpg", d.Name(29));
        using var s = d.Open(29, new MemoryStream(zip, writable: false), ownsPart: true);
        Assert.Equal(500, s.CopyToCount());
    }
}

internal static class StreamCountExtensions
{
    public static long CopyToCount(this Stream s)
    {
        var m = new MemoryStream();
        s.CopyTo(m);
        return m.Length;
    }
}
