using System;
using System.Collections.Generic;
using System.IO;
using System.Runtime.CompilerServices;
using GPhotos.Errors;
using GPhotos.Model;

namespace GPhotos.Saving
{
    /// <summary>
    /// The skip policy, on the pipeline thread: for each item, whether anything must be fetched or written (new,
    /// missing, changed, forced, motion video or sidecar to add) or it is settled now (already saved, a duplicate, a
    /// video Google has not processed, no id). The main path is resolved here once, by <see cref="SaveNamer"/>, and
    /// carried in the <see cref="SavePlan"/> to the worker and the commit.
    /// </summary>
    internal sealed class SavePlanner
    {
        private readonly SaveRun _run;
        private readonly SaveNamer _namer;
        private readonly AlbumLinker _albums;
        /// <summary>
        /// Ids planned in this run (an item that comes twice is saved once). Holds the index's own string for an id
        /// the index has, not the listed item's copy: a re-run of 500k saved items otherwise kept 500k more id strings
        /// alive (about 65 MB promoted through every generation of the GC while the listing runs).
        /// </summary>
        private readonly HashSet<string> _seen = new HashSet<string>(StringComparer.Ordinal);

        public SavePlanner(SaveRun run, SaveNamer namer, AlbumLinker albums)
        {
            _run = run;
            _namer = namer;
            _albums = albums;
        }

        /// <summary>
        /// The full path <paramref name="item"/> will be saved to (for ShouldProcess and -WhatIf). Reads the index if
        /// there is one, creates nothing; reserves the name, so the plan made later for this item uses this path.
        /// </summary>
        [MethodImpl(HotPath.Optimized)]
        public string Target(MediaItem item)
        {
            lock (_namer.Sync)
            {
                _namer.EnsureLoaded(_run.CallerToken);
                return _namer.ToFullPath(_namer.MainPath(item));
            }
        }

        /// <summary>Decides what an item needs. Returns null when it is settled without a worker (its event is queued).</summary>
        [MethodImpl(HotPath.Optimized)]
        public SavePlan Plan(MediaItem item)
        {
            SaveEvents events = _run.Events;
            SaveOptions options = _run.Options;
            try
            {
                if (string.IsNullOrEmpty(item.Id))
                {
                    events.CountFailed();
                    events.Error(item, ErrorCatalog.ForMissingId(item.Filename));
                    return null;
                }
                VideoProcessingStatus? status = item.VideoStatus;
                if (item.IsVideo && (status == VideoProcessingStatus.Processing || status == VideoProcessingStatus.Failed))
                {
                    events.CountSkipped();
                    string message = status == VideoProcessingStatus.Processing
                        ? $"Skipped '{item.Filename ?? item.Id}': Google is still processing this video, so only a thumbnail could be downloaded. Run the save again later."
                        : $"Skipped '{item.Filename ?? item.Id}': Google failed to process this video, so there are no video bytes to download.";
                    events.Warning(item, message, status == VideoProcessingStatus.Processing ? ErrorCatalog.VideoNotReady : ErrorCatalog.VideoProcessingFailed);
                    return null;
                }

                lock (_namer.Sync)
                {
                    DestinationIndex index = _namer.Index;
                    bool indexed = index.TryGet(item.Id, out IndexEntry existing);
                    if (!_seen.Add(indexed ? existing.Id : item.Id))
                    {
                        // Not silent: a result says the second copy was not saved separately, and where the item goes.
                        events.CountSkipped();
                        string path = indexed ? existing.Path : _namer.Reserved(item.Id);
                        events.Result(item, new SaveResult
                        {
                            Status = SaveStatus.Skipped,
                            Reason = SaveReason.Duplicate,
                            Id = item.Id,
                            Path = path == null ? null : _namer.ToFullPath(path),
                            RelativePath = path?.Replace('/', Path.DirectorySeparatorChar),
                            Bytes = existing?.Size ?? 0,
                            Item = item,
                        });
                        return null;
                    }
                    IndexEntry replaces = null;
                    bool upgrade = existing != null && SameMedia.IsUpgrade(existing.Source, item.Source);
                    if (existing == null)
                    {
                        // Each photo once: the same photo saved from another source is not saved again, except
                        // that the Takeout original (with its location) takes the place of a Picker/Library copy.
                        IndexEntry same = _namer.FindSame(item);
                        if (same != null && !SameMedia.IsUpgrade(same.Source, item.Source))
                        {
                            events.CountSkipped();
                            SaveResult there = Committer.CreateResult(_namer, SaveStatus.Skipped, SaveReason.SavedFromOtherSource, item, same);
                            events.Result(item, there);
                            return null;
                        }
                        if (same != null)
                        {
                            replaces = same;
                            existing = _namer.TakeOver(same, item);
                            upgrade = true;
                        }
                    }
                    string relative = existing?.Path ?? _namer.MainPath(item);
                    string full = _namer.ToFullPath(relative);
                    var plan = new SavePlan { Item = item, RelativePath = relative, FullPath = full, Existing = existing, Replaces = replaces };

                    string kept = null;
                    long length = existing == null ? -1 : LengthOf(full);
                    if (existing == null) { plan.NeedOriginal = true; plan.Reason = SaveReason.New; }
                    else if (length < 0)
                    {
                        plan.NeedOriginal = true;
                        plan.Reason = SaveReason.Missing;
                        plan.Repairs = $"'{full}' was missing; it was downloaded again.";
                    }
                    else if (length < existing.Size)
                    {
                        // Shorter than saved: an interrupted copy or a truncation, never a user's edit worth keeping.
                        plan.NeedOriginal = true;
                        plan.Reason = SaveReason.SizeMismatch;
                        plan.Repairs = $"'{full}' had {length:N0} of the {existing.Size:N0} bytes it was saved with (truncated); it was replaced by a fresh download.";
                    }
                    else if (length > existing.Size || existing.ContentChanged)
                    {
                        // Longer, or a hash mismatch Test-GPhotosBackup -Full recorded: bit rot and a user's edit look
                        // the same, and an edit must not be overwritten behind the user's back. Kept unless -Force.
                        string what = length > existing.Size
                            ? $"is {length:N0} bytes, longer than the {existing.Size:N0} it was saved with"
                            : "does not have the content it was saved with (found by Test-GPhotosBackup -Full)";
                        if (options.Force)
                        {
                            plan.NeedOriginal = true;
                            plan.Reason = SaveReason.Forced;
                            plan.Repairs = $"'{full}' {what}; -Force replaced it by a fresh download.";
                        }
                        else
                        {
                            kept = SaveReason.ChangedKept;
                            events.Warning(item, $"'{full}' {what} (edited, or damaged on the disk). It was kept; use -Force to replace it with Google's copy.", ErrorCatalog.ChangedFileKept);
                        }
                    }
                    else if (options.Force) { plan.NeedOriginal = true; plan.Reason = SaveReason.Forced; }
                    if (upgrade && kept == null)
                    {
                        // Replaced only once the original is complete and verified in the temp folder (commit order).
                        plan.NeedOriginal = true;
                        plan.Reason = SaveReason.Upgraded;
                    }

                    plan.NeedMotion = options.IncludeMotionVideo && !item.IsVideo
                        && (existing == null || options.Force || !existing.MotionChecked
                            || (existing.MotionPath != null && !HasLength(_namer.ToFullPath(existing.MotionPath), existing.MotionSize ?? -1)));
                    if (plan.NeedMotion && existing?.MotionPath != null && existing.MotionChecked && !options.Force)
                        plan.Repairs = Join(plan.Repairs, $"The motion video '{_namer.ToFullPath(existing.MotionPath)}' was missing or changed; it was downloaded again.");
                    bool sidecarGone = existing?.MetadataPath != null && !File.Exists(_namer.ToFullPath(existing.MetadataPath));
                    plan.NeedMetadata = options.WriteMetadata
                        && (plan.NeedOriginal || plan.NeedMotion || existing.MetadataPath == null || sidecarGone);
                    if (plan.NeedMetadata && sidecarGone)
                        plan.Repairs = Join(plan.Repairs, $"The metadata file '{_namer.ToFullPath(existing.MetadataPath)}' was missing; it was written again.");

                    if (!plan.NeedOriginal && !plan.NeedMotion && !plan.NeedMetadata)
                    {
                        events.CountSkipped();
                        SaveResult settled = Committer.CreateResult(_namer, SaveStatus.Skipped, kept ?? SaveReason.AlreadySaved, item, existing);
                        settled.AlbumLinks = _albums.Sync(item, existing, replaced: false).ToArray();
                        events.Result(item, settled);
                        return null;
                    }
                    if (!plan.NeedOriginal)
                        plan.Reason = plan.NeedMotion ? SaveReason.MotionVideoAdded : kept ?? SaveReason.AlreadySaved;
                    if (plan.NeedMetadata)
                        plan.MetadataPath = _namer.ClaimSidecar(item, relative, existing, out plan.MetadataBlockedBy);
                    return plan;
                }
            }
            catch (Exception ex) when (!(ex is OutOfMemoryException))
            {
                events.CountFailed();
                events.Error(item, ErrorCatalog.ClassifyItemFailure(ex));
                return null;
            }
        }

        private static string Join(string first, string second) => first == null ? second : first + " " + second;

        private static bool HasLength(string path, long length) => LengthOf(path) == length;

        /// <summary>The file's length, or -1 when it is not there (or cannot be looked at).</summary>
        [MethodImpl(HotPath.Optimized)]
        private static long LengthOf(string path)
        {
            try
            {
                var info = new FileInfo(path);
                return info.Exists ? info.Length : -1;
            }
            catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException)
            {
                return -1;
            }
        }
    }
}
