using System;
using System.Runtime.CompilerServices;
using System.Threading;
using System.Threading.Tasks;
using GPhotos.Errors;
using GPhotos.Model;
using GPhotos.Sources;

namespace GPhotos.Saving
{
    /// <summary>
    /// Saves one planned item on a worker: fetches what the plan needs (original, motion video) through
    /// <see cref="DownloadRetry"/>, then commits and reports the result or the item's error: itself, or, when the
    /// files still need their flush to the disk, through <see cref="Groups"/>, which flushes a group of items'
    /// files together and calls <see cref="Commit"/> for each. Never throws: a failure is the item's (an error
    /// event), or the run's (fatal, which stops the others).
    /// </summary>
    internal sealed class ItemWorker
    {
        private readonly SaveRun _run;
        private readonly Func<MediaItem, IMediaContentSource> _sourceFor;
        private readonly DownloadRetry _download;
        private readonly Committer _committer;

        public ItemWorker(SaveRun run, Func<MediaItem, IMediaContentSource> sourceFor, DownloadRetry download, Committer committer)
        {
            _run = run;
            _sourceFor = sourceFor;
            _download = download;
            _committer = committer;
            if (run.Options.CommitGroupSize > 1) Groups = new CommitGroups(run, Commit, Drop);
        }

        /// <summary>The grouped flush; null when each worker flushes its own files (<see cref="SaveOptions.CommitGroupSize"/> 1).</summary>
        public CommitGroups Groups { get; }

        public async Task SaveAsync(SavePlan plan, byte[] buffer)
        {
            MediaItem item = plan.Item;
            var job = new CommitJob(plan);
            bool defer = Groups != null;
            _run.Events.BeginItem();
            try
            {
                CancellationToken stop = _run.StopToken;
                IMediaContentSource source = _sourceFor(item)
                    ?? throw new InvalidOperationException($"There is no content source for items from {item.Source}.");
                if (plan.NeedOriginal)
                {
                    job.Original = await _download.DownloadAsync(source, item, ContentVariant.Original, buffer, stop, defer).ConfigureAwait(false);
                    if (job.Original == null)
                        throw new UnexpectedContentException(UnexpectedContentKind.NoContent,
                            $"'{item.Filename ?? item.Id}': the source has no content for this item. Nothing was saved.");
                }

                if (plan.NeedMotion)
                {
                    try
                    {
                        job.Motion = await _download.DownloadAsync(source, item, ContentVariant.MotionVideo, buffer, stop, defer).ConfigureAwait(false);
                        job.MotionChecked = true;
                        if (job.Motion == null) _run.Events.Verbose($"'{item.Filename ?? item.Id}' is not a motion photo.");
                    }
                    catch (Exception ex) when (!_run.IsStopping(ex))
                    {
                        job.MotionError = ex;
                    }
                }
            }
            catch (Exception ex)
            {
                Fail(job, ex);
                return;
            }

            if (Groups != null && job.HasUnflushed)
            {
                try
                {
                    await Groups.AddAsync(job).ConfigureAwait(false); // the group commits it; this worker takes its next item
                }
                catch (OperationCanceledException)
                {
                    Drop(job); // stopped while the queue was full
                }
                return;
            }
            Commit(job);
        }

        /// <summary>Commits an item whose files are on the disk and reports it. Never throws; ends the item.</summary>
        [MethodImpl(HotPath.Optimized)]
        internal void Commit(CommitJob job)
        {
            MediaItem item = job.Plan.Item;
            SaveEvents events = _run.Events;
            try
            {
                if (job.FlushError != null) throw job.FlushError;
                SavePlan plan = job.Plan;
                SaveResult result = null;
                if (job.Original != null || job.MotionChecked || plan.NeedMetadata)
                    result = _committer.Commit(plan, job.Original, job.Motion, job.MotionChecked);

                if (job.MotionError != null)
                {
                    events.Error(item, ErrorCatalog.ForMotionVideoFailed(job.MotionError),
                        $"The motion video of '{item.Filename ?? item.Id}' was not saved: {job.MotionError.Message}");
                }
                if (result != null)
                {
                    // A repaired file is named in a warning: the user's backup had lost or changed it (-Verbose is not enough).
                    if (plan.Repairs != null) events.Warning(item, plan.Repairs, ErrorCatalog.FileRepaired);
                    if (result.Status != SaveStatus.Skipped) events.CountSaved();
                    else events.CountSkipped();
                    events.Result(item, $"{result.Status}: '{result.Path}'.", result);
                }
                else if (job.MotionError != null)
                {
                    events.CountFailed();
                }
            }
            catch (Exception ex)
            {
                Fail(job, ex);
                return;
            }
            Release(job);
        }

        /// <summary>The item's failure (or the run's, or a stop: nothing to report), then its temp files go. Ends the item.</summary>
        private void Fail(CommitJob job, Exception ex)
        {
            try
            {
                if (ex is OperationCanceledException && _run.IsStopped)
                {
                    // Ctrl+C or a fatal error elsewhere: not this item's failure, and it is not saved. Nothing to report.
                }
                else if (SaveRun.IsFatal(ex))
                {
                    _run.SetFatal(ex, job.Plan.Item);
                }
                else
                {
                    _run.Events.CountFailed();
                    _run.Events.Error(job.Plan.Item, ErrorCatalog.ClassifyItemFailure(ex));
                }
            }
            finally
            {
                Release(job);
            }
        }

        /// <summary>After a stop: the item is not saved and not reported, like a download cut short.</summary>
        internal void Drop(CommitJob job) => Release(job);

        private void Release(CommitJob job)
        {
            // Removed unless renamed into place (a delete of a name that is gone is a wasted system call per file).
            Remove(job.Original);
            Remove(job.Motion);
            _run.Events.EndItem();
        }

        private static void Remove(DownloadedFile file)
        {
            if (file == null) return;
            file.Close();
            if (!file.Placed) AtomicFile.TryDelete(file.TempPath);
        }
    }
}
