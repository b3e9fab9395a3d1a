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
    /// <para><b>tgz/tar</b>: a tar has no index, so <see cref="Open(MediaItem)"/> decompresses from the start of the file up to
    /// the entry: cost O(offset of the entry), i.e. on average half the part (a 50 GB part: minutes per item). For many items
    /// use <see cref="OpenMany"/>, which reads each tgz once and yields its requested entries in archive order.</para>
    /// <para><b>Folder</b>: the file itself.</para>
    /// </remarks>
    public static class TakeoutContent
    {
        private const int MaxIdlePerArchive = 4;
        private static readonly ConcurrentDictionary<string, ConcurrentBag<PooledZip>> Pool = new ConcurrentDictionary<string, ConcurrentBag<PooledZip>>(StringComparer.Ordinal);
        private static readonly object SweepLock = new object();
        private static Timer _sweeper;

        /// <summary>
        /// Pooled zip archives unused this long are closed by a background sweep, so a zip is not held open (and, on
        /// Windows, locked against deletion) long after a save run even if nobody calls <see cref="ReleaseArchives()"/>.
        /// Default 30 seconds.
        /// </summary>
        public static TimeSpan IdleArchiveTimeout { get; set; } = TimeSpan.FromSeconds(30);

        /// <summary>Opens the item's own file. The caller disposes the stream.</summary>
        /// <exception cref="ArgumentException">The item is not a Takeout item.</exception>
        /// <exception cref="TakeoutArchiveException">The archive or entry is missing or unreadable.</exception>
        public static TakeoutContentStream Open(MediaItem item) => Open(item, TakeoutContentPart.Media);

        /// <summary>Opens the motion/live photo video of the item.</summary>
        /// <exception cref="InvalidOperationException">The item has no motion video.</exception>
        public static TakeoutContentStream OpenMotionVideo(MediaItem item) => Open(item, TakeoutContentPart.MotionVideo);

        public static TakeoutContentStream Open(MediaItem item, TakeoutContentPart part)
        {
            Locate(item, part, out var archive, out var entry);
            return Open(archive, entry);
        }

        /// <summary>Opens one entry of a zip, tgz, tar or extracted folder.</summary>
        public static TakeoutContentStream Open(string archivePath, string entryPath)
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
                    {
                        var wanted = new HashSet<string>(StringComparer.Ordinal) { TakeoutArchives.NormalizeEntryPath(entryPath) };
                        using (var scan = new TarScan(archivePath, kind == TakeoutInputKind.TarGz))
                        {
                            if (scan.MoveTo(wanted, out var found, out var length))
                                return scan.Detach(found, length);
                        }
                        throw NotFound(archivePath, entryPath);
                    }
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
            try { scan = new TarScan(archive, gzip); }
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
                        if (!scan.MoveTo(remaining, out found, out length)) break;
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
                            using (var t = new FileStream(temp, FileMode.Create, FileAccess.Write)) scan.Borrow(found, length).CopyTo(t);
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
            if (!any)
            {
                lock (SweepLock)
                {
                    if (Pool.Values.All(b => b.IsEmpty))
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

        /// <summary>Closes the pooled zip archives (all, or those of one file). Call when a save run ends so the zip files are no longer held open.</summary>
        public static void ReleaseArchives()
        {
            foreach (var key in Pool.Keys.ToList()) ReleaseArchives(key);
        }

        public static void ReleaseArchives(string archivePath)
        {
            if (Pool.TryRemove(Path.GetFullPath(archivePath), out var bag))
                while (bag.TryTake(out var z)) z.Dispose();
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
        // Zip

        private sealed class PooledZip : IDisposable
        {
            public FileStream File;
            public ZipArchive Zip;
            public DateTime LastUsed;
            public Dictionary<string, ZipArchiveEntry> ByNormalizedName;

            public void Dispose()
            {
                Zip?.Dispose();
                File?.Dispose();
            }
        }

        private static TakeoutContentStream OpenZipEntry(string archivePath, string entryPath)
        {
            var key = Path.GetFullPath(archivePath);
            var bag = Pool.GetOrAdd(key, _ => new ConcurrentBag<PooledZip>());
            if (!bag.TryTake(out var z))
            {
                z = new PooledZip();
                try
                {
                    z.File = new FileStream(key, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.RandomAccess);
                    z.Zip = new ZipArchive(z.File, ZipArchiveMode.Read, leaveOpen: true, entryNameEncoding: Encoding.UTF8);
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
                var entry = z.Zip.GetEntry(entryPath);
                if (entry == null)
                {
                    if (z.ByNormalizedName == null)
                    {
                        z.ByNormalizedName = new Dictionary<string, ZipArchiveEntry>(StringComparer.Ordinal);
                        foreach (var e in z.Zip.Entries) z.ByNormalizedName[TakeoutArchives.NormalizeEntryPath(e.FullName)] = e;
                    }
                    z.ByNormalizedName.TryGetValue(TakeoutArchives.NormalizeEntryPath(entryPath), out entry);
                }
                if (entry == null) throw NotFound(key, entryPath);
                var stream = entry.Open();
                var length = entry.Length;
                var pooled = z;
                z = null; // the stream owns it now
                return new TakeoutContentStream(stream, length, key, entryPath, () => Return(key, pooled));
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
            private FileStream _file;
            private TarInputStream _tar;

            public TarScan(string path, bool gzip)
            {
                _path = path;
                try
                {
                    _file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan);
                    _tar = TakeoutArchives.OpenTar(_file, gzip);
                }
                catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException)
                {
                    Dispose();
                    throw new TakeoutArchiveException(path, $"Takeout part '{path}' cannot be opened: {ex.Message}", ex);
                }
            }

            public bool MoveTo(HashSet<string> wanted, out string found, out long length)
            {
                found = null;
                length = 0;
                try
                {
                    TarEntry te;
                    while ((te = _tar.GetNextEntry()) != null)
                    {
                        if (!TakeoutArchives.IsRegularFile(te)) continue;
                        var name = TakeoutArchives.NormalizeEntryPath(te.Name);
                        if (!wanted.Contains(name)) continue;
                        found = name;
                        length = te.Size;
                        return true;
                    }
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

            /// <summary>A stream over the current entry that owns the scan (Open).</summary>
            public TakeoutContentStream Detach(string entry, long length)
            {
                var tar = _tar;
                var file = _file;
                _tar = null;
                _file = null;
                return new TakeoutContentStream(tar, length, _path, entry, () => file.Dispose());
            }

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
        private Action _onDispose;

        internal TakeoutContentStream(Stream inner, long length, string archive, string entry, Action onDispose)
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
                throw new TakeoutArchiveException(Archive, Entry, $"Entry '{Entry}' of Takeout part '{Archive}' is damaged: {ex.Message}", ex);
            }
            if (n <= 0)
                throw new TakeoutArchiveException(Archive, Entry,
                    $"Entry '{Entry}' of Takeout part '{Archive}' ended after {_position} of {_length} bytes (damaged or truncated part). Download this part again.");
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
                d?.Invoke();
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
