using System;
using System.Collections.Generic;
using System.Runtime.CompilerServices;
using System.Threading;
using System.Threading.Tasks;
using GPhotos.Model;

namespace GPhotos.Saving
{
    /// <summary>
    /// Every name a save writes: the main file (layout folder + safe name, then stable id suffixes), the motion video
    /// (same stem as the photo), the metadata sidecar (the file's name + <c>.json</c>). The one place that claims
    /// paths in a destination: names recorded in the index stay their items'; names this run chose are reserved so
    /// two same-name items never collide; files on disk the index does not know (the user's) are never taken.
    /// <para>Not thread-safe by itself: every call is made under <see cref="Sync"/>.</para>
    /// </summary>
    internal sealed class SaveNamer
    {
        private readonly SaveOptions _options;
        private readonly string _indexPath;
        private DestinationNames _names;
        private Dictionary<string, string> _reserved = new Dictionary<string, string>(StringComparer.Ordinal);

        /// <summary>Items whose shown (reserved) path another save took before this one started: never renamed silently.</summary>
        private readonly Dictionary<string, string> _lost = new Dictionary<string, string>(StringComparer.Ordinal);

        public SaveNamer(SaveOptions options, string indexPath)
        {
            _options = options;
            _indexPath = indexPath;
        }

        /// <summary>Guards the names and the index (the planner on the pipeline thread, the commit on workers).</summary>
        public object Sync { get; } = new object();

        /// <summary>The destination's index: read-only after a preview, open for appending once the store started.</summary>
        public DestinationIndex Index { get; private set; }

        /// <summary>The index and its names read ahead (<see cref="BeginReadAhead"/>), or null.</summary>
        private volatile Task<KeyValuePair<DestinationIndex, DestinationNames>> _readAhead;
        private CancellationTokenSource _readAheadCancel;

        /// <summary>For tests: the read ahead while nobody took it, else null.</summary>
        internal Task ReadAheadTask => _readAhead;

        /// <summary>
        /// Starts reading the index (read-only, no lock, nothing created) and claiming its names on a worker thread,
        /// so a big destination's index loads while the command upstream is still listing (a Takeout indexes every
        /// part before its first item). <see cref="EnsureLoaded"/> takes the result if the file has not changed since.
        /// </summary>
        public void BeginReadAhead(CancellationToken cancellationToken)
        {
            if (_names != null || _readAhead != null) return;
            _readAheadCancel = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            CancellationToken token = _readAheadCancel.Token;
            _readAhead = Task.Run(() =>
            {
                DestinationIndex index = DestinationIndex.ReadOnly(_indexPath, token);
                return new KeyValuePair<DestinationIndex, DestinationNames>(index, NamesOf(index));
            }, token);
        }

        /// <summary>
        /// Before the store started (preview, -WhatIf): reads the index read-only, creates nothing. Takes the read
        /// ahead's index when it is done reading a file that is still the same; waits for it at most until Ctrl+C.
        /// </summary>
        public void EnsureLoaded(CancellationToken cancellationToken = default(CancellationToken))
        {
            if (_names != null) return;
            if (TakeReadAhead(cancellationToken, out DestinationIndex index, out DestinationNames names))
            {
                Index = index;
                _names = names;
                return;
            }
            Index = DestinationIndex.ReadOnly(_indexPath, cancellationToken);
            RebuildNames();
        }

        private bool TakeReadAhead(CancellationToken cancellationToken, out DestinationIndex index, out DestinationNames names)
        {
            index = null;
            names = null;
            Task<KeyValuePair<DestinationIndex, DestinationNames>> readAhead = _readAhead;
            if (readAhead == null) return false;
            // Ctrl+C ends the wait (OperationCanceledException); the read itself stops through its linked token, and
            // CancelReadAhead (Dispose) cleans up.
            try { readAhead.Wait(cancellationToken); }
            catch (AggregateException)
            {
                ForgetReadAhead();
                return false; // it could not be read ahead (e.g. an I/O error): read now, which reports the error
            }
            ForgetReadAhead();
            if (!readAhead.Result.Key.IsUnchanged()) return false; // another run wrote to it since: read it again, now
            index = readAhead.Result.Key;
            names = readAhead.Result.Value;
            return true;
        }

        /// <summary>Stops a read ahead nobody took (Ctrl+C, a terminating error, no items): waits for it briefly, never long.</summary>
        public void CancelReadAhead()
        {
            Task<KeyValuePair<DestinationIndex, DestinationNames>> readAhead = _readAhead;
            if (readAhead == null) return;
            _readAheadCancel.Cancel();
            // It checks the token every 1,024 lines; a read stuck in the file system is not waited for: it ends on its own.
            try { readAhead.Wait(TimeSpan.FromSeconds(1)); }
            catch (AggregateException) { }
            if (readAhead.IsCompleted) ForgetReadAhead();
            else _readAhead = null; // its token source stays alive for it
        }

        private void ForgetReadAhead()
        {
            _readAhead = null;
            _readAheadCancel?.Dispose();
            _readAheadCancel = null;
        }

        /// <summary>
        /// The store opened <paramref name="index"/>. When it is the very index a preview read (<paramref name="reused"/>)
        /// the names stand; otherwise they are rebuilt from it, keeping this run's reservations that are still free.
        /// </summary>
        public void Adopt(DestinationIndex index, bool reused)
        {
            if (reused && ReferenceEquals(index, Index)) return;
            Index?.Dispose();
            Index = index;
            RebuildNames();
        }

        /// <summary>
        /// The full path of a relative one. The last answer is kept: an already-saved item asks for the same path (the
        /// same string, from its index entry) three times in a row (preview, plan, result), and each answer
        /// normalises and checks the whole path. Safe without <see cref="Sync"/>: one immutable pair, swapped whole.
        /// </summary>
        [MethodImpl(HotPath.Optimized)]
        public string ToFullPath(string relativePath)
        {
            Tuple<string, string> last = _lastFullPath;
            if (last != null && ReferenceEquals(last.Item1, relativePath)) return last.Item2;
            string full = _names.ToFullPath(relativePath);
            _lastFullPath = Tuple.Create(relativePath, full);
            return full;
        }

        private volatile Tuple<string, string> _lastFullPath;

        /// <summary>An entry of another id and another source that is the same photo (<see cref="SameMedia"/>), or null.</summary>
        public IndexEntry FindSame(MediaItem item)
        {
            IndexEntry same = Index?.FindSame(SameMedia.KeyOf(item), item.Id);
            return same != null && same.Source != item.Source.ToString() ? same : null;
        }

        /// <summary>
        /// <paramref name="item"/> takes over <paramref name="other"/>'s files (an upgrade to the Takeout original): its
        /// names become the item's. Returns the entry as the item's own, for the plan.
        /// </summary>
        public IndexEntry TakeOver(IndexEntry other, MediaItem item)
        {
            IndexEntry mine = other.Clone();
            mine.Id = item.Id;
            _names.Claim(mine.Path, item.Id);
            if (mine.MotionPath != null) _names.Claim(mine.MotionPath, item.Id);
            if (mine.MetadataPath != null) _names.Claim(mine.MetadataPath, item.Id);
            if (mine.Links != null) foreach (string link in mine.Links) _names.Claim(link, item.Id);
            return mine;
        }

        /// <summary>The path this run reserved for <paramref name="id"/>, if any.</summary>
        public string Reserved(string id) => _reserved.TryGetValue(id, out string reserved) ? reserved : null;

        /// <summary>
        /// The item's path: the index's, this run's reservation, or the first free of plain name and suffixed names
        /// (then reserved). The only place a main path is chosen.
        /// </summary>
        [MethodImpl(HotPath.Optimized)]
        public string MainPath(MediaItem item)
        {
            if (Index != null && Index.TryGetPath(item.Id, out string saved)) return saved;
            // The same photo saved from another source: it is there (or, for an upgrade, its original goes there).
            IndexEntry same = FindSame(item);
            if (same != null) return same.Path;
            if (_reserved.TryGetValue(item.Id, out string reserved)) return reserved;
            if (_lost.TryGetValue(item.Id, out string shown))
                throw new DestinationWriteException(
                    $"'{item.Filename ?? item.Id}' was to be saved as '{shown}' (the path shown when it was confirmed), but another save used that name before this one started. It was not saved under another name you did not see; run the save again.",
                    shown, null);
            string folder = _options.Layout.GetFolder(item.CreationTime);
            string name = FileNamer.MakeSafeName(item.Filename, item.Id, item.MimeType);
            string relative = _names.ClaimFirstFree(Candidates(folder, name, name, item.Id), item.Id)
                ?? throw new DestinationWriteException($"No free file name for '{item.Filename ?? item.Id}' in '{_options.Destination}'.", _options.Destination, null);
            _reserved[item.Id] = relative;
            return relative;
        }

        /// <summary>
        /// The sidecar's path for an item saved at <paramref name="relativePath"/> (claimed), or null when a file that is
        /// not GPhotos's already has that name (<paramref name="taken"/> then holds its full path).
        /// </summary>
        public string ClaimSidecar(MediaItem item, string relativePath, IndexEntry existing, out string taken)
        {
            string wanted = existing?.MetadataPath ?? MetadataSidecar.PathFor(relativePath);
            taken = null;
            if (_names.IsFreeFor(wanted, item.Id))
            {
                _names.Claim(wanted, item.Id);
                return wanted;
            }
            taken = _names.ToFullPath(wanted);
            return null;
        }

        /// <summary>
        /// Beside the photo, same stem: <c>IMG_0001.JPG</c> → <c>IMG_0001.MP4</c> (what Apple Photos, Immich and
        /// friends pair as a live photo). If that is taken (another item's video, a user's file), the id suffix.
        /// Chosen once the video arrived: its extension comes from the bytes' type (.MOV for QuickTime).
        /// </summary>
        public string MotionPath(SavePlan plan, string contentType)
        {
            if (plan.Existing?.MotionPath != null) return plan.Existing.MotionPath;
            string extension = contentType != null && contentType.IndexOf("quicktime", StringComparison.OrdinalIgnoreCase) >= 0 ? ".MOV" : ".MP4";
            int slash = plan.RelativePath.LastIndexOf('/');
            string folder = slash < 0 ? "" : plan.RelativePath.Substring(0, slash);
            string mainName = slash < 0 ? plan.RelativePath : plan.RelativePath.Substring(slash + 1);
            MediaItem item = plan.Item;
            string safe = FileNamer.MakeSafeName(item.Filename, item.Id, item.MimeType);
            return _names.ClaimFirstFree(
                       Candidates(folder, FileNamer.ChangeExtension(mainName, extension), FileNamer.ChangeExtension(safe, extension), item.Id),
                       item.Id)
                   ?? throw new DestinationWriteException($"No free file name for the motion video of '{item.Filename ?? item.Id}'.", plan.FullPath, null);
        }

        /// <summary>An album link's path: <paramref name="wanted"/>, or with the id suffix if a file not this item's has that name.</summary>
        public string ClaimLink(MediaItem item, string wanted)
        {
            int slash = wanted.LastIndexOf('/');
            string name = wanted.Substring(slash + 1);
            return _names.ClaimFirstFree(Candidates(wanted.Substring(0, slash), name, name, item.Id), item.Id);
        }

        /// <summary>The plain name first, then the stable id suffix, longer only if even that is taken (a hash clash or a user's file).</summary>
        private static IEnumerable<string> Candidates(string folder, string plain, string suffixBase, string id)
        {
            string prefix = folder.Length == 0 ? "" : folder + "/";
            yield return prefix + plain;
            foreach (int digits in new[] { FileNamer.DefaultSuffixLength, 16, 32, 64 })
                yield return prefix + FileNamer.AddSuffix(suffixBase, id, digits);
        }

        /// <summary>Every path the index records, claimed for its id.</summary>
        private DestinationNames NamesOf(DestinationIndex index) => DestinationNames.Of(_options.Destination, index);

        /// <summary>Claims every path the index records, then keeps this run's reservations that are still free.</summary>
        private void RebuildNames()
        {
            DestinationNames names = NamesOf(Index);
            var kept = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (KeyValuePair<string, string> r in _reserved)
            {
                if (Index.TryGet(r.Key, out IndexEntry _)) continue;
                if (names.IsFreeFor(r.Value, r.Key))
                {
                    names.Claim(r.Value, r.Key);
                    kept[r.Key] = r.Value;
                }
                else
                {
                    _lost[r.Key] = names.ToFullPath(r.Value);
                }
            }
            _reserved = kept;
            _names = names;
        }
    }
}
