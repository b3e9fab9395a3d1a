using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Threading;
using GPhotos.Errors;
using GPhotos.Model;
using GPhotos.Reporting;

namespace GPhotos.Saving
{
    /// <summary>
    /// What a save hands back to its caller, in order: results, per-item errors and the fatal error (as
    /// <see cref="SaveEvent"/>s, drained by the pipeline thread), messages and warnings (through the
    /// <see cref="IReporter"/>), and the counters behind <see cref="SaveSession.GetProgress"/>. Unbounded, so workers
    /// never wait for the caller. Thread-safe.
    /// </summary>
    internal sealed class SaveEvents
    {
        private readonly object _lock = new object();
        private readonly Queue<SaveEvent> _events = new Queue<SaveEvent>();
        private readonly Stopwatch _clock = new Stopwatch();
        private bool _workersDone = true;
        private int _total, _saved, _skipped, _failed, _inFlight;
        private long _bytesDownloaded, _bytesSaved;

        /// <param name="reporter">Where messages and warnings go; null: into this queue as Verbose/Warning events (for callers that read only events).</param>
        public SaveEvents(IReporter reporter)
        {
            Reporter = reporter ?? new EventReporter(this);
        }

        public IReporter Reporter { get; }

        // ------------------------------------------------------------------------------------------- events

        [MethodImpl(HotPath.Optimized)]
        public void Emit(SaveEvent saveEvent)
        {
            lock (_lock)
            {
                _events.Enqueue(saveEvent);
                Monitor.PulseAll(_lock);
            }
        }

        public void Verbose(string message) => Reporter.Verbose(message);

        public void Warning(MediaItem item, string message, string warningId) => Reporter.Warning(message, warningId, item);

        public void Result(MediaItem item, string message, SaveResult result) => Emit(new SaveEvent(SaveEventKind.Result, item, message, result));

        /// <summary>
        /// A result without a message: the result says it all (its <see cref="SaveResult.Reason"/>). For items settled
        /// on the pipeline thread, e.g. each of a re-run's 100k already-saved items, whose message nobody writes.
        /// </summary>
        public void Result(MediaItem item, SaveResult result) => Emit(new SaveEvent(SaveEventKind.Result, item, null, result));

        public void Error(MediaItem item, ErrorEntry entry, string message = null) => Emit(new SaveEvent(SaveEventKind.Error, item, entry, message));

        [MethodImpl(HotPath.Optimized)]
        public bool TryTake(out SaveEvent saveEvent)
        {
            lock (_lock)
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

        /// <summary>Waits until an event is ready or <paramref name="finished"/> holds; false when <paramref name="timeout"/> passed first.</summary>
        public bool WaitForEvent(TimeSpan timeout, Func<bool, bool> finished)
        {
            Stopwatch waited = Stopwatch.StartNew();
            lock (_lock)
            {
                while (_events.Count == 0 && !finished(_workersDone))
                {
                    TimeSpan left = timeout == Timeout.InfiniteTimeSpan ? Timeout.InfiniteTimeSpan : timeout - waited.Elapsed;
                    if (left != Timeout.InfiniteTimeSpan && left <= TimeSpan.Zero) return false;
                    Monitor.Wait(_lock, left);
                }
                return true;
            }
        }

        /// <summary>No event left and <paramref name="finished"/> (given whether the workers are done) holds.</summary>
        public bool IsDrained(Func<bool, bool> finished)
        {
            lock (_lock) return _events.Count == 0 && finished(_workersDone);
        }

        /// <summary>Wakes <see cref="WaitForEvent"/> (adding completed, disposed).</summary>
        public void Wake()
        {
            lock (_lock) Monitor.PulseAll(_lock);
        }

        public void SetWorkersDone(bool done)
        {
            lock (_lock)
            {
                _workersDone = done;
                if (done) Monitor.PulseAll(_lock);
                else _clock.Start();
            }
        }

        // ------------------------------------------------------------------------------------------- counters

        public void CountItem() => Interlocked.Increment(ref _total);
        public void CountSaved() => Interlocked.Increment(ref _saved);
        public void CountSkipped() => Interlocked.Increment(ref _skipped);
        public void CountFailed() => Interlocked.Increment(ref _failed);
        public void BeginItem() => Interlocked.Increment(ref _inFlight);
        public void EndItem() => Interlocked.Decrement(ref _inFlight);
        public void AddDownloaded(long bytes) => Interlocked.Add(ref _bytesDownloaded, bytes);
        public void AddSaved(long bytes) => Interlocked.Add(ref _bytesSaved, bytes);

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

        /// <summary>For a session made without a reporter: messages become Verbose/Warning/Error events, in order with the results.</summary>
        private sealed class EventReporter : IReporter
        {
            private readonly SaveEvents _owner;

            public EventReporter(SaveEvents owner) => _owner = owner;

            public void Verbose(string message) => _owner.Emit(new SaveEvent(SaveEventKind.Verbose, null, message));

            public void Warning(string message, string warningId = null, object target = null) =>
                _owner.Emit(new SaveEvent(SaveEventKind.Warning, target as MediaItem, message, errorId: warningId));

            public void Progress(ProgressReport progress) { } // callers of this mode poll GetProgress

            public void Error(ErrorEntry error, object target = null)
            {
                if (error != null) _owner.Error(target as MediaItem, error);
            }
        }
    }
}
