using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Management.Automation;
using System.Runtime.CompilerServices;
using GPhotos.Commands.Infrastructure;
using GPhotos.Errors;
using GPhotos.Model;
using GPhotos.Reporting;
using GPhotos.Saving;
using GPhotos.Sources;
using GPhotos.Sources.Library;

namespace GPhotos.Commands
{
    /// <summary>
    /// Saves media items (from any source) to a folder: originals only (=d photos, =dv videos, Takeout bytes),
    /// atomically, in parallel, incrementally, never overwriting a different photo. Three phases as in PSResourceGet:
    /// ShouldProcess on the pipeline thread, downloads on workers, results and errors written back on the pipeline thread.
    /// </summary>
    [Cmdlet(VerbsData.Save, "GPhotosMediaItem", SupportsShouldProcess = true, DefaultParameterSetName = ItemSet)]
    [OutputType(typeof(SaveResult))]
    public sealed class SaveGPhotosMediaItemCommand : GPhotosCmdlet
    {
        private const string ItemSet = "Item";
        private const string IdSet = "Id";
        private const int ProgressId = 0x6771;

        [Parameter(ParameterSetName = ItemSet, Mandatory = true, ValueFromPipeline = true)]
        [ValidateNotNull]
        public MediaItem[] InputObject { get; set; }

        /// <summary>Library item ids to save (fetched with batchGet).</summary>
        [Parameter(ParameterSetName = IdSet, Mandatory = true, ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        public string[] Id { get; set; }

        /// <summary>Destination folder (created if missing). Default: the current location.</summary>
        [Parameter(Position = 0)]
        [ValidateNotNullOrEmpty]
        public string Path { get; set; }

        [Parameter]
        [ValidateSet("Flat", "Year", "YearMonth", "YearMonthDay")]
        public string Layout { get; set; } = "Flat";

        /// <summary>Folder format from the capture date, e.g. 'yyyy/MM' (overrides -Layout).</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string DateFormat { get; set; }

        /// <summary>Also save the video part of motion photos.</summary>
        [Parameter]
        public SwitchParameter IncludeMotionVideo { get; set; }

        /// <summary>Write a JSON sidecar with the item's full metadata beside each file.</summary>
        [Parameter]
        public SwitchParameter Metadata { get; set; }

        [Parameter]
        [ValidateRange(1, SaveOptions.MaxThrottleLimit)]
        public int ThrottleLimit { get; set; } = SaveOptions.DefaultThrottleLimit;

        /// <summary>Download again and overwrite files this destination's index already has.</summary>
        [Parameter]
        public SwitchParameter Force { get; set; }

        /// <summary>Folder below -Path for album folders: &lt;AlbumFolder&gt;/&lt;album title&gt;/&lt;file&gt;, hard links to the saved files.</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string AlbumFolder { get; set; }

        /// <summary>Where hard links are impossible (FAT/exFAT, another volume): Skip album links (default) or Copy the files.</summary>
        [Parameter]
        public AlbumLinkFallback AlbumLinkFallback { get; set; } = AlbumLinkFallback.Skip;

        /// <summary>How long to wait for another run that holds the destination's lock (default: fail at once).</summary>
        [Parameter]
        public TimeSpan LockTimeout { get; set; } = TimeSpan.Zero;

        private SaveSession _session;
        private SaveOptions _options;
        private IDisposable _driveCancellation;
        private readonly Stopwatch _sinceProgress = Stopwatch.StartNew();
        private readonly List<string> _pendingIds = new List<string>();
        private readonly ContentSources _sources = new ContentSources();
        private bool _progressShown;
        private bool _fatal;

        protected override void BeginProcessing()
        {
            // Reads of Takeout parts in Drive take this command's token, so Ctrl+C stops a stalled Drive body at once
            // also when the items come from another pipeline (e.g. a variable filled earlier).
            _driveCancellation = GPhotos.Sources.Drive.DriveTakeoutParts.UseCancellation(CancelToken);
            string path = ResolveFolder(this, Path);

            FolderLayout layout;
            try
            {
                layout = DateFormat != null ? FolderLayout.Custom(DateFormat)
                    : Layout == "Year" ? FolderLayout.Year
                    : Layout == "YearMonth" ? FolderLayout.YearMonth
                    : Layout == "YearMonthDay" ? FolderLayout.YearMonthDay
                    : FolderLayout.Flat;
            }
            catch (ArgumentException ex)
            {
                ThrowTerminating(ErrorCatalog.ForInvalidDateFormat(ex), DateFormat);
                return;
            }

            _options = new SaveOptions
            {
                Destination = path,
                Layout = layout,
                Force = Force,
                ThrottleLimit = ThrottleLimit,
                IncludeMotionVideo = IncludeMotionVideo,
                WriteMetadata = Metadata,
                LockTimeout = LockTimeout,
                AlbumFolder = AlbumFolder,
                AlbumLinkFallback = AlbumLinkFallback,
                // The connection's retry settings, so its pacer is shared: a 429 pauses Save's downloads and the
                // URL refreshes they trigger alike. Without a connection (Takeout only) Save paces itself.
                Retry = RunspaceState.Current.Connection?.Api?.Retry,
            };
            // Created now, started (folder, lock, workers) only when the first item is really saved: -WhatIf writes nothing.
            try { _session = new SaveSession(_options, _sources, Reporter, CancelToken); }
            catch (ArgumentException ex) when (ex.ParamName == nameof(SaveOptions.AlbumFolder))
            {
                ThrowTerminating(ErrorCatalog.ForInvalidAlbumFolder(ex), AlbumFolder);
            }
            // The destination's index (read-only) loads while the command upstream is still listing: a re-run of a
            // big library otherwise waits for it at its first item (about 1 s per 100k entries).
            _session.ReadIndexAhead();
        }

        [MethodImpl(HotPath.Optimized)]
        protected override void ProcessRecord()
        {
            if (_fatal) return;
            if (ParameterSetName == IdSet)
            {
                _pendingIds.AddRange(Id.Where(i => !string.IsNullOrWhiteSpace(i)));
                while (HasFullIdBatch(_pendingIds)) FlushIds();
            }
            else
            {
                foreach (MediaItem item in InputObject) Hold(item);
            }
            DrainEvents();
        }

        /// <summary>Items held while the index is still being read ahead, at most <see cref="MaxHeld"/>, in order.</summary>
        private readonly Queue<MediaItem> _held = new Queue<MediaItem>();

        /// <summary>About 0.4 s of a Library listing; 10–20 MB of items at most, for that long.</summary>
        private const int MaxHeld = 10000;

        /// <summary>
        /// The pipeline is one thread: while Save waits for the index at its first item, the command upstream cannot
        /// fetch its next page. So while the read ahead is still reading, items are held (bounded) and the upstream
        /// goes on listing; they are offered, in order, as soon as it is done, the queue is full, or the input ends.
        /// </summary>
        [MethodImpl(HotPath.Optimized)]
        private void Hold(MediaItem item)
        {
            if (_held.Count < MaxHeld && _session.IsReadingIndexAhead)
            {
                _held.Enqueue(item);
                return;
            }
            ReleaseHeld();
            if (!_fatal) Offer(item);
        }

        [MethodImpl(HotPath.Optimized)]
        private void ReleaseHeld()
        {
            for (int n = 1; !_fatal && _held.Count > 0; n++)
            {
                Offer(_held.Dequeue());
                if (n % 256 == 0) DrainEvents(); // results flow on while thousands are released
            }
        }

        protected override void EndProcessing()
        {
            try { FinishSaving(); }
            finally
            {
                // Release the destination's lock now, not when the cmdlet object is collected, and close the Takeout
                // archives this run opened (open zips are locked on Windows).
                _session?.Dispose();
                GPhotos.Sources.Takeout.TakeoutContent.ReleaseArchives();
            }
        }

        protected override void DisposeResources()
        {
            _session?.Dispose();
            _driveCancellation?.Dispose();
        }

        private void FinishSaving()
        {
            ReleaseHeld();
            while (!_fatal && _pendingIds.Count > 0) FlushIds();
            if (_session.IsStarted)
            {
                _session.CompleteAdding();
                // Phase three: everything the workers queued is written here, on the pipeline thread.
                while (!_session.IsCompleted)
                {
                    _session.WaitForEvent(TimeSpan.FromMilliseconds(250));
                    DrainEvents();
                }
                DrainEvents();
                CompleteProgress();
                SaveProgress p = _session.GetProgress();
                WriteVerbose($"Saved {p.Saved}, skipped {p.Skipped}, failed {p.Failed}; {p.BytesSaved:N0} bytes in {p.Elapsed.TotalSeconds:0.0} s.");
            }
            if (_session.FatalError != null && !_fatal) ThrowFatal(ErrorCatalog.Classify(_session.FatalError, ErrorCatalog.SaveStopped), null);
        }

        /// <summary>-Path (default: the current location) as a file system path; a terminating InvalidPath error otherwise.</summary>
        internal static string ResolveFolder(GPhotosCmdlet cmdlet, string path)
        {
            try
            {
                string full = cmdlet.SessionState.Path.GetUnresolvedProviderPathFromPSPath(string.IsNullOrEmpty(path) ? "." : path, out ProviderInfo provider, out _);
                if (provider.Name != "FileSystem")
                    throw new ArgumentException(ErrorCatalog.NotFileSystemPathMessage(path, provider.Name));
                return full;
            }
            catch (Exception ex) when (!(ex is PipelineStoppedException))
            {
                cmdlet.ThrowTerminating(ErrorCatalog.ForInvalidPath(ex), path);
                return null;
            }
        }

        [MethodImpl(HotPath.Optimized)]
        private void Offer(MediaItem item)
        {
            if (item == null) return;
            // API items need this runspace's connection; resolved here, on the pipeline thread. The core picks the source.
            if (ContentSources.NeedsApi(item) && _sources.Api == null) _sources.Api = RequireConnection().Api;
            if (string.IsNullOrEmpty(item.Id))
            {
                WriteError(ErrorCatalog.ForMissingId(item.Filename), item);
                return;
            }
            string target;
            try { target = _session.PreviewPath(item); }
            catch (OperationCanceledException) when (CancelToken.IsCancellationRequested)
            {
                throw new PipelineStoppedException(); // Ctrl+C while the index was still being read ahead
            }
            catch (Exception ex) when (!(ex is PipelineStoppedException))
            {
                WriteError(ToErrorRecord(ex, item, ErrorCatalog.InvalidItem));
                return;
            }
            // Concatenated, not interpolated: asked for every item, also the 100k a re-run skips.
            if (!ShouldProcess(string.Concat(item.Filename, " (", item.Source.ToString(), " ", item.Id, ")"), "Save to " + target)) return;

            try
            {
                while (true)
                {
                    EnqueueResult r = _session.TryEnqueue(item, TimeSpan.FromMilliseconds(250));
                    if (r == EnqueueResult.Accepted) break;
                    DrainEvents();
                    if (r != EnqueueResult.Full) break; // stopped after a fatal error: DrainEvents reported it
                    if (CancelToken.IsCancellationRequested) throw new PipelineStoppedException();
                }
            }
            catch (Exception ex) when (ex is DestinationLockedException || ex is DestinationWriteException || ex is UnauthorizedAccessException || ex is System.IO.IOException)
            {
                // Start-up (folder, lock, index): nothing can be saved, so the command ends. A full disk keeps its id.
                WriteReports(); // what start-up said before it failed (e.g. leftovers deleted)
                ThrowTerminating(ErrorCatalog.ForSaveStart(ex), _options.Destination);
            }
        }

        [MethodImpl(HotPath.Optimized)]
        private void DrainEvents()
        {
            WriteReports(); // messages first: a worker reports a repaired file before its result
            while (_session.TryTake(out SaveEvent e))
            {
                switch (e.Kind)
                {
                    case SaveEventKind.Result: WriteObject(e.Result); break;
                    case SaveEventKind.Warning: WriteWarning(e.Message); break;
                    case SaveEventKind.Verbose: WriteVerbose(e.Message); break;
                    case SaveEventKind.Error:
                        WriteError(ItemErrorRecord(e));
                        break;
                    case SaveEventKind.Fatal:
                        ThrowFatal(EntryOf(e), e.Item);
                        break;
                }
            }
            if (_session.IsStarted && _sinceProgress.ElapsedMilliseconds >= 1000)
            {
                _sinceProgress.Restart();
                SaveProgress p = _session.GetProgress();
                Reporter.Progress(new ProgressReport
                {
                    ActivityId = ProgressId,
                    Activity = "Saving Google Photos to " + _options.Destination,
                    Status = $"{p.Completed} of {p.Total} items ({p.Saved} saved, {p.Skipped} skipped, {p.Failed} failed), {p.BytesDownloaded / 1048576.0:N1} MB at {p.BytesPerSecond / 1048576.0:N1} MB/s",
                    PercentComplete = p.PercentComplete,
                });
                WriteReports();
                _progressShown = true;
            }
        }

        /// <summary>The engine's own catalog entry, so the id users see is the one the engine assigned (e.g. DiskFull).</summary>
        private static ErrorEntry EntryOf(SaveEvent e) =>
            e.Entry ?? ErrorCatalog.Classify(e.Error ?? new InvalidOperationException(e.Message), e.ErrorId ?? ErrorCatalog.SaveFailed);

        /// <summary>A per-item error: the item is the target, and the message names it when the engine's does not.</summary>
        private static ErrorRecord ItemErrorRecord(SaveEvent e)
        {
            ErrorEntry entry = EntryOf(e);
            ErrorRecord record = ToErrorRecord(entry, e.Item);
            string name = e.Item?.Filename ?? e.Item?.Id;
            string message = e.Message ?? entry.Message ?? "";
            if (!string.IsNullOrEmpty(name) && message.IndexOf(name, StringComparison.Ordinal) < 0)
                record.ErrorDetails = new ErrorDetails($"'{name}' ({e.Item.Id}): {message}");
            else if (message != entry.Exception?.Message)
                record.ErrorDetails = new ErrorDetails(message);
            return record;
        }

        private void ThrowFatal(ErrorEntry entry, MediaItem item)
        {
            _fatal = true;
            WriteReports(); // what the workers said before the run stopped is not lost
            CompleteProgress();
            ThrowTerminatingError(ToErrorRecord(entry, (object)item ?? _options?.Destination));
        }

        private void CompleteProgress()
        {
            if (_progressShown)
            {
                Reporter.Progress(new ProgressReport { ActivityId = ProgressId, Activity = "Saving Google Photos to " + _options.Destination, Status = "Done", Completed = true });
                WriteReports();
                _progressShown = false;
            }
        }

        private void FlushIds()
        {
            FetchNextIds(_pendingIds, Offer);
            DrainEvents();
        }
    }
}
