using System;
using System.IO;

namespace GPhotos.IO
{
    /// <summary>
    /// The base of every forward-only, read-only stream GPhotos hands out (content bodies, wrappers): only
    /// <see cref="Stream.Read(byte[], int, int)"/> (and, for async sources, ReadAsync) is left to write. Seeking,
    /// writing and Length/Position throw <see cref="NotSupportedException"/> unless a subclass knows better.
    /// </summary>
    public abstract class ReadOnlyStream : Stream
    {
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();

        public override long Position
        {
            get => throw new NotSupportedException();
            set => throw new NotSupportedException();
        }

        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
