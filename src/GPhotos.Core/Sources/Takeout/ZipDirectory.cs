using System;
using System.IO;
using System.Text;

namespace GPhotos.Sources.Takeout
{
    /// <summary>A part stream that can be told which range the next reads fall in (a Drive part: one exact range request).</summary>
    internal interface IRangeHint
    {
        void Hint(long offset, long length);
    }

    /// <summary>
    /// The central directory of one zip part as a compact table (about 40 B per entry plus its name once, as UTF-8 in one
    /// pooled buffer), read once and shared by the reader (indexing) and <see cref="TakeoutContent"/> (opening entries):
    /// System.IO.Compression's ZipArchive parsed the whole directory again for every concurrent stream (about 1.5 GB at
    /// 100k items) and kept about 500 B per entry, and it exposes no entry offsets (so a Drive part could not be read
    /// with exact ranges) nor CRC-32 (it was read by reflection).
    /// </summary>
    /// <remarks>
    /// Every number read from the part is checked against the part's length before it is used: a damaged directory is an
    /// <see cref="InvalidDataException"/> (the caller names the part), never an allocation sized by the damage.
    /// </remarks>
    internal sealed partial class ZipDirectory
    {
        private const uint EocdSignature = 0x06054b50, Zip64EocdSignature = 0x06064b50, Zip64LocatorSignature = 0x07064b50;
        private const uint CentralSignature = 0x02014b50;
        internal const uint LocalSignature = 0x04034b50;
        private const int EocdSize = 22, Zip64LocatorSize = 20, Zip64EocdSize = 56, CentralSize = 46;
        internal const int LocalHeaderSize = 30;
        private const int MaxCommentLength = 0xFFFF;

        // One slot per entry, in central-directory order (the order the reader numbers repeated names in).
        private long[] _local;
        // Sizes as 32 bits (8 B less per entry): one of 4 GB or more (a zip64 video) is uint.MaxValue here and its value
        // in _largeSizes, keyed by slot * 2 (+1 for the uncompressed size). Only read once the directory is built.
        private uint[] _compressed, _size;
        private System.Collections.Generic.Dictionary<long, long> _largeSizes;
        private uint[] _crc;
        private ushort[] _method, _flags, _nameLength, _extraLength;
        // A name is its folder (everything up to and including the last '/') plus the rest. The folders are stored once
        // (a Takeout part has a few hundred folders for 40,000 entries, and "Takeout/Google Photos/Photos from 2015/" is
        // half of each name): per entry only the folder's number and where the rest starts in _names.
        private int[] _nameStart;
        private int[] _folder;
        private byte[] _names;          // UTF-8, normalized ('/' separators, no leading "./" or '/'): what follows the folder
        private byte[] _folderBytes;    // the folders, UTF-8, each with its trailing '/' (the first one is "")
        private int[] _folderStart;     // folder f is _folderBytes[_folderStart[f] .. _folderStart[f + 1])
        private int _folderCount;
        private string[] _folderNames;  // decoded on first use (names are asked for from several threads: a benign race)
        private System.Collections.Generic.Dictionary<ulong, int> _folderByHash; // while reading only
        private int[] _byName;          // entry indexes sorted by name then index; built on the first lookup
        private readonly object _lookupGate = new object();

        /// <summary>Entries in the directory (directories included).</summary>
        public int Count { get; private set; }

        /// <summary>The part's length when the directory was read: a part of another length is another part.</summary>
        public long PartLength { get; private set; }

        public string Name(int i)
        {
            string rest = Encoding.UTF8.GetString(_names, _nameStart[i], NameBytes(i));
            int f = _folder[i];
            return f == 0 ? rest : string.Concat(FolderName(f), rest);
        }

        /// <summary>What follows the last '/' of <see cref="Name"/>: the rest of the name after its folder, without the folder's string.</summary>
        public string FileName(int i) => Encoding.UTF8.GetString(_names, _nameStart[i], NameBytes(i));

        private string FolderName(int f)
        {
            var names = _folderNames ?? (_folderNames = new string[_folderCount]);
            return names[f] ?? (names[f] = Encoding.UTF8.GetString(_folderBytes, _folderStart[f], FolderBytes(f)));
        }

        /// <summary>False for a directory's slot (its name ends in '/') or an empty name: nothing follows the last '/'.</summary>
        public bool IsFile(int i) => NameBytes(i) > 0;

        private int FolderBytes(int f) => _folderStart[f + 1] - _folderStart[f];
        public long Size(int i) => _size[i] == uint.MaxValue ? _largeSizes[i * 2L + 1] : _size[i];
        public long CompressedSize(int i) => _compressed[i] == uint.MaxValue ? _largeSizes[i * 2L] : _compressed[i];

        private uint Small(int i, long value, int which)
        {
            if (value < uint.MaxValue) return (uint)value;
            (_largeSizes ?? (_largeSizes = new System.Collections.Generic.Dictionary<long, long>()))[i * 2L + which] = value;
            return uint.MaxValue;
        }
        public uint Crc(int i) => _crc[i];
        public int Method(int i) => _method[i];
        public long LocalHeaderOffset(int i) => _local[i];
        private int NameBytes(int i) => (i + 1 < Count ? _nameStart[i + 1] : _namesUsed) - _nameStart[i];
        private int _namesUsed;

        /// <summary>Bytes this table holds (for the benchmark's accounting).</summary>
        public long FootprintBytes => (long)Count * (8 + 4 * 2 + 4 + 2 * 4 + 4 + 4) + _names.Length + _folderBytes.Length + _folderStart.Length * 4L + (_byName?.Length ?? 0) * 4L;

        /// <summary>Distinct folders in the directory's names ("" counted): what the names' common prefixes are stored as.</summary>
        internal int FolderCount => _folderCount;

        /// <summary>Reads the directory of the zip in <paramref name="part"/> (seekable). Throws InvalidDataException when it is not a readable zip.</summary>
        public static ZipDirectory Read(Stream part, System.Threading.CancellationToken ct = default)
        {
            if (!part.CanSeek) throw new NotSupportedException("A zip part must be seekable.");
            long length = part.Length;
            var d = new ZipDirectory { PartLength = length };
            byte[] tail = FindEnd(part, length, out long cdOffset, out long cdSize, out long count);
            // Every central record is at least 46 bytes: a count beyond what the directory can hold is damage, not a
            // reason to allocate.
            if (count > cdSize / CentralSize || cdSize > int.MaxValue / 2)
                throw new InvalidDataException($"the central directory claims {count} entries in {cdSize} bytes.");
            d.ReadCentral(new TailJoined(part, length - tail.Length, tail), cdOffset, cdSize, (int)count, ct);
            return d;
        }

        /// <summary>
        /// The end records are read in this many bytes first: a zip without a comment (every Takeout part) has its end
        /// record, zip64 locator and zip64 record in the last 98 bytes. Only a zip with a longer comment costs a second
        /// read of up to 64 KB. (Reading 64 KB at once made a Drive re-run fetch 40 KB of entry data per part that it
        /// never used: 2.4 × issue 14's byte target on small parts.)
        /// </summary>
        private const int FirstTailLength = 1024;

        /// <summary>Finds the end records; returns the tail of the part it read (the directory's last bytes are in it: not read again).</summary>
        private static byte[] FindEnd(Stream part, long length, out long cdOffset, out long cdSize, out long count)
        {
            if (length < EocdSize) throw new InvalidDataException($"it is {length} bytes long, too short for a zip.");
            // The end record is the last 22 bytes plus a comment of up to 64 KB; the zip64 locator sits just before it.
            int eocd = -1;
            int fullLength = (int)Math.Min(length, EocdSize + MaxCommentLength + Zip64LocatorSize);
            int tailLength = Math.Min(fullLength, FirstTailLength);
            long tailStart;
            byte[] tail;
            while (true)
            {
                tailStart = length - tailLength;
                tail = new byte[tailLength];
                ReadAt(part, tailStart, tail, 0, tailLength);
                for (int p = tailLength - EocdSize; p >= 0; p--)
                {
                    if (U32(tail, p) != EocdSignature) continue;
                    // A comment length that does not reach exactly the end is a signature inside the comment or data.
                    if (p + EocdSize + U16(tail, p + 20) != tailLength) continue;
                    eocd = p;
                    break;
                }
                if (eocd >= 0 || tailLength == fullLength) break;
                tailLength = fullLength; // a long comment: the whole 64 KB the end record can be in
            }
            if (eocd < 0) throw new InvalidDataException("no end of central directory record was found (the end of the part is missing).");
            count = U16(tail, eocd + 10);
            cdSize = U32(tail, eocd + 12);
            cdOffset = U32(tail, eocd + 16);
            if (eocd >= Zip64LocatorSize && U32(tail, eocd - Zip64LocatorSize) == Zip64LocatorSignature)
            {
                long recordOffset = I64(tail, eocd - Zip64LocatorSize + 8);
                long limit = tailStart + eocd - Zip64LocatorSize - Zip64EocdSize;
                if (recordOffset < 0 || recordOffset > limit)
                    throw new InvalidDataException($"the zip64 end record offset {recordOffset} is outside the part.");
                var rec = new byte[Zip64EocdSize];
                if (recordOffset >= tailStart) Buffer.BlockCopy(tail, (int)(recordOffset - tailStart), rec, 0, rec.Length);
                else ReadAt(part, recordOffset, rec, 0, rec.Length);
                if (U32(rec, 0) != Zip64EocdSignature) throw new InvalidDataException("the zip64 end record is missing where its locator points.");
                count = I64(rec, 32);
                cdSize = I64(rec, 40);
                cdOffset = I64(rec, 48);
            }
            long cdEnd = tailStart + eocd;
            if (count < 0 || cdSize < 0 || cdOffset < 0 || cdOffset > length || cdSize > length - cdOffset || cdOffset + cdSize > cdEnd)
                throw new InvalidDataException($"the central directory ({cdSize} bytes at {cdOffset}) is outside the part ({length} bytes).");
            return tail;
        }

        /// <summary>The part before <c>tailStart</c>, then the tail already read: the directory is fetched once, exactly.</summary>
        private sealed class TailJoined : GPhotos.IO.ReadOnlyStream, IRangeHint
        {
            private readonly Stream _part;
            private readonly long _tailStart;
            private readonly byte[] _tail;
            private long _pos;

            public TailJoined(Stream part, long tailStart, byte[] tail) { _part = part; _tailStart = tailStart; _tail = tail; }

            public override bool CanSeek => true;
            public override long Length => _part.Length;
            public override long Position { get => _pos; set => _pos = value; }

            /// <summary>Only what lies before the tail is announced (and fetched) from the part.</summary>
            public void Hint(long offset, long length) => (_part as IRangeHint)?.Hint(offset, Math.Min(length, _tailStart - offset));

            public override int Read(byte[] buffer, int offset, int count)
            {
                int n;
                if (_pos >= _tailStart)
                {
                    n = (int)Math.Max(0, Math.Min(count, _tail.Length - (_pos - _tailStart)));
                    Buffer.BlockCopy(_tail, (int)(_pos - _tailStart), buffer, offset, n);
                }
                else
                {
                    if (_part.Position != _pos) _part.Position = _pos;
                    n = _part.Read(buffer, offset, (int)Math.Min(count, _tailStart - _pos));
                }
                _pos += n;
                return n;
            }
        }

        private void ReadCentral(Stream part, long cdOffset, long cdSize, int count, System.Threading.CancellationToken ct)
        {
            Count = 0;
            _local = new long[count];
            _compressed = new uint[count];
            _size = new uint[count];
            _largeSizes = null;
            _crc = new uint[count];
            _method = new ushort[count];
            _flags = new ushort[count];
            _nameLength = new ushort[count];
            _extraLength = new ushort[count];
            _nameStart = new int[count];
            _folder = new int[count];
            // Names without their folders, extras and comments fit in what is not fixed fields; folders are added as met.
            _names = new byte[cdSize - (long)CentralSize * count + 16];
            _folderBytes = new byte[256];
            _folderStart = new int[16];
            _folderCount = 1; // folder 0: "" (names without a '/')
            _folderByHash = new System.Collections.Generic.Dictionary<ulong, int> { { Fnv(_folderBytes, 0, 0), 0 } };
            (part as IRangeHint)?.Hint(cdOffset, cdSize);
            part.Position = cdOffset;
            // The directory is parsed in 1 MB windows: a record cut at a window's end is moved to the front.
            var buf = new byte[(int)Math.Min(cdSize, 1 << 20)];
            int have = 0, at = 0;
            long left = cdSize;
            for (int i = 0; i < count; i++)
            {
                if ((i & 1023) == 0) ct.ThrowIfCancellationRequested();
                if (!Ensure(part, ref buf, ref have, ref at, ref left, CentralSize)) Truncated(i, count);
                if (U32(buf, at) != CentralSignature) throw new InvalidDataException($"central directory record {i + 1} of {count} is damaged (bad signature).");
                int n = U16(buf, at + 28), m = U16(buf, at + 30), k = U16(buf, at + 32);
                if (!Ensure(part, ref buf, ref have, ref at, ref left, CentralSize + n + m + k)) Truncated(i, count);
                ushort flags = (ushort)U16(buf, at + 8);
                _flags[i] = flags;
                _method[i] = (ushort)U16(buf, at + 10);
                _crc[i] = U32(buf, at + 16);
                long csize = U32(buf, at + 20), usize = U32(buf, at + 24), local = U32(buf, at + 42);
                Zip64Extra(buf, at + CentralSize + n, m, ref usize, ref csize, ref local);
                if (local < 0 || local > PartLength - LocalHeaderSize || csize < 0 || usize < 0 || csize > PartLength - local - LocalHeaderSize)
                    throw new InvalidDataException($"entry {i + 1} of {count} points outside the part (offset {local}, {csize} bytes).");
                _local[i] = local;
                _compressed[i] = Small(i, csize, 0);
                _size[i] = Small(i, usize, 1);
                _nameLength[i] = (ushort)n;
                _extraLength[i] = (ushort)m;
                AddName(i, buf, at + CentralSize, n, (flags & 0x800) != 0);
                Count = i + 1;
                at += CentralSize + n + m + k;
            }
            if (_names.Length > _namesUsed) Array.Resize(ref _names, _namesUsed); // held for the run: no spare room
            Array.Resize(ref _folderBytes, _folderStart[_folderCount]);
            Array.Resize(ref _folderStart, _folderCount + 1);
            _folderByHash = null;
        }

        private static void Truncated(int i, int count) => throw new InvalidDataException($"the central directory ends inside record {i + 1} of {count}.");

        /// <summary>Makes <paramref name="need"/> bytes available at <paramref name="at"/>, reading on within the directory.</summary>
        private static bool Ensure(Stream part, ref byte[] buf, ref int have, ref int at, ref long left, int need)
        {
            if (have - at >= need) return true;
            if (have - at + left < need) return false;
            if (need > buf.Length) Array.Resize(ref buf, need);
            Buffer.BlockCopy(buf, at, buf, 0, have - at);
            have -= at;
            at = 0;
            while (have < need)
            {
                int want = (int)Math.Min(buf.Length - have, left);
                int got = part.Read(buf, have, want);
                if (got <= 0) throw new EndOfStreamException("the part ended inside its central directory.");
                have += got;
                left -= got;
            }
            return true;
        }

        /// <summary>The zip64 extra field (0x0001): the 64-bit values of the fields saturated at 0xFFFFFFFF, in order.</summary>
        private static void Zip64Extra(byte[] b, int start, int length, ref long usize, ref long csize, ref long local)
        {
            if (usize != 0xFFFFFFFF && csize != 0xFFFFFFFF && local != 0xFFFFFFFF) return;
            int p = start, end = start + length;
            while (p + 4 <= end)
            {
                int id = U16(b, p), size = U16(b, p + 2);
                int q = p + 4, dataEnd = Math.Min(end, q + size);
                if (id == 1)
                {
                    if (usize == 0xFFFFFFFF && q + 8 <= dataEnd) { usize = I64(b, q); q += 8; }
                    if (csize == 0xFFFFFFFF && q + 8 <= dataEnd) { csize = I64(b, q); q += 8; }
                    if (local == 0xFFFFFFFF && q + 8 <= dataEnd) { local = I64(b, q); }
                    return;
                }
                p = q + size;
            }
        }

        private void AddName(int i, byte[] b, int start, int n, bool utf8Flag)
        {
            // Names without the UTF-8 flag: ASCII, else UTF-8 when they are valid UTF-8 (what System.IO.Compression read
            // them as before, so ids built from names stay the same), else code page 437 (the zip default).
            bool ascii = true;
            for (int j = 0; j < n && ascii; j++) ascii = b[start + j] < 0x80 && b[start + j] != (byte)'\\';
            if (ascii)
            {
                // The normalization TakeoutArchives.NormalizeEntryPath does, on bytes: no leading "./" or '/'.
                int lead = 0;
                while (true)
                {
                    if (n - lead >= 2 && b[start + lead] == '.' && b[start + lead + 1] == '/') lead += 2;
                    else if (n - lead >= 1 && b[start + lead] == '/') lead++;
                    else break;
                }
                AddNormalized(i, b, start + lead, n - lead);
                return;
            }
            string raw = utf8Flag ? Encoding.UTF8.GetString(b, start, n) : DecodeLegacy(b, start, n);
            byte[] utf8 = Encoding.UTF8.GetBytes(TakeoutArchives.NormalizeEntryPath(raw));
            AddNormalized(i, utf8, 0, utf8.Length);
        }

        /// <summary>Stores a normalized UTF-8 name: its folder (up to the last '/') once per directory, the rest per entry.</summary>
        private void AddNormalized(int i, byte[] b, int start, int len)
        {
            int cut = len;
            while (cut > 0 && b[start + cut - 1] != (byte)'/') cut--;
            _folder[i] = FolderOf(b, start, cut);
            int rest = len - cut;
            if (_namesUsed + rest > _names.Length)
                Array.Resize(ref _names, (int)Math.Min(int.MaxValue - 64, Math.Max(_names.Length * 2L, _namesUsed + (long)rest + 1024)));
            _nameStart[i] = _namesUsed;
            Buffer.BlockCopy(b, start + cut, _names, _namesUsed, rest);
            _namesUsed += rest;
        }

        /// <summary>The number of the folder <paramref name="b"/>[start, start+len) (with its '/'), added when new.</summary>
        private int FolderOf(byte[] b, int start, int len)
        {
            // Entries of one folder usually follow each other: the previous entry's folder first, without hashing.
            if (_lastFolder >= 0 && SameBytes(b, start, len, _folderBytes, _folderStart[_lastFolder], FolderBytes(_lastFolder)))
                return _lastFolder;
            ulong h = Fnv(b, start, len);
            if (_folderByHash.TryGetValue(h, out int f))
            {
                if (SameBytes(b, start, len, _folderBytes, _folderStart[f], FolderBytes(f))) return _lastFolder = f;
                // A 64-bit hash shared by two folders: look through them all (never seen; kept correct, not fast).
                for (int g = 0; g < _folderCount; g++)
                    if (SameBytes(b, start, len, _folderBytes, _folderStart[g], FolderBytes(g))) return _lastFolder = g;
            }
            int at = _folderStart[_folderCount];
            if (at + len > _folderBytes.Length) Array.Resize(ref _folderBytes, Math.Max(_folderBytes.Length * 2, at + len));
            Buffer.BlockCopy(b, start, _folderBytes, at, len);
            if (_folderCount + 1 >= _folderStart.Length) Array.Resize(ref _folderStart, _folderStart.Length * 2);
            f = _folderCount++;
            _folderStart[_folderCount] = at + len;
            if (!_folderByHash.ContainsKey(h)) _folderByHash.Add(h, f); // else found by the scan above
            return _lastFolder = f;
        }

        private int _lastFolder = -1;   // while reading only

        private static bool SameBytes(byte[] a, int aStart, int aLength, byte[] b, int bStart, int bLength)
        {
            if (aLength != bLength) return false;
            for (int j = 0; j < aLength; j++) if (a[aStart + j] != b[bStart + j]) return false;
            return true;
        }

        /// <summary>FNV-1a, 64 bits.</summary>
        private static ulong Fnv(byte[] b, int start, int len)
        {
            ulong h = 14695981039346656037UL;
            for (int j = 0; j < len; j++) { h ^= b[start + j]; h *= 1099511628211UL; }
            return h;
        }

        private static readonly Encoding StrictUtf8 = new UTF8Encoding(false, throwOnInvalidBytes: true);

        internal static string DecodeLegacy(byte[] b, int start, int n)
        {
            try { return StrictUtf8.GetString(b, start, n); }
            catch (DecoderFallbackException) { }
            var chars = new char[n];
            for (int j = 0; j < n; j++) chars[j] = b[start + j] < 0x80 ? (char)b[start + j] : Cp437High[b[start + j] - 0x80];
            return new string(chars);
        }

        private const string Cp437High =
            "ÇüéâäàåçêëèïîìÄÅÉæÆôöòûùÿÖÜ¢£¥₧ƒáíóúñÑªº¿⌐¬½¼¡«»░▒▓│┤╡╢╖╕╣║╗╝╜╛┐└┴┬├─┼╞╟╚╔╩╦╠═╬╧╨╤╥╙╘╒╓╫╪┘┌█▄▌▐▀" +
            "αßΓπΣσµτΦΘΩδ∞φε∩≡±≥≤⌠⌡÷≈°∙·√ⁿ²■\u00a0";

        /// <summary>
        /// The index of the <paramref name="occurrence"/>-th entry named <paramref name="name"/> (normalized), in directory
        /// order, or -1. The sorted index (4 B per entry) is built on the first lookup, not by the reader that never needs it.
        /// </summary>
        public int Find(string name, int occurrence = 1)
        {
            if (occurrence < 1 || Count == 0) return -1;
            int[] order = SortedIndex();
            byte[] key = Encoding.UTF8.GetBytes(name);
            int lo = 0, hi = Count - 1, first = -1;
            while (lo <= hi)
            {
                int mid = lo + (hi - lo) / 2;
                int c = CompareName(order[mid], key);
                if (c < 0) lo = mid + 1;
                else { if (c == 0) first = mid; hi = mid - 1; }
            }
            if (first < 0) return -1;
            int at = first + occurrence - 1;
            return at < Count && CompareName(order[at], key) == 0 ? order[at] : -1;
        }

        private int[] SortedIndex()
        {
            lock (_lookupGate)
            {
                if (_byName != null) return _byName;
                var order = new int[Count];
                for (int i = 0; i < order.Length; i++) order[i] = i;
                Array.Sort(order, (x, y) =>
                {
                    int c = _folder[x] == _folder[y]
                        ? CompareBytes(_names, _nameStart[x], NameBytes(x), _names, _nameStart[y], NameBytes(y))
                        : CompareFull(x, _folderBytes, _folderStart[_folder[y]], FolderBytes(_folder[y]), _names, _nameStart[y], NameBytes(y));
                    return c != 0 ? c : x.CompareTo(y);
                });
                return _byName = order;
            }
        }

        private int CompareName(int i, byte[] key) => CompareFull(i, key, 0, key.Length, key, key.Length, 0);

        /// <summary>Entry <paramref name="i"/>'s whole name (folder, then the rest) against the bytes of <c>b1</c> then <c>b2</c>, byte by byte.</summary>
        private int CompareFull(int i, byte[] b1, int b1Start, int b1Length, byte[] b2, int b2Start, int b2Length)
        {
            int f = _folder[i];
            int a1Start = _folderStart[f], a1Length = FolderBytes(f), a2Start = _nameStart[i], a2Length = NameBytes(i);
            int aLength = a1Length + a2Length, bLength = b1Length + b2Length, n = Math.Min(aLength, bLength);
            for (int k = 0; k < n; k++)
            {
                byte x = k < a1Length ? _folderBytes[a1Start + k] : _names[a2Start + k - a1Length];
                byte y = k < b1Length ? b1[b1Start + k] : b2[b2Start + k - b1Length];
                if (x != y) return x - y;
            }
            return aLength - bLength;
        }

        private static int CompareBytes(byte[] a, int aStart, int aLength, byte[] b, int bStart, int bLength)
        {
            int n = Math.Min(aLength, bLength);
            for (int j = 0; j < n; j++)
            {
                int c = a[aStart + j] - b[bStart + j];
                if (c != 0) return c;
            }
            return aLength - bLength;
        }

        /// <summary>Reads exactly <paramref name="count"/> bytes at <paramref name="offset"/>; <paramref name="hint"/>: announce just that range (false: the caller announced a larger one).</summary>
        internal static void ReadAt(Stream part, long offset, byte[] buffer, int start, int count, bool hint = true)
        {
            if (hint) (part as IRangeHint)?.Hint(offset, count);
            part.Position = offset;
            int got = 0;
            while (got < count)
            {
                int n = part.Read(buffer, start + got, count - got);
                if (n <= 0) throw new EndOfStreamException($"the part ended at {offset + got} of the {count} bytes read at {offset}.");
                got += n;
            }
        }

        internal static int U16(byte[] b, int p) => b[p] | (b[p + 1] << 8);
        internal static uint U32(byte[] b, int p) => (uint)(b[p] | (b[p + 1] << 8) | (b[p + 2] << 16) | (b[p + 3] << 24));
        internal static long I64(byte[] b, int p) => (long)(U32(b, p) | ((ulong)U32(b, p + 4) << 32));
    }
}
