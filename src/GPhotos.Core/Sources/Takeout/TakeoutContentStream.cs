using System;
using System.IO;
using System.Threading;
using System.Threading.Tasks;
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

        public override bool CanRead => _inner != null && Volatile.Read(ref _disposed) == 0;
        public override bool CanSeek => false;
        public override bool CanWrite => false;

        /// <summary>The size of the file in bytes (known without reading it).</summary>
        public override long Length => _length;

        public override long Position
        {
            get => _position;
            set => throw new NotSupportedException("Takeout content streams are forward-only.");
        }

        /// <summary>
        /// Reads synchronously on the caller's thread. Stream's default ReadAsync queues every read to another thread
        /// behind a per-stream semaphore: for a local entry that costs more than the read (docs/benchmarks.md, "Takeout
        /// Save per item"), and a Drive part's read blocked a pool thread either way.
        /// </summary>
        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
        {
            if (cancellationToken.IsCancellationRequested) return Task.FromCanceled<int>(cancellationToken);
            try
            {
                int n = Read(buffer, offset, count);
                // Saving reads until 0: the end costs no allocation.
                return n == 0 ? Zero : Task.FromResult(n);
            }
            catch (Exception ex) { return Task.FromException<int>(ex); }
        }

        private static readonly Task<int> Zero = Task.FromResult(0);

        public override int Read(byte[] buffer, int offset, int count)
        {
            // A Dispose from another thread (Ctrl+C disposes the content) while a read runs must not free the inflater's
            // buffer under it or hand the part stream to the next item mid-read: the last one out closes. Both sides
            // claim the close by moving _busy from 0 to Closed; Dispose marks _disposed first, the reader looks after
            // its read (full fences both sides), so exactly one of them closes.
            if (Interlocked.CompareExchange(ref _busy, Reading, 0) != 0)
            {
                if (Volatile.Read(ref _disposed) != 0) throw new ObjectDisposedException(nameof(TakeoutContentStream));
                throw new InvalidOperationException("A Takeout content stream reads one call at a time.");
            }
            try
            {
                var inner = _inner;
                if (Volatile.Read(ref _disposed) != 0 || inner == null) throw new ObjectDisposedException(nameof(TakeoutContentStream));
                return ReadCore(inner, buffer, offset, count);
            }
            finally
            {
                Interlocked.Exchange(ref _busy, 0);
                if (Volatile.Read(ref _disposed) != 0 && Interlocked.CompareExchange(ref _busy, Closed, 0) == 0) Close(this);
            }
        }

        private const int Reading = 1, Closed = 2;
        private int _busy, _disposed;

        private int ReadCore(Stream inner, byte[] buffer, int offset, int count)
        {
            if (count == 0) return 0;
            var left = _length - _position;
            if (left <= 0) return 0;
            if (count > left) count = (int)left;
            int n;
            try { n = inner.Read(buffer, offset, count); }
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
            if (disposing && Interlocked.Exchange(ref _disposed, 1) == 0 && Interlocked.CompareExchange(ref _busy, Closed, 0) == 0) Close(this);
            base.Dispose(disposing);
        }

        private static void Close(TakeoutContentStream s)
        {
            s._inner?.Dispose();
            s._inner = null;
            var d = s._onDispose;
            s._onDispose = null;
            d?.Invoke(s);
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
