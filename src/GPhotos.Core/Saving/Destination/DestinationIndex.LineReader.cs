using System;
using System.IO;
using System.Runtime.CompilerServices;

namespace GPhotos.Saving
{
    internal sealed partial class DestinationIndex
    {
        /// <summary>
        /// The index file's lines as byte ranges of one reused buffer, split where StreamReader.ReadLine splits them
        /// ('\n', '\r' or "\r\n"; a last line without an end still counts): the loader no longer decodes the whole file
        /// into a string per line (about 700 bytes of garbage per entry) only to read the lines Save wrote. A line longer
        /// than the buffer grows it.
        /// </summary>
        internal sealed class LineReader
        {
            private readonly Stream _stream;
            private int _pos, _end;
            private bool _eof;

            /// <summary>The last line ended with '\r': a '\n' right after it is the same line end.</summary>
            private bool _afterReturn;

            public LineReader(Stream stream, int bufferSize = 64 * 1024)
            {
                _stream = stream;
                Buffer = new byte[bufferSize];
            }

            /// <summary>Holds the line <see cref="Next"/> returned, until the next call.</summary>
            public byte[] Buffer { get; private set; }

            [MethodImpl(HotPath.Optimized)]
            public bool Next(out int start, out int length)
            {
                int scanned = _pos; // bytes before this hold no line end
                while (true)
                {
                    if (_afterReturn)
                    {
                        if (_pos == _end && !_eof) { Fill(ref scanned); continue; }
                        _afterReturn = false;
                        if (_pos < _end && Buffer[_pos] == '\n') _pos++;
                        scanned = _pos;
                    }
                    int newline = scanned < _end ? Array.IndexOf(Buffer, (byte)'\n', scanned, _end - scanned) : -1;
                    int stop = newline < 0 ? _end : newline;
                    int ret = scanned < stop ? Array.IndexOf(Buffer, (byte)'\r', scanned, stop - scanned) : -1;
                    int end = ret >= 0 ? ret : newline;
                    if (end >= 0)
                    {
                        start = _pos;
                        length = end - _pos;
                        _pos = end + 1;
                        _afterReturn = ret >= 0;
                        return true;
                    }
                    scanned = _end;
                    if (_eof)
                    {
                        start = _pos;
                        length = _end - _pos;
                        _pos = _end;
                        return length > 0;
                    }
                    Fill(ref scanned);
                }
            }

            /// <summary>
            /// About how many lines a file of <paramref name="fileLength"/> bytes holds, from the lines in its first
            /// buffer; 0 when those are too few or too short to tell (a damaged file must not size a huge table).
            /// </summary>
            public int EstimateLines(long fileLength)
            {
                int scanned = 0;
                while (!_eof && _end < Buffer.Length) Fill(ref scanned);
                int lines = 0;
                for (int i = Array.IndexOf(Buffer, (byte)'\n', 0, _end); i >= 0; i = Array.IndexOf(Buffer, (byte)'\n', i + 1, _end - i - 1))
                    lines++;
                if (_eof) return lines + 1;
                // Every line Save writes holds an id, a path, a size and a time: well over 100 bytes.
                if (lines < 16 || _end / lines < 100) return 0;
                // At most 4M (~112 MB of table): a file that only starts like an index must not reserve gigabytes.
                return (int)Math.Min(fileLength / (_end / lines) * 21 / 20 + 16, 4 << 20);
            }

            private void Fill(ref int scanned)
            {
                if (_pos > 0)
                {
                    System.Buffer.BlockCopy(Buffer, _pos, Buffer, 0, _end - _pos);
                    scanned -= _pos;
                    _end -= _pos;
                    _pos = 0;
                }
                if (_end == Buffer.Length)
                {
                    // A line of more than 1 GiB fails as it did as a string (out of memory), not with an overflow.
                    if (Buffer.Length >= 1 << 30) throw new OutOfMemoryException("A line of the destination index is longer than 1 GiB.");
                    byte[] larger = new byte[Buffer.Length * 2];
                    System.Buffer.BlockCopy(Buffer, 0, larger, 0, _end);
                    Buffer = larger;
                }
                int read = _stream.Read(Buffer, _end, Buffer.Length - _end);
                if (read <= 0) _eof = true;
                else _end += read;
            }
        }
    }
}
