using System;
using System.Runtime.CompilerServices;
using System.Threading;
using System.Threading.Tasks;
using GPhotos.Model;
using GPhotos.Reporting;
using GPhotos.Sources;

namespace GPhotos.Saving
{
    /// <summary>
    /// The save engine: one destination, one run. A coordinator of named parts (see docs/architecture.md):
    /// <see cref="SavePlanner"/> (skip policy, the one place a path is resolved), <see cref="SaveNamer"/> (every name),
    /// <see cref="DestinationStore"/> and <see cref="Committer"/> (lock, index, temp, commit order),
    /// <see cref="WorkerPool"/>, <see cref="ItemWorker"/> and <see cref="DownloadRetry"/> (queue, workers, retry), and
    /// <see cref="SaveEvents"/> with an <see cref="IReporter"/> (what the caller is told).
    /// Built for a cmdlet's three phases:
    /// <list type="number">
    /// <item>the pipeline thread decides (ShouldProcess, with <see cref="PreviewPath"/> for the message) and hands
    /// each item to <see cref="Enqueue"/> / <see cref="TryEnqueue"/>;</item>
    /// <item>up to <see cref="SaveOptions.ThrottleLimit"/> workers download in parallel and never write to the host:
    /// they queue <see cref="SaveEvent"/>s and reports;</item>
    /// <item>the pipeline thread drains them (<see cref="TryTake"/>, <see cref="WaitForEvent"/>, the reporter) and
    /// polls <see cref="GetProgress"/>; after <see cref="CompleteAdding"/> it drains until <see cref="IsCompleted"/>.</item>
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
        public const string StateFolderName = DestinationStore.StateFolderName;
        public const string TempFolderName = DestinationStore.TempFolderName;

        /// <inheritdoc cref="DownloadRetry.Media429StreakLimit"/>
        internal const int Media429StreakLimit = DownloadRetry.Media429StreakLimit;

        private readonly SaveRun _run;
        private readonly SaveEvents _events;
        private readonly SaveNamer _namer;
        private readonly SavePlanner _planner;
        private readonly DestinationStore _store;
        private readonly WorkerPool _pool;
        private readonly object _startLock = new object();
        private volatile bool _started;
        private volatile bool _addingCompleted;
        private volatile bool _disposed;

        /// <param name="options">Validated and copied now.</param>
        /// <param name="sources">Opens each item's bytes; the core picks the source by <see cref="MediaItem.Source"/>.</param>
        /// <param name="reporter">Where messages and warnings go (drained by the host); null: they come out of <see cref="TryTake"/> as events.</param>
        /// <param name="cancellationToken">The caller's Ctrl+C: stops workers promptly and aborts downloads in flight.</param>
        public SaveSession(SaveOptions options, ContentSources sources, IReporter reporter = null, CancellationToken cancellationToken = default(CancellationToken))
            : this(options, (sources ?? throw new ArgumentNullException(nameof(sources))).For, reporter, cancellationToken)
        {
        }

        /// <param name="options">Validated and copied now.</param>
        /// <param name="contentSourceFor">Picks the source that can open an item's bytes (tests: a fake).</param>
        /// <param name="cancellationToken">The caller's Ctrl+C: stops workers promptly and aborts downloads in flight.</param>
        public SaveSession(SaveOptions options, Func<MediaItem, IMediaContentSource> contentSourceFor, CancellationToken cancellationToken = default(CancellationToken))
            : this(options, contentSourceFor, null, cancellationToken)
        {
        }

        internal SaveSession(SaveOptions options, Func<MediaItem, IMediaContentSource> contentSourceFor, IReporter reporter, CancellationToken cancellationToken)
        {
            if (options == null) throw new ArgumentNullException(nameof(options));
            if (contentSourceFor == null) throw new ArgumentNullException(nameof(contentSourceFor));
            _events = new SaveEvents(reporter);
            _run = new SaveRun(options.Snapshot(), _events, cancellationToken);
            _store = new DestinationStore(_run);
            _namer = new SaveNamer(_run.Options, _store.IndexPath);
            Albums = new AlbumLinker(_run, _namer, _store);
            _planner = new SavePlanner(_run, _namer, Albums);
            var download = new DownloadRetry(_run, _store.TempFolder);
            var committer = new Committer(_run, _store, _namer, Albums);
            _pool = new WorkerPool(_run, new ItemWorker(_run, contentSourceFor, download, committer));
        }

        /// <summary>The destination as a full path.</summary>
        public string Destination => _run.Options.Destination;

        /// <summary>Items that may wait for a worker before <see cref="Enqueue"/> blocks.</summary>
        public int QueueCapacity => _pool.Capacity;

        public bool IsStarted => _started;

        /// <summary>The error that stopped the run (quota, sign-in, disk full), or null.</summary>
        public Exception FatalError => _run.FatalError;

        /// <summary>Where messages and warnings go.</summary>
        public IReporter Reporter => _events.Reporter;

        /// <summary>Album folders (for tests: its hard-link call can be replaced).</summary>
        internal AlbumLinker Albums { get; }

        /// <summary>For tests: lines beyond the live entries tolerated before the index is compacted at start.</summary>
        internal int IndexCompactionThreshold
        {
            get => _store.IndexCompactionThreshold;
            set => _store.IndexCompactionThreshold = value;
        }

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
                _run.CallerToken.ThrowIfCancellationRequested();
                _store.Open(_namer);
                _pool.Start();
                _started = true;
            }
        }

        /// <summary>
        /// Starts reading the destination's index in the background (read-only: no folder, lock or file is created,
        /// so -WhatIf still writes nothing), for a caller that will hand items later, e.g. a cmdlet whose upstream is
        /// still listing. The first <see cref="PreviewPath"/> or <see cref="Start"/> takes it if the file has not
        /// changed since; <see cref="Dispose"/> stops it if nobody did.
        /// </summary>
        public void ReadIndexAhead()
        {
            ThrowIfDisposed();
            lock (_namer.Sync) _namer.BeginReadAhead(_run.CallerToken);
        }

        /// <summary>True while the index read ahead (<see cref="ReadIndexAhead"/>) is still reading: a first item would wait for it.</summary>
        public bool IsReadingIndexAhead => _namer.ReadAheadTask?.IsCompleted == false;

        /// <summary>For tests: the index read ahead while nobody took it, else null.</summary>
        internal Task IndexReadAhead => _namer.ReadAheadTask;

        /// <summary>
        /// The full path <paramref name="item"/> will be saved to, for -WhatIf and ShouldProcess messages. Read-only:
        /// reads the index if there is one, creates nothing, takes no lock. The name is reserved in memory, so two
        /// same-name items preview as two different paths, and a later <see cref="Enqueue"/> of the same item in
        /// this session uses the path shown (the planner resolves each item's path once).
        /// </summary>
        [MethodImpl(HotPath.Optimized)]
        public string PreviewPath(MediaItem item)
        {
            if (item == null) throw new ArgumentNullException(nameof(item));
            if (string.IsNullOrEmpty(item.Id)) throw new ArgumentException("The item has no id.", nameof(item));
            ThrowIfDisposed();
            return _planner.Target(item);
        }

        /// <summary>
        /// Hands an item to the workers, blocking while the queue is full. Returns false when the session stopped
        /// after a fatal error (drain the events to report it). Items settled without a download (already saved,
        /// video not ready) produce their event at once. Throws <see cref="OperationCanceledException"/> on Ctrl+C.
        /// </summary>
        public bool Enqueue(MediaItem item) => TryEnqueue(item, Timeout.InfiniteTimeSpan) == EnqueueResult.Accepted;

        /// <summary>Like <see cref="Enqueue"/>, but returns <see cref="EnqueueResult.Full"/> when no slot freed up within <paramref name="timeout"/>.</summary>
        [MethodImpl(HotPath.Optimized)]
        public EnqueueResult TryEnqueue(MediaItem item, TimeSpan timeout)
        {
            if (item == null) throw new ArgumentNullException(nameof(item));
            ThrowIfDisposed();
            if (_addingCompleted) throw new InvalidOperationException("CompleteAdding was called: the session takes no more items.");
            Start();
            if (FatalError != null) return EnqueueResult.Stopped;
            _run.CallerToken.ThrowIfCancellationRequested();

            bool slot;
            try
            {
                slot = _pool.WaitForSlot(timeout);
            }
            catch (OperationCanceledException)
            {
                _run.CallerToken.ThrowIfCancellationRequested();
                return EnqueueResult.Stopped;
            }
            if (!slot) return EnqueueResult.Full;

            bool queued = false;
            try
            {
                _events.CountItem();
                SavePlan plan = _planner.Plan(item);
                if (plan != null)
                {
                    _pool.Add(plan);
                    queued = true;
                }
            }
            finally
            {
                if (!queued) _pool.ReleaseSlot();
            }
            return EnqueueResult.Accepted;
        }

        /// <summary>No more items: workers finish what is queued and stop. Then drain events until <see cref="IsCompleted"/>.</summary>
        public void CompleteAdding()
        {
            if (_addingCompleted) return;
            _addingCompleted = true;
            if (_started) _pool.CompleteAdding();
            _events.Wake();
        }

        /// <summary>Takes the next event, if any. Write it from the pipeline thread.</summary>
        public bool TryTake(out SaveEvent saveEvent) => _events.TryTake(out saveEvent);

        /// <summary>Waits until an event is ready or the session has finished; false when <paramref name="timeout"/> passed first.</summary>
        public bool WaitForEvent(TimeSpan timeout) => _events.WaitForEvent(timeout, IsFinished);

        /// <summary>
        /// True when no more events will come and none are left: all items are done after <see cref="CompleteAdding"/>,
        /// or the run stopped (fatal error, cancellation) and its workers have exited.
        /// </summary>
        public bool IsCompleted => _events.IsDrained(IsFinished);

        private bool IsFinished(bool workersDone) => workersDone && (_addingCompleted || _run.IsStopped);

        public SaveProgress GetProgress() => _events.GetProgress();

        /// <summary>Stops workers (aborting downloads), waits briefly for them, deletes temp files, releases the lock.</summary>
        public void Dispose()
        {
            if (_disposed) return;
            _disposed = true;
            _run.Stop();
            Task completion = _pool.Completion;
            if (completion != null)
            {
                try { completion.Wait(TimeSpan.FromSeconds(10)); }
                catch (AggregateException) { }
            }
            lock (_namer.Sync)
            {
                _namer.CancelReadAhead();
                _namer.Index?.Dispose();
            }
            _store.Dispose();
            _events.Wake();
        }

        private void ThrowIfDisposed()
        {
            if (_disposed) throw new ObjectDisposedException(nameof(SaveSession));
        }
    }
}
