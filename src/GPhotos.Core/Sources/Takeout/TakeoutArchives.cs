using System;
using System.Collections.Generic;
using System.IO;
using System.Text;
using System.Threading;
using ICSharpCode.SharpZipLib.GZip;
using ICSharpCode.SharpZipLib.Tar;

namespace GPhotos.Sources.Takeout
{
    /// <summary>The kinds of input <see cref="TakeoutReader"/> accepts.</summary>
    public enum TakeoutInputKind
    {
        Unknown,
        Zip,
        TarGz,
        Tar,
        Folder,
    }

    /// <summary>One input of a read: a zip (kept open during the read), a tar/tgz, or an extracted folder.</summary>
    internal sealed class IndexedArchive : IDisposable
    {
        public string Path;
        public TakeoutInputKind Kind;
        public int Order;
        public Stream ZipFile;            // zip: one stream for the read's own entry reads (one at a time)
        public ZipDirectory ZipDir;       // zip: the compact central directory, shared with TakeoutContent
        /// <summary>Tar and folder inputs: their entries until classified. Zip inputs keep none: see <see cref="EntryAt"/>.</summary>
        public readonly List<IndexedEntry> Entries = new List<IndexedEntry>();
        public bool Failed;

        /// <summary>Zip inputs: the ordinal of slot 0 (a slot's ordinal is this plus the slot).</summary>
        public long OrdinalBase;

        /// <summary>Zip inputs: the slots holding the second, third, ... entry of a repeated name, and which (rare: usually null).</summary>
        public Dictionary<int, int> ZipRepeats;

        /// <summary>Zip inputs: the slots classified (directory slots have none), else the entries.</summary>
        public int SlotCount => ZipDir != null ? (Failed ? 0 : ZipDir.Count) : Entries.Count;

        /// <summary>Zip inputs: false for a directory slot (its name ends in '/', or is empty). Other inputs: always true.</summary>
        public bool IsFile(int slot) => ZipDir == null || ZipDir.IsFile(slot);

        /// <summary>The path of a slot (zip) or entry (tar, folder), as stored, forward slashes.</summary>
        public string PathAt(int slot) => ZipDir != null ? ZipDir.Name(slot) : Entries[slot].EntryPath;

        /// <summary>
        /// The entry of a slot: zip inputs make it now (only for what the reader keeps: an object per zip entry, made by
        /// the indexing pass and alive until every part was classified, set the listing's peak), others have it.
        /// </summary>
        public IndexedEntry EntryAt(int slot)
        {
            if (ZipDir == null) return Entries[slot];
            int occurrence = 1;
            if (ZipRepeats != null && ZipRepeats.TryGetValue(slot, out var o)) occurrence = o;
            return new IndexedEntry { Archive = this, Size = ZipDir.Size(slot), ZipIndex = slot, Ordinal = OrdinalBase + slot, Occurrence = occurrence };
        }

        /// <summary>
        /// For a folder input that is itself a year or album folder: its name, put in front of its entries' paths
        /// below the Photos root (so its files have a folder, and its sidecars are not taken for root-level files).
        /// </summary>
        public string VirtualFolder;

        public void Dispose()
        {
            ZipFile?.Dispose();
            ZipFile = null;
        }
    }

    /// <summary>One file of an input: its name and size, and for tar inputs what the single pass already read.</summary>
    /// <remarks>
    /// Kept for every media file and sidecar of the export until the read ends (sidecars are matched across parts), so it
    /// is small: a zip entry's path is not stored (the part's <see cref="ZipDirectory"/> holds it once, as UTF-8), and
    /// the JSON/probe state, which most entries never have or hold only briefly, lives in a side object.
    /// </remarks>
    internal class IndexedEntry
    {
        public IndexedEntry() { }

        /// <summary>A copy of <paramref name="e"/> (what a <see cref="MediaFile"/> is made from: the entry becomes part of it).</summary>
        protected IndexedEntry(IndexedEntry e)
        {
            Archive = e.Archive; Size = e.Size; Ordinal = e.Ordinal; ZipIndex = e.ZipIndex; Occurrence = e.Occurrence;
            _path = e._path; _x = e._x;
        }

        public IndexedArchive Archive;
        public long Size;
        public long Ordinal;              // global order over all inputs
        public int ZipIndex = -1;         // zip inputs: the entry's slot in Archive.ZipDir

        /// <summary>1 for the first entry of this name in its input, 2 for a second entry of the same name, ...</summary>
        public int Occurrence = 1;

        private string _path;
        private Extra _x;

        /// <summary>As stored, forward slashes. Zip entries: read from the part's directory each time (see <see cref="DropStoredPath"/>).</summary>
        public string EntryPath
        {
            get => _path ?? (ZipIndex >= 0 && Archive?.ZipDir != null ? Archive.ZipDir.Name(ZipIndex) : null);
            set => _path = value;
        }

        /// <summary>Forgets the stored path when the zip directory can give it again (one string less per entry).</summary>
        public void DropStoredPath()
        {
            if (ZipIndex >= 0 && Archive?.ZipDir != null) _path = null;
        }

        /// <summary>Zip inputs: CRC-32 from the central directory (the entry cache's key); null otherwise.</summary>
        // The CRC-32 lives in the zip directory's table; an entry known otherwise (a cache's own checks) may carry one.
        public uint? Crc
        {
            get => ZipIndex >= 0 && Archive?.ZipDir != null ? Archive.ZipDir.Crc(ZipIndex) : _x?.Crc;
            set { if (value != null || _x != null) X.Crc = value; }
        }

        /// <summary>JSON entries: parsed (tar: during the pass; zip/folder: when the reader classifies the entry).</summary>
        public TakeoutSidecar Json { get => _x?.Json; set { if (value != null || _x != null) X.Json = value; } }
        public string JsonError { get => _x?.JsonError; set { if (value != null || _x != null) X.JsonError = value; } }
        /// <summary>Transient: the bytes just read, for the entry cache.</summary>
        public byte[] JsonBytes { get => _x?.JsonBytes; set { if (value != null || _x != null) X.JsonBytes = value; } }
        public bool JsonRead { get => _x?.JsonRead ?? false; set { if (value || _x != null) X.JsonRead = value; } }
        /// <summary>Tar inputs: probed during the pass; others: when needed (emission, or grouping an item without sidecar).</summary>
        public MediaProbeResult Probe { get => _x?.Probe; set { if (value != null || _x != null) X.Probe = value; } }
        public string ProbeError { get => _x?.ProbeError; set { if (value != null || _x != null) X.ProbeError = value; } }

        private Extra X => _x ?? (_x = new Extra());

        /// <summary>Drops what an entry no longer needs once its sidecar was taken over or its item emitted.</summary>
        public void ReleaseExtra()
        {
            if (_x == null) return;
            if (_x.Crc == null && _x.JsonError == null && _x.ProbeError == null) { _x = null; return; }
            _x.Json = null;
            _x.JsonBytes = null;
            _x.Probe = null;
        }

        private sealed class Extra
        {
            public uint? Crc;
            public TakeoutSidecar Json;
            public string JsonError;
            public byte[] JsonBytes;
            public bool JsonRead;
            public MediaProbeResult Probe;
            public string ProbeError;
        }

        /// <summary>What <see cref="TakeoutContent"/> opens: the name, with "#n" for the n-th entry of a repeated name.</summary>
        public string Address => TakeoutArchives.Address(EntryPath, Occurrence);

        public string FileName
        {
            get
            {
                if (_path == null && ZipIndex >= 0 && Archive?.ZipDir != null) return Archive.ZipDir.FileName(ZipIndex); // no whole path made
                var p = EntryPath;
                return p.Substring(p.LastIndexOf('/') + 1);
            }
        }
    }

    internal static class TakeoutArchives
    {
        public static TakeoutInputKind DetectKind(string path)
        {
            if (TakeoutPartSources.TryGetKind(path, out var registered)) return registered;
            if (Directory.Exists(path)) return TakeoutInputKind.Folder;
            var l = path.ToLowerInvariant();
            if (l.EndsWith(".zip", StringComparison.Ordinal)) return TakeoutInputKind.Zip;
            if (l.EndsWith(".tgz", StringComparison.Ordinal) || l.EndsWith(".tar.gz", StringComparison.Ordinal)) return TakeoutInputKind.TarGz;
            if (l.EndsWith(".tar", StringComparison.Ordinal)) return TakeoutInputKind.Tar;
            if (!File.Exists(path)) return TakeoutInputKind.Unknown;
            // Unusual name: trust the first bytes.
            try
            {
                using (var f = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read))
                {
                    var b = new byte[512];
                    int n = MediaProbe.ReadFully(f, b, 0, b.Length);
                    if (n >= 4 && b[0] == 'P' && b[1] == 'K' && (b[2] == 3 || b[2] == 5 || b[2] == 7)) return TakeoutInputKind.Zip;
                    if (n >= 2 && b[0] == 0x1F && b[1] == 0x8B) return TakeoutInputKind.TarGz;
                    if (n >= 262 && Encoding.ASCII.GetString(b, 257, 5) == "ustar") return TakeoutInputKind.Tar;
                }
            }
            catch (IOException) { }
            catch (UnauthorizedAccessException) { }
            return TakeoutInputKind.Unknown;
        }

        /// <summary>The separator of an occurrence number in an entry address ("a/IMG.jpg#2").</summary>
        internal const char OccurrenceMark = '#';

        internal static string Address(string entryPath, int occurrence)
            => occurrence > 1 ? entryPath + OccurrenceMark + occurrence.ToString(System.Globalization.CultureInfo.InvariantCulture) : entryPath;

        /// <summary>
        /// Splits an address made by <see cref="Address"/> into name and occurrence. Callers look the whole address up as
        /// a name first, so an entry really named "x#2" is still found.
        /// </summary>
        internal static bool TrySplitAddress(string address, out string entryPath, out int occurrence)
        {
            entryPath = address;
            occurrence = 1;
            var mark = address.LastIndexOf(OccurrenceMark);
            if (mark <= 0 || mark == address.Length - 1 || address.Length - mark > 7) return false;
            for (int i = mark + 1; i < address.Length; i++)
                if (address[i] < '0' || address[i] > '9') return false;
            occurrence = int.Parse(address.Substring(mark + 1), System.Globalization.CultureInfo.InvariantCulture);
            if (occurrence < 2) { occurrence = 1; return false; }
            entryPath = address.Substring(0, mark);
            return true;
        }

        /// <summary>
        /// An archive entry's path with '/' separators and no leading "./" or '/' in any order ("/./a" is "a"); the same
        /// rule <see cref="ZipDirectory"/> applies on bytes to ASCII names, so a name found by either is found by both.
        /// </summary>
        internal static string NormalizeEntryPath(string name)
        {
            var p = name.Replace('\\', '/');
            int lead = 0;
            while (true)
            {
                if (p.Length - lead >= 2 && p[lead] == '.' && p[lead + 1] == '/') lead += 2;
                else if (p.Length - lead >= 1 && p[lead] == '/') lead++;
                else break;
            }
            return lead == 0 ? p : p.Substring(lead);
        }

        /// <summary>
        /// Reads the central directory: names and sizes only. The archive stays open for later reads. No object is made
        /// per entry: the reader numbers and classifies the directory's slots (<see cref="IndexedArchive.EntryAt"/>
        /// makes one for the media files and sidecars it keeps).
        /// </summary>
        public static void IndexZip(IndexedArchive a, CancellationToken ct)
        {
            try
            {
                a.ZipFile = TakeoutPartSources.OpenRead(a.Path, sequential: false);
                var dir = ZipDirectory.Read(a.ZipFile, ct);
                a.ZipDir = dir;
                TakeoutContent.ShareDirectory(TakeoutPartSources.Key(a.Path), dir);
            }
            catch (OperationCanceledException) { throw; }
            catch (Exception ex) when (ex is InvalidDataException || ex is IOException || ex is UnauthorizedAccessException || ex is NotSupportedException || ex is ArgumentException || ex is GPhotos.Http.GoogleApiException)
            {
                a.Dispose();
                throw Wrap(a, ex, 0);
            }
        }

        /// <summary>
        /// One streaming pass over a tar or tar.gz: records names and sizes, parses JSON bodies (small) and, when asked,
        /// probes the head of each media entry. A truncated archive keeps the entries read before the damage.
        /// </summary>
        public static void IndexTar(IndexedArchive a, bool probeMedia, Action<IndexedEntry> add, CancellationToken ct)
        {
            int kept = 0;
            // An entry is only added once the pass has moved past its end: in a truncated archive the entry being
            // read when the data ran out is incomplete and must not be offered.
            IndexedEntry pending = null;
            try
            {
                using (var file = TakeoutPartSources.OpenRead(a.Path, sequential: true))
                using (var tar = OpenTar(file, a.Kind == TakeoutInputKind.TarGz))
                {
                    TarEntry te;
                    while ((te = tar.GetNextEntry()) != null)
                    {
                        if (pending != null) { add(pending); kept++; pending = null; }
                        ct.ThrowIfCancellationRequested();
                        if (!IsRegularFile(te)) continue;
                        var name = NormalizeEntryPath(te.Name);
                        if (name.Length == 0) continue;
                        var e = new IndexedEntry { Archive = a, EntryPath = name, Size = te.Size };
                        var fileName = e.FileName;
                        if (TakeoutNames.IsJson(fileName))
                        {
                            if (te.Size <= TakeoutSidecar.MaxJsonBytes) ReadJson(e, tar);
                        }
                        else if (probeMedia && !TakeoutNames.IsJunkFile(fileName))
                        {
                            try { e.Probe = MediaProbe.Probe(tar); }
                            catch (Exception ex) when (!(ex is OperationCanceledException)) { e.ProbeError = ex.Message; }
                        }
                        // The rest of the entry is read here in chunks (GetNextEntry would skip it in one go): a
                        // multi-GB video must not keep Ctrl+C waiting.
                        SkipEntry(tar, ct);
                        pending = e;
                    }
                    if (pending != null) { add(pending); kept++; pending = null; }
                }
            }
            catch (OperationCanceledException) { throw; }
            catch (Exception ex) when (!(ex is OutOfMemoryException))
            {
                throw Wrap(a, ex, kept);
            }
        }

        [ThreadStatic] private static byte[] _skipBuffer;

        /// <summary>Reads the rest of the current tar entry, checking <paramref name="ct"/> every 64 KB.</summary>
        internal static void SkipEntry(TarInputStream tar, CancellationToken ct)
        {
            var buffer = _skipBuffer ?? (_skipBuffer = new byte[1 << 16]); // one per thread, not one per entry
            while (true)
            {
                ct.ThrowIfCancellationRequested();
                if (tar.Read(buffer, 0, buffer.Length) <= 0) return;
            }
        }

        internal static TarInputStream OpenTar(Stream file, bool gzip)
        {
            Stream s = file;
            if (gzip) s = new GZipInputStream(file) { IsStreamOwner = false };
            return new TarInputStream(s, Encoding.UTF8) { IsStreamOwner = gzip };
        }

        internal static bool IsRegularFile(TarEntry te)
        {
            if (te.IsDirectory) return false;
            var flag = te.TarHeader.TypeFlag;
            return flag == TarHeader.LF_NORMAL || flag == TarHeader.LF_OLDNORM || flag == TarHeader.LF_CONTIG;
        }

        public static void IndexFolder(IndexedArchive a, Action<IndexedEntry> add, CancellationToken ct, Action<string> warn = null)
        {
            var root = a.Path.TrimEnd(System.IO.Path.DirectorySeparatorChar, System.IO.Path.AltDirectorySeparatorChar);
            try
            {
                // Sorted so the order (and so the choice among duplicates) does not depend on the file system.
                var pending = new Stack<string>();
                pending.Push(root);
                var dirs = new List<string>();
                while (pending.Count > 0)
                {
                    ct.ThrowIfCancellationRequested();
                    var dir = pending.Pop();
                    string[] files, sub;
                    try
                    {
                        files = Directory.GetFiles(dir);
                        sub = Directory.GetDirectories(dir);
                    }
                    catch (Exception ex) when (dir != root && (ex is IOException || ex is UnauthorizedAccessException))
                    {
                        // One unreadable subfolder loses its own files, named, not the whole input.
                        warn?.Invoke($"Folder '{dir}' cannot be read ({ex.Message}); its files are left out.");
                        continue;
                    }
                    Array.Sort(files, StringComparer.Ordinal);
                    foreach (var f in files)
                    {
                        var rel = f.Substring(root.Length + 1).Replace(System.IO.Path.DirectorySeparatorChar, '/');
                        long size;
                        try { size = new FileInfo(f).Length; }
                        catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException)
                        {
                            // Gone or unreadable since the listing: named, not silently lost.
                            warn?.Invoke($"'{f}' cannot be read ({ex.Message}); it is left out.");
                            continue;
                        }
                        add(new IndexedEntry { Archive = a, EntryPath = rel, Size = size });
                    }
                    Array.Sort(sub, StringComparer.Ordinal);
                    for (int i = sub.Length - 1; i >= 0; i--) pending.Push(sub[i]);
                }
            }
            catch (OperationCanceledException) { throw; }
            catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException)
            {
                throw Wrap(a, ex, 0);
            }
        }

        /// <summary>Parses a JSON entry of a zip or folder input (tar inputs were parsed during their pass).</summary>
        public static void ReadJson(IndexedEntry e)
        {
            if (e.JsonRead) return;
            if (e.Size > TakeoutSidecar.MaxJsonBytes)
            {
                e.JsonRead = true;
                e.JsonError = "larger than " + TakeoutSidecar.MaxJsonBytes + " bytes";
                return;
            }
            // A sidecar read from an earlier export of this Drive library (same path, size and CRC-32): not fetched again.
            byte[] cached = TakeoutEntryCache.GetJson(e);
            if (cached != null && cached.Length == e.Size)
            {
                using (var m = new MemoryStream(cached, false)) ReadJson(e, m);
                return;
            }
            try
            {
                using (var s = OpenEntryForIndex(e)) ReadJson(e, s);
                if (e.Json != null && e.JsonBytes != null) TakeoutEntryCache.PutJson(e, e.JsonBytes);
                e.JsonBytes = null;
            }
            catch (Exception ex) when (ex is IOException || ex is InvalidDataException || ex is UnauthorizedAccessException || ex is GPhotos.Http.GoogleApiException)
            {
                e.JsonRead = true;
                e.JsonError = ex.Message;
            }
        }

        private static void ReadJson(IndexedEntry e, Stream s)
        {
            e.JsonRead = true;
            try
            {
                // Read whole (small, size known) then parse, so a parse error never leaves a tar stream mid-entry.
                var bytes = new byte[e.Size];
                int n = MediaProbe.ReadFully(s, bytes, 0, bytes.Length);
                if (n < bytes.Length) throw new EndOfStreamException($"'{e.EntryPath}' ended after {n} of {e.Size} bytes");
                e.Json = TakeoutSidecar.Parse(bytes, TakeoutNames.IsAlbumMetadataName(e.FileName));
                if (e.Crc.HasValue) e.JsonBytes = bytes; // for the entry cache (zip parts in Drive)
            }
            catch (Newtonsoft.Json.JsonException ex) { e.JsonError = ex.Message; }
            catch (InvalidDataException ex) { e.JsonError = ex.Message; }
            catch (Exception ex) when (!(ex is OperationCanceledException || ex is OutOfMemoryException || ex is EndOfStreamException || ex is IOException))
            {
                // Whatever else one JSON file does to the parser stays with that file: it is reported, and the other
                // entries (the rest of a tgz pass too) are read as usual.
                e.JsonError = ex.GetType().Name + ": " + ex.Message;
            }
        }

        /// <summary>
        /// Opens an entry while the read holds the archive open (zip: over the read's one part stream; folder: the file).
        /// <paramref name="expectBytes"/>: the caller reads only a head this long (a Drive part is asked for about that).
        /// </summary>
        public static Stream OpenEntryForIndex(IndexedEntry e, long expectBytes = -1)
        {
            switch (e.Archive.Kind)
            {
                case TakeoutInputKind.Zip: return e.Archive.ZipDir.Open(e.ZipIndex, e.Archive.ZipFile, ownsPart: false, expectBytes);
                case TakeoutInputKind.Folder:
                    return new FileStream(System.IO.Path.Combine(e.Archive.Path, e.EntryPath.Replace('/', System.IO.Path.DirectorySeparatorChar)),
                        FileMode.Open, FileAccess.Read, FileShare.Read, 4096, FileOptions.SequentialScan);
                default: throw new InvalidOperationException("tar entries cannot be opened at random");
            }
        }

        internal static TakeoutArchiveException Wrap(IndexedArchive a, Exception ex, int kept)
        {
            if (TakeoutPartSources.PartFailure(ex) is TakeoutArchiveException part)
                return new TakeoutArchiveException(a.Path, part.Message + (kept > 0 ? $" The {kept} entries read before were kept." : ""), part) { EntriesKept = kept };
            string what;
            switch (a.Kind)
            {
                case TakeoutInputKind.Zip:
                    what = ex is InvalidDataException
                        ? "is not a readable zip file (damaged or incompletely downloaded)"
                        : "cannot be opened";
                    break;
                case TakeoutInputKind.TarGz:
                case TakeoutInputKind.Tar:
                    what = kept > 0
                        ? $"is damaged or truncated after {kept} entries (those were kept)"
                        : "is not a readable " + (a.Kind == TakeoutInputKind.TarGz ? "tgz" : "tar") + " file (damaged or incompletely downloaded)";
                    break;
                default:
                    what = "cannot be read";
                    break;
            }
            var msg = $"Takeout part '{a.Path}' {what}: {ex.Message} Download this part again from Google Takeout; the other parts are still read.";
            return new TakeoutArchiveException(a.Path, msg, ex) { EntriesKept = kept };
        }
    }
}
