using System;
using System.Collections.Generic;
using System.IO;
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
        private readonly HashSet<string> _seen = new HashSet<string>(StringComparer.Ordinal);

        public SavePlanner(SaveRun run, SaveNamer namer)
        {
            _run = run;
            _namer = namer;
        }

        /// <summary>
        /// The full path <paramref name="item"/> will be saved to (for ShouldProcess and -WhatIf). Reads the index if
        /// there is one, creates nothing; reserves the name, so the plan made later for this item uses this path.
        /// </summary>
        public string Target(MediaItem item)
        {
            lock (_namer.Sync)
            {
                _namer.EnsureLoaded();
                return _namer.ToFullPath(_namer.MainPath(item));
            }
        }

        /// <summary>Decides what an item needs. Returns null when it is settled without a worker (its event is queued).</summary>
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
                    events.Warning(item, message, status == VideoProcessingStatus.Processing ? "VideoNotReady" : "VideoProcessingFailed");
                    return null;
                }

                lock (_namer.Sync)
                {
                    DestinationIndex index = _namer.Index;
                    if (!_seen.Add(item.Id))
                    {
                        // Not silent: a result says the second copy was not saved separately, and where the item goes.
                        events.CountSkipped();
                        string path = index.TryGet(item.Id, out IndexEntry saved) ? saved.Path : _namer.Reserved(item.Id);
                        events.Result(item, $"'{item.Filename ?? item.Id}' ({item.Id}) came twice; it is saved once.",
                            new SaveResult
                            {
                                Status = SaveStatus.Skipped,
                                Reason = SaveReason.Duplicate,
                                Id = item.Id,
                                Path = path == null ? null : _namer.ToFullPath(path),
                                RelativePath = path?.Replace('/', Path.DirectorySeparatorChar),
                                Bytes = saved?.Size ?? 0,
                                Item = item,
                            });
                        return null;
                    }
                    index.TryGet(item.Id, out IndexEntry existing);
                    string relative = _namer.MainPath(item);
                    string full = _namer.ToFullPath(relative);
                    var plan = new SavePlan { Item = item, RelativePath = relative, FullPath = full, Existing = existing };

                    if (existing == null) { plan.NeedOriginal = true; plan.Reason = SaveReason.New; }
                    else if (!HasLength(full, existing.Size))
                    {
                        plan.NeedOriginal = true;
                        plan.Reason = File.Exists(full) ? SaveReason.SizeMismatch : SaveReason.Missing;
                        plan.Repairs = plan.Reason == SaveReason.Missing
                            ? $"'{full}' was missing; it was downloaded again."
                            : $"'{full}' did not have the {existing.Size:N0} bytes it was saved with (truncated or changed); it was replaced by a fresh download.";
                    }
                    else if (options.Force) { plan.NeedOriginal = true; plan.Reason = SaveReason.Forced; }

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
                        events.Result(item, $"Already saved: '{full}'.", Committer.CreateResult(_namer, SaveStatus.Skipped, SaveReason.AlreadySaved, item, existing));
                        return null;
                    }
                    if (!plan.NeedOriginal)
                        plan.Reason = plan.NeedMotion ? SaveReason.MotionVideoAdded : SaveReason.AlreadySaved;
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

        private static bool HasLength(string path, long length)
        {
            try
            {
                var info = new FileInfo(path);
                return info.Exists && info.Length == length;
            }
            catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException)
            {
                return false;
            }
        }
    }
}
