using System.Buffers.Binary;
using System.Globalization;
using System.IO.Compression;
using System.Text;
using ICSharpCode.SharpZipLib.GZip;
using ICSharpCode.SharpZipLib.Tar;

namespace GPhotos.Core.Tests.Takeout;

/// <summary>Hand-made media, sidecars and archives for the hardening and fuzz tests (small, exact, byte for byte).</summary>
internal static class TakeoutFixtures
{
    public const string Photos = "Takeout/Google Photos/";
    public const string Year = Photos + "Photos from 2021/";

    /// <summary>
    /// A JPEG: SOI, APP1 Exif (IFD0 Make + ExifIFD pointer → DateTimeOriginal and optional OffsetTimeOriginal), SOF0,
    /// SOS, a payload, EOI. <paramref name="exifIfdPointer"/> overrides the ExifIFD offset (0x80000000 broke the probe).
    /// </summary>
    public static byte[] Jpeg(DateTime? date = null, string? offset = null, uint? exifIfdPointer = null, int payload = 64, byte fill = 0x55)
    {
        var tiff = new MemoryStream();
        var w = new BinaryWriter(tiff);
        var make = Encoding.ASCII.GetBytes("Fixture\0");
        var dateBytes = date is { } d ? Encoding.ASCII.GetBytes(d.ToString("yyyy:MM:dd HH:mm:ss", CultureInfo.InvariantCulture) + "\0") : null;
        var offsetBytes = offset != null ? Encoding.ASCII.GetBytes(offset + "\0") : null;
        int ifd0 = 8, ifd0Size = 2 + 2 * 12 + 4, makeAt = ifd0 + ifd0Size, exifAt = makeAt + make.Length;
        int exifCount = (dateBytes != null ? 1 : 0) + (offsetBytes != null ? 1 : 0);
        int dataAt = exifAt + 2 + exifCount * 12 + 4;
        w.Write((byte)'I'); w.Write((byte)'I'); w.Write((ushort)42); w.Write((uint)ifd0);
        w.Write((ushort)2);
        Entry(w, 0x010F, 2, (uint)make.Length, (uint)makeAt);
        Entry(w, 0x8769, 4, 1, exifIfdPointer ?? (uint)exifAt);
        w.Write(0u);
        w.Write(make);
        w.Write((ushort)exifCount);
        int at = dataAt;
        if (dateBytes != null) { Entry(w, 0x9003, 2, (uint)dateBytes.Length, (uint)at); at += dateBytes.Length; }
        if (offsetBytes != null) Entry(w, 0x9011, 2, (uint)offsetBytes.Length, offsetBytes.Length <= 4 ? 0 : (uint)at);
        w.Write(0u);
        if (dateBytes != null) w.Write(dateBytes);
        if (offsetBytes != null) w.Write(offsetBytes);
        w.Flush();

        var ms = new MemoryStream();
        ms.Write(new byte[] { 0xFF, 0xD8 });
        Segment(ms, 0xE1, Encoding.ASCII.GetBytes("Exif\0\0").Concat(tiff.ToArray()).ToArray());
        var sof = new byte[15];
        sof[0] = 8;
        BinaryPrimitives.WriteUInt16BigEndian(sof.AsSpan(1), 3);
        BinaryPrimitives.WriteUInt16BigEndian(sof.AsSpan(3), 4);
        sof[5] = 3;
        Segment(ms, 0xC0, sof);
        Segment(ms, 0xDA, new byte[] { 3, 1, 0, 2, 0x11, 3, 0x11, 0, 0x3F, 0 });
        ms.Write(Enumerable.Repeat(fill, payload).ToArray());
        ms.Write(new byte[] { 0xFF, 0xD9 });
        return ms.ToArray();
    }

    public static byte[] Png(int width = 5, int height = 7)
    {
        var ms = new MemoryStream();
        ms.Write(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13, (byte)'I', (byte)'H', (byte)'D', (byte)'R' });
        var ihdr = new byte[13];
        BinaryPrimitives.WriteUInt32BigEndian(ihdr.AsSpan(0), (uint)width);
        BinaryPrimitives.WriteUInt32BigEndian(ihdr.AsSpan(4), (uint)height);
        ihdr[8] = 8; ihdr[9] = 2;
        ms.Write(ihdr);
        ms.Write(new byte[4]);
        ms.Write(new byte[] { 0, 0, 0, 0, (byte)'I', (byte)'E', (byte)'N', (byte)'D', 0xAE, 0x42, 0x60, 0x82 });
        return ms.ToArray();
    }

    /// <summary>An ISO BMFF head (HEIC, MP4, MOV): ftyp with the brand, then a small moov/mdat.</summary>
    public static byte[] Bmff(string brand)
    {
        var ms = new MemoryStream();
        void Box(string type, byte[] body)
        {
            var h = new byte[8];
            BinaryPrimitives.WriteUInt32BigEndian(h, (uint)(8 + body.Length));
            Encoding.ASCII.GetBytes(type).CopyTo(h, 4);
            ms.Write(h);
            ms.Write(body);
        }
        Box("ftyp", Encoding.ASCII.GetBytes(brand + "\0\0\0\0" + brand + "isom"));
        var mvhd = new byte[108];
        BinaryPrimitives.WriteUInt32BigEndian(mvhd.AsSpan(4), 3_700_000_000); // creation time, seconds since 1904
        Box("moov", Concat(Header(8 + mvhd.Length, "mvhd"), mvhd));
        Box("mdat", new byte[32]);
        return ms.ToArray();
    }

    private static byte[] Header(int size, string type)
    {
        var h = new byte[8];
        BinaryPrimitives.WriteUInt32BigEndian(h, (uint)size);
        Encoding.ASCII.GetBytes(type).CopyTo(h, 4);
        return h;
    }

    private static byte[] Concat(byte[] a, byte[] b) => a.Concat(b).ToArray();

    public static string Sidecar(string title, string? id = null, string taken = "1615716900", string geo = "", string extra = "")
        => "{\"title\":\"" + title + "\",\"description\":\"\"," + (id != null ? "\"url\":\"https://photos.google.com/photo/" + id + "\"," : "")
         + "\"photoTakenTime\":{\"timestamp\":\"" + taken + "\",\"formatted\":\"x\"},\"creationTime\":{\"timestamp\":\"1615800000\"}"
         + (geo.Length > 0 ? ",\"geoData\":" + geo : "") + extra + "}";

    public const string AlbumMetadata = "{\"title\":\"Trip\",\"description\":\"\",\"access\":\"protected\",\"date\":{\"timestamp\":\"1615716900\"}}";

    public static byte[] Utf8(string s) => Encoding.UTF8.GetBytes(s);

    /// <summary>A zip whose entries are written in order, repeated names included.</summary>
    public static string Zip(string path, params (string Name, byte[] Bytes)[] entries)
    {
        using (var fs = File.Create(path))
        using (var zip = new ZipArchive(fs, ZipArchiveMode.Create))
        {
            foreach (var (name, bytes) in entries)
            {
                using var s = zip.CreateEntry(name, CompressionLevel.Fastest).Open();
                s.Write(bytes);
            }
        }
        return path;
    }

    public static byte[] ZipBytes(params (string Name, byte[] Bytes)[] entries)
    {
        var ms = new MemoryStream();
        using (var zip = new ZipArchive(ms, ZipArchiveMode.Create, leaveOpen: true))
        {
            foreach (var (name, bytes) in entries)
            {
                using var s = zip.CreateEntry(name, CompressionLevel.NoCompression).Open();
                s.Write(bytes);
            }
        }
        return ms.ToArray();
    }

    public static string Tgz(string path, params (string Name, byte[] Bytes)[] entries)
    {
        File.WriteAllBytes(path, TgzBytes(entries));
        return path;
    }

    public static byte[] TgzBytes(params (string Name, byte[] Bytes)[] entries)
    {
        var ms = new MemoryStream();
        using (var gz = new GZipOutputStream(ms) { IsStreamOwner = false })
        using (var tar = new TarOutputStream(gz, Encoding.UTF8) { IsStreamOwner = false })
        {
            foreach (var (name, bytes) in entries)
            {
                var e = TarEntry.CreateTarEntry(name);
                e.Size = bytes.Length;
                e.ModTime = new DateTime(2021, 3, 14, 0, 0, 0, DateTimeKind.Utc);
                tar.PutNextEntry(e);
                tar.Write(bytes, 0, bytes.Length);
                tar.CloseEntry();
            }
        }
        return ms.ToArray();
    }

    private static void Entry(BinaryWriter w, ushort tag, ushort type, uint count, uint value)
    {
        w.Write(tag); w.Write(type); w.Write(count); w.Write(value);
    }

    private static void Segment(Stream s, byte marker, byte[] body)
    {
        s.WriteByte(0xFF); s.WriteByte(marker);
        s.WriteByte((byte)((body.Length + 2) >> 8)); s.WriteByte((byte)((body.Length + 2) & 0xFF));
        s.Write(body);
    }
}
