using System.Globalization;

namespace GPhotos.Emulator;

/// <summary>An immutable view of the library. Swapped atomically on every change, so readers never lock.</summary>
public sealed class LibrarySnapshot
{
    internal LibrarySnapshot(int generation, MediaItemRecord[] items, AlbumRecord[] albums)
    {
        Generation = generation;
        Items = items;
        Albums = albums;
        var byId = new Dictionary<string, MediaItemRecord>(items.Length, StringComparer.Ordinal);
        foreach (var it in items) byId[it.Id] = it;
        ById = byId;
        AlbumsById = albums.ToDictionary(a => a.Id, StringComparer.Ordinal);
        // Library order: newest first (by the creationTime Google reports), ties by insertion order.
        var order = new int[items.Length];
        for (int i = 0; i < order.Length; i++) order[i] = i;
        var keys = items.Select(i => -i.CreationTime.UtcTicks).ToArray();
        Array.Sort(keys, order);
        // Array.Sort is not stable: restore insertion order among equal times.
        StabilizeTies(keys, order);
        Ordered = order.Select(i => items[i]).ToArray();
        AppCreatedOrdered = Ordered.Where(i => i.AppCreated).ToArray();
    }

    private static void StabilizeTies(long[] keys, int[] order)
    {
        int start = 0;
        for (int i = 1; i <= keys.Length; i++)
        {
            if (i == keys.Length || keys[i] != keys[start])
            {
                if (i - start > 1) Array.Sort(order, start, i - start);
                start = i;
            }
        }
    }

    /// <summary>Changes whenever the library is regenerated (reset): base URLs and page tokens of older generations die.</summary>
    public int Generation { get; }
    /// <summary>All items by <see cref="MediaItemRecord.Index"/>.</summary>
    public IReadOnlyList<MediaItemRecord> Items { get; }
    public IReadOnlyList<AlbumRecord> Albums { get; }
    public IReadOnlyDictionary<string, MediaItemRecord> ById { get; }
    public IReadOnlyDictionary<string, AlbumRecord> AlbumsById { get; }
    /// <summary>All items in library order (newest first).</summary>
    public IReadOnlyList<MediaItemRecord> Ordered { get; }
    /// <summary>What the Library API can see, in library order.</summary>
    public IReadOnlyList<MediaItemRecord> AppCreatedOrdered { get; }

    public MediaItemRecord Get(string id) => id != null && ById.TryGetValue(id, out var r) ? r : null;
}

/// <summary>The emulated library: generated from <see cref="EmulatorOptions"/>, extendable by tests.</summary>
public sealed class EmulatorLibrary
{
    private readonly object _gate = new();
    private volatile LibrarySnapshot _snapshot = new(0, Array.Empty<MediaItemRecord>(), Array.Empty<AlbumRecord>());
    private int _seed = 1;
    private int _customCounter;
    private EmulatorOptions _options = new();

    public LibrarySnapshot Snapshot => _snapshot;
    public IReadOnlyList<MediaItemRecord> Items => _snapshot.Items;
    public IReadOnlyList<AlbumRecord> Albums => _snapshot.Albums;
    public MediaItemRecord Get(string id) => _snapshot.Get(id);

    internal int Seed => _seed;

    /// <summary>Replaces the library with a freshly generated one (new generation).</summary>
    public void Regenerate(EmulatorOptions options)
    {
        lock (_gate)
        {
            _options = options.Clone();
            _seed = options.Seed;
            _customCounter = 0;
            var (items, albums) = LibraryGenerator.Generate(options);
            for (int i = 0; i < items.Count; i++) items[i].Index = i;
            _snapshot = new LibrarySnapshot(_snapshot.Generation + 1, items.ToArray(), albums.ToArray());
        }
    }

    /// <summary>Adds items (same generation: existing base URLs stay valid). Returns them with their ids.</summary>
    public IReadOnlyList<MediaItemRecord> AddItems(IEnumerable<MediaItemSpec> specs)
    {
        lock (_gate)
        {
            var snap = _snapshot;
            var items = snap.Items.ToList();
            var albums = snap.Albums.ToDictionary(a => a.Id, StringComparer.Ordinal);
            var albumOrder = snap.Albums.Select(a => a.Id).ToList();
            var ids = new HashSet<string>(snap.ById.Keys, StringComparer.Ordinal);
            var created = new List<MediaItemRecord>();
            foreach (var spec in specs)
            {
                foreach (var aid in spec.AlbumIds ?? Array.Empty<string>())
                    if (!albums.ContainsKey(aid)) throw new ArgumentException($"Unknown album id '{aid}'.");
                int n = ++_customCounter;
                var rec = LibraryGenerator.FromSpec(spec, _seed, n, _options);
                if (!ids.Add(rec.Id)) throw new ArgumentException($"Duplicate item id '{rec.Id}'.");
                rec.Index = items.Count;
                items.Add(rec);
                created.Add(rec);
                foreach (var aid in spec.AlbumIds ?? Array.Empty<string>())
                {
                    var a = albums[aid];
                    albums[aid] = new AlbumRecord { Id = a.Id, Title = a.Title, AppCreated = a.AppCreated, ItemIds = a.ItemIds.Append(rec.Id).ToArray(), CoverItemId = a.CoverItemId ?? rec.Id };
                }
            }
            _snapshot = new LibrarySnapshot(snap.Generation, items.ToArray(), albumOrder.Select(id => albums[id]).ToArray());
            return created;
        }
    }

    /// <summary>Adds an album holding existing items.</summary>
    public AlbumRecord AddAlbum(string title, IEnumerable<string> mediaItemIds = null, bool appCreated = true, string id = null)
    {
        lock (_gate)
        {
            var snap = _snapshot;
            var itemIds = (mediaItemIds ?? Array.Empty<string>()).ToArray();
            foreach (var iid in itemIds)
                if (snap.Get(iid) == null) throw new ArgumentException($"Unknown media item id '{iid}'.");
            int n = ++_customCounter;
            var album = new AlbumRecord
            {
                Id = id ?? Hashing.MakeId("AF1Qip", _seed, "custom-album|" + n.ToString(CultureInfo.InvariantCulture)),
                Title = title ?? "",
                AppCreated = appCreated,
                ItemIds = itemIds,
                CoverItemId = itemIds.FirstOrDefault(),
            };
            if (snap.AlbumsById.ContainsKey(album.Id)) throw new ArgumentException($"Duplicate album id '{album.Id}'.");
            _snapshot = new LibrarySnapshot(snap.Generation, snap.Items.ToArray(), snap.Albums.Append(album).ToArray());
            return album;
        }
    }
}
