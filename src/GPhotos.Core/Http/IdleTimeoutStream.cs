using System;
using System.IO;
using System.Threading;
using System.Threading.Tasks;
using GPhotos.IO;

namespace GPhotos.Http
{
    /// <summary>
    /// A read-only wrapper that fails a read with <see cref="IOException"/> when no byte arrives for a while,
    /// so a stalled connection becomes a retry instead of a hang.
    /// </summary>
    internal sealed class IdleTimeoutStream : ReadOnlyStream
    {
        private readonly Stream _inner;
        private readonly TimeSpan _idle;
        // One idle timer per stream, armed before each read and disarmed after it: a linked source and a timer per
        // read cost more than the rest of a photo's HTTP handling (about five reads per 300 KB photo).
        private readonly CancellationTokenSource _idleTimer = new CancellationTokenSource();
        private CancellationTokenSource _linked;
        private CancellationToken _linkedFor;

        public IdleTimeoutStream(Stream inner, TimeSpan idle)
        {
            _inner = inner;
            _idle = idle;
        }

        public override async Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
        {
            CancellationToken token = TokenFor(cancellationToken);
            try
            {
                _idleTimer.CancelAfter(_idle);
                int read = await _inner.ReadAsync(buffer, offset, count, token).ConfigureAwait(false);
                // Time the caller spends between reads (writing, hashing, flushing) is not the server's silence.
                _idleTimer.CancelAfter(Timeout.Infinite);
                return read;
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                _inner.Dispose(); // unblock a read that ignores the token (some platforms)
                throw new IOException($"The download stalled: no data for {_idle.TotalSeconds:0} s.");
            }
        }

        // The caller's token joined with the idle timer; callers pass the same token to every read of a stream, so
        // the link is made once, not per read.
        private CancellationToken TokenFor(CancellationToken caller)
        {
            if (!caller.CanBeCanceled) return _idleTimer.Token;
            if (_linked == null || !caller.Equals(_linkedFor))
            {
                _linked?.Dispose();
                _linked = CancellationTokenSource.CreateLinkedTokenSource(caller, _idleTimer.Token);
                _linkedFor = caller;
            }
            return _linked.Token;
        }

        public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer, offset, count, CancellationToken.None).GetAwaiter().GetResult();

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                _inner.Dispose();
                _linked?.Dispose();
                _idleTimer.Dispose();
            }
            base.Dispose(disposing);
        }
    }
}
