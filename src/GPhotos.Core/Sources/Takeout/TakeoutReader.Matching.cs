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
