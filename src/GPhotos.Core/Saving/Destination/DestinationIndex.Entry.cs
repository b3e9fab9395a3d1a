using System;
using System.Collections.Generic;

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
        public string MotionPath { get; set; }
        public long? MotionSize { get => Nullable(_motionSize); set => _motionSize = value ?? None; }
        public string MetadataPath { get; set; }

        /// <summary>SHA-256 (lowercase hex) of the file as saved; null for lines older versions wrote.</summary>
        public string Sha256 { get => Text(_sha256); set => _sha256 = Pack(value); }
        public string MotionSha256 { get => Text(_motionSha256); set => _motionSha256 = Pack(value); }

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
            get => _takenDigits != None ? TakenText(_takenDigits) : _taken;
            set
            {
                _takenDigits = value == null ? None : DestinationIndex.TakenDigits(new DestinationIndex.StringText(value), 0, value.Length);
                _taken = _takenDigits == None ? value : null;
            }
        }
        public long? Width { get => Nullable(_width); set => _width = value ?? None; }
        public long? Height { get => Nullable(_height); set => _height = value ?? None; }
        public string MediaType { get; set; }

        /// <summary>Album links (hard links or copies) of the main file, relative paths; null when none.</summary>
        public List<string> Links { get; set; }

        /// <summary>Order of recording in the index (later lines higher): which of two same-photo entries the key finds.</summary>
        internal int Sequence;

        public IndexEntry Clone()
        {
            var copy = (IndexEntry)MemberwiseClone();
            if (Links != null) copy.Links = new List<string>(Links);
            return copy;
        }

        // ------------------------------------------------------------------------------------------------ storage
        // An index of 500k entries is held for a whole run: each entry is kept small. The hashes are 32 bytes instead
        // of a 64-character string (about 150 bytes), and the optional numbers are plain longs (a long? takes 16).

        private const long None = long.MinValue;
        private long _motionSize = None, _width = None, _height = None;

        /// <summary>byte[32] for a lowercase hex SHA-256 (what Save writes); anything else as the string it was.</summary>
        private object _sha256, _motionSha256;

        /// <summary>The 32 bytes of a SHA-256 the loader read in place (no hex string on the way), or null.</summary>
        internal void SetSha256(byte[] packed) => _sha256 = packed;

        /// <summary>The capture time's 14 digits the loader read in place (no 20-character string per entry, 64 bytes each).</summary>
        internal void SetTakenDigits(long digits)
        {
            _takenDigits = digits;
            _taken = null;
        }

        private long _takenDigits = None;
        private string _taken;

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
        internal void SetMotionSha256(byte[] packed) => _motionSha256 = packed;

        private static long? Nullable(long value) => value == None ? (long?)null : value;

        private static object Pack(string hex)
        {
            if (hex == null || hex.Length != 64) return hex;
            var bytes = new byte[32];
            for (int i = 0; i < 32; i++)
            {
                int high = Nibble(hex[2 * i]), low = Nibble(hex[2 * i + 1]);
                if (high < 0 || low < 0) return hex;
                bytes[i] = (byte)(high << 4 | low);
            }
            return bytes;
        }

        private static int Nibble(char c) => c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;

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
