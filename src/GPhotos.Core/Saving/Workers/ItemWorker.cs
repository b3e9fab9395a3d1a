using System;
using System.Threading;
using System.Threading.Tasks;
using GPhotos.Errors;
using GPhotos.Model;
using GPhotos.Sources;

namespace GPhotos.Saving
{
    /// <summary>
    /// Saves one planned item on a worker: fetches what the plan needs (original, motion video) through
    /// <see cref="DownloadRetry"/>, commits, and reports the result or the item's error. Never throws: a failure is
    /// the item's (an error event), or the run's (fatal, which stops the others).
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
        }

        public async Task SaveAsync(SavePlan plan, byte[] buffer)
        {
            MediaItem item = plan.Item;
            SaveEvents events = _run.Events;
            DownloadedFile original = null, motion = null;
            events.BeginItem();
            try
            {
                CancellationToken stop = _run.StopToken;
                IMediaContentSource source = _sourceFor(item)
                    ?? throw new InvalidOperationException($"There is no content source for items from {item.Source}.");
                if (plan.NeedOriginal)
                {
                    original = await _download.DownloadAsync(source, item, ContentVariant.Original, buffer, stop).ConfigureAwait(false);
                    if (original == null)
                        throw new UnexpectedContentException(UnexpectedContentKind.NoContent,
                            $"'{item.Filename ?? item.Id}': the source has no content for this item. Nothing was saved.");
                }

                bool motionChecked = false;
                Exception motionError = null;
                if (plan.NeedMotion)
                {
                    try
                    {
                        motion = await _download.DownloadAsync(source, item, ContentVariant.MotionVideo, buffer, stop).ConfigureAwait(false);
                        motionChecked = true;
                        if (motion == null) events.Verbose($"'{item.Filename ?? item.Id}' is not a motion photo.");
                    }
                    catch (Exception ex) when (!_run.IsStopping(ex))
                    {
                        motionError = ex;
                    }
                }

                SaveResult result = null;
                if (original != null || motionChecked || plan.NeedMetadata)
                    result = _committer.Commit(plan, original, motion, motionChecked);

                if (motionError != null)
                {
                    events.Error(item, ErrorCatalog.ForMotionVideoFailed(motionError),
                        $"The motion video of '{item.Filename ?? item.Id}' was not saved: {motionError.Message}");
                }
                if (result != null)
                {
                    // A repaired file is named in a warning: the user's backup had lost or changed it (-Verbose is not enough).
                    if (plan.Repairs != null) events.Warning(item, plan.Repairs, ErrorCatalog.FileRepaired);
                    if (result.Status != SaveStatus.Skipped) events.CountSaved();
                    else events.CountSkipped();
                    events.Result(item, $"{result.Status}: '{result.Path}'.", result);
                }
                else if (motionError != null)
                {
                    events.CountFailed();
                }
            }
            catch (OperationCanceledException) when (_run.IsStopped)
            {
                // Ctrl+C or a fatal error elsewhere: not this item's failure, and it is not saved. Nothing to report.
            }
            catch (Exception ex) when (SaveRun.IsFatal(ex))
            {
                _run.SetFatal(ex, item);
            }
            catch (Exception ex)
            {
                events.CountFailed();
                events.Error(item, ErrorCatalog.ClassifyItemFailure(ex));
            }
            finally
            {
                // Removed unless renamed into place (a delete of a name that is gone is a wasted system call per file).
                if (original != null && !original.Placed) AtomicFile.TryDelete(original.TempPath);
                if (motion != null && !motion.Placed) AtomicFile.TryDelete(motion.TempPath);
                events.EndItem();
            }
        }
    }
}
