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
    public sealed class TakeoutReader
    {
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

        /// <summary>Indexes all inputs, then yields the items. Throws <see cref="TakeoutArchiveException"/> for a bad input unless <see cref="TakeoutReaderOptions.ArchiveError"/> is set.</summary>
        public IEnumerable<MediaItem> ReadItems(CancellationToken cancellationToken = default)
        {
            _stats = new TakeoutReadStats();
            return new Run(this, _stats, cancellationToken).Items();
        }

        /// <summary>One enumeration: state lives here so the reader itself stays reusable.</summary>
        private sealed class Run
        {
            /// <summary>Skipped items named one by one before only a count is given (a deliberately emptied trash can hold thousands).</summary>
            private const int MaxNamedSkips = 50;

            private readonly TakeoutReader _owner;
            private readonly TakeoutReaderOptions _o;
            private readonly TakeoutReadStats _stats;
            private readonly CancellationToken _ct;
            private readonly List<IndexedArchive> _archives = new List<IndexedArchive>();
            private readonly Dictionary<string, TakeoutFolder> _folders = new Dictionary<string, TakeoutFolder>(StringComparer.OrdinalIgnoreCase);
            private long _ordinal;

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
                _o.Warning?.Invoke(message);
            }

            private void Fail(TakeoutArchiveException ex)
            {
                _stats.ArchiveErrorList.Add(ex);
                if (_o.ArchiveError == null) throw ex;
                _o.ArchiveError(ex);
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
                    var ids = new HashSet<string>(StringComparer.Ordinal);
                    int emitted = 0;
                    foreach (var g in groups)
                    {
                        _ct.ThrowIfCancellationRequested();
                        var item = Build(g, ids);
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

            private void IndexAll()
            {
                int done = 0;
                foreach (var path in _owner._paths)
                {
                    _ct.ThrowIfCancellationRequested();
                    var a = new IndexedArchive { Path = path, Kind = TakeoutArchives.DetectKind(path), Order = _archives.Count };
                    _archives.Add(a);
                    _stats.Archives++;
                    Report(TakeoutReadPhase.Indexing, path, done);
                    var names = new Dictionary<string, int>(StringComparer.Ordinal);
                    void Add(IndexedEntry e)
                    {
                        // Two entries of one zip/tar may carry the same name: each is its own item, addressed by its
                        // occurrence ("name#2"), never by the name alone (both were saved with the first one's bytes).
                        names.TryGetValue(e.EntryPath, out var seen);
                        e.Occurrence = seen + 1;
                        names[e.EntryPath] = e.Occurrence;
                        if (e.Occurrence == 2)
                            Warn($"'{e.EntryPath}' occurs more than once in '{path}'; each copy is kept as its own item (the second as '{e.Address}').");
                        e.Ordinal = _ordinal++;
                        a.Entries.Add(e);
                        if (_ordinal % 1000 == 0) Report(TakeoutReadPhase.Indexing, path, done);
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
                            case TakeoutInputKind.Zip: TakeoutArchives.IndexZip(a, Add, _ct); break;
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

            // ---------------------------------------------------------------------------------------------
            // Layout: where the Photos folder is in each input, which folders are years and albums

            private void AssignRelativePaths()
            {
                var seen = new Dictionary<string, IndexedEntry>(StringComparer.OrdinalIgnoreCase);
                int dupReported = 0;
                foreach (var a in _archives)
                {
                    if (a.Entries.Count == 0) continue;
                    var roots = FindPhotosRoots(a);
                    foreach (var e in a.Entries)
                    {
                        _ct.ThrowIfCancellationRequested(); // millions of entries: Ctrl+C must not wait for the whole pass
                        string best = null;
                        foreach (var r in roots)
                        {
                            if (r.Length == 0 ? best == null : e.EntryPath.StartsWith(r + "/", StringComparison.Ordinal) && (best == null || r.Length > best.Length))
                                best = r;
                        }
                        if (best == null) continue;
                        var rel = TakeoutNames.Nfc(best.Length == 0 ? e.EntryPath : e.EntryPath.Substring(best.Length + 1));
                        if (a.VirtualFolder != null) rel = TakeoutNames.Nfc(a.VirtualFolder) + "/" + rel;
                        if (rel.Length == 0) continue;
                        if (seen.TryGetValue(rel, out var first) && !ReferenceEquals(first.Archive, a))
                        {
                            _stats.DuplicateEntries++;
                            if (dupReported++ < 20 && !TakeoutNames.IsAlbumMetadataName(e.FileName))
                                Warn($"'{e.EntryPath}' is in both '{first.Archive.Path}' and '{a.Path}'; the first is used. Are two exports mixed?");
                            continue;
                        }
                        if (first == null) seen[rel] = e;
                        e.Relative = rel;
                        _stats.Entries++;
                    }
                }
                if (_stats.DuplicateEntries > 20) Warn($"{_stats.DuplicateEntries} paths were found in more than one input in total; the first copy of each is used.");
            }

            /// <summary>The "Google Photos" folder(s) of an input, by localized name, else by the year folders below it.</summary>
            private List<string> FindPhotosRoots(IndexedArchive a)
            {
                var byName = new HashSet<string>(StringComparer.Ordinal);
                var byYear = new HashSet<string>(StringComparer.Ordinal);
                // Classify each distinct directory once (an export has tens of folders and up to millions of files).
                var dirs = new HashSet<string>(StringComparer.Ordinal);
                foreach (var e in a.Entries)
                {
                    var slash = e.EntryPath.LastIndexOf('/');
                    if (slash > 0) dirs.Add(e.EntryPath.Substring(0, slash));
                }
                foreach (var dir in dirs)
                {
                    var segs = dir.Split('/');
                    for (int i = 0; i < Math.Min(segs.Length, 4); i++)
                    {
                        if (TakeoutNames.IsPhotosRootName(segs[i])) { byName.Add(string.Join("/", segs, 0, i + 1)); break; }
                    }
                    for (int i = 0; i < Math.Min(segs.Length, 5); i++)
                    {
                        if (TakeoutNames.IsYearFolderName(segs[i], out _)) { byYear.Add(string.Join("/", segs, 0, i)); break; }
                    }
                }
                if (a.Kind == TakeoutInputKind.Folder && TakeoutNames.IsPhotosRootName(Path.GetFileName(a.Path))) byName.Add(string.Empty);
                if (byName.Count > 0) return byName.ToList();
                if (byYear.Count > 0) return byYear.ToList();

                // A part holding only albums under an unrecognized product name: "Takeout/<X>/<album>/...".
                var products = a.Entries.Select(e => e.EntryPath.Split('/'))
                    .Where(s => s.Length >= 4 && s[0].Equals("Takeout", StringComparison.OrdinalIgnoreCase))
                    .Select(s => s[0] + "/" + s[1]).Distinct(StringComparer.Ordinal).ToList();
                if (products.Count == 1)
                {
                    Warn($"No Google Photos folder was recognized by name in '{a.Path}'; '{products[0]}' is read as one.");
                    return products;
                }
                if (a.Kind == TakeoutInputKind.Folder)
                {
                    // The folder given may be one year or album folder itself ("…/Google Photos/Photos from 2021").
                    if (a.Entries.Any(e => e.EntryPath.IndexOf('/') < 0))
                    {
                        a.VirtualFolder = Path.GetFileName(a.Path);
                        return new List<string> { string.Empty };
                    }
                    Warn($"No Google Photos folder was recognized in '{a.Path}'; its top level is read as one.");
                    return new List<string> { string.Empty };
                }
                Warn($"'{a.Path}' contains no Google Photos folder (other Takeout products only?); nothing was read from it.");
                return new List<string>();
            }

            private TakeoutFolder FolderFor(string key)
            {
                if (_folders.TryGetValue(key, out var f)) return f;
                var name = key.Substring(key.LastIndexOf('/') + 1);
                f = new TakeoutFolder { Key = key, Name = name };
                _folders[key] = f;
                return f;
            }

            private void BuildFolders()
            {
                foreach (var a in _archives)
                {
                    foreach (var e in a.Entries)
                    {
                        _ct.ThrowIfCancellationRequested();
                        if (e.Relative == null) continue;
                        var slash = e.Relative.LastIndexOf('/');
                        var fileName = e.Relative.Substring(slash + 1);
                        var folderKey = slash < 0 ? string.Empty : e.Relative.Substring(0, slash);
                        if (TakeoutNames.IsJunkFile(fileName)) continue;
                        if (TakeoutNames.IsJson(fileName))
                        {
                            if (folderKey.Length == 0) continue; // print-subscriptions.json, shared_album_comments.json, ...
                            if (a.Kind != TakeoutInputKind.Tar && a.Kind != TakeoutInputKind.TarGz) TakeoutArchives.ReadJson(e);
                            var folder = FolderFor(folderKey);
                            if (e.Json == null)
                            {
                                Warn($"'{e.EntryPath}' in '{a.Path}' is not readable JSON ({e.JsonError ?? "not read"}); ignored.");
                                continue;
                            }
                            if (e.Json.IsAlbumMetadata) folder.AlbumMetadata.Add(e);
                            else folder.Sidecars.Add(SidecarFile.Create(e, e.Json));
                            continue;
                        }
                        var f = FolderFor(folderKey);
                        f.Media.Add(new MediaFile { Entry = e, Name = ParsedMediaName.Parse(fileName), Folder = f });
                    }
                }

                foreach (var f in _folders.Values)
                {
                    var albumTitle = f.AlbumMetadata.Select(e => e.Json.AlbumTitle).FirstOrDefault(t => !string.IsNullOrWhiteSpace(t));
                    if (f.Key.Length == 0) f.Kind = FolderKind.Root;
                    else if (f.AlbumMetadata.Count > 0) { f.Kind = FolderKind.Album; f.AlbumTitle = albumTitle ?? f.Name; }
                    else if (TakeoutNames.IsYearFolderName(f.Name, out var year)) { f.Kind = FolderKind.Year; f.Year = year; }
                    // A trash folder by name alone is not enough: an album may be called "Bin". Only a folder whose
                    // sidecars say "trashed": true is the trash (and its items are skipped with a warning each).
                    else if (TakeoutNames.IsTrashFolderName(f.Name) && f.Sidecars.Any(sc => sc.Json.Trashed)) f.Kind = FolderKind.Trash;
                    else if (TakeoutNames.IsSpecialFolderName(f.Name)) f.Kind = FolderKind.Special;
                    else { f.Kind = FolderKind.Album; f.AlbumTitle = f.Name; }
                }
            }

            // ---------------------------------------------------------------------------------------------
            // Matching and merging

            private sealed class ItemGroup
            {
                public string Key;
                public string Id;
                public readonly List<MediaFile> Copies = new List<MediaFile>();
                public MediaFile Primary;
                public bool IdFromUrl;
            }

            private List<ItemGroup> MatchAll()
            {
                Report(TakeoutReadPhase.Matching);
                AssignRelativePaths();
                BuildFolders();
                foreach (var f in _folders.Values)
                {
                    _ct.ThrowIfCancellationRequested();
                    TakeoutMatcher.Match(f);
                }

                int orphans = 0;
                foreach (var f in _folders.Values.OrderBy(f => f.Key, StringComparer.Ordinal))
                {
                    foreach (var s in f.Sidecars)
                    {
                        if (s.Consumed || s.Borrowed) continue;
                        orphans++;
                        Warn($"Sidecar '{s.Entry.EntryPath}' ({s.Entry.Archive.Path}) has no media file in any part; its metadata is not used.");
                    }
                }
                _stats.OrphanSidecars = orphans;

                var groups = new Dictionary<string, ItemGroup>(StringComparer.Ordinal);
                var order = new List<ItemGroup>();
                foreach (var f in _folders.Values.OrderBy(f => f.Key, StringComparer.Ordinal))
                {
                    foreach (var m in f.Media)
                    {
                        _ct.ThrowIfCancellationRequested(); // millions of entries: Ctrl+C must not wait for the whole pass
                        if (m.IsCompanion) continue;
                        var ownerId = OwnerId(m);
                        // Same item = same sidecar id and the same bytes (size), name and capture time: url ids are not
                        // unique in the wild (distinct photos share one), so an id alone would fold distinct photos
                        // together or, split by folder, stop album copies merging with their year-folder copy.
                        // Without an id: same name, size and capture time (sidecar time, else EXIF time read from the
                        // file: only files without sidecar are probed here).
                        var key = ownerId != null ? "id:" + ownerId + "|" + m.Entry.Size + "|" + TakeoutNames.Lower(FilenameFor(m)) + "|" + (m.Sidecar.Json.PhotoTakenTime?.Ticks.ToString(CultureInfo.InvariantCulture) ?? "")
                            : m.Sidecar != null ? "st:" + TakeoutNames.Lower(FilenameFor(m)) + "|" + m.Entry.Size + "|" + (m.Sidecar.Json.PhotoTakenTime?.Ticks.ToString(CultureInfo.InvariantCulture) ?? "")
                            : "ns:" + TakeoutNames.Lower(m.Name.FullNoIndex) + "|" + m.Entry.Size + "|" + (EnsureProbe(m.Entry)?.DateTaken?.Ticks.ToString(CultureInfo.InvariantCulture) ?? "");
                        // One item has one copy per folder, and only one outside albums (its year folder).
                        bool split = false;
                        if (groups.TryGetValue(key, out var g)
                            && (g.Copies.Any(c => ReferenceEquals(c.Folder, f))
                                || (ownerId == null && f.Kind != FolderKind.Album && g.Copies.Any(c => c.Folder.Kind != FolderKind.Album))))
                        {
                            // Two files of one folder never are one item: keep both, apart.
                            key = key + "#" + m.Entry.Archive.Order + ":" + m.Entry.Address;
                            split = true;
                            g = null;
                            if (ownerId != null) Warn($"'{m.Entry.EntryPath}' shares its sidecar id with another file of the same folder; both are kept.");
                        }
                        if (g == null && !groups.TryGetValue(key, out g))
                        {
                            g = new ItemGroup { Key = key, Id = ownerId, IdFromUrl = ownerId != null && !split };
                            groups[key] = g;
                            order.Add(g);
                        }
                        g.Copies.Add(m);
                    }
                }

                MergeLooseCopies(order, groups);

                foreach (var g in order)
                {
                    g.Primary = g.Copies
                        .OrderBy(c => c.Folder.Kind == FolderKind.Album ? 1 : 0)
                        .ThenBy(c => c.Entry.Ordinal)
                        .First();
                    if (!g.IdFromUrl) g.Id = FallbackId(StableRelativePath(g.Primary));
                }
                return order.OrderBy(g => g.Primary.Entry.Ordinal).ToList();
            }

            /// <summary>
            /// A copy without sidecar found only in albums joins an item of the same name and size (the album folder
            /// lost its JSON, or the year folder numbered the name differently).
            /// </summary>
            private void MergeLooseCopies(List<ItemGroup> order, Dictionary<string, ItemGroup> groups)
            {
                var index = new Dictionary<string, ItemGroup>(StringComparer.Ordinal);
                var ambiguous = new HashSet<string>(StringComparer.Ordinal);
                void Index(string k, ItemGroup g)
                {
                    if (index.TryGetValue(k, out var other) && !ReferenceEquals(other, g)) ambiguous.Add(k);
                    else index[k] = g;
                }
                foreach (var g in order)
                {
                    if (g.Key.StartsWith("ns:", StringComparison.Ordinal)) continue;
                    foreach (var c in g.Copies)
                    {
                        Index(TakeoutNames.Lower(c.Name.FullNoIndex) + "|" + c.Entry.Size, g);
                        Index(TakeoutNames.Lower(FilenameFor(c)) + "|" + c.Entry.Size, g);
                    }
                }
                for (int i = order.Count - 1; i >= 0; i--)
                {
                    var g = order[i];
                    if (!g.Key.StartsWith("ns:", StringComparison.Ordinal) || g.Copies.Any(c => c.Folder.Kind != FolderKind.Album)) continue;
                    var k = TakeoutNames.Lower(g.Copies[0].Name.FullNoIndex) + "|" + g.Copies[0].Entry.Size;
                    if (ambiguous.Contains(k) || !index.TryGetValue(k, out var target)) continue;
                    if (g.Copies.Any(c => target.Copies.Any(t => ReferenceEquals(t.Folder, c.Folder)))) continue;
                    // EXIF time has no zone: only a difference beyond any zone offset tells two photos apart.
                    var targetTime = target.Copies.Select(c => c.Sidecar?.Json.PhotoTakenTime).FirstOrDefault(t => t != null);
                    var copyTime = g.Copies[0].Entry.Probe?.DateTaken;
                    if (targetTime != null && copyTime != null && Math.Abs((targetTime.Value - copyTime.Value).TotalHours) > 14.1) continue;
                    target.Copies.AddRange(g.Copies);
                    order.RemoveAt(i);
                    groups.Remove(g.Key);
                }
            }

            /// <summary>The head of a media entry (read once; tar entries were probed during their pass). Null when headers are off or unreadable.</summary>
            private MediaProbeResult EnsureProbe(IndexedEntry e)
            {
                if (e.Probe != null || !_o.ReadMediaHeaders || e.ProbeError != null) return e.Probe;
                if (e.Archive.Kind == TakeoutInputKind.Tar || e.Archive.Kind == TakeoutInputKind.TarGz) return null;
                try
                {
                    using (var s = TakeoutArchives.OpenEntryForIndex(e)) e.Probe = MediaProbe.Probe(s);
                }
                catch (Exception ex) when (!(ex is OperationCanceledException || ex is OutOfMemoryException))
                {
                    // Whatever one file's head does to the probe stays with that file: the item is still emitted
                    // (dates from its sidecar or name) and a warning names it.
                    e.ProbeError = ex is IOException || ex is InvalidDataException || ex is UnauthorizedAccessException ? ex.Message : ex.GetType().Name + ": " + ex.Message;
                }
                return e.Probe;
            }

            private static string OwnerId(MediaFile m)
            {
                var id = m.Sidecar?.Json.PhotoId;
                if (id == null) return null;
                switch (m.Borrow)
                {
                    case BorrowKind.Edited: return id + "-edited";
                    case BorrowKind.Duplicate: return id + "-" + m.Name.Index.ToString(CultureInfo.InvariantCulture);
                    default: return id;
                }
            }

            /// <summary>The sidecar title (the untruncated original name); for an edited copy with its edit suffix.</summary>
            private static string FilenameFor(MediaFile m)
            {
                var title = m.Sidecar?.Json.Title;
                if (string.IsNullOrWhiteSpace(title)) return m.Name.Name;
                title = TakeoutNames.Nfc(title);
                if (m.Borrow == BorrowKind.Edited)
                {
                    var dot = title.LastIndexOf('.');
                    var titleBase = dot > 0 ? title.Substring(0, dot) : title;
                    return titleBase + m.EditedSuffix + m.Name.Ext;
                }
                return title;
            }

            private static string StableRelativePath(MediaFile m)
            {
                var f = m.Folder;
                string folder;
                if (f.Kind == FolderKind.Year && !TakeoutNames.IsDateFolderName(f.Name)) folder = f.Year.ToString(CultureInfo.InvariantCulture);
                else folder = f.Key;
                return folder.Length == 0 ? m.Name.Name : folder + "/" + m.Name.Name;
            }

            // ---------------------------------------------------------------------------------------------
            // Emission

            private MediaItem Build(ItemGroup g, HashSet<string> ids)
            {
                var p = g.Primary;
                var sc = p.Sidecar?.Json;
                bool trashed = (sc?.Trashed ?? false) || g.Copies.Any(c => c.Folder.Kind == FolderKind.Trash);
                if (trashed && !_o.IncludeTrashed)
                {
                    _stats.TrashedSkipped++;
                    if (_stats.TrashedSkipped <= MaxNamedSkips)
                        Warn($"'{p.Entry.EntryPath}' in '{p.Entry.Archive.Path}' was in the trash when the export was made; skipped (use -IncludeTrashed to get it).");
                    return null;
                }

                var id = g.Id;
                if (!ids.Add(id))
                {
                    var unique = id + "-" + FallbackId(p.Entry.Archive.Order + ":" + p.Entry.Address).Substring(0, 8);
                    Warn($"Id '{id}' of '{p.Entry.EntryPath}' was already used by another item; '{unique}' is used instead.");
                    id = unique;
                    ids.Add(id);
                }

                if (p.Entry.Size == 0)
                    Warn($"'{p.Entry.EntryPath}' in '{p.Entry.Archive.Path}' is an empty file (0 bytes) in the export: Google Takeout wrote no bytes for it. It is listed with its metadata, but there is nothing to save; export it again or download it from Google Photos.");
                var probe = p.Entry.Size == 0 ? null : EnsureProbe(p.Entry);
                if (probe?.Problem != null)
                    Warn($"'{p.Entry.EntryPath}' in '{p.Entry.Archive.Path}': {probe.Problem}; its date comes from the sidecar or the file name.");
                if (p.Entry.ProbeError != null)
                    Warn($"The head of '{p.Entry.EntryPath}' in '{p.Entry.Archive.Path}' could not be read ({p.Entry.ProbeError}); its bytes may be damaged.");

                var filename = FilenameFor(p);
                var mime = MediaProbe.ChooseMime(p.Name.Ext, probe?.MimeType);
                var type = MediaProbe.MediaTypeOf(mime);
                var created = sc?.PhotoTakenTime ?? sc?.CreationTime ?? probe?.DateTaken ?? FileNameDate.Parse(filename) ?? FileNameDate.Parse(p.Name.Name);

                var albums = g.Copies.Where(c => c.Folder.Kind == FolderKind.Album).Select(c => c.Folder.AlbumTitle)
                    .Distinct(StringComparer.Ordinal).OrderBy(t => t, StringComparer.OrdinalIgnoreCase).ToArray();
                var companion = p.Companion ?? g.Copies.Select(c => c.Companion).FirstOrDefault(c => c != null);

                var item = new MediaItem
                {
                    Id = id,
                    Source = MediaSource.Takeout,
                    Filename = filename,
                    MimeType = mime,
                    MediaType = type,
                    CreationTime = created,
                    Width = probe?.Width,
                    Height = probe?.Height,
                    CameraMake = probe?.CameraMake,
                    CameraModel = probe?.CameraModel,
                    Description = string.IsNullOrEmpty(sc?.Description) ? null : sc.Description,
                    ProductUrl = sc?.Url,
                    Latitude = sc?.Latitude,
                    Longitude = sc?.Longitude,
                    Altitude = sc?.Altitude,
                    People = sc?.People ?? Array.Empty<string>(),
                    Albums = albums,
                    IsFavorite = sc?.Favorited ?? false,
                    IsArchived = sc?.Archived ?? false,
                    IsTrashed = trashed,
                    TakeoutArchive = p.Entry.Archive.Path,
                    TakeoutEntry = p.Entry.Address,
                    Size = p.Entry.Size,
                    MotionVideoEntry = companion?.Entry.Address,
                    MotionVideoArchive = companion?.Entry.Archive.Path,
                    MediaMetadata = new MediaMetadata
                    {
                        CreationTime = created,
                        Width = probe?.Width,
                        Height = probe?.Height,
                        Photo = type == MediaType.Photo ? new PhotoMetadata { CameraMake = probe?.CameraMake, CameraModel = probe?.CameraModel } : null,
                        Video = type == MediaType.Video ? new VideoMetadata { CameraMake = probe?.CameraMake, CameraModel = probe?.CameraModel, Status = VideoProcessingStatus.Ready } : null,
                    },
                };

                _stats.Items++;
                _stats.DuplicatesMerged += g.Copies.Count - 1;
                if (p.Sidecar == null) _stats.WithoutSidecar++;
                if (p.Borrow == BorrowKind.Edited) _stats.EditedCopies++;
                if (companion != null) _stats.MotionCompanions++;
                return item;
            }
        }
    }
}
