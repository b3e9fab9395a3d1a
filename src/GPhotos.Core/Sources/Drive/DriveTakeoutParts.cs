using System;
using System.IO;
using System.Threading;
using System.Threading.Tasks;
using GPhotos.Http;
using GPhotos.Model;
using GPhotos.Sources.Takeout;

namespace GPhotos.Sources.Drive
{
    /// <summary>
    /// Makes Takeout parts in Drive readable in place by the Takeout reader and by Save (through
    /// <see cref="TakeoutPartSources"/>): each open is a <see cref="DriveRangeStream"/> pinned to the size and md5 listed, so a
    /// zip is read as its central directory plus the entries asked for, and a tgz as one streamed pass. Never a local copy.
    /// </summary>
    public static class DriveTakeoutParts
    {
        /// <summary>Central-directory blocks kept per part, shared by every stream over it (Save opens several at once).</summary>
        public const long SharedCacheBytes = 32L * 1024 * 1024;

        // The stopping token of the run that reads a part. The opener is a Func<Stream> called deep inside the Takeout
        // reader and Save (which have no token to give it), the run that reads is often not the one that registered (Save
        // after Get), and pooled zip readers outlive a run (idle for 30 s): so each read takes the token of the flow it is
        // on, never one captured at open (a stopped run's token would fail the next run's reads).
        private static readonly AsyncLocal<CancellationToken> RunToken = new AsyncLocal<CancellationToken>();

        /// <summary>
        /// Until the scope is disposed, Drive parts opened on this flow (and the tasks it starts) stop with
        /// <paramref name="cancellationToken"/>: Ctrl+C ends a stalled range read at once instead of after the idle timeout.
        /// </summary>
        public static IDisposable UseCancellation(CancellationToken cancellationToken)
        {
            CancellationToken previous = RunToken.Value;
            RunToken.Value = cancellationToken;
            return new Scope(() => RunToken.Value = previous);
        }

        /// <summary>The token set by the innermost <see cref="UseCancellation"/> of this flow (none outside one).</summary>
        public static CancellationToken CurrentCancellation => RunToken.Value;

        private sealed class Scope : IDisposable
        {
            private Action _end;
            public Scope(Action end) { _end = end; }
            public void Dispose() { Interlocked.Exchange(ref _end, null)?.Invoke(); }
        }

        /// <summary>The <see cref="DriveFile"/> a listed Drive part stands for (size and md5 as listed).</summary>
        public static DriveFile ToDriveFile(TakeoutArchive part) => new DriveFile
        {
            Id = part.DriveFileId, Name = part.Name, Size = part.Size, Md5Checksum = part.Md5,
        };

        /// <summary>Registers <paramref name="part"/> and returns the key its items carry in MediaItem.TakeoutArchive.</summary>
        public static string Register(DriveClient client, TakeoutArchive part)
        {
            if (client == null) throw new ArgumentNullException(nameof(client));
            if (part == null) throw new ArgumentNullException(nameof(part));
            if (part.Location != TakeoutArchiveLocation.Drive || string.IsNullOrEmpty(part.DriveFileId))
                throw new ArgumentException($"'{part}' is not a Takeout part in Drive.", nameof(part));
            DriveFile file = ToDriveFile(part);
            string key = TakeoutPartSources.DriveKey(file.Id, file.Name);
            TakeoutInputKind kind = part.Format == "zip" ? TakeoutInputKind.Zip : TakeoutInputKind.TarGz;
            var cache = new DriveBlockCache(SharedCacheBytes);
            TakeoutPartSources.Register(key, kind, () =>
            {
                DriveRangeStream s = client.OpenRead(file, new DriveRangeStreamOptions
                {
                    SharedCache = kind == TakeoutInputKind.Zip ? cache : null,
                    // A tgz is one pass from start to end: stream it in the largest ranges (never held whole).
                    MaxReadAhead = kind == TakeoutInputKind.Zip ? 16L * 1024 * 1024 : 64L * 1024 * 1024,
                });
                try
                {
                    // Each open (a read of the listing, a Save worker) checks the part against its listing first: the
                    // shared cache may answer every read, and bytes of a part replaced since must not be saved silently.
                    s.CheckUnchangedAsync(RunToken.Value).GetAwaiter().GetResult();
                }
                catch (Exception ex) when (Translate(ex, key) != null)
                {
                    s.Dispose();
                    throw Translate(ex, key);
                }
                catch
                {
                    s.Dispose();
                    throw;
                }
                return new PartStream(s, key);
            });
            return key;
        }

        /// <summary>
        /// Turns Drive's per-part answers (changed, deleted, download quota, flagged as abusive, range ignored) into a
        /// <see cref="TakeoutArchiveException"/> naming the part, marked permanent: retrying the same item cannot help,
        /// and the other items go on.
        /// </summary>
        internal static Exception Translate(Exception ex, string key)
        {
            if (!(ex is DriveApiException d)) return null;
            switch (d.Kind)
            {
                case DriveErrorKind.PartChanged:
                case DriveErrorKind.NotFound:
                case DriveErrorKind.DownloadQuotaExceeded:
                case DriveErrorKind.AbusiveFile:
                case DriveErrorKind.RangeIgnored:
                    string msg = d.Kind == DriveErrorKind.NotFound
                        ? $"Takeout part '{key}' is no longer in Drive (deleted or replaced since it was listed): {d.Message}"
                        : d.Message;
                    var wrapped = new TakeoutArchiveException(key, msg, d);
                    wrapped.Data[RetryPolicy.PermanentFailureKey] = true;
                    return wrapped;
                default:
                    return null;
            }
        }

        /// <summary>A <see cref="DriveRangeStream"/> whose per-part Drive errors are <see cref="TakeoutArchiveException"/>s.</summary>
        private sealed class PartStream : GPhotos.IO.ReadOnlyStream, IRangeHint
        {
            private readonly DriveRangeStream _inner;
            private readonly string _key;

            public PartStream(DriveRangeStream inner, string key) { _inner = inner; _key = key; }

            public override bool CanRead => _inner.CanRead;
            public override bool CanSeek => _inner.CanSeek; // a zip reader seeks: to the directory, then to each entry
            public override long Length => _inner.Length;
            public override long Position { get => _inner.Position; set => _inner.Position = value; }
            public override long Seek(long offset, SeekOrigin origin) => _inner.Seek(offset, origin);

            /// <summary>The zip reader announces each entry's exact range (local header + data): one range request.</summary>
            public void Hint(long offset, long length) => _inner.Hint(offset, length);

            public override int Read(byte[] buffer, int offset, int count)
            {
                // Zip and tar readers read synchronously: the run's token is how Ctrl+C reaches a stalled range.
                try { return _inner.ReadAsync(buffer, offset, count, RunToken.Value).GetAwaiter().GetResult(); }
                catch (Exception ex) when (Translate(ex, _key) != null) { throw Translate(ex, _key); }
            }

            public override async Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
            {
                CancellationToken run = RunToken.Value;
                using (CancellationTokenSource both = run.CanBeCanceled && cancellationToken.CanBeCanceled ? CancellationTokenSource.CreateLinkedTokenSource(run, cancellationToken) : null)
                {
                    try { return await _inner.ReadAsync(buffer, offset, count, both?.Token ?? (run.CanBeCanceled ? run : cancellationToken)).ConfigureAwait(false); }
                    catch (Exception ex) when (Translate(ex, _key) != null) { throw Translate(ex, _key); }
                }
            }

            protected override void Dispose(bool disposing)
            {
                if (disposing) _inner.Dispose();
                base.Dispose(disposing);
            }
        }
    }
}
