using System;
using System.IO;
using System.IO.Compression;
using ICSharpCode.SharpZipLib.Checksum;

namespace GPhotos.Sources.Takeout
{
    internal sealed partial class ZipDirectory
    {
        /// <summary>Bytes fetched past an entry's announced end, in case its local extra field is longer than the central one.</summary>
        private const int HintSlack = 256;

        /// <summary>
        /// Opens entry <paramref name="i"/> over <paramref name="part"/>: one read of its local header, then its compressed
        /// bytes, inflated (method 8) or as stored (0), with the CRC-32 and size checked as they pass (damaged bytes are an
        /// <see cref="InvalidDataException"/>, never saved silently). <paramref name="part"/> may be shared by streams read
        /// one at a time (each read seeks to its own place); <paramref name="ownsPart"/> disposes it with the entry.
        /// <paramref name="expectBytes"/> (when the caller reads only a head) limits what a Drive part is asked for.
        /// </summary>
        /// <exception cref="InvalidDataException">The entry is encrypted, uses a method other than stored/deflate, or is damaged.</exception>
        public Stream Open(int i, Stream part, bool ownsPart, long expectBytes = -1)
        {
            if (i < 0 || i >= Count) throw new ArgumentOutOfRangeException(nameof(i));
            if ((_flags[i] & 1) != 0) throw new InvalidDataException("it is encrypted; GPhotos reads only unencrypted zips (as Google Takeout makes them).");
            int method = _method[i];
            if (method != 0 && method != 8)
                throw new InvalidDataException($"it uses compression method {method}{(method == 9 ? " (Deflate64)" : "")}; GPhotos reads stored and deflated entries (as Google Takeout makes them). Extract this part with a zip tool and read the folder instead.");
            if (part.Length != PartLength)
                throw new InvalidDataException($"the part is now {part.Length} bytes, not the {PartLength} it had when its directory was read (replaced since?). Read the export again.");
            long local = _local[i];
            long dataMax = CompressedSize(i);
            if (expectBytes >= 0 && method == 0) dataMax = Math.Min(dataMax, expectBytes);
            else if (expectBytes >= 0) dataMax = Math.Min(dataMax, expectBytes + 64 * 1024); // a deflated head: about as long
            (part as IRangeHint)?.Hint(local, LocalHeaderSize + _nameLength[i] + _extraLength[i] + HintSlack + dataMax);
            var header = new byte[LocalHeaderSize];
            ReadAt(part, local, header, 0, header.Length, hint: false);
            if (U32(header, 0) != LocalSignature) throw new InvalidDataException($"its local header at offset {local} is damaged (bad signature).");
            // Sizes and CRC come from the central directory (a data descriptor may follow the data; it is not needed).
            long dataStart = local + LocalHeaderSize + U16(header, 26) + U16(header, 28);
            if (dataStart > PartLength || dataMax > PartLength - dataStart)
                throw new InvalidDataException($"its data ({dataMax} bytes at {dataStart}) runs past the end of the part.");
            Stream raw = new Slice(part, dataStart, dataMax, ownsPart);
            Stream data = method == 8 ? new DeflateStream(raw, CompressionMode.Decompress, leaveOpen: false) : raw;
            return new Checked(data, Size(i), _crc[i]);
        }

        /// <summary>[start, start+length) of a part; seeks before each read, so streams read one at a time can share the part.</summary>
        private sealed class Slice : GPhotos.IO.ReadOnlyStream
        {
            private Stream _part;
            private readonly long _start, _length;
            private readonly bool _owns;
            private long _pos;

            public Slice(Stream part, long start, long length, bool owns) { _part = part; _start = start; _length = length; _owns = owns; }

            public override bool CanRead => _part != null;
            public override bool CanSeek => false;
            public override long Length => _length;
            public override long Position { get => _pos; set => throw new NotSupportedException(); }
            public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

            public override int Read(byte[] buffer, int offset, int count)
            {
                if (_part == null) throw new ObjectDisposedException(nameof(Slice));
                long left = _length - _pos;
                if (left <= 0 || count <= 0) return 0;
                if (count > left) count = (int)left;
                if (_part.Position != _start + _pos) _part.Position = _start + _pos;
                int n = _part.Read(buffer, offset, count);
                if (n <= 0) throw new EndOfStreamException($"the part ended {left} bytes before the end of the entry's data.");
                _pos += n;
                return n;
            }

            protected override void Dispose(bool disposing)
            {
                if (disposing && _owns) _part?.Dispose();
                _part = null;
                base.Dispose(disposing);
            }
        }

        /// <summary>Counts and checksums what passes; at the last byte the CRC-32 must match the directory's.</summary>
        private sealed class Checked : GPhotos.IO.ReadOnlyStream
        {
            private Stream _inner;
            private readonly long _length;
            private readonly uint _crc;
            private readonly Crc32 _sum = new Crc32();
            private long _pos;

            public Checked(Stream inner, long length, uint crc)
            {
                _inner = inner;
                _length = length;
                _crc = crc;
                if (length == 0 && crc != 0) throw new InvalidDataException($"it is empty but its CRC-32 is {crc:x8}, not 00000000.");
            }

            public override bool CanRead => _inner != null;
            public override bool CanSeek => false;
            public override long Length => _length;
            public override long Position { get => _pos; set => throw new NotSupportedException(); }
            public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

            public override int Read(byte[] buffer, int offset, int count)
            {
                if (_inner == null) throw new ObjectDisposedException(nameof(Checked));
                long left = _length - _pos;
                if (left <= 0 || count <= 0) return 0;
                if (count > left) count = (int)left;
                int n = _inner.Read(buffer, offset, count);
                if (n <= 0) throw new InvalidDataException($"its data ended after {_pos} of {_length} bytes.");
                _sum.Update(new ArraySegment<byte>(buffer, offset, n));
                _pos += n;
                if (_pos == _length && (uint)_sum.Value != _crc)
                    throw new InvalidDataException($"its CRC-32 is {(uint)_sum.Value:x8}, not the {_crc:x8} its directory records (damaged bytes).");
                return n;
            }

            protected override void Dispose(bool disposing)
            {
                if (disposing) _inner?.Dispose();
                _inner = null;
                base.Dispose(disposing);
            }
        }
    }
}
