using System.Buffers.Binary;
using System.Text;

namespace GPhotos.Emulator.Takeout;

/// <summary>
/// Small files with real headers (what a reader sniffs) and a deterministic payload:
/// JPEG with EXIF (Make, Model, DateTimeOriginal) and SOF0, PNG with IHDR, HEIC/MP4/MOV with an ftyp box.
/// </summary>
internal static class SyntheticMedia
{
    public const string Make = "GPhotosSynth";
    public const string Model = "Takeout 1";

    public static byte[] Jpeg(Random rng, int width, int height, DateTime? exifDate, int payload)
    {
        var ms = new MemoryStream();
        ms.Write(new byte[] { 0xFF, 0xD8 });
        // APP1 Exif: TIFF little endian, IFD0 {Make, Model, ExifIFD} → ExifIFD {DateTimeOriginal}
        var tiff = new MemoryStream();
        var make = Encoding.ASCII.GetBytes(Make + "\0");
        var model = Encoding.ASCII.GetBytes(Model + "\0");
        var date = exifDate is { } d ? Encoding.ASCII.GetBytes(d.ToString("yyyy:MM:dd HH:mm:ss", System.Globalization.CultureInfo.InvariantCulture) + "\0") : null;
        int ifd0 = 8, ifd0Size = 2 + 3 * 12 + 4;
        int makeAt = ifd0 + ifd0Size, modelAt = makeAt + make.Length, exifAt = modelAt + model.Length;
        int exifSize = 2 + (date != null ? 1 : 0) * 12 + 4, dateAt = exifAt + exifSize;
        var w = new BinaryWriter(tiff);
        w.Write((byte)'I'); w.Write((byte)'I'); w.Write((ushort)42); w.Write((uint)ifd0);
        w.Write((ushort)3);
        Entry(w, 0x010F, 2, (uint)make.Length, (uint)makeAt);
        Entry(w, 0x0110, 2, (uint)model.Length, (uint)modelAt);
        Entry(w, 0x8769, 4, 1, (uint)exifAt);
        w.Write(0u);
        w.Write(make); w.Write(model);
        w.Write((ushort)(date != null ? 1 : 0));
        if (date != null) Entry(w, 0x9003, 2, (uint)date.Length, (uint)dateAt);
        w.Write(0u);
        if (date != null) w.Write(date);
        w.Flush();
        var exif = Encoding.ASCII.GetBytes("Exif\0\0").Concat(tiff.ToArray()).ToArray();
        Segment(ms, 0xE1, exif);
        // SOF0: 8-bit, height, width, 3 components
        var sof = new byte[15];
        sof[0] = 8;
        BinaryPrimitives.WriteUInt16BigEndian(sof.AsSpan(1), (ushort)height);
        BinaryPrimitives.WriteUInt16BigEndian(sof.AsSpan(3), (ushort)width);
        sof[5] = 3;
        byte[] comps = { 1, 0x22, 0, 2, 0x11, 1, 3, 0x11, 1 };
        comps.CopyTo(sof, 6);
        Segment(ms, 0xC0, sof);
        Segment(ms, 0xDA, new byte[] { 3, 1, 0, 2, 0x11, 3, 0x11, 0, 0x3F, 0 });
        ms.Write(Payload(rng, payload));
        ms.Write(new byte[] { 0xFF, 0xD9 });
        return ms.ToArray();
    }

    public static byte[] Png(Random rng, int width, int height, int payload)
    {
        var ms = new MemoryStream();
        ms.Write(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A });
        var ihdr = new byte[13];
        BinaryPrimitives.WriteUInt32BigEndian(ihdr, (uint)width);
        BinaryPrimitives.WriteUInt32BigEndian(ihdr.AsSpan(4), (uint)height);
        ihdr[8] = 8; ihdr[9] = 2;
        Chunk(ms, "IHDR", ihdr);
        Chunk(ms, "IDAT", Payload(rng, payload));
        Chunk(ms, "IEND", Array.Empty<byte>());
        return ms.ToArray();
    }

    /// <summary>An ISO-BMFF file: ftyp box with the brand, then an mdat box of payload.</summary>
    public static byte[] Bmff(Random rng, string brand, int payload)
    {
        var ms = new MemoryStream();
        var ftyp = new MemoryStream();
        ftyp.Write(Encoding.ASCII.GetBytes(brand));
        ftyp.Write(new byte[] { 0, 0, 2, 0 });
        ftyp.Write(Encoding.ASCII.GetBytes(brand));
        ftyp.Write(Encoding.ASCII.GetBytes(brand == "heic" ? "mif1" : "mp41"));
        Box(ms, "ftyp", ftyp.ToArray());
        Box(ms, "mdat", Payload(rng, payload));
        return ms.ToArray();
    }

    /// <summary>An ISO-BMFF file's start whose mdat box announces <paramref name="payload"/> bytes that the caller writes after it.</summary>
    public static byte[] BmffHead(string brand, long payload)
    {
        var ms = new MemoryStream();
        var ftyp = Encoding.ASCII.GetBytes(brand).Concat(new byte[] { 0, 0, 2, 0 }).Concat(Encoding.ASCII.GetBytes(brand + "mp41")).ToArray();
        Box(ms, "ftyp", ftyp);
        var head = new byte[8];
        BinaryPrimitives.WriteUInt32BigEndian(head, (uint)(payload + 8));
        Encoding.ASCII.GetBytes("mdat").CopyTo(head, 4);
        ms.Write(head);
        return ms.ToArray();
    }

    /// <summary>
    /// Writes <paramref name="length"/> pseudo-random bytes from <paramref name="seed"/> (same seed, same bytes) to
    /// <paramref name="s"/> and <paramref name="sha"/>: a filler's payload is made when its part is written, never held.
    /// </summary>
    public static void WriteFill(Stream s, System.Security.Cryptography.IncrementalHash sha, int seed, long length)
    {
        var rng = new Random(seed);
        var buffer = new byte[(int)Math.Min(length, 1 << 16)];
        long left = length;
        while (left > 0)
        {
            int n = (int)Math.Min(left, buffer.Length);
            rng.NextBytes(buffer.AsSpan(0, n));
            s.Write(buffer, 0, n);
            sha.AppendData(buffer, 0, n);
            left -= n;
        }
    }

    /// <summary>Header of the large video: an ftyp box and the start of an mdat box; zeros follow.</summary>
    public static byte[] LargeVideoHeader()
    {
        var ms = new MemoryStream();
        var ftyp = Encoding.ASCII.GetBytes("isom").Concat(new byte[] { 0, 0, 2, 0 }).Concat(Encoding.ASCII.GetBytes("isommp41")).ToArray();
        Box(ms, "ftyp", ftyp);
        return ms.ToArray();
    }

    public static byte[] Payload(Random rng, int size)
    {
        var b = new byte[size];
        rng.NextBytes(b);
        return b;
    }

    private static void Entry(BinaryWriter w, ushort tag, ushort type, uint count, uint value)
    {
        w.Write(tag); w.Write(type); w.Write(count); w.Write(value);
    }

    private static void Segment(Stream s, byte marker, byte[] body)
    {
        s.WriteByte(0xFF); s.WriteByte(marker);
        var len = new byte[2];
        BinaryPrimitives.WriteUInt16BigEndian(len, (ushort)(body.Length + 2));
        s.Write(len); s.Write(body);
    }

    private static void Chunk(Stream s, string type, byte[] data)
    {
        var head = new byte[8];
        BinaryPrimitives.WriteUInt32BigEndian(head, (uint)data.Length);
        Encoding.ASCII.GetBytes(type).CopyTo(head, 4);
        s.Write(head); s.Write(data);
        var crcInput = head.AsSpan(4).ToArray().Concat(data).ToArray();
        var crc = new byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(crc, Crc32(crcInput));
        s.Write(crc);
    }

    private static void Box(Stream s, string type, byte[] data)
    {
        var head = new byte[8];
        BinaryPrimitives.WriteUInt32BigEndian(head, (uint)(data.Length + 8));
        Encoding.ASCII.GetBytes(type).CopyTo(head, 4);
        s.Write(head); s.Write(data);
    }

    private static uint Crc32(byte[] data)
    {
        uint crc = 0xFFFFFFFF;
        foreach (var b in data)
        {
            crc ^= b;
            for (int k = 0; k < 8; k++) crc = (crc & 1) != 0 ? (crc >> 1) ^ 0xEDB88320u : crc >> 1;
        }
        return ~crc;
    }
}
