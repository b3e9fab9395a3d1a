using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Threading;
using System.Threading.Tasks;
using GPhotos.Errors;
using GPhotos.Http;
using GPhotos.Model;
using GPhotos.Sources;

namespace GPhotos.Saving
{
    /// <summary>
    /// The save engine: one destination, one run. Built for a cmdlet's three phases:
    /// <list type="number">
    /// <item>the pipeline thread decides (ShouldProcess, with <see cref="PreviewPath"/> for the message) and hands
    /// each item to <see cref="Enqueue"/> / <see cref="TryEnqueue"/>;</item>
    /// <item>up to <see cref="SaveOptions.ThrottleLimit"/> workers download in parallel and never write to the host:
    /// they queue <see cref="SaveEvent"/>s;</item>
    /// <item>the pipeline thread drains them (<see cref="TryTake"/>, <see cref="WaitForEvent"/>) and polls
    /// <see cref="GetProgress"/>; after <see cref="CompleteAdding"/> it drains until <see cref="IsCompleted"/>.</item>
    /// </list>
    /// The work queue is bounded (4 × ThrottleLimit items) and the event queue is not, so workers never wait for
    /// the caller and nothing can deadlock: <see cref="Enqueue"/> blocks only until a worker frees a slot, and
    /// <see cref="TryEnqueue"/> gives up after a timeout so the caller can write events and progress meanwhile.
    /// Enqueue and CompleteAdding belong to one caller thread; the event methods may be called from any thread.
    /// <para>
    /// On disk: the destination holds the files and <c>.gphotos/</c> (the lock, <c>index.jsonl</c>, and
    /// <c>tmp/</c> for downloads in progress). A file appears under its final name only complete, flushed and
    /// recorded in the index; a crash or Ctrl+C leaves at most temp files, which the next run deletes.
    /// </para>
    /// </summary>
    public sealed class SaveSession : IDisposable
    {
        public const string StateFolderName = ".gphotos";
        public const string TempFolderName = "tmp";

        private readonly SaveOptions _options;
        private readonly Func<MediaItem, IMediaContentSource> _sourceFor;
        private readonly CancellationToken _callerToken;
        private readonly CancellationTokenSource _stop;
        private readonly string _stateFolder;
        private readonly string _tempFolder;
        private readonly string _indexPath;

        // Naming and index state, guarded by _state.
        private readonly object _state = new object();
        private DestinationIndex _index;
        private DestinationNames _names;
        private Dictionary<string, string> _reserved = new Dictionary<string, string>(StringComparer.Ordinal);
        private readonly HashSet<string> _seen = new HashSet<string>(StringComparer.Ordinal);

        // Work queue.
        private readonly object _startLock = new object();
        private readonly ConcurrentQueue<WorkItem> _queue = new ConcurrentQueue<WorkItem>();
        private readonly SemaphoreSlim _available = new SemaphoreSlim(0);
        private readonly SemaphoreSlim _space;
        private DestinationLock _lock;
        private Task _completion;
        private volatile bool _started;
        private volatile bool _addingCompleted;
        private volatile bool _disposed;
        private Exception _fatal;

        // Events, guarded by _eventLock (Monitor.Wait/PulseAll for WaitForEvent).
        private readonly object _eventLock = new object();
        private readonly Queue<SaveEvent> _events = new Queue<SaveEvent>();
        private bool _workersDone = true;

        // Folders this run already created (or found).
        private readonly ConcurrentDictionary<string, bool> _createdFolders = new ConcurrentDictionary<string, bool>(StringComparer.Ordinal);

        // Progress.
        private readonly Stopwatch _clock = new Stopwatch();
        private int _total, _saved, _skipped, _failed, _inFlight;
        private long _bytesDownloaded, _bytesSaved;

        /// <summary>UTC ticks before which no worker starts a request (set by a 429, so workers back off together).</summary>
        private long _pauseUntilTicks;

        /// <summary>429s from base URLs in a row, across workers (reset by any completed download).</summary>
        private int _media429Streak;

        /// <summary>
        /// This many 429s in a row stop the run with "resume after": base URLs' 429s say nothing about which quota (no
        /// "per day" to read), and retrying each item for minutes would spin for hours.
        /// </summary>
        internal const int Media429StreakLimit = 8;

        /// <param name="options">Validated and copied now.</param>
        /// <param name="contentSourceFor">Picks the source that can open an item's bytes (by <see cref="MediaItem.Source"/>, usually).</param>
        /// <param name="cancellationToken">The caller's Ctrl+C: stops workers promptly and aborts downloads in flight.</param>
        public SaveSession(SaveOptions options, Func<MediaItem, IMediaContentSource> contentSourceFor, CancellationToken cancellationToken = default(CancellationToken))
        {
            if (options == null) throw new ArgumentNullException(nameof(options));
            _options = options.Snapshot();
            _sourceFor = contentSourceFor ?? throw new ArgumentNullException(nameof(contentSourceFor));
            _callerToken = cancellationToken;
            _stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            _stateFolder = Path.Combine(_options.Destination, StateFolderName);
            _tempFolder = Path.Combine(_stateFolder, TempFolderName);
            _indexPath = Path.Combine(_stateFolder, DestinationIndex.FileName);
            _space = new SemaphoreSlim(QueueCapacity, QueueCapacity);
        }

        /// <summary>The destination as a full path.</summary>
        public string Destination => _options.Destination;

        /// <summary>Items that may wait for a worker before <see cref="Enqueue"/> blocks.</summary>
        public int QueueCapacity => _options.ThrottleLimit * 4;

        public bool IsStarted => _started;

        /// <summary>The error that stopped the run (quota, sign-in, disk full), or null.</summary>
        public Exception FatalError => Volatile.Read(ref _fatal);

        /// <summary>For tests: lines beyond the live entries tolerated before the index is compacted at start.</summary>
        internal int IndexCompactionThreshold { get; set; } = 1000;

        // ============================================================================================ start

        /// <summary>
        /// Creates the destination, takes its lock (waiting up to <see cref="SaveOptions.LockTimeout"/>), deletes
        /// temp files a crashed run left, loads the index and starts the workers. Idempotent; the first
        /// <see cref="Enqueue"/> calls it. Throws <see cref="DestinationLockedException"/> when another save holds
        /// the folder, <see cref="DestinationWriteException"/> when it cannot be created.
        /// </summary>
        public void Start()
        {
            lock (_startLock)
            {
                ThrowIfDisposed();
                if (_started) return;
                _callerToken.ThrowIfCancellationRequested();
                try
                {
                    Directory.CreateDirectory(_options.Destination);
                    Directory.CreateDirectory(_stateFolder);
                    HideOnWindows(_stateFolder);
                    Directory.CreateDirectory(_tempFolder);
                }
                catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException)
                {
                    throw new DestinationWriteException($"Cannot create the destination folder '{_options.Destination}': {ex.Message}", _options.Destination, ex);
                }

                DestinationLock acquired = DestinationLock.Acquire(_options.Destination, _stateFolder, _options.LockTimeout, _callerToken);
                try
                {
                    int leftovers = CleanTempFolder();
                    if (leftovers > 0)
                        Verbose(null, $"Deleted {leftovers} temp file(s) an interrupted run left in '{_tempFolder}'.");
                    DestinationIndex index, previewed;
                    lock (_state) previewed = _index;
                    bool reused = false;
                    try
                    {
                        // A preview (PreviewPath for the first item) already read the index; reuse it if unchanged.
                        reused = previewed != null && previewed.TryOpenForAppend();
                        index = reused ? previewed : DestinationIndex.Open(_indexPath);
                        index.CompactionThreshold = IndexCompactionThreshold;
                        ReportUnreadableIndexLines(index);
                        // Damaged lines were just reported: compact them away so the next run does not warn again. Lines of
                        // an unknown shape may be a newer GPhotos's: never compacted away.
                        bool compact = index.UnknownShapeLines == 0 && (index.NeedsCompaction || index.UnreadableLines > 0);
                        if (compact)
                        {
                            int before = index.LineCount;
                            try
                            {
                                index.Compact(_tempFolder);
                                Verbose(null, $"Compacted the destination index from {before} to {index.LineCount} lines.");
                            }
                            catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException)
                            {
                                // Only housekeeping (e.g. a reader elsewhere keeps the file open): the old index still works.
                                Verbose(null, $"The destination index was not compacted this time: {ex.Message}");
                            }
                        }
                    }
                    catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException)
                    {
                        throw new DestinationWriteException($"Cannot open the destination index '{_indexPath}': {ex.Message}", _indexPath, ex);
                    }
                    lock (_state)
                    {
                        if (!reused) // otherwise the names the previews built from this very index stand
                        {
                            _index?.Dispose();
                            _index = index;
                            RebuildNames();
                        }
                    }
                    Verbose(null, $"Saving to '{_options.Destination}' ({index.Count} item(s) already in its index, {_options.ThrottleLimit} parallel download(s)).");
                }
                catch
                {
                    acquired.Dispose();
                    throw;
                }
                _lock = acquired;

                lock (_eventLock) _workersDone = false;
                _clock.Start();
                var workers = new Task[_options.ThrottleLimit];
                for (int i = 0; i < workers.Length; i++)
                    workers[i] = Task.Run(() => WorkerLoopAsync());
                _completion = Task.WhenAll(workers).ContinueWith(t =>
                {
                    GC.KeepAlive(t.Exception); // observed: never an unobserved task exception
                    lock (_eventLock)
                    {
                        _workersDone = true;
                        Monitor.PulseAll(_eventLock);
                    }
                }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
                _started = true;
            }
        }

        // ============================================================================================ preview

        /// <summary>
        /// The full path <paramref name="item"/> would be saved to, for -WhatIf and ShouldProcess messages. Read-only:
        /// reads the index if there is one, creates nothing, takes no lock. The name is reserved in memory, so two
        /// same-name items preview as two different paths, and a later <see cref="Enqueue"/> of the same item in
        /// this session uses the path shown.
        /// </summary>
        public string PreviewPath(MediaItem item)
        {
            if (item == null) throw new ArgumentNullException(nameof(item));
            if (string.IsNullOrEmpty(item.Id)) throw new ArgumentException("The item has no id.", nameof(item));
            ThrowIfDisposed();
            lock (_state)
            {
                EnsureNamesLoaded();
                return _names.ToFullPath(ResolveMainPath(item));
            }
        }

        // ============================================================================================ phase 1: enqueue

        /// <summary>
        /// Hands an item to the workers, blocking while the queue is full. Returns false when the session stopped
        /// after a fatal error (drain the events to report it). Items settled without a download (already saved,
        /// video not ready) produce their event at once. Throws <see cref="OperationCanceledException"/> on Ctrl+C.
        /// </summary>
        public bool Enqueue(MediaItem item) => TryEnqueue(item, Timeout.InfiniteTimeSpan) == EnqueueResult.Accepted;

        /// <summary>Like <see cref="Enqueue"/>, but returns <see cref="EnqueueResult.Full"/> when no slot freed up within <paramref name="timeout"/>.</summary>
        public EnqueueResult TryEnqueue(MediaItem item, TimeSpan timeout)
        {
            if (item == null) throw new ArgumentNullException(nameof(item));
            ThrowIfDisposed();
            if (_addingCompleted) throw new InvalidOperationException("CompleteAdding was called: the session takes no more items.");
            Start();
            if (FatalError != null) return EnqueueResult.Stopped;
            _callerToken.ThrowIfCancellationRequested();

            bool slot;
            try
            {
                slot = _space.Wait(timeout, _stop.Token);
            }
            catch (OperationCanceledException)
            {
                _callerToken.ThrowIfCancellationRequested();
                return EnqueueResult.Stopped;
            }
            if (!slot) return EnqueueResult.Full;

            bool queued = false;
            try
            {
                Interlocked.Increment(ref _total);
                WorkItem work = Plan(item);
                if (work != null)
                {
                    _queue.Enqueue(work);
                    _available.Release();
                    queued = true;
                }
            }
            finally
            {
                if (!queued) _space.Release();
            }
            return EnqueueResult.Accepted;
        }

        /// <summary>No more items: workers finish what is queued and stop. Then drain events until <see cref="IsCompleted"/>.</summary>
        public void CompleteAdding()
        {
            if (_addingCompleted) return;
            _addingCompleted = true;
            if (_started) _available.Release(_options.ThrottleLimit); // wakes idle workers; each leaves when the queue is empty
            lock (_eventLock) Monitor.PulseAll(_eventLock);
        }

        // ============================================================================================ phase 3: drain

        /// <summary>Takes the next event, if any. Write it from the pipeline thread.</summary>
        public bool TryTake(out SaveEvent saveEvent)
        {
            lock (_eventLock)
            {
                if (_events.Count > 0)
                {
                    saveEvent = _events.Dequeue();
                    return true;
                }
            }
            saveEvent = null;
            return false;
        }

        /// <summary>Waits until an event is ready or the session has finished; false when <paramref name="timeout"/> passed first.</summary>
        public bool WaitForEvent(TimeSpan timeout)
        {
            Stopwatch waited = Stopwatch.StartNew();
            lock (_eventLock)
            {
                while (_events.Count == 0 && !IsFinishedLocked())
                {
                    TimeSpan left = timeout == Timeout.InfiniteTimeSpan ? Timeout.InfiniteTimeSpan : timeout - waited.Elapsed;
                    if (left != Timeout.InfiniteTimeSpan && left <= TimeSpan.Zero) return false;
                    Monitor.Wait(_eventLock, left);
                }
                return true;
            }
        }

        /// <summary>
        /// True when no more events will come and none are left: all items are done after <see cref="CompleteAdding"/>,
        /// or the run stopped (fatal error, cancellation) and its workers have exited.
        /// </summary>
        public bool IsCompleted
        {
            get { lock (_eventLock) return _events.Count == 0 && IsFinishedLocked(); }
        }

        private bool IsFinishedLocked() => _workersDone && (_addingCompleted || _stop.IsCancellationRequested);

        public SaveProgress GetProgress()
        {
            TimeSpan elapsed = _clock.Elapsed;
            long downloaded = Interlocked.Read(ref _bytesDownloaded);
            return new SaveProgress
            {
                Total = Volatile.Read(ref _total),
                Saved = Volatile.Read(ref _saved),
                Skipped = Volatile.Read(ref _skipped),
                Failed = Volatile.Read(ref _failed),
                InProgress = Volatile.Read(ref _inFlight),
                BytesDownloaded = downloaded,
                BytesSaved = Interlocked.Read(ref _bytesSaved),
                Elapsed = elapsed,
                BytesPerSecond = elapsed.TotalSeconds > 0.001 ? downloaded / elapsed.TotalSeconds : 0,
            };
        }

        /// <summary>Stops workers (aborting downloads), waits briefly for them, deletes temp files, releases the lock.</summary>
        public void Dispose()
        {
            if (_disposed) return;
            _disposed = true;
            CancelQuietly();
            Task completion = _completion;
            if (completion != null)
            {
                try { completion.Wait(TimeSpan.FromSeconds(10)); }
                catch (AggregateException) { }
            }
            lock (_state) _index?.Dispose();
            if (_lock != null)
            {
                CleanTempFolder();
                _lock.Dispose();
            }
            lock (_eventLock) Monitor.PulseAll(_eventLock);
        }

        // ============================================================================================ planning (caller thread)

        private sealed class WorkItem
        {
            public MediaItem Item;
            public string RelativePath;
            public string FullPath;
            public IndexEntry Existing;
            public bool NeedOriginal;
            public bool NeedMotion;
            public bool NeedMetadata;
            public string Reason;

            /// <summary>Files of an earlier run that are gone or changed (main, motion, sidecar): named in a warning once repaired.</summary>
            public string Repairs;
        }

        /// <summary>Decides what an item needs. Returns null when it is settled without a worker (its event is queued).</summary>
        private WorkItem Plan(MediaItem item)
        {
            try
            {
                if (string.IsNullOrEmpty(item.Id))
                {
                    Interlocked.Increment(ref _failed);
                    Emit(new SaveEvent(SaveEventKind.Error, item, ErrorCatalog.ForMissingId(item.Filename)));
                    return null;
                }
                VideoProcessingStatus? status = item.VideoStatus;
                if (item.IsVideo && (status == VideoProcessingStatus.Processing || status == VideoProcessingStatus.Failed))
                {
                    Interlocked.Increment(ref _skipped);
                    string message = status == VideoProcessingStatus.Processing
                        ? $"Skipped '{item.Filename ?? item.Id}': Google is still processing this video, so only a thumbnail could be downloaded. Run the save again later."
                        : $"Skipped '{item.Filename ?? item.Id}': Google failed to process this video, so there are no video bytes to download.";
                    Emit(new SaveEvent(SaveEventKind.Warning, item, message, errorId: status == VideoProcessingStatus.Processing ? "VideoNotReady" : "VideoProcessingFailed"));
                    return null;
                }

                lock (_state)
                {
                    if (!_seen.Add(item.Id))
                    {
                        // Not silent: a result says the second copy was not saved separately, and where the item goes.
                        Interlocked.Increment(ref _skipped);
                        string path = _index.TryGet(item.Id, out IndexEntry saved) ? saved.Path
                            : _reserved.TryGetValue(item.Id, out string reserved) ? reserved : null;
                        Emit(new SaveEvent(SaveEventKind.Result, item, $"'{item.Filename ?? item.Id}' ({item.Id}) came twice; it is saved once.",
                            new SaveResult
                            {
                                Status = SaveStatus.Skipped,
                                Reason = SaveReason.Duplicate,
                                Id = item.Id,
                                Path = path == null ? null : _names.ToFullPath(path),
                                RelativePath = path?.Replace('/', Path.DirectorySeparatorChar),
                                Bytes = saved?.Size ?? 0,
                                Item = item,
                            }));
                        return null;
                    }
                    _index.TryGet(item.Id, out IndexEntry existing);
                    string relative = existing?.Path ?? ResolveMainPath(item);
                    string full = _names.ToFullPath(relative);
                    var work = new WorkItem { Item = item, RelativePath = relative, FullPath = full, Existing = existing };

                    if (existing == null) { work.NeedOriginal = true; work.Reason = SaveReason.New; }
                    else if (!HasLength(full, existing.Size))
                    {
                        work.NeedOriginal = true;
                        work.Reason = File.Exists(full) ? SaveReason.SizeMismatch : SaveReason.Missing;
                        work.Repairs = work.Reason == SaveReason.Missing
                            ? $"'{full}' was missing; it was downloaded again."
                            : $"'{full}' did not have the {existing.Size:N0} bytes it was saved with (truncated or changed); it was replaced by a fresh download.";
                    }
                    else if (_options.Force) { work.NeedOriginal = true; work.Reason = SaveReason.Forced; }

                    work.NeedMotion = _options.IncludeMotionVideo && !item.IsVideo
                        && (existing == null || _options.Force || !existing.MotionChecked
                            || (existing.MotionPath != null && !HasLength(_names.ToFullPath(existing.MotionPath), existing.MotionSize ?? -1)));
                    if (work.NeedMotion && existing?.MotionPath != null && existing.MotionChecked && !_options.Force)
                        work.Repairs = Join(work.Repairs, $"The motion video '{_names.ToFullPath(existing.MotionPath)}' was missing or changed; it was downloaded again.");
                    bool sidecarGone = existing?.MetadataPath != null && !File.Exists(_names.ToFullPath(existing.MetadataPath));
                    work.NeedMetadata = _options.WriteMetadata
                        && (work.NeedOriginal || work.NeedMotion || existing.MetadataPath == null || sidecarGone);
                    if (work.NeedMetadata && sidecarGone)
                        work.Repairs = Join(work.Repairs, $"The metadata file '{_names.ToFullPath(existing.MetadataPath)}' was missing; it was written again.");

                    if (!work.NeedOriginal && !work.NeedMotion && !work.NeedMetadata)
                    {
                        Interlocked.Increment(ref _skipped);
                        Emit(new SaveEvent(SaveEventKind.Result, item, $"Already saved: '{full}'.",
                            CreateResult(SaveStatus.Skipped, SaveReason.AlreadySaved, item, existing)));
                        return null;
                    }
                    if (!work.NeedOriginal)
                        work.Reason = work.NeedMotion ? SaveReason.MotionVideoAdded : SaveReason.AlreadySaved;
                    return work;
                }
            }
            catch (Exception ex) when (!(ex is OutOfMemoryException))
            {
                Interlocked.Increment(ref _failed);
                Emit(new SaveEvent(SaveEventKind.Error, item, ErrorCatalog.ClassifyItemFailure(ex)));
                return null;
            }
        }

        /// <summary>One warning for the index lines this run cannot use, naming the file and the lines: never silent.</summary>
        private void ReportUnreadableIndexLines(DestinationIndex index)
        {
            if (index.UnreadableLines == 0) return;
            string lines = string.Join(", ", index.UnreadableLineNumbers) + (index.UnreadableLines > index.UnreadableLineNumbers.Count ? ", …" : "");
            string why = index.UnknownShapeLines > 0
                ? " Some are of a shape this version does not know: was the folder saved to by a newer GPhotos? Those lines are kept."
                : " They were damaged (a crash or an edit) and are removed from the index now.";
            Emit(new SaveEvent(SaveEventKind.Warning, null,
                $"The destination index '{_indexPath}' has {index.UnreadableLines} line(s) GPhotos cannot read (line {lines}).{why} An item recorded only there looks new: it is saved again, beside its old file if that is still there.",
                errorId: ErrorCatalog.IndexLinesUnreadable));
        }

        /// <summary>The item's path: the index's, this run's reservation, or the first free of plain name and suffixed names. Under _state.</summary>
        private string ResolveMainPath(MediaItem item)
        {
            if (_index != null && _index.TryGet(item.Id, out IndexEntry existing)) return existing.Path;
            if (_reserved.TryGetValue(item.Id, out string reserved)) return reserved;
            string folder = _options.Layout.GetFolder(item.CreationTime ?? item.MediaMetadata?.CreationTime);
            string name = FileNamer.MakeSafeName(item.Filename, item.Id, item.MimeType);
            string relative = _names.ClaimFirstFree(Candidates(folder, name, name, item.Id), item.Id)
                ?? throw new DestinationWriteException($"No free file name for '{item.Filename ?? item.Id}' in '{_options.Destination}'.", _options.Destination, null);
            _reserved[item.Id] = relative;
            return relative;
        }

        /// <summary>The plain name first, then the stable id suffix, longer only if even that is taken (a hash clash or a user's file).</summary>
        private static IEnumerable<string> Candidates(string folder, string plain, string suffixBase, string id)
        {
            string prefix = folder.Length == 0 ? "" : folder + "/";
            yield return prefix + plain;
            foreach (int digits in new[] { FileNamer.DefaultSuffixLength, 16, 32, 64 })
                yield return prefix + FileNamer.AddSuffix(suffixBase, id, digits);
        }

        private void EnsureNamesLoaded()
        {
            if (_names != null) return;
            _index = DestinationIndex.ReadOnly(_indexPath);
            RebuildNames();
        }

        /// <summary>Claims every path the index records, then keeps this run's reservations that are still free. Under _state.</summary>
        private void RebuildNames()
        {
            var names = new DestinationNames(_options.Destination);
            foreach (IndexEntry e in _index.Snapshot())
            {
                names.Claim(e.Path, e.Id);
                if (e.MotionPath != null) names.Claim(e.MotionPath, e.Id);
                if (e.MetadataPath != null) names.Claim(e.MetadataPath, e.Id);
            }
            var kept = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (KeyValuePair<string, string> r in _reserved)
            {
                if (_index.TryGet(r.Key, out IndexEntry _)) continue;
                if (names.IsFreeFor(r.Value, r.Key))
                {
                    names.Claim(r.Value, r.Key);
                    kept[r.Key] = r.Value;
                }
            }
            _reserved = kept;
            _names = names;
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

        // ============================================================================================ phase 2: workers

        private async Task WorkerLoopAsync()
        {
            try
            {
                var buffer = new byte[ContentDownloader.BufferSize]; // one per worker: memory stays constant
                CancellationToken stop = _stop.Token;
                while (true)
                {
                    try
                    {
                        await _available.WaitAsync(stop).ConfigureAwait(false);
                    }
                    catch (OperationCanceledException)
                    {
                        return;
                    }
                    if (!_queue.TryDequeue(out WorkItem work)) return; // woken by CompleteAdding, nothing left
                    _space.Release();
                    if (stop.IsCancellationRequested) return;
                    await ProcessAsync(work, buffer).ConfigureAwait(false);
                }
            }
            catch (Exception ex)
            {
                // ProcessAsync reports its own failures; reaching this is a bug. Stop the run rather than lose items silently.
                if (!_stop.IsCancellationRequested) SetFatal(ex, null);
            }
        }

        private async Task ProcessAsync(WorkItem work, byte[] buffer)
        {
            MediaItem item = work.Item;
            DownloadedFile original = null, motion = null;
            Interlocked.Increment(ref _inFlight);
            try
            {
                CancellationToken stop = _stop.Token;
                IMediaContentSource source = _sourceFor(item)
                    ?? throw new InvalidOperationException($"There is no content source for items from {item.Source}.");
                if (work.NeedOriginal)
                {
                    original = await DownloadAsync(source, item, ContentVariant.Original, buffer, stop).ConfigureAwait(false);
                    if (original == null)
                        throw new UnexpectedContentException(UnexpectedContentKind.NoContent,
                            $"'{item.Filename ?? item.Id}': the source has no content for this item. Nothing was saved.");
                }

                bool motionChecked = false;
                Exception motionError = null;
                if (work.NeedMotion)
                {
                    try
                    {
                        motion = await DownloadAsync(source, item, ContentVariant.MotionVideo, buffer, stop).ConfigureAwait(false);
                        motionChecked = true;
                        if (motion == null) Verbose(item, $"'{item.Filename ?? item.Id}' is not a motion photo.");
                    }
                    catch (Exception ex) when (!IsStopping(ex))
                    {
                        motionError = ex;
                    }
                }

                SaveResult result = null;
                if (original != null || motionChecked || work.NeedMetadata)
                    result = Commit(work, original, motion, motionChecked);

                if (motionError != null)
                {
                    ErrorEntry cause = ErrorCatalog.ClassifyItemFailure(motionError);
                    Emit(new SaveEvent(SaveEventKind.Error, item,
                        new ErrorEntry(ErrorCatalog.MotionVideoFailed, cause.Category, false, motionError),
                        $"The motion video of '{item.Filename ?? item.Id}' was not saved: {motionError.Message}"));
                }
                if (result != null)
                {
                    // A repaired file is named in a warning: the user's backup had lost or changed it (-Verbose is not enough).
                    if (work.Repairs != null)
                        Emit(new SaveEvent(SaveEventKind.Warning, item, work.Repairs, errorId: ErrorCatalog.FileRepaired));
                    if (result.Status == SaveStatus.Saved) Interlocked.Increment(ref _saved);
                    else Interlocked.Increment(ref _skipped);
                    Emit(new SaveEvent(SaveEventKind.Result, item, $"{result.Status}: '{result.Path}'.", result));
                }
                else if (motionError != null)
                {
                    Interlocked.Increment(ref _failed);
                }
            }
            catch (OperationCanceledException) when (_stop.IsCancellationRequested)
            {
                // Ctrl+C or a fatal error elsewhere: not this item's failure, and it is not saved. Nothing to report.
            }
            catch (Exception ex) when (IsFatal(ex))
            {
                SetFatal(ex, item);
            }
            catch (Exception ex)
            {
                Interlocked.Increment(ref _failed);
                Emit(new SaveEvent(SaveEventKind.Error, item, ErrorCatalog.ClassifyItemFailure(ex)));
            }
            finally
            {
                AtomicFile.TryDelete(original?.TempPath); // gone after a successful rename; removed otherwise
                AtomicFile.TryDelete(motion?.TempPath);
                Interlocked.Decrement(ref _inFlight);
            }
        }

        /// <summary>
        /// One variant with retries around each whole attempt. Transient errors (5xx, 429, dropped or stalled
        /// connections, truncated bodies) follow <see cref="SaveOptions.Retry"/>; a wrong kind of content (thumbnail,
        /// HTML, empty) is tried twice at most, since the same URL will answer the same way.
        /// </summary>
        private async Task<DownloadedFile> DownloadAsync(IMediaContentSource source, MediaItem item, ContentVariant variant, byte[] buffer, CancellationToken stop)
        {
            RetryPolicy policy = _options.Retry;
            TimeSpan waited = TimeSpan.Zero;
            for (int attempt = 1; ; attempt++)
            {
                await WaitForRateLimitAsync(stop).ConfigureAwait(false);
                TimeSpan delay;
                try
                {
                    DownloadedFile file = await ContentDownloader.DownloadAsync(source, item, variant, _tempFolder, buffer,
                        n => Interlocked.Add(ref _bytesDownloaded, n), stop).ConfigureAwait(false);
                    Interlocked.Exchange(ref _media429Streak, 0);
                    return file;
                }
                catch (Exception ex) when (StopForRateLimit(ex, item) is RateLimitedException stopRun)
                {
                    throw stopRun; // fatal: a QuotaExhaustedException, so the run stops with "resume after"
                }
                catch (Exception ex) when (ShouldRetry(ex, attempt, policy, stop)
                    && waited + (delay = policy.GetDelay(attempt, ex)) <= policy.ScaledBudget)
                {
                    waited += delay; // the per-item wait budget: one item never holds a worker for hours
                    if (ex is GoogleApiException api && api.HttpStatus == 429) PauseAllWorkers(delay);
                    Verbose(item, string.Format(CultureInfo.InvariantCulture, "{0}: attempt {1} failed ({2}); retrying in {3:0.#} s.",
                        ContentDownloader.Describe(item, variant), attempt, ex.Message, delay.TotalSeconds));
                }
                await policy.Delay(delay, stop).ConfigureAwait(false);
            }
        }

        /// <summary>
        /// The error that stops the whole run for a rate limit, or null: a plausible Retry-After beyond an hour, or
        /// <see cref="Media429StreakLimit"/> 429s in a row. The resume estimate: the server's Retry-After when it gave
        /// one; else Library base URLs have a daily fetch quota (Google resets it at midnight Pacific), others an hour.
        /// </summary>
        private RateLimitedException StopForRateLimit(Exception error, MediaItem item)
        {
            if (RetryPolicy.StopFor(error) is RateLimitedException tooLong) return tooLong;
            if (!(error is GoogleApiException api) || api.HttpStatus != 429 || error is QuotaExhaustedException) return null;
            int streak = Interlocked.Increment(ref _media429Streak);
            if (streak < Media429StreakLimit) return null;
            DateTimeOffset resume = api.RetryAfter.HasValue ? DateTimeOffset.Now + api.RetryAfter.Value
                : item.Source == MediaSource.Library ? GoogleApiClient.NextPacificMidnight(DateTimeOffset.UtcNow)
                : DateTimeOffset.Now.AddHours(1);
            return new RateLimitedException(api, resume,
                $"Google answered {streak} downloads in a row with 429 Too Many Requests (last: '{item.Filename}'), so the run stops instead of retrying for hours.");
        }

        private static bool ShouldRetry(Exception error, int attempt, RetryPolicy policy, CancellationToken stop)
        {
            if (stop.IsCancellationRequested) return false;
            if (error is UnexpectedContentException unexpected)
            {
                if (unexpected.Kind == UnexpectedContentKind.NoContent) return false;
                int limit = unexpected.Kind == UnexpectedContentKind.Truncated ? policy.MaxAttempts : Math.Min(2, policy.MaxAttempts);
                return attempt < limit;
            }
            return attempt < policy.MaxAttempts && RetryPolicy.IsTransient(error, stop);
        }

        /// <summary>After a 429 every worker holds off, not just the one that got it: Google counts the whole client.</summary>
        private void PauseAllWorkers(TimeSpan delay)
        {
            // Bounded whatever the server said: a poisoned pause would fail or stall every later item.
            if (delay > RetryAfterHeader.HonouredUpTo) delay = RetryAfterHeader.HonouredUpTo;
            if (delay <= TimeSpan.Zero) return;
            long until = DateTime.UtcNow.Ticks + delay.Ticks;
            long current;
            do
            {
                current = Interlocked.Read(ref _pauseUntilTicks);
                if (current >= until) return;
            }
            while (Interlocked.CompareExchange(ref _pauseUntilTicks, until, current) != current);
        }

        private Task WaitForRateLimitAsync(CancellationToken stop)
        {
            long wait = Math.Min(Interlocked.Read(ref _pauseUntilTicks) - DateTime.UtcNow.Ticks, RetryAfterHeader.HonouredUpTo.Ticks);
            return wait > 0 ? _options.Retry.Delay(TimeSpan.FromTicks(wait), stop) : Task.FromResult(0);
        }

        // ============================================================================================ commit

        /// <summary>
        /// Puts verified temp files in place. Order matters for crash safety: file times are set on the temp file, the
        /// index line is written and flushed, then the rename happens. A crash before the rename leaves an index entry
        /// whose file is missing (fetched again next run, to the same path), never a file the index does not know
        /// (which the next run would treat as the user's and save beside, duplicating it). A failed rename reverts the
        /// index line.
        /// </summary>
        private SaveResult Commit(WorkItem work, DownloadedFile original, DownloadedFile motion, bool motionChecked)
        {
            MediaItem item = work.Item;
            IndexEntry existing = work.Existing;
            IndexEntry entry = existing?.Clone() ?? new IndexEntry { Id = item.Id, Path = work.RelativePath };
            entry.Source = item.Source.ToString();
            if (original != null) entry.Size = original.Bytes;

            string motionRelative = null;
            string metadataRelative = null;
            lock (_state)
            {
                if (motionChecked)
                {
                    entry.MotionChecked = true;
                    if (motion != null)
                    {
                        motionRelative = ResolveMotionPath(work, motion.ContentType);
                        entry.MotionPath = motionRelative;
                        entry.MotionSize = motion.Bytes;
                    }
                }
                if (work.NeedMetadata)
                {
                    string wanted = existing?.MetadataPath ?? MetadataSidecar.PathFor(work.RelativePath);
                    if (_names.IsFreeFor(wanted, item.Id))
                    {
                        _names.Claim(wanted, item.Id);
                        metadataRelative = wanted;
                        entry.MetadataPath = wanted;
                    }
                    else
                    {
                        Emit(new SaveEvent(SaveEventKind.Warning, item,
                            $"The metadata file '{_names.ToFullPath(wanted)}' already exists and is not from GPhotos; it was not overwritten.",
                            errorId: "MetadataFileExists"));
                    }
                }
            }

            DateTime? created = item.CreationTime ?? item.MediaMetadata?.CreationTime;
            string motionFull = motionRelative == null ? null : _names.ToFullPath(motionRelative);
            bool filesChanged = original != null || motion != null;
            bool indexChanged = filesChanged
                || (motionChecked && existing?.MotionChecked != true)
                || (metadataRelative != null && existing?.MetadataPath != metadataRelative);

            try
            {
                string folder = Path.GetDirectoryName(work.FullPath);
                if (!_createdFolders.ContainsKey(folder)) // one mkdir per folder and run, not one per item
                {
                    Directory.CreateDirectory(folder);
                    _createdFolders[folder] = true;
                }
            }
            catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException)
            {
                throw new DestinationWriteException($"Cannot create the folder for '{work.FullPath}': {ex.Message}", work.FullPath, ex);
            }
            if (original != null) AtomicFile.SetTimes(original.TempPath, created);
            if (motion != null) AtomicFile.SetTimes(motion.TempPath, created);

            if (indexChanged)
            {
                entry.SavedUtc = DateTime.UtcNow;
                try
                {
                    _index.Append(entry);
                }
                catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException)
                {
                    throw new DestinationWriteException($"Cannot update the destination index '{_indexPath}': {ex.Message}", _indexPath, ex);
                }
            }

            string placing = work.FullPath;
            bool owned = existing != null;
            try
            {
                // Replace only what the index says is ours; anything else must not exist (a file that appeared
                // during the download makes the rename fail instead of being overwritten).
                if (original != null) Place(original.TempPath, work.FullPath, owned);
                placing = motionFull;
                owned = existing?.MotionPath != null && existing.MotionPath == motionRelative;
                if (motion != null) Place(motion.TempPath, motionFull, owned);
            }
            catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException)
            {
                try { _index.Revert(item.Id, existing); }
                catch (Exception revertError) when (revertError is IOException || revertError is UnauthorizedAccessException) { }
                throw new DestinationWriteException(
                    !owned && File.Exists(placing)
                        ? $"'{placing}' appeared while '{item.Filename ?? item.Id}' was downloading; it was not overwritten. Run the save again to store the item under another name."
                        : $"Cannot write '{placing}': {ex.Message}",
                    placing, ex);
            }
            // ReplaceFile (.NET Framework) keeps the replaced file's creation time: set the times once more.
            if (original != null && existing != null) AtomicFile.SetTimes(work.FullPath, created);
            if (motion != null && existing?.MotionPath != null) AtomicFile.SetTimes(motionFull, created);

            string metadataFull = null;
            if (metadataRelative != null)
            {
                metadataFull = _names.ToFullPath(metadataRelative);
                try
                {
                    AtomicFile.WriteAllBytes(metadataFull, MetadataSidecar.Serialize(item), _tempFolder, replace: true);
                    AtomicFile.SetTimes(metadataFull, created);
                }
                catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException)
                {
                    metadataFull = null;
                    Emit(new SaveEvent(SaveEventKind.Warning, item, $"The metadata file for '{work.FullPath}' was not written: {ex.Message}", errorId: "MetadataWriteFailed"));
                }
            }
            else if (entry.MetadataPath != null && File.Exists(_names.ToFullPath(entry.MetadataPath)))
            {
                metadataFull = _names.ToFullPath(entry.MetadataPath);
            }

            if (original != null) Interlocked.Add(ref _bytesSaved, original.Bytes);
            if (motion != null) Interlocked.Add(ref _bytesSaved, motion.Bytes);
            SaveResult result = filesChanged
                ? CreateResult(SaveStatus.Saved, work.Reason, item, entry)
                : CreateResult(SaveStatus.Skipped, SaveReason.AlreadySaved, item, entry);
            result.MetadataPath = metadataFull;
            return result;
        }

        private void Place(string temp, string target, bool owned)
        {
            if (owned) AtomicFile.MoveReplacing(temp, target, _tempFolder);
            else AtomicFile.MoveNew(temp, target);
        }

        /// <summary>
        /// Beside the photo, same stem: <c>IMG_0001.JPG</c> → <c>IMG_0001.MP4</c> (what Apple Photos, Immich and
        /// friends pair as a live photo). If that is taken (another item's video, a user's file), the id suffix. Under _state.
        /// </summary>
        private string ResolveMotionPath(WorkItem work, string contentType)
        {
            if (work.Existing?.MotionPath != null) return work.Existing.MotionPath;
            string extension = contentType != null && contentType.IndexOf("quicktime", StringComparison.OrdinalIgnoreCase) >= 0 ? ".MOV" : ".MP4";
            int slash = work.RelativePath.LastIndexOf('/');
            string folder = slash < 0 ? "" : work.RelativePath.Substring(0, slash);
            string mainName = slash < 0 ? work.RelativePath : work.RelativePath.Substring(slash + 1);
            string safe = FileNamer.MakeSafeName(work.Item.Filename, work.Item.Id, work.Item.MimeType);
            return _names.ClaimFirstFree(
                       Candidates(folder, FileNamer.ChangeExtension(mainName, extension), FileNamer.ChangeExtension(safe, extension), work.Item.Id),
                       work.Item.Id)
                   ?? throw new DestinationWriteException($"No free file name for the motion video of '{work.Item.Filename ?? work.Item.Id}'.", work.FullPath, null);
        }

        private SaveResult CreateResult(SaveStatus status, string reason, MediaItem item, IndexEntry entry)
        {
            string metadata = entry.MetadataPath == null ? null : _names.ToFullPath(entry.MetadataPath);
            return new SaveResult
            {
                Status = status,
                Reason = reason,
                Id = item.Id,
                Path = _names.ToFullPath(entry.Path),
                RelativePath = entry.Path.Replace('/', Path.DirectorySeparatorChar),
                Bytes = entry.Size,
                MotionVideoPath = entry.MotionPath == null ? null : _names.ToFullPath(entry.MotionPath),
                MetadataPath = metadata != null && File.Exists(metadata) ? metadata : null,
                Item = item,
            };
        }

        // ============================================================================================ errors and events

        /// <summary>The catalog decides what ends a run (quota, sign-in, full disk); the cmdlets ask the same place.</summary>
        private static bool IsFatal(Exception error) => ErrorCatalog.StopsSave(error);

        private bool IsStopping(Exception error) =>
            IsFatal(error) || (error is OperationCanceledException && _stop.IsCancellationRequested);

        /// <summary>The first fatal error stops the run: workers take no more items and downloads in flight are aborted (their temp files deleted).</summary>
        private void SetFatal(Exception error, MediaItem item)
        {
            if (Interlocked.CompareExchange(ref _fatal, error, null) != null) return;
            Emit(new SaveEvent(SaveEventKind.Fatal, item, ErrorCatalog.Classify(error, "SaveEngineFailed")));
            CancelQuietly();
        }

        private void CancelQuietly()
        {
            try { _stop.Cancel(); }
            catch (AggregateException) { } // a registration callback failed while aborting a download: nothing to add
            catch (ObjectDisposedException) { }
        }

        private void Emit(SaveEvent saveEvent)
        {
            lock (_eventLock)
            {
                _events.Enqueue(saveEvent);
                Monitor.PulseAll(_eventLock);
            }
        }

        private void Verbose(MediaItem item, string message) => Emit(new SaveEvent(SaveEventKind.Verbose, item, message));

        // ============================================================================================ helpers

        private int CleanTempFolder()
        {
            int removed = 0;
            try
            {
                if (!Directory.Exists(_tempFolder)) return 0;
                foreach (string file in Directory.GetFiles(_tempFolder))
                {
                    try
                    {
                        File.Delete(file);
                        removed++;
                    }
                    catch (IOException) { }
                    catch (UnauthorizedAccessException) { }
                }
            }
            catch (IOException) { }
            catch (UnauthorizedAccessException) { }
            return removed;
        }

        private static void HideOnWindows(string folder)
        {
            if (Path.DirectorySeparatorChar != '\\') return; // the leading dot hides it elsewhere
            try
            {
                var info = new DirectoryInfo(folder);
                info.Attributes |= FileAttributes.Hidden;
            }
            catch (IOException) { }
            catch (UnauthorizedAccessException) { }
        }

        private void ThrowIfDisposed()
        {
            if (_disposed) throw new ObjectDisposedException(nameof(SaveSession));
        }
    }
}
