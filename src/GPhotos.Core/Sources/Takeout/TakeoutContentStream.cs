using System;
using System.IO;
using GPhotos.Model;

namespace GPhotos.Sources.Takeout
{
    /// <summary>
    /// A read-only, forward-only stream of one Takeout file with its <see cref="Length"/> known up front.
    /// Reading past <see cref="Length"/> returns 0; a short entry (damaged archive) throws <see cref="TakeoutArchiveException"/>.
    /// </summary>
    public sealed class TakeoutContentStream : Stream
    {
        private Stream _inner;
        private readonly long _length;
        private long _position;
        private Action<TakeoutContentStream> _onDispose;

        internal TakeoutContentStream(Stream inner, long length, string archive, string entry, Action<TakeoutContentStream> onDispose)
        {
            _inner = inner;
            _length = length;
            Archive = archive;
            Entry = entry;
            _onDispose = onDispose;
        }

        /// <summary>The zip/tgz file or folder the bytes come from.</summary>
        public string Archive { get; }

        /// <summary>The entry path inside <see cref="Archive"/>.</summary>
        public string Entry { get; }

        /// <summary>A read failed (damaged data); the underlying reader is not reused.</summary>
        internal bool Faulted { get; private set; }

        public override bool CanRead => _inner != null;
        public override bool CanSeek => false;
        public override bool CanWrite => false;

        /// <summary>The size of the file in bytes (known without reading it).</summary>
        public override long Length => _length;

        public override long Position
        {
            get => _position;
            set => throw new NotSupportedException("Takeout content streams are forward-only.");
        }

        public override int Read(byte[] buffer, int offset, int count)
        {
            if (_inner == null) throw new ObjectDisposedException(nameof(TakeoutContentStream));
            if (count == 0) return 0;
            var left = _length - _position;
            if (left <= 0) return 0;
            if (count > left) count = (int)left;
            int n;
            try { n = _inner.Read(buffer, offset, count); }
            catch (Exception ex) when (ex is InvalidDataException || (ex is IOException && !(ex is TakeoutArchiveException)) || ex is ICSharpCode.SharpZipLib.SharpZipBaseException)
            {
                Faulted = true;
                throw new TakeoutArchiveException(Archive, Entry, $"Entry '{Entry}' of Takeout part '{Archive}' is damaged: {ex.Message}", ex);
            }
            if (n <= 0)
            {
                Faulted = true;
                throw new TakeoutArchiveException(Archive, Entry,
                    $"Entry '{Entry}' of Takeout part '{Archive}' ended after {_position} of {_length} bytes (damaged or truncated part). Download this part again.");
            }
            _position += n;
            return n;
        }

        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException("Takeout content streams are forward-only.");
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                _inner?.Dispose();
                _inner = null;
                var d = _onDispose;
                _onDispose = null;
                d?.Invoke(this);
            }
            base.Dispose(disposing);
        }
    }

    /// <summary>One file yielded by <see cref="TakeoutContent.OpenMany"/>.</summary>
    public sealed class TakeoutContentEntry
    {
        internal TakeoutContentEntry(MediaItem item, ContentVariant variant, string archive, string entry)
        {
            Item = item;
            Variant = variant;
            Archive = archive;
            Entry = entry;
        }

        public MediaItem Item { get; }
        /// <summary>The item's own file (<see cref="ContentVariant.Original"/>) or its motion video.</summary>
        public ContentVariant Variant { get; }
        public string Archive { get; }
        public string Entry { get; }

        /// <summary>The bytes; valid until the enumeration moves on. Null when <see cref="Error"/> is set.</summary>
        public TakeoutContentStream Stream { get; internal set; }

        /// <summary>Why the file could not be opened; null on success.</summary>
        public TakeoutArchiveException Error { get; internal set; }
    }
}
