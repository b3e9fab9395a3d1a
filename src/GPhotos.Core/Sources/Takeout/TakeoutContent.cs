using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading;
using GPhotos.Model;
using ICSharpCode.SharpZipLib.Tar;

namespace GPhotos.Sources.Takeout
{
    /// <summary>
    /// The original bytes of Takeout items, streamed from their archive, bit for bit.
    /// </summary>
    /// <remarks>
    /// <para><b>Zip</b>: random access. The part's central directory is read once into a compact table shared by every open
    /// (and by the reader that listed it); each open rents a stream over the part from a small pool (one per concurrent
    /// stream), reads the entry's local header and then its bytes, CRC-32 checked. Pooled streams keep the zip files open
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
    public static partial class TakeoutContent
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

        /// <summary>Archive paths (as items name them) already opened as zips, with their pool key.</summary>
        private static readonly ConcurrentDictionary<string, string> KnownZips = new ConcurrentDictionary<string, string>(StringComparer.Ordinal);

        /// <summary>
        /// True when opening this part's entries is quick local I/O (a zip or folder on disk): no thread switch is worth
        /// it. A tgz scan or a part in Drive (network reads) is not.
        /// </summary>
        internal static bool OpensQuickly(string archivePath)
        {
            if (archivePath == null) return false;
            if (KnownZips.ContainsKey(archivePath)) return true;
            if (TakeoutPartSources.IsRegistered(archivePath)) return false;
            // By name, without a stat per item (a folder's entries are files on disk: quick too). A tar under an
            // unusual name is opened inline then; its scan honours the token all the same.
            return !(archivePath.EndsWith(".tgz", StringComparison.OrdinalIgnoreCase) || archivePath.EndsWith(".tar.gz", StringComparison.OrdinalIgnoreCase)
                || archivePath.EndsWith(".tar", StringComparison.OrdinalIgnoreCase));
        }

        /// <summary>Opens the item's own file. The caller disposes the stream.</summary>
        /// <exception cref="ArgumentException">The item is not a Takeout item.</exception>
        /// <exception cref="TakeoutArchiveException">The archive or entry is missing or unreadable.</exception>
        public static TakeoutContentStream Open(MediaItem item) => Open(item, ContentVariant.Original);

        /// <summary>Opens the motion/live photo video of the item.</summary>
        /// <exception cref="InvalidOperationException">The item has no motion video.</exception>
        public static TakeoutContentStream OpenMotionVideo(MediaItem item) => Open(item, ContentVariant.MotionVideo);

        public static TakeoutContentStream Open(MediaItem item, ContentVariant variant) => Open(item, variant, CancellationToken.None);

        /// <summary>Like <see cref="Open(MediaItem, ContentVariant)"/>; a tgz scan to the entry stops within a second of <paramref name="cancellationToken"/>.</summary>
        public static TakeoutContentStream Open(MediaItem item, ContentVariant variant, CancellationToken cancellationToken)
        {
            Locate(item, variant, out var archive, out var entry);
            return Open(archive, entry, cancellationToken);
        }

        /// <summary>Opens one entry of a zip, tgz, tar or extracted folder.</summary>
        public static TakeoutContentStream Open(string archivePath, string entryPath) => Open(archivePath, entryPath, CancellationToken.None);

        /// <summary>Opens one entry of a zip, tgz, tar or extracted folder; a tgz scan honours <paramref name="cancellationToken"/>.</summary>
        public static TakeoutContentStream Open(string archivePath, string entryPath, CancellationToken cancellationToken)
        {
            if (archivePath == null) throw new ArgumentNullException(nameof(archivePath));
            if (entryPath == null) throw new ArgumentNullException(nameof(entryPath));
            // A zip opened before is a zip: no stat (Directory.Exists) and no full-path computation per item.
            if (KnownZips.TryGetValue(archivePath, out var knownKey)) return OpenZipEntry(knownKey, entryPath);
            var kind = TakeoutArchives.DetectKind(archivePath);
            switch (kind)
            {
                case TakeoutInputKind.Zip:
                    var key = TakeoutPartSources.Key(archivePath);
                    var opened = OpenZipEntry(key, entryPath);
                    if (IdleArchiveTimeout > TimeSpan.Zero) KnownZips[archivePath] = key; // forgotten with the part's pool
                    return opened;
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
                requests.Add(new TakeoutContentEntry(item, ContentVariant.Original, item.TakeoutArchive, item.TakeoutEntry));
                if (includeMotionVideos && item.MotionVideoEntry != null)
                    requests.Add(new TakeoutContentEntry(item, ContentVariant.MotionVideo, item.MotionVideoArchive ?? item.TakeoutArchive, item.MotionVideoEntry));
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
            foreach (var kv in Directories)
            {
                if (kv.Value.LastUsed < cutoff) ((ICollection<KeyValuePair<string, SharedDirectory>>)Directories).Remove(kv);
                else any = true;
            }
            // Kinds are remembered only while the part is in use: a part replaced later is detected again.
            foreach (var kv in KnownZips)
                if (!Pool.TryGetValue(kv.Value, out var b) || b.IsEmpty) ((ICollection<KeyValuePair<string, string>>)KnownZips).Remove(kv);
            any |= SweepCursors(cutoff);
            if (!any)
            {
                lock (SweepLock)
                {
                    if (Pool.Values.All(b => b.IsEmpty) && Directories.IsEmpty && TarPool.Values.All(l => { lock (l) return l.Count == 0; }))
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
            foreach (var key in Pool.Keys.Concat(Directories.Keys).Concat(TarPool.Keys).Distinct().ToList()) ReleaseArchives(key);
        }

        /// <summary>Closes the pooled zip archives and tgz cursors of one file.</summary>
        public static void ReleaseArchives(string archivePath)
        {
            var key = TakeoutPartSources.Key(archivePath);
            ForgetKind(key);
            if (Pool.TryRemove(key, out var bag))
                while (bag.TryTake(out var z)) z.Dispose();
            Directories.TryRemove(key, out _);
            ReleaseCursors(key);
        }

        private static void ForgetKind(string key)
        {
            foreach (var known in KnownZips)
                if (known.Value == key) ((ICollection<KeyValuePair<string, string>>)KnownZips).Remove(known);
        }

        private static void Locate(MediaItem item, ContentVariant variant, out string archive, out string entry)
        {
            if (item == null) throw new ArgumentNullException(nameof(item));
            if (item.Source != MediaSource.Takeout || item.TakeoutArchive == null || item.TakeoutEntry == null)
                throw new ArgumentException($"'{item}' is not a Takeout item (Source {item.Source}); its bytes come from its base URL.", nameof(item));
            if (variant == ContentVariant.MotionVideo)
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
    }
}
