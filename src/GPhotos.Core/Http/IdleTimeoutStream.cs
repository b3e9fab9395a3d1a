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

        public IdleTimeoutStream(Stream inner, TimeSpan idle)
        {
            _inner = inner;
            _idle = idle;
        }

        public override async Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
        {
            using (var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
            {
                cts.CancelAfter(_idle);
                Task<int> read = _inner.ReadAsync(buffer, offset, count, cts.Token);
                try
                {
                    return await read.ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
                {
                    _inner.Dispose(); // unblock a read that ignores the token (some platforms)
                    throw new IOException($"The download stalled: no data for {_idle.TotalSeconds:0} s.");
                }
            }
        }

        public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer, offset, count, CancellationToken.None).GetAwaiter().GetResult();

        protected override void Dispose(bool disposing)
        {
            if (disposing) _inner.Dispose();
            base.Dispose(disposing);
        }
    }
}
