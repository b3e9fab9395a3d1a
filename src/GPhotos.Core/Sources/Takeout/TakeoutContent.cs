using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.IO;
using System.IO.Compression;
using System.Linq;
using System.Text;
using System.Threading;
using GPhotos.Model;
using ICSharpCode.SharpZipLib.Tar;

namespace GPhotos.Sources.Takeout
{
    /// <summary>Which file of a Takeout item to open.</summary>
    public enum TakeoutContentPart
    {
        /// <summary>The item's own file (<see cref="MediaItem.TakeoutEntry"/>).</summary>
        Media,

        /// <summary>The motion/live photo's video (<see cref="MediaItem.MotionVideoEntry"/>).</summary>
        MotionVideo,
    }

    /// <summary>
    /// The original bytes of Takeout items, streamed from their archive, bit for bit.
    /// </summary>
    /// <remarks>
    /// <para><b>Zip</b>: random access. Each open rents a <see cref="ZipArchive"/> for that file from a small pool (its central
    /// directory is parsed once per pooled instance, not per item) and gives it back when the stream is disposed; so
    /// parallel opens of one zip are safe (one archive instance per open stream). Pooled archives keep the zip files open
    /// (read-only, shared read) until they have been idle for <see cref="IdleArchiveTimeout"/>; <see cref="ReleaseArchives()"/>
    /// closes them at once (call it when a save run ends).</para>
    /// <para><b>tgz/tar</b>: a tar has no index, so an entry is reached by decompressing forward to it. <see cref="Open(MediaItem)"/>
    /// keeps the scan it used (a cursor, per tgz, up to 4, closed when idle) and continues from there for the next entry
    /// further on: opening items in the order <see cref="TakeoutReader"/> emitted them reads each part about once (plus
    /// one extra pass per concurrent reader). An entry behind every cursor costs a new pass from the start, O(its offset):
    /// random order over a 50 GB part means minutes per item. <see cref="OpenMany"/> reads each tgz exactly once and
    /// yields its requested entries in archive order.</para>
    /// <para><b>Folder</b>: the file itself.</para>
    /// </remarks>
    public static class TakeoutContent
    {
        private const int MaxIdlePerArchive = 4;
        private static readonly ConcurrentDictionary<string, ConcurrentBag<PooledZip>> Pool = new ConcurrentDictionary<string, ConcurrentBag<PooledZip>>(StringComparer.Ordinal);
        private static readonly object SweepLock = new object();
        private static Timer _sweeper;

        /// <summary>
        /// Pooled zip archives and tgz cursors unused this long are closed by a background sweep, so a part is not held open (and, on
        /// Windows, locked against deletion) long after a save run even if nobody calls <see cref="ReleaseArchives()"/>.
        /// Default 30 seconds.
        /// </summary>
        public static TimeSpan IdleArchiveTimeout
        {
            get => _idleTimeout;
            set
            {
                _idleTimeout = value;
                lock (SweepLock)
                {
                    // The sweep period follows the timeout: restart the timer.
                    _sweeper?.Dispose();
                    _sweeper = null;
                }
                if (IdleHandles > 0) EnsureSweeper();
            }
        }

        private static TimeSpan _idleTimeout = TimeSpan.FromSeconds(30);

        /// <summary>Opens the item's own file. The caller disposes the stream.</summary>
        /// <exception cref="ArgumentException">The item is not a Takeout item.</exception>
        /// <exception cref="TakeoutArchiveException">The archive or entry is missing or unreadable.</exception>
        public static TakeoutContentStream Open(MediaItem item) => Open(item, TakeoutContentPart.Media);

        /// <summary>Opens the motion/live photo video of the item.</summary>
        /// <exception cref="InvalidOperationException">The item has no motion video.</exception>
        public static TakeoutContentStream OpenMotionVideo(MediaItem item) => Open(item, TakeoutContentPart.MotionVideo);

        public static TakeoutContentStream Open(MediaItem item, TakeoutContentPart part) => Open(item, part, CancellationToken.None);

        /// <summary>Like <see cref="Open(MediaItem, TakeoutContentPart)"/>; a tgz scan to the entry stops within a second of <paramref name="cancellationToken"/>.</summary>
        public static TakeoutContentStream Open(MediaItem item, TakeoutContentPart part, CancellationToken cancellationToken)
        {
            Locate(item, part, out var archive, out var entry);
            return Open(archive, entry, cancellationToken);
        }

        /// <summary>Opens one entry of a zip, tgz, tar or extracted folder.</summary>
        public static TakeoutContentStream Open(string archivePath, string entryPath) => Open(archivePath, entryPath, CancellationToken.None);

        /// <summary>Opens one entry of a zip, tgz, tar or extracted folder; a tgz scan honours <paramref name="cancellationToken"/>.</summary>
        public static TakeoutContentStream Open(string archivePath, string entryPath, CancellationToken cancellationToken)
        {
            if (archivePath == null) throw new ArgumentNullException(nameof(archivePath));
            if (entryPath == null) throw new ArgumentNullException(nameof(entryPath));
            var kind = TakeoutArchives.DetectKind(archivePath);
            switch (kind)
            {
                case TakeoutInputKind.Zip: return OpenZipEntry(archivePath, entryPath);
                case TakeoutInputKind.Folder: return OpenFolderEntry(archivePath, entryPath);
                case TakeoutInputKind.TarGz:
                case TakeoutInputKind.Tar:
                    return OpenTarEntry(archivePath, entryPath, kind == TakeoutInputKind.TarGz, cancellationToken);
                default:
                    throw new TakeoutArchiveException(archivePath, entryPath, File.Exists(archivePath)
                        ? $"Takeout part '{archivePath}' is neither a zip, a tgz/tar nor a folder."
                        : $"Takeout part '{archivePath}' does not exist (moved or deleted since it was read?).");
            }
        }

        /// <summary>
        /// Opens the files of many items with the fewest passes: zip and folder entries one by one, each tgz/tar in a
        /// single forward pass. Yields one <see cref="TakeoutContentEntry"/> per requested file; its stream is valid only
        /// until the enumeration moves on (read it, or copy it, first). Entries of one tgz come in archive order; a file
        /// that cannot be opened comes with <see cref="TakeoutContentEntry.Error"/> set and no stream.
        /// </summary>
        public static IEnumerable<TakeoutContentEntry> OpenMany(IEnumerable<MediaItem> items, bool includeMotionVideos = true, CancellationToken cancellationToken = default)
        {
            if (items == null) throw new ArgumentNullException(nameof(items));
            var requests = new List<TakeoutContentEntry>();
            foreach (var item in items)
            {
                if (item == null || item.Source != MediaSource.Takeout || item.TakeoutArchive == null || item.TakeoutEntry == null) continue;
                requests.Add(new TakeoutContentEntry(item, TakeoutContentPart.Media, item.TakeoutArchive, item.TakeoutEntry));
                if (includeMotionVideos && item.MotionVideoEntry != null)
                    requests.Add(new TakeoutContentEntry(item, TakeoutContentPart.MotionVideo, item.MotionVideoArchive ?? item.TakeoutArchive, item.MotionVideoEntry));
            }
            return OpenManyIterator(requests, cancellationToken);
        }

        private static IEnumerable<TakeoutContentEntry> OpenManyIterator(List<TakeoutContentEntry> requests, CancellationToken ct)
        {
            foreach (var byArchive in requests.GroupBy(r => r.Archive, StringComparer.Ordinal))
            {
                var archive = byArchive.Key;
                var kind = TakeoutArchives.DetectKind(archive);
                if (kind == TakeoutInputKind.TarGz || kind == TakeoutInputKind.Tar)
                {
                    foreach (var r in ScanTar(archive, kind == TakeoutInputKind.TarGz, byArchive.ToList(), ct)) yield return r;
                    continue;
                }
                foreach (var r in byArchive)
                {
                    ct.ThrowIfCancellationRequested();
                    try { r.Stream = Open(archive, r.Entry); }
                    catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException || ex is InvalidDataException)
                    {
                        r.Error = ex as TakeoutArchiveException ?? new TakeoutArchiveException(archive, r.Entry, $"Entry '{r.Entry}' of '{archive}' cannot be read: {ex.Message}", ex);
                    }
                    try { yield return r; }
                    finally { r.Stream?.Dispose(); r.Stream = null; }
                }
            }
        }

        private static IEnumerable<TakeoutContentEntry> ScanTar(string archive, bool gzip, List<TakeoutContentEntry> wanted, CancellationToken ct)
        {
            var byEntry = wanted.GroupBy(r => TakeoutArchives.NormalizeEntryPath(r.Entry), StringComparer.Ordinal)
                .ToDictionary(g => g.Key, g => g.ToList(), StringComparer.Ordinal);
            TarScan scan = null;
            TakeoutArchiveException openError = null;
            try { scan = new TarScan(archive, gzip); Interlocked.Increment(ref _tarPassesStarted); }
            catch (TakeoutArchiveException ex) { openError = ex; }
            if (openError != null)
            {
                foreach (var r in wanted) { r.Error = openError; yield return r; }
                yield break;
            }
            using (scan)
            {
                var remaining = new HashSet<string>(byEntry.Keys, StringComparer.Ordinal);
                while (remaining.Count > 0)
                {
                    ct.ThrowIfCancellationRequested();
                    string found = null;
                    long length = 0;
                    TakeoutArchiveException error = null;
                    try
                    {
                        if (!scan.MoveTo(remaining, out found, out length, null, ct)) break;
                    }
                    catch (TakeoutArchiveException ex) { error = ex; }
                    if (error != null)
                    {
                        foreach (var name in remaining) foreach (var r in byEntry[name]) { r.Error = error; yield return r; }
                        yield break;
                    }
                    remaining.Remove(found);
                    var list = byEntry[found];
                    if (list.Count == 1)
                    {
                        var r = list[0];
                        r.Stream = scan.Borrow(found, length);
                        try { yield return r; }
                        finally { r.Stream.Dispose(); r.Stream = null; }
                    }
                    else
                    {
                        // The same file asked for twice (rare): buffer to a temp file so each gets a stream.
                        var temp = Path.GetTempFileName();
                        try
                        {
                            using (var t = new FileStream(temp, FileMode.Create, FileAccess.Write)) CopyTo(scan.Borrow(found, length), t, ct);
                            foreach (var r in list)
                            {
                                r.Stream = new TakeoutContentStream(new FileStream(temp, FileMode.Open, FileAccess.Read, FileShare.Read), length, archive, found, null);
                                try { yield return r; }
                                finally { r.Stream.Dispose(); r.Stream = null; }
                            }
                        }
                        finally { try { File.Delete(temp); } catch (IOException) { } }
                    }
                }
                foreach (var name in remaining)
                    foreach (var r in byEntry[name]) { r.Error = NotFound(archive, r.Entry); yield return r; }
            }
        }

        /// <summary>Stream.CopyTo with the token checked every 64 KB (a multi-GB video must not hold Ctrl+C).</summary>
        private static void CopyTo(Stream from, Stream to, CancellationToken ct)
        {
            var buffer = new byte[1 << 16];
            int n;
            while ((n = from.Read(buffer, 0, buffer.Length)) > 0)
            {
                ct.ThrowIfCancellationRequested();
                to.Write(buffer, 0, n);
            }
        }

        private static void Sweep(object state)
        {
            var cutoff = DateTime.UtcNow - IdleArchiveTimeout;
            bool any = false;
            foreach (var kv in Pool)
            {
                var keep = new List<PooledZip>();
                while (kv.Value.TryTake(out var z))
                {
                    if (z.LastUsed < cutoff) z.Dispose();
                    else keep.Add(z);
                }
                foreach (var z in keep) kv.Value.Add(z);
                any |= keep.Count > 0;
            }
            any |= SweepCursors(cutoff);
            if (!any)
            {
                lock (SweepLock)
                {
                    if (Pool.Values.All(b => b.IsEmpty) && TarPool.Values.All(l => { lock (l) return l.Count == 0; }))
                    {
                        _sweeper?.Dispose();
                        _sweeper = null;
                    }
                }
            }
        }

        private static void EnsureSweeper()
        {
            lock (SweepLock)
            {
                if (_sweeper != null) return;
                var period = TimeSpan.FromTicks(Math.Max(TimeSpan.FromSeconds(1).Ticks, IdleArchiveTimeout.Ticks / 3));
                _sweeper = new Timer(Sweep, null, period, period);
            }
        }

        /// <summary>Closes all pooled zip archives and tgz cursors. Call when a save run ends so the files are no longer held open.</summary>
        public static void ReleaseArchives()
        {
            foreach (var key in Pool.Keys.Concat(TarPool.Keys).Distinct().ToList()) ReleaseArchives(key);
        }

        /// <summary>Closes the pooled zip archives and tgz cursors of one file.</summary>
        public static void ReleaseArchives(string archivePath)
        {
            var key = TakeoutPartSources.Key(archivePath);
            if (Pool.TryRemove(key, out var bag))
                while (bag.TryTake(out var z)) z.Dispose();
            ReleaseCursors(key);
        }

        private static void Locate(MediaItem item, TakeoutContentPart part, out string archive, out string entry)
        {
            if (item == null) throw new ArgumentNullException(nameof(item));
            if (item.Source != MediaSource.Takeout || item.TakeoutArchive == null || item.TakeoutEntry == null)
                throw new ArgumentException($"'{item}' is not a Takeout item (Source {item.Source}); its bytes come from its base URL.", nameof(item));
            if (part == TakeoutContentPart.MotionVideo)
            {
                if (item.MotionVideoEntry == null) throw new InvalidOperationException($"'{item}' has no motion video.");
                archive = item.MotionVideoArchive ?? item.TakeoutArchive;
                entry = item.MotionVideoEntry;
            }
            else
            {
                archive = item.TakeoutArchive;
                entry = item.TakeoutEntry;
            }
        }

        private static TakeoutArchiveException NotFound(string archive, string entry)
            => new TakeoutArchiveException(archive, entry, $"Entry '{entry}' is not in Takeout part '{archive}' (was the part replaced by another download?). Read the export again.");

        // ------------------------------------------------------------------------------------------------
        // Tar cursors

        private const int MaxIdleCursorsPerArchive = 4;
        private static readonly ConcurrentDictionary<string, List<TarCursor>> TarPool = new ConcurrentDictionary<string, List<TarCursor>>(StringComparer.Ordinal);
        private static long _tarPassesStarted;

        /// <summary>Open file handles kept idle in the pools (zip archives and tgz cursors).</summary>
        internal static int IdleHandles
            => Pool.Values.Sum(b => b.Count) + TarPool.Values.Sum(l => { lock (l) return l.Count; });

        /// <summary>How many forward passes over a tar/tgz were started from its beginning (tests and diagnostics).</summary>
        internal static long TarPassesStarted => Interlocked.Read(ref _tarPassesStarted);

        /// <summary>A forward scan of one tgz kept between opens, with the names it has gone past.</summary>
        private sealed class TarCursor : IDisposable
        {
            public TarScan Scan;
            public readonly HashSet<string> Passed = new HashSet<string>(StringComparer.Ordinal);
            public DateTime LastUsed;

            public void Dispose() => Scan?.Dispose();
        }

        private static TakeoutContentStream OpenTarEntry(string archivePath, string entryPath, bool gzip, CancellationToken ct)
        {
            var key = TakeoutPartSources.Key(archivePath);
            var wanted = TakeoutArchives.NormalizeEntryPath(entryPath);
            var cursor = RentCursor(key, wanted);
            if (cursor == null)
            {
                cursor = new TarCursor { Scan = new TarScan(key, gzip) };
                Interlocked.Increment(ref _tarPassesStarted);
            }
            try
            {
                if (!cursor.Scan.MoveTo(new HashSet<string>(StringComparer.Ordinal) { wanted }, out var found, out var length, cursor.Passed, ct))
                {
                    cursor.Dispose();
                    throw NotFound(key, entryPath);
                }
                var c = cursor;
                cursor = null; // the stream owns it now
                return new TakeoutContentStream(new NonClosingStream(c.Scan.Stream), length, key, entryPath, stream =>
                {
                    if (stream.Faulted) c.Dispose(); // a scan that failed mid-entry is not reused
                    else ReturnCursor(key, c);
                });
            }
            catch
            {
                cursor?.Dispose();
                throw;
            }
        }

        /// <summary>The idle cursor furthest along that has not yet passed the entry; null when none.</summary>
        private static TarCursor RentCursor(string key, string wanted)
        {
            if (!TarPool.TryGetValue(key, out var list)) return null;
            lock (list)
            {
                TarCursor best = null;
                foreach (var c in list)
                    if (!c.Passed.Contains(wanted) && (best == null || c.Passed.Count > best.Passed.Count)) best = c;
                if (best != null) list.Remove(best);
                return best;
            }
        }

        private static void ReturnCursor(string key, TarCursor cursor)
        {
            if (IdleArchiveTimeout <= TimeSpan.Zero || cursor.Scan.AtEnd)
            {
                cursor.Dispose();
                return;
            }
            cursor.LastUsed = DateTime.UtcNow;
            var list = TarPool.GetOrAdd(key, _ => new List<TarCursor>());
            TarCursor evicted = null;
            lock (list)
            {
                list.Add(cursor);
                if (list.Count > MaxIdleCursorsPerArchive)
                {
                    // Keep the cursors furthest along: they serve the rest of an in-order run.
                    evicted = list.OrderBy(c => c.Passed.Count).First();
                    list.Remove(evicted);
                }
            }
            evicted?.Dispose();
            EnsureSweeper();
        }

        private static bool SweepCursors(DateTime cutoff)
        {
            bool any = false;
            foreach (var kv in TarPool)
            {
                List<TarCursor> old;
                lock (kv.Value)
                {
                    old = kv.Value.Where(c => c.LastUsed < cutoff).ToList();
                    foreach (var c in old) kv.Value.Remove(c);
                    any |= kv.Value.Count > 0;
                }
                foreach (var c in old) c.Dispose();
            }
            return any;
        }

        private static void ReleaseCursors(string key)
        {
            if (!TarPool.TryRemove(key, out var list)) return;
            lock (list)
            {
                foreach (var c in list) c.Dispose();
                list.Clear();
            }
        }

        // ------------------------------------------------------------------------------------------------
        // Zip

        private sealed class PooledZip : IDisposable
        {
            public Stream File;
            public ZipArchive Zip;
            public DateTime LastUsed;
            public Dictionary<string, List<ZipArchiveEntry>> ByNormalizedName;

            public void Dispose()
            {
                Zip?.Dispose();
                File?.Dispose();
            }
        }

        private static TakeoutContentStream OpenZipEntry(string archivePath, string entryPath)
        {
            var key = TakeoutPartSources.Key(archivePath);
            var bag = Pool.GetOrAdd(key, _ => new ConcurrentBag<PooledZip>());
            if (!bag.TryTake(out var z))
            {
                z = new PooledZip();
                try
                {
                    z.File = TakeoutPartSources.OpenRead(key, sequential: false);
                    z.Zip = new ZipArchive(z.File, ZipArchiveMode.Read, leaveOpen: true, entryNameEncoding: Encoding.UTF8);
                }
                catch (Exception ex) when (TakeoutPartSources.PartFailure(ex) is TakeoutArchiveException part)
                {
                    z.Dispose();
                    throw TakeoutPartSources.ForEntry(part, key, entryPath);
                }
                catch (Exception ex) when (ex is IOException || ex is InvalidDataException || ex is UnauthorizedAccessException)
                {
                    z.Dispose();
                    throw new TakeoutArchiveException(key, entryPath,
                        $"Takeout part '{key}' cannot be opened as a zip: {ex.Message} Download this part again from Google Takeout.", ex);
                }
            }
            try
            {
                // By name and occurrence, in central-directory order (as the reader numbered them): a zip may hold two
                // entries of one name, and a lookup by name alone gave both items the first one's bytes.
                if (z.ByNormalizedName == null)
                {
                    z.ByNormalizedName = new Dictionary<string, List<ZipArchiveEntry>>(StringComparer.Ordinal);
                    foreach (var e in z.Zip.Entries)
                    {
                        var n = TakeoutArchives.NormalizeEntryPath(e.FullName);
                        if (!z.ByNormalizedName.TryGetValue(n, out var list)) z.ByNormalizedName[n] = list = new List<ZipArchiveEntry>(1);
                        list.Add(e);
                    }
                }
                ZipArchiveEntry entry = null;
                var wanted = TakeoutArchives.NormalizeEntryPath(entryPath);
                if (z.ByNormalizedName.TryGetValue(wanted, out var named)) entry = named[0];
                else if (TakeoutArchives.TrySplitAddress(wanted, out var name, out var occurrence)
                    && z.ByNormalizedName.TryGetValue(name, out var same) && occurrence <= same.Count)
                    entry = same[occurrence - 1];
                if (entry == null) throw NotFound(key, entryPath);
                var stream = entry.Open();
                var length = entry.Length;
                var pooled = z;
                z = null; // the stream owns it now
                return new TakeoutContentStream(stream, length, key, entryPath, _ => Return(key, pooled));
            }
            catch (Exception ex) when (TakeoutPartSources.PartFailure(ex) is TakeoutArchiveException part)
            {
                throw TakeoutPartSources.ForEntry(part, key, entryPath);
            }
            catch (InvalidDataException ex)
            {
                throw new TakeoutArchiveException(key, entryPath, $"Entry '{entryPath}' of Takeout part '{key}' cannot be read: {ex.Message}", ex);
            }
            finally
            {
                if (z != null) Return(key, z);
            }
        }

        private static void Return(string key, PooledZip z)
        {
            var bag = Pool.GetOrAdd(key, _ => new ConcurrentBag<PooledZip>());
            if (bag.Count >= MaxIdlePerArchive || IdleArchiveTimeout <= TimeSpan.Zero)
            {
                z.Dispose();
                return;
            }
            z.LastUsed = DateTime.UtcNow;
            bag.Add(z);
            EnsureSweeper();
        }

        // ------------------------------------------------------------------------------------------------
        // Folder

        private static TakeoutContentStream OpenFolderEntry(string folder, string entryPath)
        {
            var full = Path.Combine(folder, entryPath.Replace('/', Path.DirectorySeparatorChar));
            try
            {
                var fs = new FileStream(full, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan);
                return new TakeoutContentStream(fs, fs.Length, folder, entryPath, null);
            }
            catch (Exception ex) when (ex is FileNotFoundException || ex is DirectoryNotFoundException)
            {
                throw new TakeoutArchiveException(folder, entryPath, $"'{full}' no longer exists (moved or deleted since the export was read?). Read the export again.", ex);
            }
            catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException)
            {
                throw new TakeoutArchiveException(folder, entryPath, $"'{full}' cannot be read: {ex.Message}", ex);
            }
        }

        // ------------------------------------------------------------------------------------------------
        // Tar

        /// <summary>A forward pass over a tar/tgz that stops at wanted entries.</summary>
        private sealed class TarScan : IDisposable
        {
            private readonly string _path;
            private Stream _file;
            private TarInputStream _tar;
            private readonly Dictionary<string, int> _seen = new Dictionary<string, int>(StringComparer.Ordinal);

            public TarScan(string path, bool gzip)
            {
                _path = path;
                try
                {
                    _file = TakeoutPartSources.OpenRead(path, sequential: true);
                    _tar = TakeoutArchives.OpenTar(_file, gzip);
                }
                catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException)
                {
                    Dispose();
                    throw new TakeoutArchiveException(path, $"Takeout part '{path}' cannot be opened: {ex.Message}", ex);
                }
            }

            /// <summary>The tar stream, positioned in the current entry's data after a successful <see cref="MoveTo"/>.</summary>
            public Stream Stream => _tar;

            /// <summary>True once the scan reached the end of the archive.</summary>
            public bool AtEnd { get; private set; }

            public bool MoveTo(HashSet<string> wanted, out string found, out long length, HashSet<string> passed = null, CancellationToken ct = default)
            {
                found = null;
                length = 0;
                try
                {
                    TarEntry te;
                    while ((te = _tar.GetNextEntry()) != null)
                    {
                        if (!TakeoutArchives.IsRegularFile(te)) continue;
                        // Addressed by name and occurrence ("name#2"), as the reader numbered repeated names.
                        var plain = TakeoutArchives.NormalizeEntryPath(te.Name);
                        _seen.TryGetValue(plain, out var before);
                        _seen[plain] = before + 1;
                        var name = TakeoutArchives.Address(plain, before + 1);
                        passed?.Add(name);
                        // Skipped in chunks, not by GetNextEntry: decompressing past a 4 GB video takes a minute, and
                        // Ctrl+C must stop it within a second.
                        if (!wanted.Contains(name)) { TakeoutArchives.SkipEntry(_tar, ct); continue; }
                        found = name;
                        length = te.Size;
                        return true;
                    }
                    AtEnd = true;
                    return false;
                }
                catch (Exception ex) when (!(ex is OutOfMemoryException || ex is OperationCanceledException))
                {
                    throw new TakeoutArchiveException(_path, $"Takeout part '{_path}' is damaged or truncated: {ex.Message} Download this part again from Google Takeout.", ex);
                }
            }

            /// <summary>A stream over the current entry that leaves the scan open (OpenMany).</summary>
            public TakeoutContentStream Borrow(string entry, long length)
                => new TakeoutContentStream(new NonClosingStream(_tar), length, _path, entry, null);

            public void Dispose()
            {
                _tar?.Dispose();
                _file?.Dispose();
                _tar = null;
                _file = null;
            }
        }

        private sealed class NonClosingStream : Stream
        {
            private readonly Stream _inner;
            public NonClosingStream(Stream inner) { _inner = inner; }
            public override bool CanRead => true;
            public override bool CanSeek => false;
            public override bool CanWrite => false;
            public override long Length => throw new NotSupportedException();
            public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
            public override void Flush() { }
            public override int Read(byte[] buffer, int offset, int count) => _inner.Read(buffer, offset, count);
            public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
            public override void SetLength(long value) => throw new NotSupportedException();
            public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        }
    }

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
        internal TakeoutContentEntry(MediaItem item, TakeoutContentPart part, string archive, string entry)
        {
            Item = item;
            Part = part;
            Archive = archive;
            Entry = entry;
        }

        public MediaItem Item { get; }
        public TakeoutContentPart Part { get; }
        public string Archive { get; }
        public string Entry { get; }

        /// <summary>The bytes; valid until the enumeration moves on. Null when <see cref="Error"/> is set.</summary>
        public TakeoutContentStream Stream { get; internal set; }

        /// <summary>Why the file could not be opened; null on success.</summary>
        public TakeoutArchiveException Error { get; internal set; }
    }
}
