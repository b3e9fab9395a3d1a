using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using GPhotos.Model;

namespace GPhotos.Sources.Takeout
{
    public sealed partial class TakeoutReader
    {
        private sealed partial class Run
        {
            // ---------------------------------------------------------------------------------------------
            // Matching and merging

            private sealed class ItemGroup
            {
                // The copy itself when there is one (six in seven items), else an exact-size array: no array per item.
                private object _copies;

                public int Count => _copies == null ? 0 : _copies is MediaFile[] a ? a.Length : 1;

                /// <summary>The first copy: the one the group was made for (copies are only ever appended).</summary>
                public MediaFile First => _copies as MediaFile ?? ((MediaFile[])_copies)[0];

                public MediaFile CopyAt(int i) => _copies as MediaFile ?? ((MediaFile[])_copies)[i];

                /// <summary>All copies (an array made for a single copy: for the rarer questions over every copy).</summary>
                public MediaFile[] Copies => _copies as MediaFile[] ?? (_copies == null ? Array.Empty<MediaFile>() : new[] { (MediaFile)_copies });

                public void Add(params MediaFile[] more)
                {
                    if (_copies == null && more.Length == 1) { _copies = more[0]; return; }
                    var have = Copies;
                    var all = new MediaFile[have.Length + more.Length];
                    have.CopyTo(all, 0);
                    more.CopyTo(all, have.Length);
                    _copies = all;
                }
                public MediaFile Primary;
                public bool IdFromUrl;
                public bool NoSidecar;    // grouped by name, size and EXIF time (its first copy had no sidecar)
            }

            /// <summary>
            /// What makes two copies one item. A struct rather than a concatenated string: one was made per media
            /// file and all were alive at once with the whole index (about 200 B per item at the peak).
            /// </summary>
            private readonly struct GroupKey
            {
                public readonly byte Kind;     // 1 url id, 2 sidecar without id, 3 no sidecar, 0 MergeLooseCopies' name|size
                public readonly string Id;
                public readonly string Name;   // compared ignoring case (invariant lower case, as before)
                public readonly long Size;
                public readonly long Ticks;    // long.MinValue when there is no time

                public GroupKey(byte kind, string id, string name, long size, DateTime? time)
                {
                    Kind = kind; Id = id; Name = name; Size = size; Ticks = time?.Ticks ?? long.MinValue;
                }
            }

            private sealed class GroupKeyComparer : IEqualityComparer<GroupKey>
            {
                public static readonly GroupKeyComparer Instance = new GroupKeyComparer();

                public bool Equals(GroupKey a, GroupKey b)
                    => a.Kind == b.Kind && a.Size == b.Size && a.Ticks == b.Ticks
                       && string.Equals(a.Id, b.Id, StringComparison.Ordinal) && SameLower(a.Name, b.Name);

                public int GetHashCode(GroupKey k)
                {
                    unchecked
                    {
                        int h = k.Kind * 31 + k.Size.GetHashCode();
                        h = h * 31 + k.Ticks.GetHashCode();
                        h = h * 31 + (k.Id == null ? 0 : StringComparer.Ordinal.GetHashCode(k.Id));
                        return h * 31 + LowerHash(k.Name);
                    }
                }

                /// <summary>A 64-bit hash equal for keys <see cref="Equals(GroupKey, GroupKey)"/> calls equal (FNV-1a).</summary>
                public static ulong Hash64(GroupKey k)
                {
                    unchecked
                    {
                        ulong h = 14695981039346656037UL;
                        void Mix(ulong v) { for (int i = 0; i < 8; i++, v >>= 8) h = (h ^ (v & 0xFF)) * 1099511628211UL; }
                        Mix(k.Kind);
                        Mix((ulong)k.Size);
                        Mix((ulong)k.Ticks);
                        if (k.Id != null) { foreach (var c in k.Id) h = (h ^ c) * 1099511628211UL; Mix(0xFFFF); }
                        if (k.Name != null)
                        {
                            if (HasSurrogate(k.Name)) { foreach (var c in k.Name.ToLowerInvariant()) h = (h ^ c) * 1099511628211UL; }
                            else foreach (var c in k.Name) h = (h ^ char.ToLowerInvariant(c)) * 1099511628211UL;
                        }
                        return Hashed(h);
                    }
                }

                // The keys were TakeoutNames.Lower (NFC, then ToLowerInvariant) strings: the names here are NFC already,
                // and lowering char by char is the same except for surrogate pairs, which take the string way.
                private static bool SameLower(string a, string b)
                {
                    if (ReferenceEquals(a, b)) return true;
                    if (a == null || b == null || a.Length != b.Length) return false;
                    if (HasSurrogate(a) || HasSurrogate(b)) return string.Equals(a.ToLowerInvariant(), b.ToLowerInvariant(), StringComparison.Ordinal);
                    for (int i = 0; i < a.Length; i++)
                        if (a[i] != b[i] && char.ToLowerInvariant(a[i]) != char.ToLowerInvariant(b[i])) return false;
                    return true;
                }

                private static int LowerHash(string s)
                {
                    if (s == null) return 0;
                    if (HasSurrogate(s)) return StringComparer.Ordinal.GetHashCode(s.ToLowerInvariant());
                    unchecked
                    {
                        int h = (int)2166136261;
                        foreach (var c in s) h = (h ^ char.ToLowerInvariant(c)) * 16777619;
                        return h;
                    }
                }

                private static bool HasSurrogate(string s)
                {
                    foreach (var c in s) if (char.IsSurrogate(c)) return true;
                    return false;
                }
            }

            /// <summary>Media files from which the index is compacted before grouping (a blocking collection of about 0.1 s at 100k).</summary>
            internal const int CompactAtMediaFiles = 20000;

            private List<ItemGroup> MatchAll()
            {
                Report(TakeoutReadPhase.Matching);
                ClassifyEntries();
                FinishFolders();
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
                        Warn($"Sidecar '{s.EntryPath}' ({s.Archive.Path}) has no media file in any part; its metadata is not used.");
                    }
                }
                _stats.OrphanSidecars = orphans;

                // Sized once: a growing table leaves its outgrown arrays (large objects) behind until a full collection.
                // Keyed by the key's 64-bit hash, not the key: a key holds the name it was made of (a string per media
                // file) and is 64 B, and all were alive at the listing's peak. A hit is checked against the key of the
                // group's first copy, made again (groups with more than one copy are about one in seven).
                int mediaCount = _folders.Values.Sum(f => f.Media.Count);
                // The index is complete and the garbage of reading it (parsed JSON promoted by the young collections, the
                // folders' match tables) is dead: one compacting collection here, before the groups are made, took the
                // heap from about 95 to 80 MiB at the listing's peak (100k items), which no collection the runtime
                // chooses would do before the first item. Small exports do not need it.
                if (mediaCount >= CompactAtMediaFiles) GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
                var groups = new Dictionary<ulong, ItemGroup>(mediaCount);
                Dictionary<GroupKey, ItemGroup> collided = null; // keys whose hash another key has (rare)
                var order = new List<ItemGroup>(mediaCount);
                foreach (var f in _folders.Values.OrderBy(f => f.Key, StringComparer.Ordinal))
                {
                    foreach (var m in f.Media)
                    {
                        _ct.ThrowIfCancellationRequested(); // millions of entries: Ctrl+C must not wait for the whole pass
                        _bound.Tick();
                        if (m.IsCompanion) continue;
                        var ownerId = OwnerId(m);
                        var key = KeyOf(m, ownerId);
                        var hash = GroupKeyComparer.Hash64(key);
                        var g = FindGroup(groups, collided, key, hash);
                        // One item has one copy per folder, and only one outside albums (its year folder).
                        bool split = false;
                        if (g != null
                            && (g.Copies.Any(c => ReferenceEquals(c.Folder, f))
                                || (ownerId == null && f.Kind != FolderKind.Album && g.Copies.Any(c => c.Folder.Kind != FolderKind.Album))))
                        {
                            // Two files of one folder never are one item: keep both, apart. The kept-apart group is not
                            // in the table: its key (with this file's ordinal) is never looked up again.
                            split = true;
                            g = null;
                            if (ownerId != null) Warn($"'{m.Entry.EntryPath}' shares its sidecar id with another file of the same folder; both are kept.");
                        }
                        if (g == null)
                        {
                            // The id is not kept: it is the first copy's (OwnerId), made again at emission.
                            g = new ItemGroup { IdFromUrl = ownerId != null && !split, NoSidecar = key.Kind == 3 };
                            if (!split)
                            {
                                if (!groups.ContainsKey(hash)) groups[hash] = g;
                                else (collided ?? (collided = new Dictionary<GroupKey, ItemGroup>(GroupKeyComparer.Instance)))[key] = g;
                            }
                            order.Add(g);
                        }
                        g.Add(m);
                    }
                }
                groups = null; // the table is not needed past here
                collided = null;

                MergeLooseCopies(order);

                foreach (var g in order)
                {
                    var primary = g.First;
                    for (int i = 1; i < g.Count; i++)
                    {
                        var c = g.CopyAt(i);
                        // Outside albums first, then the first in the export (what OrderBy/ThenBy chose before).
                        int ca = c.Folder.Kind == FolderKind.Album ? 1 : 0, pa = primary.Folder.Kind == FolderKind.Album ? 1 : 0;
                        if (ca < pa || (ca == pa && c.Entry.Ordinal < primary.Entry.Ordinal)) primary = c;
                    }
                    g.Primary = primary;
                }
                order.TrimExcess();
                // Primaries are distinct entries with distinct ordinals: an in-place sort gives the order a stable one did.
                order.Sort((x, y) => x.Primary.Entry.Ordinal.CompareTo(y.Primary.Entry.Ordinal));
                return order;
            }

            /// <summary>
            /// What makes copies one item (see MatchAll): the url id, else whether there is a sidecar; the name (the
            /// sidecar's title, else the file's), the size and the capture time.
            /// </summary>
            private GroupKey KeyOf(MediaFile m, string ownerId)
                => ownerId != null ? new GroupKey(1, ownerId, FilenameFor(m), m.Entry.Size, m.Sidecar.Json.PhotoTakenTime)
                    : m.Sidecar != null ? new GroupKey(2, null, FilenameFor(m), m.Entry.Size, m.Sidecar.Json.PhotoTakenTime)
                    : new GroupKey(3, null, m.Name.FullNoIndex, m.Entry.Size, EnsureProbe(m.Entry)?.DateTaken);

            /// <summary>The group of <paramref name="key"/>: by its hash, then (another key with that hash) in <paramref name="collided"/>.</summary>
            private ItemGroup FindGroup(Dictionary<ulong, ItemGroup> groups, Dictionary<GroupKey, ItemGroup> collided, GroupKey key, ulong hash)
            {
                if (!groups.TryGetValue(hash, out var g)) return null;
                // The group's first copy made the key it is filed under (copies are only ever appended here).
                var first = g.First;
                if (GroupKeyComparer.Instance.Equals(KeyOf(first, OwnerId(first)), key)) return g;
                return collided != null && collided.TryGetValue(key, out var other) ? other : null;
            }

            /// <summary>
            /// A copy without sidecar found only in albums joins an item of the same name and size (the album folder
            /// lost its JSON, or the year folder numbered the name differently).
            /// </summary>
            private void MergeLooseCopies(List<ItemGroup> order)
            {
                // Only the names of such copies are looked up: the table holds those alone (usually none), not two
                // keys for every copy of the export.
                var wanted = new HashSet<GroupKey>(GroupKeyComparer.Instance);
                foreach (var g in order)
                    if (g.NoSidecar && g.Copies.All(c => c.Folder.Kind == FolderKind.Album))
                        wanted.Add(new GroupKey(0, null, g.First.Name.FullNoIndex, g.First.Entry.Size, null));
                if (wanted.Count == 0) return;
                var index = new Dictionary<GroupKey, ItemGroup>(GroupKeyComparer.Instance);
                var ambiguous = new HashSet<GroupKey>(GroupKeyComparer.Instance);
                void Index(GroupKey k, ItemGroup g)
                {
                    if (!wanted.Contains(k)) return;
                    if (index.TryGetValue(k, out var other) && !ReferenceEquals(other, g)) ambiguous.Add(k);
                    else index[k] = g;
                }
                foreach (var g in order)
                {
                    if (g.NoSidecar) continue;
                    foreach (var c in g.Copies)
                    {
                        Index(new GroupKey(0, null, c.Name.FullNoIndex, c.Entry.Size, null), g);
                        Index(new GroupKey(0, null, FilenameFor(c), c.Entry.Size, null), g);
                    }
                }
                for (int i = order.Count - 1; i >= 0; i--)
                {
                    var g = order[i];
                    if (!g.NoSidecar || g.Copies.Any(c => c.Folder.Kind != FolderKind.Album)) continue;
                    var k = new GroupKey(0, null, g.First.Name.FullNoIndex, g.First.Entry.Size, null);
                    if (ambiguous.Contains(k) || !index.TryGetValue(k, out var target)) continue;
                    if (g.Copies.Any(c => target.Copies.Any(t => ReferenceEquals(t.Folder, c.Folder)))) continue;
                    // EXIF time has no zone: only a difference beyond any zone offset tells two photos apart.
                    var targetTime = target.Copies.Select(c => c.Sidecar?.Json.PhotoTakenTime).FirstOrDefault(t => t != null);
                    var copyTime = g.First.Entry.Probe?.DateTaken;
                    if (targetTime != null && copyTime != null && Math.Abs((targetTime.Value - copyTime.Value).TotalHours) > 14.1) continue;
                    target.Add(g.Copies);
                    order.RemoveAt(i);
                }
            }

            /// <summary>The head of a media entry (read once; tar entries were probed during their pass). Null when headers are off or unreadable.</summary>
            private MediaProbeResult EnsureProbe(IndexedEntry e)
            {
                if (e.Probe != null || !_o.ReadMediaHeaders || e.ProbeError != null) return e.Probe;
                if (e.Archive.Kind == TakeoutInputKind.Tar || e.Archive.Kind == TakeoutInputKind.TarGz) return null;
                try
                {
                    e.Probe = TakeoutEntryCache.GetProbe(e); // read from an earlier export of this Drive library
                    if (e.Probe != null) return e.Probe;
                    using (var s = TakeoutArchives.OpenEntryForIndex(e, MediaProbe.MaxBytes)) e.Probe = MediaProbe.Probe(s);
                    TakeoutEntryCache.PutProbe(e, e.Probe);
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
                var title = m.Sidecar?.Title;
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

            /// <summary>
            /// The ids given so far, by a 128-bit hash of each (two independent 64-bit FNV-1a hashes of its characters):
            /// a set of the id strings grew with every emitted item (the url ids are made as strings only at emission
            /// now) and its resized arrays stayed on the large-object heap, so the listing's working set rose by about
            /// 13 MiB per 100k items after its first item. Sized once. Two distinct ids with one 128-bit hash (odds about
            /// 1 in 10^28 at 500k items) would get the "already used" warning and a derived id: never two items one id.
            /// </summary>
            private sealed class UsedIds
            {
                private readonly Dictionary<(ulong, ulong), bool> _seen;

                public UsedIds(int capacity) { _seen = new Dictionary<(ulong, ulong), bool>(capacity); }

                public bool Add(string id)
                {
                    ulong a = 14695981039346656037UL, b = 0x9E3779B97F4A7C15UL ^ (ulong)id.Length;
                    unchecked
                    {
                        foreach (var c in id)
                        {
                            a = (a ^ c) * 1099511628211UL;
                            b = (b ^ c) * 0x100000001B3UL * 0x5851F42D4C957F2DUL + 0x14057B7EF767814FUL;
                        }
                    }
                    var key = (a, b);
                    if (_seen.ContainsKey(key)) return false;
                    _seen[key] = true;
                    return true;
                }
            }

            private MediaItem Build(ItemGroup g, UsedIds ids)
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

                // The url id of the copy the group was made for (its first: copies are only ever appended), else a fallback.
                var id = g.IdFromUrl ? OwnerId(g.First) : FallbackId(StableRelativePath(p));
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
                    Takeout = new TakeoutInfo
                    {
                        Archive = p.Entry.Archive.Path,
                        Entry = p.Entry.Address,
                        Size = p.Entry.Size,
                        Crc32 = p.Entry.Crc,
                        MotionVideoEntry = companion?.Entry.Address,
                        MotionVideoArchive = companion?.Entry.Archive.Path,
                        DriveFileId = TakeoutPartSources.DriveFileId(p.Entry.Archive.Path),
                    },
                    MediaMetadata = new MediaMetadata
                    {
                        CreationTime = created,
                        Width = probe?.Width,
                        Height = probe?.Height,
                        // An item of unknown type whose head named a camera keeps it (the flat CameraMake reads it here).
                        Photo = type == MediaType.Photo || (type == MediaType.Unspecified && (probe?.CameraMake != null || probe?.CameraModel != null)) ? new PhotoMetadata { CameraMake = probe?.CameraMake, CameraModel = probe?.CameraModel } : null,
                        Video = type == MediaType.Video ? new VideoMetadata { CameraMake = probe?.CameraMake, CameraModel = probe?.CameraModel, Status = VideoProcessingStatus.Ready } : null,
                    },
                };

                _stats.Items++;
                _stats.DuplicatesMerged += g.Count - 1;
                if (p.Sidecar == null) _stats.WithoutSidecar++;
                if (p.Borrow == BorrowKind.Edited) _stats.EditedCopies++;
                if (companion != null) _stats.MotionCompanions++;
                return item;
            }
        }
    }
}
