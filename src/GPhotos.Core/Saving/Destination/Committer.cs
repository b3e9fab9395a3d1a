using System;
using System.IO;
using System.Runtime.CompilerServices;
using GPhotos.Errors;
using GPhotos.Model;

namespace GPhotos.Saving
{
    /// <summary>
    /// Puts verified temp files, already flushed to the disk (by their worker or their commit group,
    /// <see cref="CommitGroups"/>), in place. Order matters for crash safety: file times are set on the temp file,
    /// the index line is written (to the OS), then the rename happens, refusing an existing name. A crash before the rename leaves an index entry
    /// whose file is missing (fetched again next run, to the same path), never a file the index does not know
    /// (which the next run would treat as the user's and save beside, duplicating it). A failed rename reverts the
    /// index line.
    /// </summary>
    internal sealed class Committer
    {
        private readonly SaveRun _run;
        private readonly DestinationStore _store;
        private readonly SaveNamer _namer;
        private readonly AlbumLinker _albums;

        public Committer(SaveRun run, DestinationStore store, SaveNamer namer, AlbumLinker albums)
        {
            _run = run;
            _store = store;
            _namer = namer;
            _albums = albums;
        }

        [MethodImpl(HotPath.Optimized)]
        public SaveResult Commit(SavePlan plan, DownloadedFile original, DownloadedFile motion, bool motionChecked)
        {
            MediaItem item = plan.Item;
            IndexEntry existing = plan.Existing;
            IndexEntry entry = existing?.Clone() ?? new IndexEntry { Id = item.Id, Path = plan.RelativePath };
            entry.Source = item.Source.ToString();
            SameMedia.Record(entry, item);
            if (original != null)
            {
                entry.Size = original.Bytes;
                entry.Sha256 = original.Sha256;
                entry.ContentChanged = false; // a fresh copy: whatever Test-GPhotosBackup found is gone
            }

            string motionRelative = null;
            string metadataRelative = plan.MetadataPath;
            DestinationIndex index;
            lock (_namer.Sync)
            {
                index = _namer.Index;
                if (motionChecked)
                {
                    entry.MotionChecked = true;
                    if (motion != null)
                    {
                        motionRelative = _namer.MotionPath(plan, motion.ContentType);
                        entry.MotionPath = motionRelative;
                        entry.MotionSize = motion.Bytes;
                        entry.MotionSha256 = motion.Sha256;
                    }
                }
            }
            if (metadataRelative != null) entry.MetadataPath = metadataRelative;
            else if (plan.MetadataBlockedBy != null)
                _run.Events.Warning(item, $"The metadata file '{plan.MetadataBlockedBy}' already exists and is not from GPhotos; it was not overwritten.", ErrorCatalog.MetadataFileExists);

            DateTime? created = item.CreationTime;
            string motionFull = motionRelative == null ? null : _namer.ToFullPath(motionRelative);
            bool filesChanged = original != null || motion != null;
            bool indexChanged = filesChanged
                || (motionChecked && existing?.MotionChecked != true)
                || (metadataRelative != null && existing?.MetadataPath != metadataRelative);

            _store.EnsureFolderFor(plan.FullPath);
            if (original != null) AtomicFile.SetTimes(original.TempPath, created);
            if (motion != null) AtomicFile.SetTimes(motion.TempPath, created);

            if (indexChanged)
            {
                entry.SavedUtc = DateTime.UtcNow;
                try
                {
                    // An upgrade: the replaced copy's id goes first, so a crash before the rename leaves one owner
                    // of the path (the new id, whose recorded size makes the next run fetch the original again).
                    if (plan.Replaces != null) index.Remove(plan.Replaces.Id);
                    index.Append(entry);
                }
                catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException)
                {
                    throw new DestinationWriteException($"Cannot update the destination index '{_store.IndexPath}': {ex.Message}", _store.IndexPath, ex);
                }
            }

            _run.Options.OnCommitStep?.Invoke(CommitStep.Indexed, item);

            string placing = plan.FullPath;
            bool owned = existing != null;
            try
            {
                // Replace only what the index says is ours; anything else must not exist (a file that appeared
                // during the download makes the rename fail instead of being overwritten).
                if (original != null)
                {
                    _store.Place(original.TempPath, plan.FullPath, owned);
                    original.Placed = true;
                }
                placing = motionFull;
                owned = existing?.MotionPath != null && existing.MotionPath == motionRelative;
                if (motion != null)
                {
                    _store.Place(motion.TempPath, motionFull, owned);
                    motion.Placed = true;
                }
            }
            catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException)
            {
                try
                {
                    if (plan.Replaces == null) index.Revert(item.Id, existing);
                    else
                    {
                        index.Remove(item.Id);
                        index.Append(plan.Replaces);
                    }
                }
                catch (Exception revertError) when (revertError is IOException || revertError is UnauthorizedAccessException) { }
                throw new DestinationWriteException(
                    !owned && File.Exists(placing)
                        ? $"'{placing}' appeared while '{item.Filename ?? item.Id}' was downloading; it was not overwritten. Run the save again to store the item under another name."
                        : $"Cannot write '{placing}': {ex.Message}",
                    placing, ex);
            }
            _run.Options.OnCommitStep?.Invoke(CommitStep.Renamed, item);
            // ReplaceFile (.NET Framework) keeps the replaced file's creation time: set the times once more.
            if (original != null && existing != null) AtomicFile.SetTimes(plan.FullPath, created);
            if (motion != null && existing?.MotionPath != null) AtomicFile.SetTimes(motionFull, created);

            string metadataFull = WriteSidecar(plan, metadataRelative, entry, created);

            if (original != null) _run.Events.AddSaved(original.Bytes);
            if (motion != null) _run.Events.AddSaved(motion.Bytes);
            SaveStatus status = original != null && plan.Reason == SaveReason.Upgraded ? SaveStatus.Upgraded : SaveStatus.Saved;
            SaveResult result = filesChanged
                ? CreateResult(_namer, status, plan.Reason, item, entry)
                : CreateResult(_namer, SaveStatus.Skipped, SaveReason.AlreadySaved, item, entry);
            result.MetadataPath = metadataFull;
            result.AlbumLinks = _albums.Sync(item, entry, replaced: original != null).ToArray();
            return result;
        }

        /// <summary>The sidecar's full path once written (or still there from an earlier run); null when there is none.</summary>
        private string WriteSidecar(SavePlan plan, string metadataRelative, IndexEntry entry, DateTime? created)
        {
            if (metadataRelative != null)
            {
                string metadataFull = _namer.ToFullPath(metadataRelative);
                try
                {
                    AtomicFile.WriteAllBytes(metadataFull, MetadataSidecar.Serialize(plan.Item), _store.TempFolder, replace: true);
                    AtomicFile.SetTimes(metadataFull, created);
                    return metadataFull;
                }
                catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException)
                {
                    _run.Events.Warning(plan.Item, $"The metadata file for '{plan.FullPath}' was not written: {ex.Message}", ErrorCatalog.MetadataWriteFailed);
                    return null;
                }
            }
            if (entry.MetadataPath != null && File.Exists(_namer.ToFullPath(entry.MetadataPath)))
                return _namer.ToFullPath(entry.MetadataPath);
            return null;
        }

        /// <summary>What the caller sees for an item the index records as <paramref name="entry"/>.</summary>
        [MethodImpl(HotPath.Optimized)]
        internal static SaveResult CreateResult(SaveNamer namer, SaveStatus status, string reason, MediaItem item, IndexEntry entry)
        {
            string metadata = entry.MetadataPath == null ? null : namer.ToFullPath(entry.MetadataPath);
            return new SaveResult
            {
                Status = status,
                Reason = reason,
                Id = item.Id,
                Path = namer.ToFullPath(entry.Path),
                RelativePath = entry.Path.Replace('/', Path.DirectorySeparatorChar),
                Bytes = entry.Size,
                Sha256 = entry.Sha256,
                MotionVideoPath = entry.MotionPath == null ? null : namer.ToFullPath(entry.MotionPath),
                MetadataPath = metadata != null && File.Exists(metadata) ? metadata : null,
                Item = item,
            };
        }
    }
}
