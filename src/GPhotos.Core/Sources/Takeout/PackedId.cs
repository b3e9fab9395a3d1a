namespace GPhotos.Sources.Takeout
{
    /// <summary>
    /// A photo id of up to 50 characters of Google's url alphabet (A–Z, a–z, 0–9, '-', '_'), 6 bits a character, inside
    /// the object that holds it: a sidecar's id ("AF1Qip…", 44 characters) was a 72-byte array or a 112-byte string of
    /// its own, one per item kept to the end of the read.
    /// </summary>
    internal struct PackedId
    {
        private const string Alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        private const int PerWord = 10, MaxLength = 5 * PerWord;
        private static readonly sbyte[] Codes = MakeCodes();

        [System.ThreadStatic] private static char[] _chars;

        private ulong _w0, _w1, _w2, _w3, _w4;
        private byte _length;

        /// <summary>0 when nothing is packed.</summary>
        public int Length => _length;

        private static sbyte[] MakeCodes()
        {
            var codes = new sbyte[128];
            for (int i = 0; i < codes.Length; i++) codes[i] = -1;
            for (int i = 0; i < Alphabet.Length; i++) codes[Alphabet[i]] = (sbyte)i;
            return codes;
        }

        /// <summary>False (and nothing packed) for an empty or longer id, or one with another character.</summary>
        public static bool TryPack(string id, out PackedId packed)
        {
            packed = default;
            if (id == null || id.Length == 0 || id.Length > MaxLength) return false;
            for (int i = 0; i < id.Length; i++)
            {
                var c = id[i];
                int code = c < 128 ? Codes[c] : -1;
                if (code < 0) { packed = default; return false; }
                packed.Or(i / PerWord, (ulong)code << (i % PerWord * 6));
            }
            packed._length = (byte)id.Length;
            return true;
        }

        private void Or(int word, ulong bits)
        {
            switch (word)
            {
                case 0: _w0 |= bits; break;
                case 1: _w1 |= bits; break;
                case 2: _w2 |= bits; break;
                case 3: _w3 |= bits; break;
                default: _w4 |= bits; break;
            }
        }

        private ulong Word(int word)
        {
            switch (word)
            {
                case 0: return _w0;
                case 1: return _w1;
                case 2: return _w2;
                case 3: return _w3;
                default: return _w4;
            }
        }

        /// <summary>The id as written (a new string each time); null when nothing is packed.</summary>
        public override string ToString()
        {
            if (_length == 0) return null;
            var chars = _chars ?? (_chars = new char[MaxLength]); // one per thread: the string is the only allocation
            for (int i = 0; i < _length; i++) chars[i] = Alphabet[(int)((Word(i / PerWord) >> (i % PerWord * 6)) & 63)];
            return new string(chars, 0, _length);
        }
    }
}
