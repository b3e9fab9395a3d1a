using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;

namespace GPhotos.Sources.Takeout
{
    public sealed partial class TakeoutReader
    {
        private sealed partial class Run
        {
            // ---------------------------------------------------------------------------------------------
            // Layout: where the Photos folder is in each input, which folders are years and albums

            /// <summary>
            /// One pass over every entry: its path below the Photos root (the first copy of a path found in two inputs
            /// wins), then its folder and what it is (media, sidecar, album metadata, junk). Sidecars are parsed here.
            /// </summary>
            /// <remarks>
            /// Nothing per entry is kept but the objects the matching needs: the relative path is cut into its folder
            /// (one shared object per folder) and its file name; paths seen are remembered by a 64-bit hash (a full
            /// path per entry was the largest single cost at 100k items), with the path itself compared on a hit.
            /// </remarks>
            private void ClassifyEntries()
            {
                // What a path seen is: the input's number (high 32 bits) and its slot there (zip slot or list index).
                // Sized once: see MatchAll.
                var seen = new Dictionary<ulong, long>(_archives.Sum(a => a.SlotCount));
                Dictionary<string, long> collided = null; // paths whose hash another path already has (rare)
                var rootsOf = new List<string>[_archives.Count];
                int dupReported = 0;
                foreach (var a in _archives)
                {
                    int count = a.SlotCount;
                    if (count == 0) continue;
                    var roots = FindPhotosRoots(a);
                    rootsOf[a.Order] = roots;
                    for (int slot = 0; slot < count; slot++)
                    {
                        if ((slot & 255) == 0) _ct.ThrowIfCancellationRequested(); // millions of entries: Ctrl+C must not wait for the whole pass
                        _bound.Tick();
                        if (!a.IsFile(slot)) continue;
                        var entryPath = a.PathAt(slot);
                        var rel = RelativeOf(a, entryPath, roots);
                        if (rel == null) continue;
                        long at = ((long)a.Order << 32) | (uint)slot, first = -1;
                        var h = PathHash(rel);
                        if (seen.TryGetValue(h, out var sameHash))
                        {
                            var other = _archives[(int)(sameHash >> 32)];
                            if (string.Equals(RelativeOf(other, other.PathAt((int)sameHash), rootsOf[other.Order]), rel, StringComparison.OrdinalIgnoreCase)) first = sameHash;
                            else if (collided != null && collided.TryGetValue(rel, out var again)) first = again;
                            else (collided ?? (collided = new Dictionary<string, long>(StringComparer.OrdinalIgnoreCase)))[rel] = at;
                        }
                        else seen[h] = at;
                        var firstArchive = first < 0 ? null : _archives[(int)(first >> 32)];
                        if (firstArchive != null && !ReferenceEquals(firstArchive, a))
                        {
                            _stats.DuplicateEntries++;
                            if (dupReported++ < 20 && !TakeoutNames.IsAlbumMetadataName(entryPath.Substring(entryPath.LastIndexOf('/') + 1)))
                                Warn($"'{entryPath}' is in both '{firstArchive.Path}' and '{a.Path}'; the first is used. Are two exports mixed?");
                            continue;
                        }
                        _stats.Entries++;
                        Classify(a, a.EntryAt(slot), entryPath, rel);
                    }
                }
                // The entries live on in the folders' lists (those that matter); the inputs' own lists are not read again.
                foreach (var a in _archives)
                {
                    a.Entries.Clear();
                    a.Entries.TrimExcess();
                }
                if (_stats.DuplicateEntries > 20) Warn($"{_stats.DuplicateEntries} paths were found in more than one input in total; the first copy of each is used.");
            }

            /// <summary>NFC path below the Photos root (the longest root the path is under), null when outside every root.</summary>
            private static string RelativeOf(IndexedArchive a, string entryPath, List<string> roots)
            {
                string best = null;
                foreach (var r in roots)
                {
                    if (r.Length == 0 ? best == null : entryPath.Length > r.Length && entryPath[r.Length] == '/' && entryPath.StartsWith(r, StringComparison.Ordinal) && (best == null || r.Length > best.Length))
                        best = r;
                }
                if (best == null) return null;
                var rel = TakeoutNames.Nfc(best.Length == 0 ? entryPath : entryPath.Substring(best.Length + 1));
                if (a.VirtualFolder != null) rel = TakeoutNames.Nfc(a.VirtualFolder) + "/" + rel;
                return rel.Length == 0 ? null : rel;
            }

            /// <summary>FNV-1a over the upper-cased characters: equal for paths equal ignoring case (ordinal).</summary>
            private static ulong PathHash(string s)
            {
                ulong h = 14695981039346656037UL;
                foreach (var c in s)
                {
                    h = (h ^ char.ToUpperInvariant(c)) * 1099511628211UL;
                }
                return Hashed(h);
            }

            /// <summary>The "Google Photos" folder(s) of an input, by localized name, else by the year folders below it.</summary>
            private List<string> FindPhotosRoots(IndexedArchive a)
            {
                var byName = new HashSet<string>(StringComparer.Ordinal);
                var byYear = new HashSet<string>(StringComparer.Ordinal);
                // Classify each distinct directory once (an export has tens of folders and up to millions of files).
                var dirs = new HashSet<string>(StringComparer.Ordinal);
                foreach (var p in PathsOf(a))
                {
                    var slash = p.LastIndexOf('/');
                    if (slash > 0) dirs.Add(p.Substring(0, slash));
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
                var products = PathsOf(a).Select(p => p.Split('/'))
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
                    if (PathsOf(a).Any(p => p.IndexOf('/') < 0))
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

            /// <summary>The paths of an input's files (a zip's directory slots skipped), made one at a time.</summary>
            private static IEnumerable<string> PathsOf(IndexedArchive a)
            {
                for (int slot = 0, n = a.SlotCount; slot < n; slot++)
                    if (a.IsFile(slot)) yield return a.PathAt(slot);
            }

            private TakeoutFolder FolderFor(string key)
            {
                if (_folders.TryGetValue(key, out var f)) return f;
                var name = key.Substring(key.LastIndexOf('/') + 1);
                f = new TakeoutFolder { Key = key, Name = name };
                _folders[key] = f;
                return f;
            }

            private void Classify(IndexedArchive a, IndexedEntry e, string entryPath, string rel)
            {
                var slash = rel.LastIndexOf('/');
                var fileName = rel.Substring(slash + 1);
                var folderKey = slash < 0 ? string.Empty : rel.Substring(0, slash);
                if (TakeoutNames.IsJunkFile(fileName)) return;
                if (TakeoutNames.IsJson(fileName))
                {
                    if (folderKey.Length == 0) return; // print-subscriptions.json, shared_album_comments.json, ...
                    if (a.Kind != TakeoutInputKind.Tar && a.Kind != TakeoutInputKind.TarGz) TakeoutArchives.ReadJson(e);
                    var folder = FolderFor(folderKey);
                    if (e.Json == null)
                    {
                        Warn($"'{entryPath}' in '{a.Path}' is not readable JSON ({e.JsonError ?? "not read"}); ignored.");
                        return;
                    }
                    if (e.Json.IsAlbumMetadata) { folder.AlbumMetadata.Add(e); return; }
                    folder.Sidecars.Add(SidecarFile.Create(e, e.Json));
                    e.ReleaseExtra(); // the SidecarFile holds the parsed JSON now
                    return;
                }
                var f = FolderFor(folderKey);
                var m = new MediaFile(e) { Name = ParsedMediaName.Parse(fileName), Folder = f };
                m.DropStoredName();
                f.Media.Add(m);
            }

            private void FinishFolders()
            {
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
        }
    }
}
