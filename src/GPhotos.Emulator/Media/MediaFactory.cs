using System.Buffers.Binary;
using System.Text;

namespace GPhotos.Emulator.Media;

/// <summary>What a base URL request asks for.</summary>
internal enum VariantKind { Bare, Download, DownloadVideo, Sized }

internal readonly record struct VariantRequest(VariantKind Kind, int W, int H, bool Crop)
{
    /// <summary>Parses the part after '=' ("d", "dv", "w100-h200-c-no", "s512"); null suffix = bare URL.</summary>
    public static VariantRequest? Parse(string suffix)
    {
        if (string.IsNullOrEmpty(suffix)) return new VariantRequest(VariantKind.Bare, 0, 0, false);
        int w = 0, h = 0; bool crop = false, d = false, dv = false;
        foreach (var part in suffix.Split('-', StringSplitOptions.RemoveEmptyEntries))
        {
            if (part == "d") d = true;
            else if (part == "dv") dv = true;
            else if (part == "c") crop = true;
            else if (part is "no" or "p" or "k" or "rj" or "rw" or "nu") { }
            else if (part.Length > 1 && (part[0] == 'w' || part[0] == 'h' || part[0] == 's') && int.TryParse(part.AsSpan(1), out var v) && v >= 0)
            {
                if (part[0] == 'w') w = v; else if (part[0] == 'h') h = v; else { w = v; h = v; }
            }
            else return null;
        }
        if (dv) return new VariantRequest(VariantKind.DownloadVideo, 0, 0, false);
        if (d) return new VariantRequest(VariantKind.Download, 0, 0, false);
        return new VariantRequest(VariantKind.Sized, w, h, crop);
    }
}

/// <summary>Builds the bytes Google would serve for an item and variant.</summary>
internal static class MediaFactory
{
    public const int BareMaxSide = 512;

    /// <summary>The blob a variant serves, or null for 404 (=dv on a plain photo).</summary>
    public static (Blob Blob, string ContentType)? Resolve(MediaItemRecord item, VariantRequest v)
    {
        switch (v.Kind)
        {
            case VariantKind.DownloadVideo:
                if (item.IsVideo)
                {
                    if (item.Status == VideoStatus.Ready) return (Mp4(item.Size, item.ContentKey, item.CreationTime), "video/mp4");
                    // Not playable yet: Google hands out a JPEG thumbnail instead of the video.
                    var (tw, th) = Fit(item.Width, item.Height, item.Width, item.Height, false);
                    return (Thumbnail(tw, th), "image/jpeg");
                }
                if (item.Motion) return (Mp4(item.MotionVideoSize, item.ContentKey ^ 0x4D4F54494F4EUL, item.CreationTime), "video/mp4");
                return null;
            case VariantKind.Download:
                if (item.IsVideo) return (Thumbnail(item.Width, item.Height), "image/jpeg");
                return (OriginalJpeg(item), "image/jpeg");
            case VariantKind.Sized:
            {
                var (w, h) = Fit(item.Width, item.Height, v.W, v.H, v.Crop);
                return (Thumbnail(w, h), "image/jpeg");
            }
            default:
            {
                var (w, h) = Fit(item.Width, item.Height, BareMaxSide, BareMaxSide, false);
                return (Thumbnail(w, h), "image/jpeg");
            }
        }
    }

    /// <summary>Scales (ow,oh) to fit within (w,h) keeping the aspect ratio (crop: exactly w×h), never upscaling.</summary>
    internal static (int W, int H) Fit(int ow, int oh, int w, int h, bool crop)
    {
        ow = Math.Max(1, ow); oh = Math.Max(1, oh);
        if (w <= 0 && h <= 0) { w = ow; h = oh; }
        if (crop && w > 0 && h > 0) return (Math.Clamp(Math.Min(w, ow), 1, 65535), Math.Clamp(Math.Min(h, oh), 1, 65535));
        double scale = 1;
        if (w > 0) scale = Math.Min(scale, (double)w / ow);
        if (h > 0) scale = Math.Min(scale, (double)h / oh);
        return (Math.Clamp((int)Math.Round(ow * scale), 1, 65535), Math.Clamp((int)Math.Round(oh * scale), 1, 65535));
    }

    // ---------------------------------------------------------------- JPEG

    /// <summary>The "=d" JPEG: SOI, APP1 Exif (Make, Model, DateTimeOriginal..., no GPS), padding to the exact size, then a
    /// valid baseline grayscale frame of the item's dimensions (scaled down if the size is too small to hold it).</summary>
    public static Blob OriginalJpeg(MediaItemRecord item)
    {
        var head = Concat(new byte[] { 0xFF, 0xD8 }, ExifSegment(item));
        int w = Math.Clamp(item.Width, 1, 65535), h = Math.Clamp(item.Height, 1, 65535);
        while (true)
        {
            var tables = FrameHeaders(w, h);
            long scan = ScanLength(w, h);
            long pad = item.Size - head.Length - tables.Length - scan - 2;
            if (pad >= 0 || (w <= 8 && h <= 8))
            {
                return new CompositeBlob(new BytesBlob(head), new JpegPaddingBlob(Math.Max(0, pad), item.ContentKey),
                    new BytesBlob(tables), ScanBlob(w, h), new BytesBlob(new byte[] { 0xFF, 0xD9 }));
            }
            w = Math.Max(1, w / 2);
            h = Math.Max(1, h / 2);
        }
    }

    /// <summary>A small JPEG without EXIF (resized image or video thumbnail).</summary>
    public static Blob Thumbnail(int w, int h) =>
        new CompositeBlob(new BytesBlob(new byte[] { 0xFF, 0xD8 }), new BytesBlob(FrameHeaders(w, h)), ScanBlob(w, h), new BytesBlob(new byte[] { 0xFF, 0xD9 }));

    private static long Blocks(int w, int h) => (long)((w + 7) / 8) * ((h + 7) / 8);

    // Each 8x8 block is coded as DC diff 0 ("0") + EOB ("0") with one-symbol Huffman tables: 2 bits, a uniform gray image.
    private static long ScanLength(int w, int h) => (Blocks(w, h) * 2 + 7) / 8;

    private static Blob ScanBlob(int w, int h)
    {
        long bits = Blocks(w, h) * 2;
        int used = (int)(bits % 8);
        byte last = used == 0 ? (byte)0 : (byte)((1 << (8 - used)) - 1); // pad the final byte with 1-bits
        return new ZerosBlob((bits + 7) / 8, last);
    }

    private static byte[] FrameHeaders(int w, int h)
    {
        var ms = new MemoryStream(128);
        // DQT: table 0, all ones.
        ms.Write(new byte[] { 0xFF, 0xDB, 0x00, 0x43, 0x00 });
        for (int i = 0; i < 64; i++) ms.WriteByte(1);
        // SOF0: 8-bit, h x w, one component.
        ms.Write(new byte[] { 0xFF, 0xC0, 0x00, 0x0B, 0x08, (byte)(h >> 8), (byte)h, (byte)(w >> 8), (byte)w, 0x01, 0x01, 0x11, 0x00 });
        // DHT DC0 and AC0: one code of length 1 each (DC category 0, AC EOB).
        foreach (byte tc in new byte[] { 0x00, 0x10 })
        {
            ms.Write(new byte[] { 0xFF, 0xC4, 0x00, 0x14, tc, 0x01 });
            for (int i = 1; i < 16; i++) ms.WriteByte(0);
            ms.WriteByte(0x00);
        }
        // SOS
        ms.Write(new byte[] { 0xFF, 0xDA, 0x00, 0x08, 0x01, 0x01, 0x00, 0x00, 0x3F, 0x00 });
        return ms.ToArray();
    }

    /// <summary>APP1 "Exif" with IFD0 (Make, Model, Orientation, DateTime, ExifIFD) and the Exif IFD
    /// (ExposureTime, FNumber, ISO, DateTimeOriginal, OffsetTimeOriginal, FocalLength, PixelX/YDimension). Never GPS.</summary>
    internal static byte[] ExifSegment(MediaItemRecord item)
    {
        var ifd0 = new List<(ushort Tag, ushort Type, uint Count, byte[] Data)>();
        var exif = new List<(ushort Tag, ushort Type, uint Count, byte[] Data)>();
        if (item.CameraMake != null) ifd0.Add(Ascii(0x010F, item.CameraMake));
        if (item.CameraModel != null) ifd0.Add(Ascii(0x0110, item.CameraModel));
        ifd0.Add((0x0112, 3, 1, U16(1)));
        string dt = item.CaptureTime?.UtcDateTime.ToString("yyyy:MM:dd HH:mm:ss", System.Globalization.CultureInfo.InvariantCulture);
        if (dt != null) ifd0.Add(Ascii(0x0132, dt));
        ifd0.Add((0x8769, 4, 1, new byte[4])); // patched below

        if (item.ExposureTime is double et) exif.Add((0x829A, 5, 1, Rational(et)));
        if (item.ApertureFNumber is double fn) exif.Add((0x829D, 5, 1, Rational(fn)));
        if (item.IsoEquivalent is int iso) exif.Add((0x8827, 3, 1, U16((ushort)Math.Clamp(iso, 0, 65535))));
        if (dt != null)
        {
            exif.Add(Ascii(0x9003, dt));
            exif.Add(Ascii(0x9011, "+00:00"));
        }
        if (item.FocalLength is double fl) exif.Add((0x920A, 5, 1, Rational(fl)));
        exif.Add((0xA002, 4, 1, U32((uint)item.Width)));
        exif.Add((0xA003, 4, 1, U32((uint)item.Height)));

        uint ifd0Size = IfdSize(ifd0);
        uint exifOffset = 8 + ifd0Size;
        ifd0[^1] = (0x8769, 4, 1, U32(exifOffset));

        var tiff = new MemoryStream();
        tiff.Write("II"u8);
        tiff.Write(U16(42));
        tiff.Write(U32(8));
        WriteIfd(tiff, ifd0, 8);
        WriteIfd(tiff, exif, exifOffset);
        var body = Concat("Exif\0\0"u8.ToArray(), tiff.ToArray());
        int len = body.Length + 2;
        return Concat(new byte[] { 0xFF, 0xE1, (byte)(len >> 8), (byte)len }, body);
    }

    private static (ushort, ushort, uint, byte[]) Ascii(ushort tag, string s)
    {
        var b = Encoding.ASCII.GetBytes(s + "\0");
        return (tag, 2, (uint)b.Length, b);
    }

    private static byte[] U16(ushort v) { var b = new byte[2]; BinaryPrimitives.WriteUInt16LittleEndian(b, v); return b; }
    private static byte[] U32(uint v) { var b = new byte[4]; BinaryPrimitives.WriteUInt32LittleEndian(b, v); return b; }

    private static byte[] Rational(double v)
    {
        uint num, den;
        if (v < 1 && v > 0) { den = (uint)Math.Round(1 / v); num = 1; if (Math.Abs(1.0 / den - v) > 1e-9) { num = (uint)Math.Round(v * 1_000_000); den = 1_000_000; } }
        else { num = (uint)Math.Round(v * 100); den = 100; }
        return Concat(U32(num), U32(den));
    }

    private static uint IfdSize(List<(ushort Tag, ushort Type, uint Count, byte[] Data)> e)
    {
        uint size = (uint)(2 + 12 * e.Count + 4);
        foreach (var x in e) if (x.Data.Length > 4) size += (uint)((x.Data.Length + 1) & ~1);
        return size;
    }

    private static void WriteIfd(MemoryStream s, List<(ushort Tag, ushort Type, uint Count, byte[] Data)> entries, uint ifdOffset)
    {
        entries.Sort((a, b) => a.Tag.CompareTo(b.Tag));
        uint dataOffset = ifdOffset + (uint)(2 + 12 * entries.Count + 4);
        var data = new MemoryStream();
        s.Write(U16((ushort)entries.Count));
        foreach (var e in entries)
        {
            s.Write(U16(e.Tag));
            s.Write(U16(e.Type));
            s.Write(U32(e.Count));
            if (e.Data.Length <= 4)
            {
                var v = new byte[4];
                e.Data.CopyTo(v, 0);
                s.Write(v);
            }
            else
            {
                s.Write(U32(dataOffset + (uint)data.Length));
                data.Write(e.Data);
                if ((data.Length & 1) == 1) data.WriteByte(0);
            }
        }
        s.Write(U32(0));
        data.Position = 0;
        data.CopyTo(s);
    }

    // ---------------------------------------------------------------- MP4

    /// <summary>An MP4 of exactly <paramref name="size"/> bytes (min ~160): ftyp, mdat (pseudo-random payload), moov/mvhd.</summary>
    public static Blob Mp4(long size, ulong key, DateTimeOffset created)
    {
        var ftyp = new byte[32];
        BinaryPrimitives.WriteUInt32BigEndian(ftyp, 32);
        "ftypisom"u8.CopyTo(ftyp.AsSpan(4));
        BinaryPrimitives.WriteUInt32BigEndian(ftyp.AsSpan(12), 0x200);
        "isomiso2avc1mp41"u8.CopyTo(ftyp.AsSpan(16));

        var moov = Moov(size, created);
        long payload = Math.Max(0, size - ftyp.Length - 8 - moov.Length);
        byte[] mdatHeader;
        if (payload + 8 <= uint.MaxValue)
        {
            mdatHeader = new byte[8];
            BinaryPrimitives.WriteUInt32BigEndian(mdatHeader, (uint)(payload + 8));
        }
        else
        {
            payload = Math.Max(0, size - ftyp.Length - 16 - moov.Length);
            mdatHeader = new byte[16];
            BinaryPrimitives.WriteUInt32BigEndian(mdatHeader, 1);
            BinaryPrimitives.WriteUInt64BigEndian(mdatHeader.AsSpan(8), (ulong)payload + 16);
        }
        "mdat"u8.CopyTo(mdatHeader.AsSpan(4));
        return new CompositeBlob(new BytesBlob(ftyp), new BytesBlob(mdatHeader), new RandomBlob(payload, key), new BytesBlob(moov));
    }

    private static byte[] Moov(long size, DateTimeOffset created)
    {
        var b = new byte[8 + 108];
        BinaryPrimitives.WriteUInt32BigEndian(b, (uint)b.Length);
        "moov"u8.CopyTo(b.AsSpan(4));
        var m = b.AsSpan(8);
        BinaryPrimitives.WriteUInt32BigEndian(m, 108);
        "mvhd"u8.CopyTo(m[4..]);
        // version 0, flags 0 at m[8..12]
        uint t = (uint)Math.Clamp((created.UtcDateTime - new DateTime(1904, 1, 1, 0, 0, 0, DateTimeKind.Utc)).TotalSeconds, 0, uint.MaxValue);
        BinaryPrimitives.WriteUInt32BigEndian(m[12..], t);
        BinaryPrimitives.WriteUInt32BigEndian(m[16..], t);
        BinaryPrimitives.WriteUInt32BigEndian(m[20..], 1000); // timescale
        BinaryPrimitives.WriteUInt32BigEndian(m[24..], (uint)Math.Clamp(size / 1000, 1000, uint.MaxValue)); // ~8 Mbit/s
        BinaryPrimitives.WriteUInt32BigEndian(m[28..], 0x00010000); // rate 1.0
        BinaryPrimitives.WriteUInt16BigEndian(m[32..], 0x0100); // volume 1.0
        // reserved 10 bytes at m[34..44]; matrix at m[44..80]
        uint[] matrix = { 0x00010000, 0, 0, 0, 0x00010000, 0, 0, 0, 0x40000000 };
        for (int i = 0; i < 9; i++) BinaryPrimitives.WriteUInt32BigEndian(m[(44 + 4 * i)..], matrix[i]);
        // pre_defined 24 bytes at m[80..104]; next_track_ID at m[104..108]
        BinaryPrimitives.WriteUInt32BigEndian(m[104..], 2);
        return b;
    }

    private static byte[] Concat(byte[] a, byte[] b)
    {
        var r = new byte[a.Length + b.Length];
        a.CopyTo(r, 0);
        b.CopyTo(r, a.Length);
        return r;
    }
}
