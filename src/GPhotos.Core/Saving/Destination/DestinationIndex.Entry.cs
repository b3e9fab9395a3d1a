using System;
using System.Collections.Generic;
using System.Runtime.CompilerServices;

namespace GPhotos.Saving
{
    /// <summary>One saved item as the index records it. Paths are relative to the destination, '/'-separated, NFC.</summary>
    internal sealed class IndexEntry
    {
        public string Id { get; set; }
        public string Source { get; set; }
        public string Path { get; set; }
        public long Size { get; set; }
        public DateTime SavedUtc { get; set; }

        /// <summary>True once the motion video variant was asked for (whether or not there was one).</summary>
        public bool MotionChecked { get; set; }
        public string MotionPath { get => _rare?.MotionPath; set { if (value != null || _rare != null) Rare.MotionPath = value; } }
        public long? MotionSize { get => Nullable(_rare?.MotionSize ?? None); set { if (value != null || _rare != null) Rare.MotionSize = value ?? None; } }
        public string MetadataPath { get => _rare?.MetadataPath; set { if (value != null || _rare != null) Rare.MetadataPath = value; } }

        /// <summary>SHA-256 (lowercase hex) of the file as saved; null for lines older versions wrote.</summary>
        public string Sha256
        {
            get => _hasSha256 ? Hex(_sha0, _sha1, _sha2, _sha3) : _rare?.Sha256;
            set
            {
                _hasSha256 = value != null && TryReadSha256(new DestinationIndex.StringText(value), 0, value.Length, out _sha0, out _sha1, out _sha2, out _sha3);
                string text = _hasSha256 ? null : value;
                if (text != null || _rare != null) Rare.Sha256 = text;
            }
        }
        public string MotionSha256 { get => Text(_rare?.MotionSha256); set { if (value != null || _rare != null) Rare.MotionSha256 = Pack(value); } }

        /// <summary>
        /// Set by Test-GPhotosBackup -Full: the file had the recorded size but not the recorded hash (bit rot or an
        /// edit). The next save keeps it (warning) unless -Force, instead of silently overwriting a user's edit.
        /// </summary>
        public bool ContentChanged { get; set; }

        /// <summary>What the item is, for recognising the same photo from another source (see <see cref="Saving.SameMedia"/>).</summary>
        public string Name { get; set; }
        /// <summary>yyyy-MM-ddTHH:mm:ssZ as <see cref="SameMedia"/> writes it (kept as its 14 digits), or any other text as it was.</summary>
        public string Taken
        {
            get => _takenDigits != None ? TakenText(_takenDigits) : _rare?.Taken;
            set
            {
                _takenDigits = value == null ? None : DestinationIndex.TakenDigits(new DestinationIndex.StringText(value), 0, value.Length);
                string text = _takenDigits == None ? value : null;
                if (text != null || _rare != null) Rare.Taken = text;
            }
        }
        public long? Width { get => Nullable(_width); set => _width = value ?? None; }
        public long? Height { get => Nullable(_height); set => _height = value ?? None; }
        public string MediaType { get; set; }

        /// <summary>Album links (hard links or copies) of the main file, relative paths; null when none.</summary>
        public List<string> Links { get => _rare?.Links; set { if (value != null || _rare != null) Rare.Links = value; } }

        /// <summary>Order of recording in the index (later lines higher): which of two same-photo entries the key finds.</summary>
        internal int Sequence;

        public IndexEntry Clone()
        {
            var copy = (IndexEntry)MemberwiseClone();
            if (_rare != null)
            {
                copy._rare = (RareFields)_rare.MemberwiseCopy();
                if (_rare.Links != null) copy._rare.Links = new List<string>(_rare.Links);
            }
            return copy;
        }

        // ------------------------------------------------------------------------------------------------ storage
        // An index of 500k entries is held for a whole run: each entry is kept small (144 bytes, and its id and path
        // strings). The hash is four numbers instead of a 64-character string (about 150 bytes), the capture time 14
        // digits in a long, the optional numbers plain longs (a long? takes 16), and what few entries have is apart.

        private const long None = long.MinValue;
        private long _width = None, _height = None;

        /// <summary>
        /// What few entries have (a motion video, a metadata file, album links, a hash or time in an unusual form),
        /// out of the entry: 48 bytes less per entry for the many that have none of it.
        /// </summary>
        private RareFields _rare;

        private RareFields Rare => _rare ?? (_rare = new RareFields());

        private sealed class RareFields
        {
            public string MotionPath, MetadataPath, Sha256, Taken;
            public long MotionSize = None;

            /// <summary>byte[32] for the motion video's lowercase hex SHA-256; anything else as the string it was.</summary>
            public object MotionSha256;
            public List<string> Links;

            public object MemberwiseCopy() => MemberwiseClone();
        }

        /// <summary>
        /// The main file's lowercase hex SHA-256 (what Save writes) as four numbers in the entry itself (no array per
        /// entry: 24 bytes less and one object fewer for the collector, per entry); any other text as it was.
        /// </summary>
        private ulong _sha0, _sha1, _sha2, _sha3;
        private bool _hasSha256;

        /// <summary>A SHA-256 the loader read in place (no hex string on the way), as its four 64-bit parts.</summary>
        internal void SetSha256(ulong h0, ulong h1, ulong h2, ulong h3)
        {
            _sha0 = h0;
            _sha1 = h1;
            _sha2 = h2;
            _sha3 = h3;
            _hasSha256 = true;
            if (_rare != null) _rare.Sha256 = null;
        }

        /// <summary>A lowercase hex SHA-256 (the only form IsSha256 accepts) as its four 64-bit parts, from a string or the line's bytes.</summary>
        [MethodImpl(HotPath.Optimized)]
        internal static bool TryReadSha256<T>(T s, int at, int length, out ulong h0, out ulong h1, out ulong h2, out ulong h3) where T : struct, DestinationIndex.IText
        {
            h0 = h1 = h2 = h3 = 0;
            return length == 64 && TryReadHex(s, at, out h0) && TryReadHex(s, at + 16, out h1) && TryReadHex(s, at + 32, out h2) && TryReadHex(s, at + 48, out h3);
        }

        /// <summary>16 lowercase hex digits (the only form IsSha256 accepts) at <paramref name="at"/>.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static bool TryReadHex<T>(T s, int at, out ulong value) where T : struct, DestinationIndex.IText
        {
            value = 0;
            for (int k = at; k < at + 16; k++)
            {
                int c = s[k];
                int d = c < 128 ? HexDigits[c] : -1;
                if (d < 0) return false;
                value = value << 4 | (uint)d;
            }
            return true;
        }

        /// <summary>Value of each ASCII character as a lowercase hex digit, -1 when it is not one.</summary>
        internal static readonly sbyte[] HexDigits = MakeHexDigits();

        private static sbyte[] MakeHexDigits()
        {
            var t = new sbyte[128];
            for (int c = 0; c < 128; c++) t[c] = (sbyte)(c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1);
            return t;
        }

        private static string Hex(ulong h0, ulong h1, ulong h2, ulong h3)
        {
            var c = new char[64];
            WriteHex(c, 0, h0);
            WriteHex(c, 16, h1);
            WriteHex(c, 32, h2);
            WriteHex(c, 48, h3);
            return new string(c);
        }

        private static void WriteHex(char[] c, int at, ulong h)
        {
            for (int shift = 60; shift >= 0; shift -= 4) c[at++] = "0123456789abcdef"[(int)(h >> shift) & 15];
        }

        /// <summary>The capture time's 14 digits the loader read in place (no 20-character string per entry, 64 bytes each).</summary>
        internal void SetTakenDigits(long digits)
        {
            _takenDigits = digits;
            if (_rare != null) _rare.Taken = null;
        }

        private long _takenDigits = None;

        private static string TakenText(long digits)
        {
            var c = new char[20];
            for (int i = 18; i >= 0; i--)
            {
                if (i == 4 || i == 7) c[i] = '-';
                else if (i == 10) c[i] = 'T';
                else if (i == 13 || i == 16) c[i] = ':';
                else
                {
                    c[i] = (char)('0' + digits % 10);
                    digits /= 10;
                }
            }
            c[19] = 'Z';
            return new string(c);
        }

        internal void SetMotionSha256(byte[] packed)
        {
            if (packed != null || _rare != null) Rare.MotionSha256 = packed;
        }

        private static long? Nullable(long value) => value == None ? (long?)null : value;

        private static object Pack(string hex) =>
            hex == null ? null : (object)PackedSha256(new DestinationIndex.StringText(hex), 0, hex.Length) ?? hex;

        /// <summary>A lowercase hex SHA-256 as its 32 bytes, from a string or the line's bytes; null for any other text.</summary>
        [MethodImpl(HotPath.Optimized)]
        internal static byte[] PackedSha256<T>(T s, int at, int length) where T : struct, DestinationIndex.IText
        {
            if (length != 64) return null;
            var bytes = new byte[32];
            for (int i = 0; i < 32; i++)
            {
                int high = s[at + 2 * i], low = s[at + 2 * i + 1];
                high = high < 128 ? HexDigits[high] : -1;
                low = low < 128 ? HexDigits[low] : -1;
                if (high < 0 || low < 0) return null;
                bytes[i] = (byte)(high << 4 | low);
            }
            return bytes;
        }

        private static string Text(object packed)
        {
            if (!(packed is byte[] bytes)) return (string)packed;
            var c = new char[64];
            for (int i = 0; i < 32; i++)
            {
                c[2 * i] = "0123456789abcdef"[bytes[i] >> 4];
                c[2 * i + 1] = "0123456789abcdef"[bytes[i] & 15];
            }
            return new string(c);
        }
    }
}
