using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Text;
using GPhotos.Model;

namespace GPhotos.Sources.Takeout
{
    /// <summary>What the first bytes of a media file tell, read cheaply from a forward-only stream.</summary>
    internal sealed class MediaProbeResult
    {
        public string MimeType;        // from the magic bytes; null when not recognized
        public long? Width, Height;
        public DateTime? DateTaken;    // EXIF DateTimeOriginal (UTC when OffsetTimeOriginal is present, else wall clock as UTC)
        public string CameraMake, CameraModel;

        /// <summary>What was wrong with the headers (e.g. an EXIF offset pointing outside its block); null when nothing was.</summary>
        public string Problem;
    }

    /// <summary>
    /// Magic-byte sniffing, JPEG SOF/EXIF, PNG IHDR and GIF screen size. Never reads more than
    /// <see cref="MaxBytes"/> and never seeks, so it works on zip entry streams and inside a tar pass.
    /// </summary>
    internal static class MediaProbe
    {
        public const int MaxBytes = 256 * 1024;

        private static readonly Dictionary<string, string> MimeByExtension = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
        {
            [".jpg"] = "image/jpeg", [".jpeg"] = "image/jpeg", [".jpe"] = "image/jpeg", [".jfif"] = "image/jpeg",
            [".png"] = "image/png", [".gif"] = "image/gif", [".webp"] = "image/webp", [".bmp"] = "image/bmp",
            [".heic"] = "image/heic", [".heif"] = "image/heif", [".avif"] = "image/avif",
            [".tif"] = "image/tiff", [".tiff"] = "image/tiff", [".ico"] = "image/x-icon",
            [".dng"] = "image/x-adobe-dng", [".nef"] = "image/x-nikon-nef", [".cr2"] = "image/x-canon-cr2",
            [".cr3"] = "image/x-canon-cr3", [".arw"] = "image/x-sony-arw", [".orf"] = "image/x-olympus-orf",
            [".rw2"] = "image/x-panasonic-rw2", [".raf"] = "image/x-fuji-raf", [".pef"] = "image/x-pentax-pef",
            [".srw"] = "image/x-samsung-srw",
            [".mp4"] = "video/mp4", [".m4v"] = "video/mp4", [".mp"] = "video/mp4", [".mov"] = "video/quicktime",
            [".qt"] = "video/quicktime", [".avi"] = "video/x-msvideo", [".mkv"] = "video/x-matroska",
            [".webm"] = "video/webm", [".3gp"] = "video/3gpp", [".3g2"] = "video/3gpp2", [".mts"] = "video/mp2t",
            [".m2ts"] = "video/mp2t", [".ts"] = "video/mp2t", [".wmv"] = "video/x-ms-wmv", [".asf"] = "video/x-ms-asf",
            [".mpg"] = "video/mpeg", [".mpeg"] = "video/mpeg", [".flv"] = "video/x-flv", [".mod"] = "video/mpeg",
        };

        private static readonly HashSet<string> TiffBasedRaw = new HashSet<string>(StringComparer.OrdinalIgnoreCase)
        { ".dng", ".nef", ".cr2", ".arw", ".orf", ".rw2", ".pef", ".srw" };

        public static string MimeFromExtension(string ext)
            => ext != null && MimeByExtension.TryGetValue(ext, out var m) ? m : null;

        public static bool IsVideoExtension(string ext) => (MimeFromExtension(ext) ?? string.Empty).StartsWith("video/", StringComparison.Ordinal);

        public static bool IsPhotoExtension(string ext) => (MimeFromExtension(ext) ?? string.Empty).StartsWith("image/", StringComparison.Ordinal);

        public static MediaType MediaTypeOf(string mime)
        {
            if (mime == null) return MediaType.Unspecified;
            if (mime.StartsWith("image/", StringComparison.Ordinal)) return MediaType.Photo;
            if (mime.StartsWith("video/", StringComparison.Ordinal)) return MediaType.Video;
            return MediaType.Unspecified;
        }

        /// <summary>Magic wins over the extension, except where the magic only names a container the extension refines (TIFF-based raw).</summary>
        public static string ChooseMime(string ext, string sniffed)
        {
            var byExt = MimeFromExtension(ext);
            if (sniffed == null) return byExt ?? "application/octet-stream";
            if (byExt == null) return sniffed;
            if (sniffed == "image/tiff" && TiffBasedRaw.Contains(ext)) return byExt;
            if (sniffed == "video/mp4" && byExt == "video/3gpp") return byExt;
            if (sniffed == "image/heif" && byExt == "image/heic") return byExt;
            return sniffed;
        }

        public static MediaProbeResult Probe(Stream s)
        {
            var r = new MediaProbeResult();
            var head = new byte[32];
            int n = ReadFully(s, head, 0, head.Length);
            if (n < 4) return r;
            r.MimeType = Sniff(head, n);
            try
            {
                if (r.MimeType == "image/jpeg") ProbeJpeg(s, head, n, r);
                else if (r.MimeType == "image/png" && n >= 24 && head[12] == 'I' && head[13] == 'H' && head[14] == 'D' && head[15] == 'R')
                {
                    r.Width = BigEndian32(head, 16);
                    r.Height = BigEndian32(head, 20);
                }
                else if (r.MimeType == "image/gif" && n >= 10)
                {
                    r.Width = head[6] | (head[7] << 8);
                    r.Height = head[8] | (head[9] << 8);
                }
            }
            catch (EndOfStreamException) { /* short file: keep what we have */ }
            catch (OverflowException) { /* absurd sizes in a header: keep what we have */ }
            return r;
        }

        internal static string Sniff(byte[] h, int n)
        {
            if (n >= 3 && h[0] == 0xFF && h[1] == 0xD8 && h[2] == 0xFF) return "image/jpeg";
            if (n >= 8 && h[0] == 0x89 && h[1] == 'P' && h[2] == 'N' && h[3] == 'G' && h[4] == 0x0D && h[5] == 0x0A && h[6] == 0x1A && h[7] == 0x0A) return "image/png";
            if (n >= 6 && h[0] == 'G' && h[1] == 'I' && h[2] == 'F' && h[3] == '8' && (h[4] == '7' || h[4] == '9') && h[5] == 'a') return "image/gif";
            if (n >= 12 && Ascii(h, 0, 4) == "RIFF")
            {
                var kind = Ascii(h, 8, 4);
                if (kind == "WEBP") return "image/webp";
                if (kind == "AVI ") return "video/x-msvideo";
            }
            if (n >= 12 && Ascii(h, 4, 4) == "ftyp")
            {
                switch (Ascii(h, 8, 4))
                {
                    case "heic": case "heix": case "hevc": case "hevx": case "heim": case "heis": return "image/heic";
                    case "mif1": case "msf1": case "heif": return "image/heif";
                    case "avif": case "avis": return "image/avif";
                    case "crx ": return "image/x-canon-cr3";
                    case "qt  ": return "video/quicktime";
                    case "3gp4": case "3gp5": case "3gp6": case "3gp7": case "3gs7": case "3ge6": case "3gg6": return "video/3gpp";
                    case "3g2a": case "3g2b": case "3g2c": return "video/3gpp2";
                    default: return "video/mp4"; // isom, iso2, mp41, mp42, avc1, MSNV, M4V , dash, ...
                }
            }
            if (n >= 8 && (Ascii(h, 4, 4) == "moov" || Ascii(h, 4, 4) == "mdat" || Ascii(h, 4, 4) == "wide")) return "video/quicktime";
            if (n >= 4 && h[0] == 0x1A && h[1] == 0x45 && h[2] == 0xDF && h[3] == 0xA3)
                return IndexOf(h, n, "webm") >= 0 ? "video/webm" : "video/x-matroska";
            if (n >= 4 && ((h[0] == 'I' && h[1] == 'I' && h[2] == 42 && h[3] == 0) || (h[0] == 'M' && h[1] == 'M' && h[2] == 0 && h[3] == 42))) return "image/tiff";
            if (n >= 16 && h[0] == 0x30 && h[1] == 0x26 && h[2] == 0xB2 && h[3] == 0x75) return "video/x-ms-wmv";
            if (n >= 4 && h[0] == 0 && h[1] == 0 && h[2] == 1 && (h[3] == 0xBA || h[3] == 0xB3)) return "video/mpeg";
            return null;
        }

        private static void ProbeJpeg(Stream s, byte[] head, int n, MediaProbeResult r)
        {
            // Replay the bytes already read, then walk the markers.
            var st = new PrefixedStream(head, n, s, MaxBytes);
            st.ReadByte(); st.ReadByte(); // SOI
            while (true)
            {
                int b = st.ReadByte();
                if (b < 0) return;
                if (b != 0xFF) return; // not at a marker: give up quietly
                int marker;
                do { marker = st.ReadByte(); } while (marker == 0xFF);
                if (marker < 0) return;
                if (marker == 0xD8 || marker == 0x01 || (marker >= 0xD0 && marker <= 0xD7)) continue; // no length
                if (marker == 0xD9 || marker == 0xDA) return; // EOI / start of scan: headers are over
                int len = (st.ReadByteStrict() << 8) | st.ReadByteStrict();
                if (len < 2) return;
                int body = len - 2;
                bool isSof = marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 && marker != 0xCC;
                if (isSof && body >= 5)
                {
                    var sof = st.ReadExact(body);
                    r.Height = (sof[1] << 8) | sof[2];
                    r.Width = (sof[3] << 8) | sof[4];
                    return;
                }
                if (marker == 0xE1 && body >= 14 && r.DateTaken == null && r.CameraMake == null)
                {
                    var app1 = st.ReadExact(body);
                    if (Ascii(app1, 0, 6) == "Exif\0\0") ReadExif(app1, 6, r);
                    continue;
                }
                st.Skip(body);
            }
        }

        /// <summary>Reads IFD0 (Make, Model) and the EXIF IFD (DateTimeOriginal, OffsetTimeOriginal) of a TIFF block.</summary>
        /// <remarks>
        /// Every offset in the block is an unsigned 32-bit number written by whoever made the file: all arithmetic is
        /// done in <c>long</c> and every read is bounds-checked, so an offset of 0x80000000 or more cannot turn negative
        /// (it did through an <c>int</c> cast, and one such photo ended a whole Takeout read).
        /// </remarks>
        internal static void ReadExif(byte[] b, int tiff, MediaProbeResult r)
        {
            if (b.Length < tiff + 8) return;
            bool le = b[tiff] == 'I' && b[tiff + 1] == 'I';
            if (!le && !(b[tiff] == 'M' && b[tiff + 1] == 'M')) return;
            bool Inside(long p, long n) => p >= 0 && n >= 0 && p + n <= b.Length;
            uint U16(long p) => !Inside(p, 2) ? 0u : le ? (uint)(b[p] | (b[p + 1] << 8)) : (uint)((b[p] << 8) | b[p + 1]);
            uint U32(long p) => !Inside(p, 4) ? 0u : le ? (uint)(b[p] | (b[p + 1] << 8) | (b[p + 2] << 16) | (b[p + 3] << 24)) : (uint)((b[p] << 24) | (b[p + 1] << 16) | (b[p + 2] << 8) | b[p + 3]);
            string AsciiValue(long entry)
            {
                long count = U32(entry + 4);
                if (count == 0 || count > 256) return null;
                long at = count <= 4 ? entry + 8 : tiff + (long)U32(entry + 8);
                if (!Inside(at, count)) return null;
                var str = Encoding.ASCII.GetString(b, (int)at, (int)count);
                var z = str.IndexOf('\0');
                if (z >= 0) str = str.Substring(0, z);
                str = str.Trim();
                return str.Length == 0 ? null : str;
            }

            uint exifIfd = 0;
            long ifd0 = tiff + (long)U32(tiff + 4);
            if (!Inside(ifd0, 2)) { r.Problem = "its EXIF block is damaged (the first directory points outside it)"; return; }
            long count0 = U16(ifd0);
            if (count0 > 512) return;
            for (long i = 0; i < count0; i++)
            {
                long e = ifd0 + 2 + i * 12;
                if (!Inside(e, 12)) break;
                switch (U16(e))
                {
                    case 0x010F: r.CameraMake = AsciiValue(e); break;
                    case 0x0110: r.CameraModel = AsciiValue(e); break;
                    case 0x8769: exifIfd = U32(e + 8); break;
                }
            }
            if (exifIfd == 0) return;
            long ifd = tiff + (long)exifIfd;
            if (!Inside(ifd, 2)) { r.Problem = $"its EXIF block is damaged (the EXIF directory offset 0x{exifIfd:X8} points outside it), so it has no capture time"; return; }
            long count = U16(ifd);
            if (count > 512) return;
            string date = null, offset = null, digitized = null;
            for (long i = 0; i < count; i++)
            {
                long e = ifd + 2 + i * 12;
                if (!Inside(e, 12)) break;
                switch (U16(e))
                {
                    case 0x9003: date = AsciiValue(e); break;
                    case 0x9004: digitized = AsciiValue(e); break;
                    case 0x9011: offset = AsciiValue(e); break;
                }
            }
            r.DateTaken = ParseExifDate(date ?? digitized, offset);
        }

        internal static DateTime? ParseExifDate(string value, string offset)
        {
            if (value == null) return null;
            if (!DateTime.TryParseExact(value.Trim(), "yyyy:MM:dd HH:mm:ss", CultureInfo.InvariantCulture, DateTimeStyles.None, out var local))
                return null;
            if (local.Year < 1800) return null;
            if (offset != null)
            {
                var o = offset.Trim();
                int sign = 1;
                if (o.StartsWith("-", StringComparison.Ordinal)) { sign = -1; o = o.Substring(1); }
                else if (o.StartsWith("+", StringComparison.Ordinal)) o = o.Substring(1);
                // Real offsets lie within -12:00..+14:00; the shift is range-checked (9999-12-31 with "-05:00" overflowed).
                if (TimeSpan.TryParseExact(o, @"hh\:mm", CultureInfo.InvariantCulture, out var off) && off <= TimeSpan.FromHours(14))
                {
                    long ticks = local.Ticks + (sign > 0 ? -off.Ticks : off.Ticks);
                    if (ticks < DateTime.MinValue.Ticks || ticks > DateTime.MaxValue.Ticks) return null;
                    return new DateTime(ticks, DateTimeKind.Utc);
                }
            }
            // No offset recorded: the camera's wall clock, taken as UTC (documented; the zone is unknowable).
            return DateTime.SpecifyKind(local, DateTimeKind.Utc);
        }

        private static long BigEndian32(byte[] b, int p) => ((long)b[p] << 24) | ((long)b[p + 1] << 16) | ((long)b[p + 2] << 8) | b[p + 3];

        private static string Ascii(byte[] b, int at, int len)
        {
            if (at + len > b.Length) return string.Empty;
            var c = new char[len];
            for (int i = 0; i < len; i++) c[i] = (char)b[at + i];
            return new string(c);
        }

        private static int IndexOf(byte[] b, int n, string ascii)
        {
            for (int i = 0; i + ascii.Length <= n; i++)
            {
                int j = 0;
                while (j < ascii.Length && b[i + j] == ascii[j]) j++;
                if (j == ascii.Length) return i;
            }
            return -1;
        }

        internal static int ReadFully(Stream s, byte[] buffer, int offset, int count)
        {
            int total = 0;
            while (total < count)
            {
                int r = s.Read(buffer, offset + total, count - total);
                if (r <= 0) break;
                total += r;
            }
            return total;
        }

        /// <summary>Forward-only reader over already-read bytes followed by the rest of a stream, with a hard budget.</summary>
        private sealed class PrefixedStream
        {
            private readonly byte[] _prefix;
            private readonly int _prefixLength;
            private readonly Stream _rest;
            private int _pos;
            private int _budget;

            public PrefixedStream(byte[] prefix, int prefixLength, Stream rest, int budget)
            {
                _prefix = prefix;
                _prefixLength = prefixLength;
                _rest = rest;
                _budget = budget;
            }

            public int ReadByte()
            {
                if (_pos < _prefixLength) return _prefix[_pos++];
                if (_budget-- <= 0) return -1;
                return _rest.ReadByte();
            }

            public int ReadByteStrict()
            {
                int b = ReadByte();
                if (b < 0) throw new EndOfStreamException();
                return b;
            }

            public byte[] ReadExact(int count)
            {
                if (count > _budget + (_prefixLength - _pos)) throw new EndOfStreamException();
                var buf = new byte[count];
                int i = 0;
                while (i < count && _pos < _prefixLength) buf[i++] = _prefix[_pos++];
                int got = ReadFully(_rest, buf, i, count - i);
                _budget -= got;
                if (i + got < count) throw new EndOfStreamException();
                return buf;
            }

            public void Skip(int count)
            {
                while (count > 0 && _pos < _prefixLength) { _pos++; count--; }
                if (count > _budget) throw new EndOfStreamException();
                var buf = new byte[Math.Min(count, 16384)];
                while (count > 0)
                {
                    int r = _rest.Read(buf, 0, Math.Min(count, buf.Length));
                    if (r <= 0) throw new EndOfStreamException();
                    count -= r;
                    _budget -= r;
                }
            }
        }
    }
}
