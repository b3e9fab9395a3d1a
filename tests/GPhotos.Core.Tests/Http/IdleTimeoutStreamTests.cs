using System;
using System.IO;
using System.Threading;
using System.Threading.Tasks;
using GPhotos.Http;
using Xunit;

namespace GPhotos.Core.Tests.Http
{
    // The idle timer guards the server's silence during a read, not the caller's time between reads.
    public class IdleTimeoutStreamTests
    {
        // Gives one byte per read after a fixed delay, honouring the token like a socket read does.
        private sealed class SlowStream : Stream
        {
            private readonly TimeSpan _delay;
            public SlowStream(TimeSpan delay) { _delay = delay; }
            public bool Disposed { get; private set; }
            public override async Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken ct)
            {
                await Task.Delay(_delay, ct);
                buffer[offset] = 42;
                return 1;
            }
            public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
            public override bool CanRead => true;
            public override bool CanSeek => false;
            public override bool CanWrite => false;
            public override long Length => throw new NotSupportedException();
            public override long Position { get => 0; set => throw new NotSupportedException(); }
            public override void Flush() { }
            public override long Seek(long o, SeekOrigin s) => throw new NotSupportedException();
            public override void SetLength(long v) => throw new NotSupportedException();
            public override void Write(byte[] b, int o, int c) => throw new NotSupportedException();
            protected override void Dispose(bool disposing) { Disposed = true; base.Dispose(disposing); }
        }

        [Fact]
        public async Task A_read_that_gets_no_byte_within_the_idle_time_fails_as_a_stalled_download()
        {
            var inner = new SlowStream(TimeSpan.FromSeconds(30));
            using (var s = new IdleTimeoutStream(inner, TimeSpan.FromMilliseconds(200)))
            {
                var started = DateTime.UtcNow;
                var ex = await Assert.ThrowsAsync<IOException>(() => s.ReadAsync(new byte[8], 0, 8, CancellationToken.None));
                Assert.Contains("stalled", ex.Message);
                Assert.True(DateTime.UtcNow - started < TimeSpan.FromSeconds(10));
                Assert.True(inner.Disposed);
            }
        }

        [Fact]
        public async Task Time_the_caller_spends_between_reads_is_not_counted_as_silence()
        {
            using (var caller = new CancellationTokenSource())
            using (var s = new IdleTimeoutStream(new SlowStream(TimeSpan.FromMilliseconds(20)), TimeSpan.FromMilliseconds(300)))
            {
                var buffer = new byte[8];
                for (int i = 0; i < 3; i++)
                {
                    Assert.Equal(1, await s.ReadAsync(buffer, 0, 8, caller.Token));
                    await Task.Delay(600); // twice the idle time, spent by the caller (writing, hashing, flushing)
                }
                Assert.Equal(1, await s.ReadAsync(buffer, 0, 8, CancellationToken.None));
            }
        }

        [Fact]
        public async Task The_callers_cancellation_is_a_cancellation_not_a_stall()
        {
            using (var caller = new CancellationTokenSource())
            using (var s = new IdleTimeoutStream(new SlowStream(TimeSpan.FromSeconds(30)), TimeSpan.FromSeconds(20)))
            {
                caller.CancelAfter(100);
                var started = DateTime.UtcNow;
                await Assert.ThrowsAnyAsync<OperationCanceledException>(() => s.ReadAsync(new byte[8], 0, 8, caller.Token));
                Assert.True(DateTime.UtcNow - started < TimeSpan.FromSeconds(5));
            }
        }
    }
}
