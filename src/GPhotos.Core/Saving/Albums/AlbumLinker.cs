using System;
using System.Collections.Generic;
using System.IO;
using GPhotos.Model;

namespace GPhotos.Saving
{
    /// <summary>What to do with album links where hard links are impossible.</summary>
    public enum AlbumLinkFallback
    {
        /// <summary>Make no album links there (said once per run).</summary>
        Skip,

        /// <summary>Copy the file into the album folder instead (uses disk space; said once per run).</summary>
        Copy,
    }

    /// <summary>
    /// Album folders: <c>&lt;destination&gt;/&lt;AlbumFolder&gt;/&lt;album title&gt;/&lt;file&gt;</c> as hard links to the saved
    /// files (no duplicate bytes). Titles become one safe path segment (the namer's rule, no path escape); link names
    /// are claimed like every other name (a user's file there is never overwritten: the id suffix is used instead).
    /// The links an item has are recorded in its index entry, so one that left an album loses its link next run,
    /// and a replaced file (repair, -Force, upgrade) is linked afresh: a hard link keeps pointing at the old bytes.
    /// </summary>
    internal sealed class AlbumLinker
    {
        private readonly SaveRun _run;
        private readonly SaveNamer _namer;
        private readonly DestinationStore _store;
        private readonly string _folder;
        private volatile bool _unsupported;
        private int _said;

        public AlbumLinker(SaveRun run, SaveNamer namer, DestinationStore store)
        {
            _run = run;
            _namer = namer;
            _store = store;
            _folder = run.Options.AlbumFolder;
        }

        /// <summary>For tests: stands in for the operating system's hard link call.</summary>
        internal Func<string, string, (LinkOutcome, string)> Link { get; set; } =
            (existing, link) => (HardLink.Create(existing, link, out string error), error);

        /// <summary>
        /// Brings the item's album links in line with its albums now. Returns the links (full paths) and records a
        /// changed list in the index. <paramref name="replaced"/>: the main file was just written anew.
        /// </summary>
        public List<string> Sync(MediaItem item, IndexEntry entry, bool replaced)
        {
            var result = new List<string>();
            if (_folder == null) return result; // links from an earlier run stay as they are
            string main = _namer.ToFullPath(entry.Path);
            string fileName = entry.Path.Substring(entry.Path.LastIndexOf('/') + 1);
            var wanted = new List<string>();
            var titles = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
            foreach (string album in item.Albums ?? Array.Empty<string>())
            {
                if (string.IsNullOrWhiteSpace(album)) continue;
                string segment = FileNamer.MakeSafeSegment(album);
                if (titles.Add(segment)) wanted.Add(_folder + "/" + segment + "/" + fileName);
            }

            var before = entry.Links ?? new List<string>();
            var after = new List<string>();
            foreach (string old in before)
            {
                bool keep = wanted.Exists(w => SameFolder(w, old)) && !replaced && File.Exists(_namer.ToFullPath(old));
                if (keep) { after.Add(old); continue; }
                Delete(item, _namer.ToFullPath(old)); // left the album, or must be linked to the new bytes
            }
            foreach (string w in wanted)
            {
                if (after.Exists(a => SameFolder(a, w))) continue;
                if (_unsupported && _run.Options.AlbumLinkFallback == AlbumLinkFallback.Skip) continue;
                string relative;
                lock (_namer.Sync) relative = _namer.ClaimLink(item, w);
                if (relative == null) continue;
                if (Make(item, main, _namer.ToFullPath(relative))) after.Add(relative);
            }

            if (!SameList(before, after))
            {
                entry.Links = after.Count == 0 ? null : after;
                lock (_namer.Sync) _namer.Index.Append(entry);
            }
            foreach (string a in after) result.Add(_namer.ToFullPath(a));
            return result;
        }

        private static bool SameFolder(string a, string b) =>
            string.Equals(a.Substring(0, a.LastIndexOf('/')), b.Substring(0, b.LastIndexOf('/')), StringComparison.Ordinal);

        private static bool SameList(List<string> a, List<string> b)
        {
            if (a.Count != b.Count) return false;
            for (int i = 0; i < a.Count; i++) if (a[i] != b[i]) return false;
            return true;
        }

        private bool Make(MediaItem item, string main, string link)
        {
            try
            {
                _store.EnsureFolderFor(link);
                if (!_unsupported)
                {
                    (LinkOutcome outcome, string error) = Link(main, link);
                    if (outcome == LinkOutcome.Linked) return true;
                    if (outcome == LinkOutcome.Failed)
                    {
                        _run.Events.Warning(item, $"The album link '{link}' to '{main}' was not made ({error}).", GPhotos.Errors.ErrorCatalog.AlbumLinkFailed);
                        return false;
                    }
                    _unsupported = true;
                    SayOnce(error);
                }
                // Checked here, not only after the probe: a worker that finds the answer already known (it raced the
                // first probe) must skip too, never copy (a clean-clone run caught one copy made under Skip).
                if (_run.Options.AlbumLinkFallback == AlbumLinkFallback.Skip) return false;
                // Copied beside the other temp files, then moved in: a run stopped mid-copy leaves a temp file the next
                // run deletes, never a short album copy under the final name (which would then block the real one).
                string temp = Path.Combine(_store.TempFolder, "album-" + Guid.NewGuid().ToString("N") + ".tmp");
                try
                {
                    File.Copy(main, temp, overwrite: false);
                    File.SetLastWriteTimeUtc(temp, File.GetLastWriteTimeUtc(main));
                    File.Move(temp, link); // never replaces: a file that appeared there meanwhile is kept
                }
                finally
                {
                    try { if (File.Exists(temp)) File.Delete(temp); } catch (IOException) { } catch (UnauthorizedAccessException) { }
                }
                return true;
            }
            catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException || ex is DestinationWriteException)
            {
                _run.Events.Warning(item, $"The album link '{link}' to '{main}' was not made: {ex.Message}", GPhotos.Errors.ErrorCatalog.AlbumLinkFailed);
                return false;
            }
        }

        private void SayOnce(string error)
        {
            if (System.Threading.Interlocked.Exchange(ref _said, 1) != 0) return;
            string then = _run.Options.AlbumLinkFallback == AlbumLinkFallback.Copy
                ? "album folders get copies of the files instead (they use disk space)"
                : "no album links are made in this run (-AlbumLinkFallback Copy makes copies instead)";
            _run.Events.Warning(null, $"Hard links are not possible in '{_run.Options.Destination}' ({error}; FAT/exFAT or another volume?): {then}.", GPhotos.Errors.ErrorCatalog.AlbumLinksUnsupported);
        }

        private void Delete(MediaItem item, string link)
        {
            try { if (File.Exists(link)) File.Delete(link); }
            catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException)
            {
                _run.Events.Warning(item, $"The album link '{link}' was not removed: {ex.Message}", GPhotos.Errors.ErrorCatalog.AlbumLinkFailed);
            }
        }
    }
}
