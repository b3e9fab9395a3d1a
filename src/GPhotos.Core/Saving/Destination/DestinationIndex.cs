using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Runtime.CompilerServices;
using System.Text;
using System.Threading;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;

namespace GPhotos.Saving
{
    /// <summary>
    /// <c>.gphotos/index.jsonl</c>: what this destination holds, one JSON object per line, last line per id wins.
    /// Each line reaches the operating system before the file it describes is renamed into place (so a killed or
    /// crashed process never leaves an unindexed file); it is forced to the disk itself in groups (every
    /// <see cref="SyncEveryLines"/> lines or <see cref="SyncInterval"/>, and on dispose) rather than per line: a
    /// per-line fsync under the index lock serialised every download (measured: ~17 % of a 2,000-photo save). After a
    /// power cut the newest few lines may be missing; their files then look like the user's and the next run saves
    /// those items again beside them (suffixed), it never overwrites or loses one. The media files themselves are
    /// still flushed to disk one by one before their rename.
    /// <code>
    /// {"id":"AF1Qip…","source":"Library","path":"2024/03/IMG_0001.JPG","size":2481123,"saved":"2026-05-01T02:03:04.0000000Z","motionChecked":true,"motion":"2024/03/IMG_0001.MP4","motionSize":912345,"metadata":"2024/03/IMG_0001.JPG.json"}
    /// {"id":"AF1Qip…","removed":true}
    /// </code>
    /// <c>motion*</c> and <c>metadata</c> are omitted when absent. Newer fields (all optional, skipped by older
    /// versions, which ignore unknown names and arrays): <c>sha256</c>, <c>motionSha256</c>, <c>contentChanged</c>,
    /// <c>name</c>/<c>taken</c>/<c>width</c>/<c>height</c>/<c>type</c> (the same-photo key) and <c>links</c> (an array of
    /// album links). A line that does not parse (a torn last line after
    /// a crash, or damage) is ignored, as is a line whose path is not a plain relative path below the destination.
    /// When superseded and unreadable lines outnumber the live ones (and exceed <see cref="CompactionThreshold"/>),
    /// the file is rewritten to a temp file and renamed over the old one.
    /// Thread-safe.
    /// </summary>
    internal sealed partial class DestinationIndex : IDisposable
    {
        public const string FileName = "index.jsonl";

        private static readonly UTF8Encoding Utf8 = new UTF8Encoding(false);

        private readonly object _sync = new object();
        private Dictionary<string, IndexEntry> _entries = new Dictionary<string, IndexEntry>(StringComparer.Ordinal);

        /// <summary>
        /// <see cref="SameMedia"/> key → id, for recognising a photo saved from another source. Built at the first
        /// <see cref="FindSame"/> (only items new to the index ask): a re-run that finds every item by its id never
        /// pays a key string per entry (about 170 bytes and a join each, at every load of a 100k-entry index).
        /// </summary>
        private Dictionary<string, string> _byKey;

        /// <summary>
        /// The other live ids of a key that more than one entry has (two photos alike in every key field, or one
        /// photo saved twice): when the owner in <see cref="_byKey"/> goes, the latest of these takes its place, so
        /// the photo is still recognised and not saved a second time. Only keys shared by several entries are here.
        /// </summary>
        private Dictionary<string, List<string>> _sharedKeys;
        private int _sequence;
        private readonly string _path;
        private FileStream _append;
        private bool _lineOpen;
        private int _lines;
        private int _unsyncedLines;
        private DateTime _lastSyncUtc = DateTime.UtcNow;

        /// <summary>Force the index to disk after this many appended lines.</summary>
        public int SyncEveryLines { get; set; } = 64;

        /// <summary>Force the index to disk when this long has passed since the last time.</summary>
        public TimeSpan SyncInterval { get; set; } = TimeSpan.FromSeconds(2);

        private DestinationIndex(string path) { _path = path; }

        /// <summary>Lines beyond the live entries tolerated before compaction.</summary>
        public int CompactionThreshold { get; set; } = 1000;

        public int LineCount { get { lock (_sync) return _lines; } }
        public int Count { get { lock (_sync) return _entries.Count; } }
        public int DeadLines { get { lock (_sync) return _lines - _entries.Count; } }
        public bool NeedsCompaction { get { lock (_sync) return _lines - _entries.Count > Math.Max(CompactionThreshold, _entries.Count); } }

        /// <summary>Reads the index (if the file exists) without creating or locking anything: for previews.</summary>
        public static DestinationIndex ReadOnly(string path) => ReadOnly(path, CancellationToken.None);

        /// <summary>As <see cref="ReadOnly(string)"/>; <paramref name="cancellationToken"/> stops the read between lines (a read ahead that is no longer wanted).</summary>
        public static DestinationIndex ReadOnly(string path, CancellationToken cancellationToken)
        {
            var index = new DestinationIndex(path);
            index.Load(cancellationToken);
            return index;
        }

        /// <summary>Reads the index and opens it for appending. Only under the destination lock.</summary>
        public static DestinationIndex Open(string path) => Open(path, CancellationToken.None);

        /// <summary>As <see cref="Open(string)"/>; <paramref name="cancellationToken"/> (Ctrl+C) stops the read between lines: a 500k-entry index takes seconds.</summary>
        public static DestinationIndex Open(string path, CancellationToken cancellationToken)
        {
            var index = new DestinationIndex(path);
            index.Load(cancellationToken);
            index.OpenAppend();
            return index;
        }

        public bool TryGet(string id, out IndexEntry entry)
        {
            lock (_sync)
            {
                if (_entries.TryGetValue(id, out IndexEntry found))
                {
                    entry = found.Clone();
                    return true;
                }
                entry = null;
                return false;
            }
        }

        /// <summary>
        /// The path <paramref name="id"/> is saved at, without copying its entry (<see cref="TryGet"/> copies): every
        /// item of a re-run asks it once, for the path ShouldProcess shows.
        /// </summary>
        public bool TryGetPath(string id, out string path)
        {
            lock (_sync)
            {
                bool found = _entries.TryGetValue(id, out IndexEntry entry);
                path = found ? entry.Path : null;
                return found;
            }
        }

        /// <summary>The entry of another id with the same <see cref="SameMedia"/> key, or null.</summary>
        public IndexEntry FindSame(string key, string notId)
        {
            if (key == null) return null;
            lock (_sync)
            {
                if (_byKey == null) BuildKeys();
                return _byKey.TryGetValue(key, out string id) && id != notId && _entries.TryGetValue(id, out IndexEntry e) ? e.Clone() : null;
            }
        }

        /// <summary>The keys of the live entries; of two with one key, the later recorded owns it (as when kept line by line).</summary>
        private void BuildKeys()
        {
            _byKey = new Dictionary<string, string>(StringComparer.Ordinal);
            _sharedKeys = new Dictionary<string, List<string>>(StringComparer.Ordinal);
            foreach (IndexEntry e in _entries.Values)
            {
                string key = SameMedia.KeyOf(e);
                if (key == null) continue;
                if (!_byKey.TryGetValue(key, out string owner)) { _byKey[key] = e.Id; continue; }
                bool later = e.Sequence > _entries[owner].Sequence;
                Others(key).Add(later ? owner : e.Id);
                if (later) _byKey[key] = e.Id;
            }
        }

        private List<string> Others(string key)
        {
            if (!_sharedKeys.TryGetValue(key, out List<string> others)) _sharedKeys[key] = others = new List<string>(1);
            return others;
        }

        [MethodImpl(HotPath.Optimized)]
        private void Set(IndexEntry entry)
        {
            Forget(entry.Id);
            entry.Sequence = ++_sequence;
            _entries[entry.Id] = entry;
            if (_byKey == null) return;
            string key = SameMedia.KeyOf(entry);
            if (key == null) return;
            if (_byKey.TryGetValue(key, out string owner)) Others(key).Add(owner);
            _byKey[key] = entry.Id;
        }

        [MethodImpl(HotPath.Optimized)]
        private void Forget(string id)
        {
            if (!_entries.TryGetValue(id, out IndexEntry old)) return;
            _entries.Remove(id);
            if (_byKey == null) return;
            string key = SameMedia.KeyOf(old);
            if (key == null || !_byKey.TryGetValue(key, out string owner)) return;
            _sharedKeys.TryGetValue(key, out List<string> others);
            if (owner != id)
            {
                others?.Remove(id);
                if (others != null && others.Count == 0) _sharedKeys.Remove(key);
                return;
            }
            if (others == null) { _byKey.Remove(key); return; }
            // The latest recorded of the others owns the key now (the rule BuildKeys applies).
            int latest = 0;
            for (int i = 1; i < others.Count; i++)
                if (_entries[others[i]].Sequence > _entries[others[latest]].Sequence) latest = i;
            _byKey[key] = others[latest];
            others.RemoveAt(latest);
            if (others.Count == 0) _sharedKeys.Remove(key);
        }

        /// <summary>
        /// Each live entry itself, not a copy (<see cref="Snapshot"/> copies every entry: 100k copies at each start
        /// only to read their paths). <paramref name="visit"/> must only read.
        /// </summary>
        internal void ForEachEntry(Action<IndexEntry> visit)
        {
            lock (_sync)
                foreach (IndexEntry e in _entries.Values) visit(e);
        }

        public List<IndexEntry> Snapshot()
        {
            lock (_sync)
            {
                var list = new List<IndexEntry>(_entries.Count);
                foreach (IndexEntry e in _entries.Values) list.Add(e.Clone());
                return list;
            }
        }

        /// <summary>Records an entry: in the OS before it returns, on the disk with the next group sync.</summary>
        public void Append(IndexEntry entry)
        {
            string line = Serialize(entry);
            lock (_sync)
            {
                WriteLine(line);
                Set(entry.Clone());
                _lines++;
            }
        }

        /// <summary>Undoes <see cref="Append"/> after a failed rename: restores <paramref name="previous"/>, or forgets the id.</summary>
        public void Revert(string id, IndexEntry previous)
        {
            if (previous != null) Append(previous);
            else Remove(id);
        }

        /// <summary>Records that <paramref name="id"/> is no longer in this destination (its files now belong to another id, or are gone).</summary>
        public void Remove(string id)
        {
            var removal = new JObject { ["id"] = id, ["removed"] = true };
            lock (_sync)
            {
                WriteLine(removal.ToString(Formatting.None));
                Forget(id);
                _lines++;
            }
        }

        /// <summary>Rewrites the file with only the live entries (temp file in <paramref name="scratchFolder"/>, then rename).</summary>
        public void Compact(string scratchFolder)
        {
            lock (_sync)
            {
                var text = new StringBuilder();
                foreach (IndexEntry e in _entries.Values) text.Append(Serialize(e)).Append('\n');
                _append?.Dispose();
                _append = null;
                try
                {
                    AtomicFile.WriteAllBytes(_path, Utf8.GetBytes(text.ToString()), scratchFolder, replace: true);
                    _lines = _entries.Count;
                }
                finally
                {
                    OpenAppend();
                }
            }
        }

        public void Dispose()
        {
            lock (_sync)
            {
                if (_append != null)
                {
                    try { _append.Flush(true); }
                    catch (IOException) { } // nothing more to do for it here; the next run re-checks every file
                }
                _append?.Dispose();
                _append = null;
            }
        }

        // ------------------------------------------------------------------------------------------------ file

        [MethodImpl(HotPath.Optimized)]
        private void Load(CancellationToken cancellationToken)
        {
            if (!File.Exists(_path)) return;
            using (var stream = new FileStream(_path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 1, FileOptions.SequentialScan))
            {
                LoadedLength = stream.Length;
                LoadedWriteTimeUtc = File.GetLastWriteTimeUtc(_path);
                // Always UTF-8 (what Serialize writes): a damaged first byte that looks like a UTF-16 BOM must not
                // turn every following line into garbage. A UTF-8 BOM (an editor's) is skipped.
                var reader = new LineReader(stream);
                // Sized once for the lines the file holds: growing by doubling copied the table ~17 times on the way
                // to 100k entries (each copy a large-object allocation, and full collections with them) and left it
                // up to 75 % too large.
                int expected = reader.EstimateLines(LoadedLength);
                if (expected > 0 && _entries.Count == 0) _entries = new Dictionary<string, IndexEntry>(expected, StringComparer.Ordinal);
                int number = 0;
                while (reader.Next(out int start, out int length))
                {
                    number++;
                    if ((number & 1023) == 0) cancellationToken.ThrowIfCancellationRequested();
                    byte[] line = reader.Buffer;
                    if (number == 1 && length >= 3 && line[start] == 0xEF && line[start + 1] == 0xBB && line[start + 2] == 0xBF)
                    {
                        start += 3;
                        length -= 3;
                    }
                    if (length == 0) continue;
                    _lines++;
                    // Torn or damaged lines are ignored (and dropped at the next compaction), but counted: the
                    // session warns, since the items they recorded look new and would be saved again beside their files.
                    if (!TryParseLine(line, start, length, out string id, out bool removed, out IndexEntry entry) || string.IsNullOrEmpty(id))
                    {
                        NoteUnreadable(number, damaged: true);
                        continue;
                    }
                    if (removed) Forget(id);
                    else if (entry != null) AddLoaded(entry);
                    else NoteUnreadable(number, damaged: false); // a whole JSON object without a usable path or size
                }
            }
        }

        /// <summary>
        /// <see cref="Set"/> while loading, with one lookup instead of two: no key table exists yet, and replacing the
        /// value in place leaves the entry where Forget then add would (the freed slot is the one the add takes).
        /// </summary>
        [MethodImpl(HotPath.Optimized)]
        private void AddLoaded(IndexEntry entry)
        {
            if (_byKey != null) { Set(entry); return; }
            entry.Sequence = ++_sequence;
            _entries[entry.Id] = entry;
        }

        /// <summary>Lines that could not be used: damaged (not one JSON object) or of an unknown shape (a newer GPhotos?).</summary>
        public int UnreadableLines { get; private set; }

        /// <summary>Of <see cref="UnreadableLines"/>, those that are whole JSON objects of a shape this version does not know.</summary>
        public int UnknownShapeLines { get; private set; }

        /// <summary>The first few unreadable line numbers (1-based), for the warning.</summary>
        public List<int> UnreadableLineNumbers { get; } = new List<int>();

        private void NoteUnreadable(int number, bool damaged)
        {
            UnreadableLines++;
            if (!damaged) UnknownShapeLines++;
            if (UnreadableLineNumbers.Count < 10) UnreadableLineNumbers.Add(number);
        }

        /// <summary>Size and time of the file when it was read: lets a preview's read be reused once the lock is held.</summary>
        internal long LoadedLength { get; private set; } = -1;
        internal DateTime LoadedWriteTimeUtc { get; private set; }

        /// <summary>
        /// Turns a read-only index (read for previews, before the lock) into the writable one, if the file has not
        /// changed since: a re-run of a big destination then parses its index once, not twice.
        /// </summary>
        internal bool TryOpenForAppend()
        {
            lock (_sync)
            {
                if (_append != null) return true;
                if (!IsUnchanged()) return false;
                OpenAppend();
                return true;
            }
        }

        /// <summary>Is the file still the one this index read (same size and write time, or still absent)?</summary>
        internal bool IsUnchanged()
        {
            var info = new FileInfo(_path);
            return !info.Exists ? LoadedLength == -1 : info.Length == LoadedLength && info.LastWriteTimeUtc == LoadedWriteTimeUtc;
        }

        private void OpenAppend()
        {
            bool needsNewline = false;
            if (File.Exists(_path))
            {
                using (var probe = new FileStream(_path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite))
                {
                    if (probe.Length > 0)
                    {
                        probe.Seek(-1, SeekOrigin.End);
                        needsNewline = probe.ReadByte() != '\n'; // a torn last line must not swallow the next entry
                    }
                }
            }
            _append = new FileStream(_path, FileMode.Append, FileAccess.Write, FileShare.Read, 4096);
            _lineOpen = needsNewline;
        }

        private void WriteLine(string line)
        {
            if (_append == null) throw new InvalidOperationException("The destination index is not open for writing.");
            byte[] bytes = Utf8.GetBytes(_lineOpen ? "\n" + line + "\n" : line + "\n");
            try
            {
                _append.Write(bytes, 0, bytes.Length);
                _unsyncedLines++;
                bool sync = _unsyncedLines >= SyncEveryLines || DateTime.UtcNow - _lastSyncUtc >= SyncInterval;
                _append.Flush(sync); // always to the OS (survives a kill); to the disk in groups
                if (sync)
                {
                    _unsyncedLines = 0;
                    _lastSyncUtc = DateTime.UtcNow;
                }
                _lineOpen = false;
            }
            catch
            {
                _lineOpen = true; // part of the line may be on disk: start the next one on a fresh line
                throw;
            }
        }
    }
}
