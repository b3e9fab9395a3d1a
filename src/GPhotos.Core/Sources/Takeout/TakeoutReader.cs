using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Security.Cryptography;
using System.Text;
using System.Threading;
using GPhotos.Model;

namespace GPhotos.Sources.Takeout
{
    /// <summary>
    /// Reads a Google Takeout export of Google Photos (any mix of .zip parts, .tgz/.tar.gz/.tar parts and extracted
    /// folders) as <see cref="MediaItem"/>s with <see cref="MediaSource.Takeout"/>.
    /// </summary>
    /// <remarks>
    /// <para>All parts of one export are read together: first every input is indexed (zip: the central directory, names and
    /// sizes only; tgz: one streaming pass that also keeps the small JSON bodies and probes media heads; folder: a
    /// directory walk), then sidecars are matched per folder across parts, copies of one item in its year folder and album
    /// folders are merged, and items are emitted one by one (the head of each zip/folder entry is read only then).</para>
    /// <para>Not thread-safe; enumerate <see cref="ReadItems"/> on one thread. Each enumeration reads the inputs again.</para>
    /// <para>Ids: the id in the sidecar's <c>url</c> (<c>https://photos.google.com/photo/&lt;id&gt;</c>); an edited copy gets
    /// <c>&lt;id&gt;-edited</c>; a numbered duplicate sharing a cut sidecar <c>&lt;id&gt;-&lt;n&gt;</c>; an item without such a
    /// url the first 16 hex digits of SHA-256 over the UTF-8 of <see cref="StableRelativePath"/>.</para>
    /// </remarks>
    public sealed partial class TakeoutReader
    {
        /// <summary>
        /// Tests only (this thread's reads): replaces every 64-bit hash the read files things under (entry names, paths,
        /// item keys), e.g. by a constant, so that every lookup takes the path for two things with one hash.
        /// </summary>
        [ThreadStatic] internal static Func<ulong, ulong> HashForTests;

        internal static ulong Hashed(ulong h) => HashForTests == null ? h : HashForTests(h);

        private readonly List<string> _paths;
        private TakeoutReadStats _stats = new TakeoutReadStats();

        public TakeoutReader(IEnumerable<string> paths, TakeoutReaderOptions options = null)
        {
            if (paths == null) throw new ArgumentNullException(nameof(paths));
            _paths = new List<string>();
            var seen = new HashSet<string>(StringComparer.Ordinal);
            foreach (var p in paths)
            {
                if (string.IsNullOrWhiteSpace(p)) continue;
                if (TakeoutPartSources.IsRegistered(p)) { if (seen.Add(p)) _paths.Add(p); continue; } // a Drive part: no local path
                var full = Path.GetFullPath(p);
                var trimmed = full.TrimEnd(Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar);
                if (trimmed.Length > 0 && !trimmed.EndsWith(":", StringComparison.Ordinal)) full = trimmed;
                if (seen.Add(full)) _paths.Add(full);
            }
            Options = options ?? new TakeoutReaderOptions();
        }

        public TakeoutReader(string path, TakeoutReaderOptions options = null) : this(new[] { path }, options) { }

        /// <summary>The inputs, as full paths, duplicates removed, in the order given.</summary>
        public IReadOnlyList<string> Paths => _paths;

        public TakeoutReaderOptions Options { get; }

        /// <summary>Counters and warnings of the current (or last) enumeration of <see cref="ReadItems"/>.</summary>
        public TakeoutReadStats Stats => _stats;

        /// <summary>What kind of input a path is (by extension, else by its first bytes); Unknown when neither.</summary>
        public static TakeoutInputKind GetInputKind(string path) => TakeoutArchives.DetectKind(path);

        /// <summary>
        /// The path an item's fallback id is computed from: <c>&lt;year&gt;/&lt;file name&gt;</c> for a "Photos from YYYY"
        /// folder (so the export language does not change it), <c>&lt;folder below the Photos root&gt;/&lt;file name&gt;</c>
        /// otherwise; NFC.
        /// </summary>
        public static string FallbackId(string stableRelativePath)
        {
            using (var sha = SHA256.Create())
            {
                var hash = sha.ComputeHash(Encoding.UTF8.GetBytes(TakeoutNames.Nfc(stableRelativePath)));
                var sb = new StringBuilder(16);
                for (int i = 0; i < 8; i++) sb.Append(hash[i].ToString("x2", CultureInfo.InvariantCulture));
                return sb.ToString();
            }
        }

        /// <summary>Indexes all inputs, then yields the items. Throws <see cref="TakeoutArchiveException"/> for a bad input unless <see cref="TakeoutReaderOptions.Reporter"/> is set (not null or <see cref="GPhotos.Reporting.NullReporter"/>): then the input is reported there as an error and the others are read.</summary>
        public IEnumerable<MediaItem> ReadItems(CancellationToken cancellationToken = default)
        {
            _stats = new TakeoutReadStats();
            return new Run(this, _stats, cancellationToken).Items();
        }

        /// <summary>One enumeration: state lives here so the reader itself stays reusable.</summary>
        private sealed partial class Run
        {
            /// <summary>Skipped items named one by one before only a count is given (a deliberately emptied trash can hold thousands).</summary>
            private const int MaxNamedSkips = 50;

            private readonly TakeoutReader _owner;
            private readonly TakeoutReaderOptions _o;
            private readonly TakeoutReadStats _stats;
            private readonly CancellationToken _ct;
            private readonly List<IndexedArchive> _archives = new List<IndexedArchive>();
            private readonly Dictionary<string, TakeoutFolder> _folders = new Dictionary<string, TakeoutFolder>(StringComparer.OrdinalIgnoreCase);
            private long _ordinal;      // entries indexed (progress)
            private long _nextOrdinal;  // the order of entries over all inputs (a zip's directory slots take one each)
            private readonly GarbageBound _bound = new GarbageBound(GarbageBytes);

            /// <summary>Garbage allowed between two young collections (at 100k items, against 16 MiB: about 4 MiB lower peak for twice the young collections, no more CPU measured).</summary>
            internal const long GarbageBytes = 8L << 20;

            public Run(TakeoutReader owner, TakeoutReadStats stats, CancellationToken ct)
            {
                _owner = owner;
                _o = owner.Options;
                _stats = stats;
                _ct = ct;
            }

            private void Warn(string message)
            {
                if (_stats.WarningList.Count < Math.Max(0, _o.MaxWarnings)) _stats.WarningList.Add(message);
                else _stats.WarningsDropped++;
                _o.ReportWarning(message);
            }

            private void Fail(TakeoutArchiveException ex)
            {
                _stats.ArchiveErrorList.Add(ex);
                if (!_o.ReportArchiveError(ex)) throw ex;
            }

            private void Report(TakeoutReadPhase phase, string archive = null, int done = 0, int items = 0, int total = 0)
            {
                _o.Progress?.Report(new TakeoutReadProgress
                {
                    Phase = phase,
                    Archive = archive,
                    ArchivesDone = done,
                    ArchivesTotal = _owner._paths.Count,
                    EntriesIndexed = _ordinal,
                    ItemsEmitted = items,
                    ItemsTotal = total,
                });
            }

            public IEnumerable<MediaItem> Items()
            {
                try
                {
                    var sw = Stopwatch.StartNew();
                    IndexAll();
                    var groups = MatchAll();
                    _stats.IndexTime = sw.Elapsed;
                    var ids = new UsedIds(groups.Count);
                    int emitted = 0;
                    for (int i = 0; i < groups.Count; i++)
                    {
                        _ct.ThrowIfCancellationRequested();
                        _bound.Tick();
                        var g = groups[i];
                        groups[i] = null; // what an emitted item needed goes as the read goes on (Save runs meanwhile)
                        var item = Build(g, ids);
                        for (int c = 0; c < g.Count; c++) g.CopyAt(c).Entry.ReleaseExtra(); // probes read for grouping or emission
                        if (item == null) continue;
                        emitted++;
                        if (emitted % 100 == 0) Report(TakeoutReadPhase.Emitting, items: emitted, total: groups.Count);
                        yield return item;
                    }
                    Report(TakeoutReadPhase.Emitting, items: emitted, total: groups.Count);
                    if (_stats.TrashedSkipped > MaxNamedSkips)
                        Warn($"{_stats.TrashedSkipped} items were in the trash when the export was made and were skipped (the first {MaxNamedSkips} are named above); use -IncludeTrashed to get them.");
                }
                finally
                {
                    foreach (var a in _archives) a.Dispose();
                }
            }

            // ---------------------------------------------------------------------------------------------
            // Indexing

            /// <summary>FNV-1a, 64-bit, over the UTF-16 code units (ordinal).</summary>
            private static ulong NameHash(string s)
            {
                ulong h = 14695981039346656037UL;
                foreach (var c in s) h = (h ^ c) * 1099511628211UL;
                return Hashed(h);
            }

            private void IndexAll()
            {
                int done = 0;
                // Names seen in the current input, by 64-bit hash (the name compared on a hit): a table of every name as a
                // string was alive until the input ended. One table, emptied per input, so it grows once.
                var seenNames = new Dictionary<ulong, (int First, int Count)>();
                foreach (var path in _owner._paths)
                {
                    _ct.ThrowIfCancellationRequested();
                    var a = new IndexedArchive { Path = path, Kind = TakeoutArchives.DetectKind(path), Order = _archives.Count };
                    _archives.Add(a);
                    _stats.Archives++;
                    Report(TakeoutReadPhase.Indexing, path, done);
                    seenNames.Clear();
                    Dictionary<string, int> collided = null; // names whose hash another name has (rare)
                    // Two entries of one zip/tar may carry the same name: each is its own item, addressed by its
                    // occurrence ("name#2"), never by the name alone (both were saved with the first one's bytes).
                    // slot: the zip slot, or the entry's index in the input's list; 1 for the first of its name, 2 ...
                    int Number(string entryPath, int slot)
                    {
                        int occurrence;
                        var h = NameHash(entryPath);
                        if (!seenNames.TryGetValue(h, out var first)) { seenNames[h] = (slot, 1); occurrence = 1; }
                        else if (string.Equals(a.PathAt(first.First), entryPath, StringComparison.Ordinal)) { occurrence = first.Count + 1; seenNames[h] = (first.First, occurrence); }
                        else
                        {
                            collided = collided ?? new Dictionary<string, int>(StringComparer.Ordinal);
                            collided.TryGetValue(entryPath, out var seen);
                            occurrence = seen + 1;
                            collided[entryPath] = occurrence;
                        }
                        if (occurrence == 2)
                            Warn($"'{entryPath}' occurs more than once in '{path}'; each copy is kept as its own item (the second as '{TakeoutArchives.Address(entryPath, occurrence)}').");
                        if (++_ordinal % 1000 == 0) Report(TakeoutReadPhase.Indexing, path, done);
                        _bound.Tick(); // a tar pass parses and probes here
                        return occurrence;
                    }
                    void Add(IndexedEntry e)
                    {
                        e.Occurrence = Number(e.EntryPath, a.Entries.Count);
                        e.DropStoredPath();
                        e.Ordinal = _nextOrdinal++;
                        a.Entries.Add(e);
                    }
                    // A zip's entries stay slots of its directory: numbered here, without an object per entry.
                    void NumberZip()
                    {
                        var dir = a.ZipDir;
                        a.OrdinalBase = _nextOrdinal;
                        _nextOrdinal += dir.Count;
                        for (int i = 0; i < dir.Count; i++)
                        {
                            if ((i & 255) == 0) _ct.ThrowIfCancellationRequested();
                            if (!dir.IsFile(i)) continue;
                            var occurrence = Number(dir.Name(i), i);
                            if (occurrence > 1) (a.ZipRepeats ?? (a.ZipRepeats = new Dictionary<int, int>()))[i] = occurrence;
                        }
                    }
                    try
                    {
                        if (!TakeoutPartSources.IsRegistered(path) && !File.Exists(path) && !Directory.Exists(path))
                        {
                            a.Failed = true;
                            Fail(new TakeoutArchiveException(path, $"Takeout part '{path}' does not exist."));
                            done++;
                            continue;
                        }
                        switch (a.Kind)
                        {
                            case TakeoutInputKind.Zip: TakeoutArchives.IndexZip(a, _ct); NumberZip(); break;
                            case TakeoutInputKind.TarGz:
                            case TakeoutInputKind.Tar: TakeoutArchives.IndexTar(a, _o.ReadMediaHeaders, Add, _ct); break;
                            case TakeoutInputKind.Folder: TakeoutArchives.IndexFolder(a, Add, _ct, Warn); break;
                            default:
                                a.Failed = true;
                                Fail(new TakeoutArchiveException(path,
                                    $"Takeout part '{path}' is neither a zip, a tgz/tar.gz, a tar nor a folder. Pass the parts Google Takeout made (takeout-*.zip or takeout-*.tgz) or the folder they were extracted to."));
                                break;
                        }
                    }
                    catch (TakeoutArchiveException ex) when (ex.ArchivePath == path && !_stats.ArchiveErrorList.Contains(ex))
                    {
                        a.Failed = true;
                        Fail(ex);
                    }
                    done++;
                }
                Report(TakeoutReadPhase.Indexing, null, done);
            }

        }
    }
}
