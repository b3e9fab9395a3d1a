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
        }
    }
}
