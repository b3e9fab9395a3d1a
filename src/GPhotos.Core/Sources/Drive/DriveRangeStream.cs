using System;
using System.Collections.Generic;
using System.IO;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;

namespace GPhotos.Sources.Drive
{
    /// <summary>How a <see cref="DriveRangeStream"/> fetches.</summary>
    public sealed class DriveRangeStreamOptions
    {
        /// <summary>A random read fetches the aligned block around it (a zip's end records are read backwards in small steps).</summary>
        public int BlockSize { get; set; } = 64 * 1024;
        /// <summary>Blocks kept (most recently used first); memory is at most BlockSize × this. Ignored with <see cref="SharedCache"/>.</summary>
        public int MaxCachedBlocks { get; set; } = 8;
        /// <summary>A cache shared by the streams over one part (its own capacity); null: each stream has its own.</summary>
        public DriveBlockCache SharedCache { get; set; }
        /// <summary>Sequential reads stream ranges that double up to this size (bytes asked but not read are the waste bound).</summary>
        public long MaxReadAhead { get; set; } = 16L * 1024 * 1024;
        /// <summary>Check size and md5 against the listing before the first request.</summary>
        public bool ValidateOnOpen { get; set; } = true;
        /// <summary>Check again when this long has passed since the last check (a same-size replacement is caught by md5 only).</summary>
        public TimeSpan RevalidateInterval { get; set; } = TimeSpan.FromMinutes(5);
        /// <summary>Send acknowledgeAbuse=true (read a file Drive flagged as malware).</summary>
        public bool AcknowledgeAbuse { get; set; }
    }

    /// <summary>
    /// A read-only, seekable stream over one Drive file, read with HTTP range requests: what a zip reader needs to read a
    /// Takeout part in place (the central directory at the end, then only the entries asked for). Random reads fetch
    /// small aligned blocks (cached, bounded); sequential reads stream growing ranges (never buffered whole);
    /// <see cref="Hint"/> makes the next fetch exactly the range a reader announces. Every answer is checked: 206, the
    /// Content-Range start, and its total equal to the size pinned at listing, so bytes of two versions are never mixed.
    /// Not thread-safe (like FileStream); one per reader. Every wait is bounded by the client's timeouts; the
    /// cancellation token given at open ends any read.
    /// </summary>
    public sealed class DriveRangeStream : Stream
    {
        private readonly DriveClient _client;
        private readonly DriveRangeStreamOptions _o;
        private readonly CancellationToken _cancel;
        private readonly DriveBlockCache _cache;
        private readonly bool _ownCache;
        private DriveRangeResponse _cursor;
        private long _position, _lastReadEnd = -1, _window, _hintStart = -1, _hintEnd = -1;
        private DateTime? _validatedUtc;
        private bool _disposed;

        internal DriveRangeStream(DriveClient client, DriveFile file, DriveRangeStreamOptions options, CancellationToken cancellationToken)
        {
            _client = client;
            File = file ?? throw new ArgumentNullException(nameof(file));
            if (!file.Size.HasValue) throw new ArgumentException($"Drive file {file.Name} has no size; only binary files can be read.", nameof(file));
            _o = options;
            _cancel = cancellationToken;
            _window = options.BlockSize;
            _ownCache = options.SharedCache == null;
            _cache = options.SharedCache ?? new DriveBlockCache((long)options.BlockSize * Math.Max(1, options.MaxCachedBlocks));
            _cache.Bind(file);
        }

        /// <summary>The file as pinned at listing (id, size, md5).</summary>
        public DriveFile File { get; }

        /// <summary>Range requests this stream made.</summary>
        public long RangeRequests { get; private set; }
        /// <summary>Bytes those requests asked for.</summary>
        public long BytesRequested { get; private set; }

        public override bool CanRead => !_disposed;
        public override bool CanSeek => !_disposed;
        public override bool CanWrite => false;
        public override long Length => File.Size.Value;

        public override long Position
        {
            get => _position;
            set => Seek(value, SeekOrigin.Begin);
        }

        public override long Seek(long offset, SeekOrigin origin)
        {
            ThrowIfDisposed();
            long target = origin == SeekOrigin.Begin ? offset : origin == SeekOrigin.Current ? _position + offset : Length + offset;
            if (target < 0) throw new IOException("Cannot seek before the start of " + File.Name + ".");
            _position = target;
            return target;
        }

        /// <summary>The next reads fall in [offset, offset+length): fetch exactly that (a zip entry's local header and data).</summary>
        public void Hint(long offset, long length)
        {
            if (offset < 0 || length <= 0) { _hintStart = _hintEnd = -1; return; }
            _hintStart = offset;
            _hintEnd = Math.Min(Length, offset + length);
        }

        public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer, offset, count, CancellationToken.None).GetAwaiter().GetResult();

        public override async Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
        {
            ThrowIfDisposed();
            if (buffer == null) throw new ArgumentNullException(nameof(buffer));
            if (offset < 0 || count < 0 || offset + count > buffer.Length) throw new ArgumentOutOfRangeException(nameof(count));
            if (count == 0 || _position >= Length) return 0;
            using (var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _cancel))
            {
                CancellationToken ct = linked.Token;
                ct.ThrowIfCancellationRequested();
                int n = FromBlocks(buffer, offset, count);
                if (n > 0) return n;
                if (_cursor == null || _cursor.Offset + _cursor.Consumed != _position || _cursor.Remaining <= 0)
                {
                    CloseCursor();
                    await RevalidateAsync(ct).ConfigureAwait(false);
                    bool hinted = _hintStart >= 0 && _position >= _hintStart && _position < _hintEnd;
                    bool sequential = _position == _lastReadEnd; // the caller goes on where its last read ended
                    if (hinted && _hintEnd - _position <= _o.BlockSize)
                    {
                        await FetchBlockAsync(_position, _hintEnd - _position, ct).ConfigureAwait(false);
                        return FromBlocks(buffer, offset, count);
                    }
                    if (hinted && _position == _hintStart && count < _o.BlockSize)
                    {
                        // A reader that starts small may stop after the head of what it announced (the media probe reads
                        // a few KB of a 300 KB photo for its size and date, then Save reads the whole entry): the first
                        // block comes alone and stays cached for Save, the rest in one range when read on. One range for
                        // the whole entry sent its unread rest over the wire and then again: 1.7 x the bytes of new
                        // items. (A reader that asks for more at once, the zip directory's, gets the whole range.)
                        await FetchBlockAsync(_position, _o.BlockSize, ct).ConfigureAwait(false);
                        return FromBlocks(buffer, offset, count);
                    }
                    if (hinted)
                    {
                        await OpenCursorAsync(_position, _hintEnd - _position, ct).ConfigureAwait(false);
                    }
                    else if (sequential)
                    {
                        _window = Math.Min(Math.Max(_window * 2, 2L * _o.BlockSize), _o.MaxReadAhead);
                        await OpenCursorAsync(_position, Math.Min(_window, Length - _position), ct).ConfigureAwait(false);
                    }
                    else
                    {
                        _window = _o.BlockSize;
                        long start = _position - _position % _o.BlockSize;
                        await FetchBlockAsync(start, Math.Min(_o.BlockSize, Length - start), ct).ConfigureAwait(false);
                        return FromBlocks(buffer, offset, count);
                    }
                }
                await PullChunkAsync(ct).ConfigureAwait(false);
                return FromBlocks(buffer, offset, count);
            }
        }

        /// <summary>
        /// Moves the next block of the open range into the cache: readers (a zip's central directory parser) step back a
        /// few bytes to re-read a record cut at their buffer's end, and must find it here, not in a new request.
        /// A dropped or stalled body is reopened once for the rest of the range (with the policy's retries).
        /// </summary>
        private async Task PullChunkAsync(CancellationToken ct)
        {
            long start = _cursor.Offset + _cursor.Consumed;
            var data = new byte[(int)Math.Min(_o.BlockSize, _cursor.Remaining)];
            int got = 0;
            bool reopened = false;
            while (got < data.Length)
            {
                try
                {
                    got += await _cursor.ReadAsync(data, got, data.Length - got, ct).ConfigureAwait(false);
                }
                catch (Exception ex) when (!reopened && (ex is IOException || ex is HttpRequestException))
                {
                    reopened = true;
                    long end = _cursor.Offset + _cursor.Length;
                    CloseCursor();
                    await OpenCursorAsync(start + got, end - (start + got), ct).ConfigureAwait(false);
                }
            }
            AddBlock(start, data);
        }

        private int Advance(int n)
        {
            if (n <= 0) return 0; // a miss: the next fetch still knows where the last read ended
            _position += n;
            _lastReadEnd = _position;
            return n;
        }

        private int FromBlocks(byte[] buffer, int offset, int count) => Advance(_cache.Read(_position, buffer, offset, count));

        private async Task FetchBlockAsync(long start, long length, CancellationToken ct)
        {
            byte[] data = await DriveErrors.ExecuteAsync(_client.Api.Retry, async c =>
            {
                using (DriveRangeResponse r = await OpenOnceAsync(start, length, c).ConfigureAwait(false))
                {
                    var bytes = new byte[length];
                    int got = 0;
                    while (got < bytes.Length) got += await r.ReadAsync(bytes, got, bytes.Length - got, c).ConfigureAwait(false);
                    return bytes;
                }
            }, ct).ConfigureAwait(false);
            AddBlock(start, data);
        }

        private void AddBlock(long start, byte[] data) => _cache.Add(start, data);

        private async Task OpenCursorAsync(long start, long length, CancellationToken ct)
        {
            _cursor = await DriveErrors.ExecuteAsync(_client.Api.Retry, c => OpenOnceAsync(start, length, c), ct).ConfigureAwait(false);
        }

        private Task<DriveRangeResponse> OpenOnceAsync(long start, long length, CancellationToken ct)
        {
            RangeRequests++;
            BytesRequested += length;
            return _client.OpenRangeOnceAsync(File, start, length, _o.AcknowledgeAbuse, ct);
        }

        /// <summary>Size and md5 against the listing: on open, then every <see cref="DriveRangeStreamOptions.RevalidateInterval"/>.</summary>
        private async Task RevalidateAsync(CancellationToken ct)
        {
            if (!_o.ValidateOnOpen) return;
            if (_validatedUtc.HasValue && DateTime.UtcNow - _validatedUtc.Value < _o.RevalidateInterval) return;
            await CheckUnchangedAsync(ct).ConfigureAwait(false);
        }

        /// <summary>
        /// Fails with <see cref="DriveErrorKind.PartChanged"/> when Drive's metadata no longer matches the listing (size or
        /// md5), <see cref="DriveErrorKind.NotFound"/> when the part is gone. Call after an item is read to be sure of it.
        /// </summary>
        public async Task CheckUnchangedAsync(CancellationToken cancellationToken)
        {
            DriveFile now = await _client.GetAsync(File.Id, cancellationToken).ConfigureAwait(false);
            if (now.Size != File.Size)
                throw DriveClient.PartChanged(File, $"its size is now {now.Size:N0} bytes, not {File.Size:N0}", null);
            if (File.Md5Checksum != null && now.Md5Checksum != null && !string.Equals(now.Md5Checksum, File.Md5Checksum, StringComparison.OrdinalIgnoreCase))
                throw DriveClient.PartChanged(File, "its md5 is now " + now.Md5Checksum + ", not " + File.Md5Checksum, null);
            _validatedUtc = DateTime.UtcNow;
        }

        private void CloseCursor()
        {
            _cursor?.Dispose();
            _cursor = null;
        }

        private void ThrowIfDisposed()
        {
            if (_disposed) throw new ObjectDisposedException(nameof(DriveRangeStream));
        }

        public override void Flush() { }
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing && !_disposed)
            {
                _disposed = true;
                CloseCursor();
                if (_ownCache) _cache.Clear();
            }
            base.Dispose(disposing);
        }
    }
}
