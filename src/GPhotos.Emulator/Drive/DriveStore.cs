using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using GPhotos.Emulator.Takeout;

namespace GPhotos.Emulator.Drive;

/// <summary>One Drive file or folder. Content lives in a file on disk (never in memory), replaced by a new file.</summary>
public sealed class DriveFileRecord
{
    public string Id { get; init; } = "";
    public string Name { get; set; } = "";
    public string MimeType { get; init; } = "";
    public string ParentId { get; init; }
    public long Size { get; set; }
    public string Md5 { get; set; }
    public DateTimeOffset CreatedTime { get; init; }
    public DateTimeOffset ModifiedTime { get; set; }
    public bool Trashed { get; set; }
    /// <summary>Flagged as malware: alt=media needs acknowledgeAbuse=true.</summary>
    public bool Abusive { get; set; }
    /// <summary>Not listed (nor gettable) before this time: a part of an export still arriving.</summary>
    public DateTimeOffset VisibleFrom { get; init; }
    public long Version { get; set; } = 1;
    /// <summary>The file on disk holding the current bytes (tests compare with it).</summary>
    public string ContentPath { get; internal set; }
    public bool IsFolder => MimeType == DriveStore.FolderMime;
}

/// <summary>A Drive fault rule (see Drive/README.md): applied to the next matching Drive requests.</summary>
public sealed class DriveFaultRule
{
    public static readonly string[] Kinds =
    {
        "userRateLimitExceeded", "rateLimitExceeded", "429", "downloadQuotaExceeded", "500", "503", "rangeIgnored", "stall", "replace", "delete", "notFound",
    };
    public static readonly string[] Targets = { "list", "get", "media", "delete", "any" };

    public string Kind { get; set; } = "500";
    public string Target { get; set; } = "any";
    public string FileId { get; set; }
    public int Count { get; set; } = 1;
    /// <summary>Matching requests to let through before the rule applies (a part replaced "mid-run").</summary>
    public int Skip { get; set; }
    public int? RetryAfterSeconds { get; set; }
    /// <summary>stall: how long the body stalls after its first bytes (default 30 s; the request's abort ends it sooner).</summary>
    public int? DelayMs { get; set; }
    internal int Remaining;
    internal int ToSkip;
}

/// <summary>What one generated export put into Drive.</summary>
public sealed record DriveExport(string ExportTime, int Seed, int Items, int ItemCount, string Format, IReadOnlyList<DriveFileRecord> Parts, string ManifestPath,
    long PhotoSize = 0, long VideoSize = 0);

/// <summary>
/// The emulated My Drive of one emulator: a <c>Takeout</c> folder holding exports written by the emulator's own
/// <see cref="TakeoutGenerator"/> (zip, or mixed zip+tgz), served from files on disk. Thread-safe.
/// </summary>
public sealed class DriveStore
{
    public const string FolderMime = "application/vnd.google-apps.folder";
    public const string RootId = "0AEmuMyDriveRootFolderUk9PVA";
    private static readonly ConditionalWeakTable<EmulatorState, DriveStore> Stores = new();

    private readonly object _gate = new();
    private readonly Dictionary<string, DriveFileRecord> _files = new(StringComparer.Ordinal);
    private readonly List<DriveFaultRule> _faults = new();
    private readonly List<DriveExport> _exports = new();
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "gphotos-emu-drive-" + Guid.NewGuid().ToString("N")[..12]);
    private int _generation = 1;
    private int _maxPageItems;

    private DriveStore(EmulatorState state)
    {
        State = state;
        AppDomain.CurrentDomain.ProcessExit += (_, _) => DeleteContent();
    }

    /// <summary>The Drive of <paramref name="state"/>'s emulator (created on first use).</summary>
    public static DriveStore For(EmulatorState state) => Stores.GetValue(state, s => new DriveStore(s));

    public EmulatorState State { get; }
    public DriveCounters Counters { get; } = new();
    internal int Generation { get { lock (_gate) return _generation; } }

    /// <summary>Pages never hold more than this many files (0 = as asked): Drive may return fewer than pageSize.</summary>
    public int MaxPageItems { get { lock (_gate) return _maxPageItems; } set { lock (_gate) _maxPageItems = Math.Max(0, value); } }

    public IReadOnlyList<DriveExport> Exports { get { lock (_gate) return _exports.ToList(); } }

    /// <summary>Every file and folder (visible now or not), by name.</summary>
    public IReadOnlyList<DriveFileRecord> Files { get { lock (_gate) return _files.Values.OrderBy(f => f.Name, StringComparer.Ordinal).ToList(); } }

    /// <summary>Empties Drive, its faults and counters.</summary>
    public void Reset()
    {
        lock (_gate)
        {
            _files.Clear();
            _faults.Clear();
            _exports.Clear();
            _maxPageItems = 0;
            _generation++;
        }
        Counters.Clear();
        DeleteContent();
    }

    private void DeleteContent()
    {
        try { if (Directory.Exists(_dir)) Directory.Delete(_dir, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }

    /// <summary>Visible now (an arriving part is not, before its time).</summary>
    public DriveFileRecord Get(string id)
    {
        lock (_gate) return _files.TryGetValue(id ?? "", out var f) && f.VisibleFrom <= State.Clock.UtcNow ? f : null;
    }

    internal List<DriveFileRecord> Visible()
    {
        var now = State.Clock.UtcNow;
        lock (_gate) return _files.Values.Where(f => f.VisibleFrom <= now).OrderBy(f => f.Name, StringComparer.Ordinal).ThenBy(f => f.Id, StringComparer.Ordinal).ToList();
    }

    /// <summary>The Takeout folder in My Drive (created when missing).</summary>
    public DriveFileRecord TakeoutFolder()
    {
        lock (_gate)
        {
            var existing = _files.Values.FirstOrDefault(f => f.IsFolder && f.Name == "Takeout" && f.ParentId == RootId && !f.Trashed);
            if (existing != null) return existing;
            var now = State.Clock.UtcNow;
            var folder = new DriveFileRecord { Id = NewId(), Name = "Takeout", MimeType = FolderMime, ParentId = RootId, CreatedTime = now, ModifiedTime = now, VisibleFrom = DateTimeOffset.MinValue };
            _files[folder.Id] = folder;
            return folder;
        }
    }

    /// <summary>
    /// Generates an export (<see cref="TakeoutGenerator"/>) and adds its parts to the Takeout folder, named
    /// <c>takeout-&lt;exportTime&gt;-NNN.zip|.tgz</c>. Part i appears (and is created/modified) at exportTime (default now)
    /// + i × <paramref name="arrivalInterval"/>.
    /// <paramref name="newItems"/> repeats the previous export (same seed and items) plus that many new items.
    /// </summary>
    public DriveExport AddExport(int? items = null, int parts = 3, string format = "zip", int? seed = null, DateTimeOffset? exportTime = null,
        TimeSpan? arrivalInterval = null, int? newItems = null, string language = "en", long? photoSize = null, long? videoSize = null)
    {
        if (format != "zip" && format != "mixed") throw new ArgumentException("format must be zip or mixed (the generator writes every even-numbered part as .tgz).");
        if (parts < 1 || parts > 50) throw new ArgumentException("parts must be 1..50.");
        DriveExport previous;
        lock (_gate) previous = _exports.LastOrDefault();
        if (newItems is int add)
        {
            if (previous == null) throw new ArgumentException("newItems repeats the previous export, and there is none.");
            seed ??= previous.Seed;
            items ??= previous.ItemCount + add;
            // The same library with new items: its media keep their sizes.
            photoSize ??= previous.PhotoSize;
            videoSize ??= previous.VideoSize;
        }
        var now = State.Clock.UtcNow;
        var time = (exportTime ?? now).ToUniversalTime();
        string stamp = time.ToString("yyyyMMdd'T'HHmmss'Z'", System.Globalization.CultureInfo.InvariantCulture);
        string outDir = Path.Combine(_dir, "export-" + stamp + "-" + Guid.NewGuid().ToString("N")[..6]);
        var manifest = TakeoutGenerator.Generate(new TakeoutGeneratorOptions
        {
            OutputDirectory = outDir, Seed = seed ?? 1, Parts = parts, Tgz = format == "mixed", Items = items ?? 0, Language = language,
            PhotoSize = photoSize ?? 0, VideoSize = videoSize ?? 0,
        });
        var folder = TakeoutFolder();
        var interval = arrivalInterval ?? TimeSpan.Zero;
        var added = new List<DriveFileRecord>();
        for (int i = 0; i < manifest.Parts.Count; i++)
        {
            string generated = manifest.Parts[i];
            string name = "takeout-" + stamp + generated[(TakeoutGenerator.PartPrefix.Length - 1)..];
            string path = Path.Combine(outDir, generated);
            // Takeout delivers each part when it is written: an export "made" in the past arrived then.
            var visible = (exportTime ?? now) + interval * i;
            var rec = new DriveFileRecord
            {
                Id = NewId(), Name = name, MimeType = name.EndsWith(".tgz", StringComparison.Ordinal) ? "application/x-gtar" : "application/x-zip-compressed",
                ParentId = folder.Id, CreatedTime = visible, ModifiedTime = visible, VisibleFrom = visible, ContentPath = path,
                Size = new FileInfo(path).Length, Md5 = Md5Of(path),
            };
            added.Add(rec);
        }
        var export = new DriveExport(stamp, seed ?? 1, items ?? 0, manifest.Items.Count, format, added, Path.Combine(outDir, TakeoutGenerator.ManifestFileName),
            photoSize ?? 0, videoSize ?? 0);
        lock (_gate)
        {
            foreach (var r in added) _files[r.Id] = r;
            _exports.Add(export);
        }
        return export;
    }

    /// <summary>New bytes for a file: the byte at <paramref name="flipAt"/> inverted (same size, new md5), or cut to
    /// <paramref name="truncateTo"/>, or <paramref name="append"/> bytes added. The old content file is left for readers
    /// that already opened it (as Drive keeps serving a request in flight).</summary>
    public DriveFileRecord Replace(string id, long? flipAt = null, long? truncateTo = null, int? append = null)
    {
        DriveFileRecord f;
        lock (_gate) f = _files.TryGetValue(id ?? "", out var x) && !x.IsFolder ? x : null;
        if (f == null) throw new KeyNotFoundException("No file " + id);
        string next = f.ContentPath + ".v" + (f.Version + 1);
        File.Copy(f.ContentPath, next, overwrite: true);
        using (var s = new FileStream(next, FileMode.Open, FileAccess.ReadWrite))
        {
            if (truncateTo is long t) s.SetLength(Math.Clamp(t, 0, s.Length));
            if (append is int n && n > 0) { s.Seek(0, SeekOrigin.End); s.Write(new byte[n]); }
            if (truncateTo == null && append == null)
            {
                long at = Math.Clamp(flipAt ?? s.Length / 2, 0, Math.Max(0L, s.Length - 1));
                s.Position = at;
                int b = s.ReadByte();
                s.Position = at;
                s.WriteByte((byte)~b);
            }
        }
        lock (_gate)
        {
            f.ContentPath = next;
            f.Size = new FileInfo(next).Length;
            f.Md5 = Md5Of(next);
            f.Version++;
            f.ModifiedTime = State.Clock.UtcNow;
        }
        return f;
    }

    /// <summary>Deletes a file (a folder with its children). False when unknown.</summary>
    public bool Delete(string id)
    {
        lock (_gate)
        {
            if (!_files.Remove(id ?? "", out var f)) return false;
            if (f.IsFolder) foreach (var child in _files.Values.Where(c => c.ParentId == f.Id).Select(c => c.Id).ToList()) _files.Remove(child);
            return true;
        }
    }

    public void SetFlags(string id, bool? abusive, bool? trashed)
    {
        lock (_gate)
        {
            if (!_files.TryGetValue(id ?? "", out var f)) throw new KeyNotFoundException("No file " + id);
            if (abusive is bool a) f.Abusive = a;
            if (trashed is bool t) f.Trashed = t;
        }
    }

    // ------------------------------------------------------------ faults

    public void AddFaults(IEnumerable<DriveFaultRule> rules)
    {
        lock (_gate)
        {
            foreach (var r in rules)
            {
                if (!DriveFaultRule.Kinds.Contains(r.Kind, StringComparer.Ordinal)) throw new ArgumentException($"Unknown Drive fault kind '{r.Kind}'. Known: {string.Join(", ", DriveFaultRule.Kinds)}.");
                if (!DriveFaultRule.Targets.Contains(r.Target ?? "any", StringComparer.Ordinal)) throw new ArgumentException($"Unknown Drive fault target '{r.Target}'. Known: {string.Join(", ", DriveFaultRule.Targets)}.");
                r.Target ??= "any";
                r.Remaining = Math.Max(1, r.Count);
                r.ToSkip = Math.Max(0, r.Skip);
                _faults.Add(r);
            }
        }
    }

    public IReadOnlyList<DriveFaultRule> PendingFaults { get { lock (_gate) return _faults.ToList(); } }

    public void ClearFaults() { lock (_gate) _faults.Clear(); }

    internal DriveFaultRule TakeFault(string target, string fileId)
    {
        lock (_gate)
        {
            for (int i = 0; i < _faults.Count; i++)
            {
                var r = _faults[i];
                if (r.Target != "any" && r.Target != target) continue;
                if (r.FileId != null && r.FileId != fileId) continue;
                if (r.ToSkip > 0) { r.ToSkip--; continue; }
                if (--r.Remaining <= 0) _faults.RemoveAt(i);
                Counters.Fault(r.Kind);
                return r;
            }
            return null;
        }
    }

    // ------------------------------------------------------------ helpers

    internal static string NewId()
    {
        Span<byte> b = stackalloc byte[24];
        RandomNumberGenerator.Fill(b);
        return ("1" + TokenStore.Base64Url(b))[..33];
    }

    internal static string Md5Of(string path)
    {
        using var s = File.OpenRead(path);
        return Convert.ToHexString(MD5.HashData(s)).ToLowerInvariant();
    }
}

/// <summary>Drive request and byte counters (GET /__emulator/drive/counters).</summary>
public sealed class DriveCounters
{
    private long _bytes, _requests;
    public ConcurrentDictionary<string, long> Requests { get; } = new();
    public ConcurrentDictionary<string, long> MediaRequestsByFile { get; } = new();
    public ConcurrentDictionary<string, long> FaultsInjected { get; } = new();
    /// <summary>The first <see cref="MaxRangesLogged"/> alt=media requests as "fileId start-end" (what a byte target is missed by).</summary>
    public ConcurrentQueue<string> Ranges { get; } = new();
    public const int MaxRangesLogged = 10_000;
    /// <summary>Body bytes of alt=media answers actually written.</summary>
    public long MediaBytesServed => Interlocked.Read(ref _bytes);
    public long TotalRequests => Interlocked.Read(ref _requests);
    public long this[string name] => Requests.TryGetValue(name, out var n) ? n : 0;

    internal void Request(string name) { Interlocked.Increment(ref _requests); Requests.AddOrUpdate(name, 1, static (_, v) => v + 1); }
    internal void Media(string fileId) => MediaRequestsByFile.AddOrUpdate(fileId, 1, static (_, v) => v + 1);
    internal void Range(string fileId, long start, long end)
    {
        if (Ranges.Count < MaxRangesLogged) Ranges.Enqueue(fileId + " " + start.ToString(System.Globalization.CultureInfo.InvariantCulture) + "-" + end.ToString(System.Globalization.CultureInfo.InvariantCulture));
    }
    internal void Bytes(long n) => Interlocked.Add(ref _bytes, n);
    internal void Fault(string kind) => FaultsInjected.AddOrUpdate(kind, 1, static (_, v) => v + 1);

    public void Clear()
    {
        Requests.Clear(); MediaRequestsByFile.Clear(); FaultsInjected.Clear(); Ranges.Clear();
        Interlocked.Exchange(ref _bytes, 0); Interlocked.Exchange(ref _requests, 0);
    }
}
