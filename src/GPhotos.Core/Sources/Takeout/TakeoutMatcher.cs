using System;
using System.Collections.Generic;
using System.Linq;

namespace GPhotos.Sources.Takeout
{
    internal enum FolderKind
    {
        Root,     // files directly in the Photos folder
        Year,     // "Photos from 2021", "Fotos von 2021", "2015-06-20"
        Special,  // "Archive", "Failed Videos", ...: no album
        Trash,    // "Trash", "Papierkorb", ...: no album, items trashed
        Album,
    }

    internal enum BorrowKind : byte
    {
        Own,        // the media's own sidecar (or none)
        Edited,     // an edited copy using its original's sidecar
        Duplicate,  // "X(1).jpg" using the (cut) sidecar of "X.jpg" that Takeout forgot to number
    }

    /// <summary>A folder below the Photos root, merged over all parts of the export.</summary>
    internal sealed class TakeoutFolder
    {
        public string Key;        // NFC relative path
        public string Name;       // last segment
        public FolderKind Kind;
        public int Year;
        public string AlbumTitle;
        public readonly List<MediaFile> Media = new List<MediaFile>();
        public readonly List<SidecarFile> Sidecars = new List<SidecarFile>();
        public readonly List<IndexedEntry> AlbumMetadata = new List<IndexedEntry>();
    }

    /// <summary>
    /// Pairs media files with their sidecar JSON inside one (merged) folder, in passes from the most certain
    /// rule to the loosest, so a loose rule never steals a sidecar an exact rule would give to another file.
    /// </summary>
    internal static class TakeoutMatcher
    {
        private static readonly HashSet<string> MotionVideoExtensions = new HashSet<string>(StringComparer.OrdinalIgnoreCase) { ".mp", ".mov", ".mp4", ".m4v" };
        private static readonly HashSet<string> MotionPhotoExtensions = new HashSet<string>(StringComparer.OrdinalIgnoreCase) { ".jpg", ".jpeg", ".heic", ".heif", ".dng" };

        // The lookups below are keyed by (name or a prefix of it, "(n)" index), ignoring case, without a string made per
        // key, and a key with one value holds it without a List: a year folder holds tens of thousands of files, and
        // every folder's tables were alive at once with the whole index (about 80 MB at 100k items).
        private static NameKey Key(string name, int index) => new NameKey(name, name.Length, index);

        public static void Match(TakeoutFolder folder)
        {
            foreach (var s in folder.Sidecars) s.Pin();
            // Media whose name was pinned here (zip entries) forget it again after: the others keep theirs.
            var pinned = new List<MediaFile>();
            foreach (var m in folder.Media) if (m.Pin()) pinned.Add(m);
            try { MatchPinned(folder); }
            finally
            {
                foreach (var s in folder.Sidecars) s.Unpin();
                foreach (var m in pinned) m.Unpin();
            }
        }

        private static void MatchPinned(TakeoutFolder folder)
        {
            var media = folder.Media;
            var sidecarsByName = new Dictionary<NameKey, object>(folder.Sidecars.Count * 2, NameKeyComparer.Instance);
            foreach (var s in folder.Sidecars)
            {
                AddTo(sidecarsByName, Key(s.RawStem, s.Index), s);
                // Stem is RawStem or a strict prefix of it: a shorter one is another name.
                if (s.StemLength != s.RawStem.Length) AddTo(sidecarsByName, new NameKey(s.RawStem, s.StemLength, s.Index), s);
            }

            SidecarFile Find(string name, int index, bool includeTaken)
            {
                if (!sidecarsByName.TryGetValue(Key(name, index), out var found)) return null;
                for (int i = 0; i < CountOf(found); i++) { var s = At<SidecarFile>(found, i); if (!s.Consumed) return s; }
                return includeTaken ? At<SidecarFile>(found, 0) : null;
            }

            void Own(MediaFile m, SidecarFile s, string rule)
            {
                m.Sidecar = s;
                m.Borrow = BorrowKind.Own;
                m.MatchRule = rule;
                s.Consumed = true;
            }

            // Pass A: the sidecar names the file exactly, with or without (a cut) ".supplemental-metadata":
            // IMG.JPG.json, IMG.JPG.supplemental-metadata.json, IMG.JPG.s.json, IMG.JPG..json, IMG.JPG(1).json for IMG(1).JPG.
            foreach (var m in media)
            {
                var s = (m.Name.Index > 0 ? Find(m.Name.FullNoIndex, m.Name.Index, false) : null) ?? Find(m.Name.Name, 0, false);
                if (s != null) Own(m, s, "exact");
            }

            // Pass B: the sidecar dropped the media extension: IMG.json for IMG.JPG, IMG(1).json for IMG(1).JPG.
            foreach (var m in media)
            {
                if (m.Sidecar != null || m.Name.Ext.Length == 0) continue;
                var s = (m.Name.Index > 0 ? Find(m.Name.CoreBase, m.Name.Index, false) : null) ?? Find(m.Name.Base, 0, false);
                if (s != null) Own(m, s, "no-extension");
            }

            // Pass C: the sidecar name was cut at 46 characters (and the media name perhaps at 47): prefix match.
            MatchTruncated(folder);

            // Pass D: the sidecar's title is the media name.
            var byName = new Dictionary<NameKey, object>(NameKeyComparer.Instance);
            foreach (var m in media)
            {
                if (m.Sidecar != null) continue;
                AddTo(byName, Key(m.Name.FullNoIndex, m.Name.Index), m);
                if (m.Name.Index > 0) AddTo(byName, Key(m.Name.Name, 0), m);
            }
            foreach (var s in folder.Sidecars)
            {
                if (s.Consumed || string.IsNullOrEmpty(s.Title)) continue;
                foreach (var title in TitleForms(s.Title))
                {
                    if (!byName.TryGetValue(Key(title, s.Index), out var list)) continue;
                    MediaFile m = null;
                    for (int i = 0; i < CountOf(list) && m == null; i++) if (At<MediaFile>(list, i).Sidecar == null) m = At<MediaFile>(list, i);
                    if (m != null) { Own(m, s, "title"); break; }
                }
            }

            // Pass F: motion/live photo videos without a sidecar of their own belong to the photo of the same stem.
            // Built only when a video without sidecar is there to pair (most folders have none).
            Dictionary<NameKey, MediaFile> photosByStem = null;
            foreach (var v in media)
            {
                if (v.Sidecar != null || !MotionVideoExtensions.Contains(v.Name.Ext)) continue;
                if (photosByStem == null)
                {
                    photosByStem = new Dictionary<NameKey, MediaFile>(NameKeyComparer.Instance);
                    foreach (var m in media)
                    {
                        if (!MotionPhotoExtensions.Contains(m.Name.Ext)) continue;
                        foreach (var stem in PhotoStems(m.Name.Name, m.Name.BaseLength))
                            if (!photosByStem.ContainsKey(stem)) photosByStem[stem] = m;
                    }
                }
                if (photosByStem.TryGetValue(new NameKey(v.Name.Name, v.Name.BaseLength, 0), out var photo) && photo.Companion == null && !ReferenceEquals(photo, v))
                {
                    photo.Companion = v;
                    v.IsCompanion = true;
                }
            }

            // Pass G: a numbered duplicate whose (cut) sidecar Takeout did not number: share it.
            foreach (var m in media)
            {
                if (m.Sidecar != null || m.IsCompanion || m.Name.Index == 0) continue;
                if (TakeoutNames.TryStripEdited(m.Name.CoreBase, out _, out _)) continue;
                var full = m.Name.FullNoIndex;
                SidecarFile best = null;
                foreach (var s in folder.Sidecars)
                {
                    if (s.Index != 0 || !s.Truncated) continue;
                    if (full.Length > s.Stem.Length && full.StartsWith(s.Stem, StringComparison.OrdinalIgnoreCase)
                        && (best == null || s.Stem.Length > best.Stem.Length)) best = s;
                }
                if (best != null)
                {
                    m.Sidecar = best;
                    m.Borrow = BorrowKind.Duplicate;
                    m.MatchRule = "numbered-duplicate";
                    best.Borrowed = true;
                }
            }

            // Pass E: edited copies share their original's sidecar ("IMG-edited.jpg" → "IMG.HEIC" or "IMG.jpg").
            // Built only when an edited copy is there to pair.
            Dictionary<NameKey, object> byCore = null;
            foreach (var m in media)
            {
                if (m.Sidecar != null || m.IsCompanion) continue;
                var b = TakeoutNames.SplitIndex(m.Name.Base, out var k1);
                if (!TakeoutNames.TryStripEdited(b, out var orig, out var suffix, out var cut)) continue;
                var origCore = TakeoutNames.SplitIndex(orig, out var k2);
                var k = k1 != 0 ? k1 : k2;
                m.Borrow = BorrowKind.Edited;
                m.EditedSuffix = suffix;
                MediaFile original = null;
                if (byCore == null)
                {
                    byCore = new Dictionary<NameKey, object>(media.Count, NameKeyComparer.Instance);
                    foreach (var o in media) AddTo(byCore, new NameKey(o.Name.Name, o.Name.CoreLength, o.Name.Index), o);
                }
                if (byCore.TryGetValue(Key(origCore, k), out var found))
                {
                    var originals = Enumerable.Range(0, CountOf(found)).Select(i => At<MediaFile>(found, i)).ToList();
                    // Same extension first, then any (an edited HEIC is saved as JPG).
                    original = originals.FirstOrDefault(o => !ReferenceEquals(o, m) && !o.IsCompanion && string.Equals(o.Name.Ext, m.Name.Ext, StringComparison.OrdinalIgnoreCase))
                            ?? originals.FirstOrDefault(o => !ReferenceEquals(o, m) && !o.IsCompanion && o.Borrow != BorrowKind.Edited);
                }
                if (original == null && cut)
                {
                    // "<47 chars cut>-edi.jpg": the original's own name was cut at 47 characters, so it is longer than
                    // what stands before the cut suffix; it starts with it.
                    original = media.FirstOrDefault(o => !ReferenceEquals(o, m) && !o.IsCompanion && o.Borrow != BorrowKind.Edited && o.Name.Index == k
                        && o.Name.CoreBase.Length > origCore.Length && o.Name.CoreBase.StartsWith(origCore, StringComparison.OrdinalIgnoreCase)
                        && !TakeoutNames.TryStripEdited(o.Name.CoreBase, out _, out _));
                }
                var s = original?.Sidecar
                     ?? Find(origCore + m.Name.Ext, k, true)
                     ?? Find(origCore, k, true);
                if (s != null)
                {
                    m.Sidecar = s;
                    m.MatchRule = "edited";
                    s.Borrowed = true;
                }
            }
        }

        private static void MatchTruncated(TakeoutFolder folder)
        {
            var candidates = folder.Sidecars.Where(s => !s.Consumed && s.Truncated).ToList();
            if (candidates.Count == 0) return;
            var unmatched = folder.Media.Where(m => m.Sidecar == null).ToList();
            if (unmatched.Count == 0) return;

            // Two sorted views for binary-searched prefix lookups (year folders hold thousands of files).
            var byFull = unmatched.OrderBy(m => m.Name.FullNoIndex, StringComparer.OrdinalIgnoreCase).ToArray();
            var byFullKeys = byFull.Select(m => m.Name.FullNoIndex).ToArray();
            var byRaw = unmatched.OrderBy(m => m.Name.Name, StringComparer.OrdinalIgnoreCase).ToArray();
            var byRawKeys = byRaw.Select(m => m.Name.Name).ToArray();

            foreach (var s in candidates)
            {
                // Same "(n)" first; a media whose own title carries "(n)" only when nothing else fits.
                var found = new List<MediaFile>();
                var keys = new[] { s.Stem, s.RawStem }.Where(k => k.Length > 0).Distinct(StringComparer.OrdinalIgnoreCase).ToArray();
                foreach (var key in keys)
                    CollectPrefixed(byFull, byFullKeys, key, m => m.Sidecar == null && m.Name.Index == s.Index, found);
                if (found.Count == 0 && s.Index == 0)
                    foreach (var key in keys)
                        CollectPrefixed(byRaw, byRawKeys, key, m => m.Sidecar == null && m.Name.Index != 0, found);
                found = found.Distinct().ToList();
                if (found.Count == 0) continue;
                var pick = found.Count == 1 ? found[0] : Disambiguate(found, s);
                if (pick == null) continue;
                pick.Sidecar = s;
                pick.Borrow = BorrowKind.Own;
                pick.MatchRule = "truncated";
                s.Consumed = true;
            }
        }

        private static MediaFile Disambiguate(List<MediaFile> found, SidecarFile s)
        {
            var title = s.Title;
            if (string.IsNullOrEmpty(title)) return null;
            title = TakeoutNames.Nfc(title);
            var exact = found.Where(m => string.Equals(m.Name.FullNoIndex, title, StringComparison.OrdinalIgnoreCase)).ToList();
            if (exact.Count == 1) return exact[0];
            // The media name itself may be cut (base at 47): the title starts with the media base and ends with its extension.
            var cut = found.Where(m => title.StartsWith(m.Name.CoreBase, StringComparison.OrdinalIgnoreCase)
                                    && title.EndsWith(m.Name.Ext, StringComparison.OrdinalIgnoreCase)).ToList();
            if (cut.Count == 1) return cut[0];
            // Prefer edited-free names: edited copies are matched later to their original.
            var plain = (cut.Count > 0 ? cut : found).Where(m => !TakeoutNames.TryStripEdited(m.Name.CoreBase, out _, out _)).ToList();
            return plain.Count == 1 ? plain[0] : null;
        }

        private static void CollectPrefixed(MediaFile[] sorted, string[] keys, string prefix, Func<MediaFile, bool> ok, List<MediaFile> into)
        {
            int lo = 0, hi = keys.Length;
            while (lo < hi)
            {
                int mid = (lo + hi) / 2;
                if (string.Compare(keys[mid], prefix, StringComparison.OrdinalIgnoreCase) < 0) lo = mid + 1; else hi = mid;
            }
            for (int i = lo; i < keys.Length && keys[i].StartsWith(prefix, StringComparison.OrdinalIgnoreCase); i++)
                if (keys[i].Length > prefix.Length && ok(sorted[i])) into.Add(sorted[i]);
        }

        /// <summary>The title as written and as Google writes it into a file name (no path separators or reserved characters).</summary>
        private static IEnumerable<string> TitleForms(string title)
        {
            var t = TakeoutNames.Nfc(title);
            yield return t;
            var chars = t.ToCharArray();
            bool changed = false;
            for (int i = 0; i < chars.Length; i++)
            {
                if ("/\\:*?\"<>|".IndexOf(chars[i]) >= 0 || chars[i] < 32) { chars[i] = '_'; changed = true; }
            }
            if (changed) yield return new string(chars);
        }

        /// <summary>"PXL_1.MP" (of "PXL_1.MP.jpg") matches the video "PXL_1.MP"; "PXL_1" matches "PXL_1.mp4". Keys over the photo's name.</summary>
        private static IEnumerable<NameKey> PhotoStems(string name, int baseLength)
        {
            yield return new NameKey(name, baseLength, 0);
            foreach (var tag in new[] { ".MP", ".MV", ".MOTION" })
                if (baseLength >= tag.Length && string.Compare(name, baseLength - tag.Length, tag, 0, tag.Length, StringComparison.OrdinalIgnoreCase) == 0)
                    yield return new NameKey(name, baseLength - tag.Length, 0);
        }

        /// <summary>One value as itself, more in a List (most keys have one).</summary>
        private static void AddTo<T>(Dictionary<NameKey, object> d, NameKey key, T value) where T : class
        {
            if (!d.TryGetValue(key, out var have)) d[key] = value;
            else if (have is List<T> list) list.Add(value);
            else d[key] = new List<T> { (T)have, value };
        }

        private static int CountOf(object values) => values is System.Collections.ICollection c ? c.Count : 1;

        private static T At<T>(object values, int i) where T : class => values as T ?? ((List<T>)values)[i];
    }

    /// <summary>A name, or its first <see cref="Length"/> characters, with a "(n)" index: a lookup key without a string made for it.</summary>
    internal readonly struct NameKey
    {
        public readonly string Text;
        public readonly int Length;
        public readonly int Index;

        public NameKey(string text, int length, int index)
        {
            Text = text;
            Length = length;
            Index = index;
        }
    }

    /// <summary>Compares <see cref="NameKey"/>s as <see cref="StringComparer.OrdinalIgnoreCase"/> compares the names they stand for.</summary>
    internal sealed class NameKeyComparer : IEqualityComparer<NameKey>
    {
        public static readonly NameKeyComparer Instance = new NameKeyComparer();

        public bool Equals(NameKey a, NameKey b)
            => a.Index == b.Index && a.Length == b.Length && string.Compare(a.Text, 0, b.Text, 0, a.Length, StringComparison.OrdinalIgnoreCase) == 0;

        // The framework's own hash of the name (a prefix is cut for it: short-lived, not kept by the table).
        public int GetHashCode(NameKey k)
            => StringComparer.OrdinalIgnoreCase.GetHashCode(k.Length == k.Text.Length ? k.Text : k.Text.Substring(0, k.Length)) * 31 + k.Index;
    }
}
