using System;
using System.Threading;
using GPhotos.Errors;
using GPhotos.Model;

namespace GPhotos.Saving
{
    /// <summary>
    /// What every part of one save shares: the options, the stop signal (Ctrl+C or a fatal error), the first fatal
    /// error and the reporting. Parts get this, not the session.
    /// </summary>
    internal sealed class SaveRun
    {
        private readonly CancellationTokenSource _stop;
        private Exception _fatal;

        public SaveRun(SaveOptions options, SaveEvents events, CancellationToken callerToken)
        {
            Options = options;
            Events = events;
            CallerToken = callerToken;
            _stop = CancellationTokenSource.CreateLinkedTokenSource(callerToken);
        }

        public SaveOptions Options { get; }
        public SaveEvents Events { get; }

        /// <summary>The caller's Ctrl+C.</summary>
        public CancellationToken CallerToken { get; }

        /// <summary>Ctrl+C or a fatal error: workers take no more items and downloads in flight are aborted.</summary>
        public CancellationToken StopToken => _stop.Token;

        public bool IsStopped => _stop.IsCancellationRequested;

        public Exception FatalError => Volatile.Read(ref _fatal);

        /// <summary>The catalog decides what ends a run (quota, sign-in, full disk); the cmdlets ask the same place.</summary>
        public static bool IsFatal(Exception error) => ErrorCatalog.StopsSave(error);

        public bool IsStopping(Exception error) =>
            IsFatal(error) || (error is OperationCanceledException && _stop.IsCancellationRequested);

        /// <summary>The first fatal error stops the run: workers take no more items and downloads in flight are aborted (their temp files deleted).</summary>
        public void SetFatal(Exception error, MediaItem item)
        {
            // Stop first, and also when another worker's error came first: a worker returns from here to take its next
            // item, and must find the run stopped. (It used to stop only after the first worker's event was queued, so
            // under load a second worker that met the same 429 streak moved on and asked Google again, item after
            // item, for as long as the first was descheduled: 17-18 downloads instead of the streak's 8-9.)
            bool first = Interlocked.CompareExchange(ref _fatal, error, null) == null;
            Stop();
            if (first) Events.Emit(new SaveEvent(SaveEventKind.Fatal, item, ErrorCatalog.Classify(error, ErrorCatalog.SaveEngineFailed)));
        }

        public void Stop()
        {
            try { _stop.Cancel(); }
            catch (AggregateException) { } // a registration callback failed while aborting a download: nothing to add
            catch (ObjectDisposedException) { }
        }
    }
}
