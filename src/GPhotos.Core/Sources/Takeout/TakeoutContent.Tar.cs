using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading;
using ICSharpCode.SharpZipLib.Tar;

namespace GPhotos.Sources.Takeout
{
    public static partial class TakeoutContent
    {
        // Tgz/tar: one forward pass per part (OpenMany), and pooled cursors for Open.

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
}
