using System;
using System.Collections.Generic;
using System.Linq;
using System.IO;
using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;
using GPhotos.Auth;
using GPhotos.Errors;
using GPhotos.Http;
using GPhotos.Model;
using GPhotos.Reporting;
using GPhotos.Sources.Library;

namespace GPhotos.Commands.Infrastructure
{
    /// <summary>
    /// Base of every GPhotos cmdlet: a cancellation token cancelled by Ctrl+C (<see cref="StopProcessing"/>),
    /// blocking on async core calls the safe way, the runspace's connection, and one mapping from core exceptions
    /// to PowerShell errors with stable ids and actionable messages.
    /// </summary>
    public abstract class GPhotosCmdlet : PSCmdlet, IDisposable
    {
        private readonly CancellationTokenSource _cancellation = new CancellationTokenSource();

        protected CancellationToken CancelToken => _cancellation.Token;

        protected override void StopProcessing() => _cancellation.Cancel();

        /// <summary>Runs core async work to completion on the pipeline thread; Ctrl+C becomes PipelineStoppedException.</summary>
        protected T Run<T>(Func<CancellationToken, Task<T>> work) => RunCore(work);

        protected void Run(Func<CancellationToken, Task> work) => RunCore(async ct => { await work(ct).ConfigureAwait(false); return true; });

        /// <summary>
        /// Like <see cref="Run{T}"/>, calling <paramref name="pump"/> on the pipeline thread about once a second while
        /// the work runs (for Write-Progress, which may only be called from this thread).
        /// </summary>
        internal T RunCore<T>(Func<CancellationToken, Task<T>> work, Action pump = null)
        {
            try
            {
                Task<T> task = work(CancelToken);
                while (!WaitQuietly(task))
                {
                    pump?.Invoke();
                    WriteReports();
                }
                WriteReports(); // also when the work failed: what it reported before the error comes first
                return task.GetAwaiter().GetResult();
            }
            catch (AggregateException ae) when (ae.InnerExceptions.Count == 1)
            {
                if (ae.InnerException is OperationCanceledException && CancelToken.IsCancellationRequested) throw new PipelineStoppedException();
                System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(ae.InnerException).Throw();
                throw;
            }
            catch (OperationCanceledException) when (CancelToken.IsCancellationRequested)
            {
                throw new PipelineStoppedException();
            }
        }

        /// <summary>Waits up to a second; true when the task ended, however (its error is taken by the caller).</summary>
        private static bool WaitQuietly(Task task)
        {
            try { return task.Wait(TimeSpan.FromSeconds(1)); }
            catch (AggregateException) { return true; }
        }

        /// <summary>Ends the command with <paramref name="error"/> mapped to an ErrorRecord.</summary>
        internal void ThrowTerminating(Exception error, object target, string fallbackId) => ThrowTerminatingError(ToErrorRecord(error, target, fallbackId));

        /// <summary>Ends the command with a catalog entry (an argument error, a missing permission...).</summary>
        internal void ThrowTerminating(ErrorEntry entry, object target) => ThrowTerminatingError(ToErrorRecord(entry, target));

        /// <summary>A non-terminating error from a catalog entry: this item or input fails, the command goes on.</summary>
        internal void WriteError(ErrorEntry entry, object target) => WriteError(ToErrorRecord(entry, target));

        /// <summary>The runspace's connection, or a terminating error that says how to connect.</summary>
        protected GPhotosConnection RequireConnection()
        {
            GPhotosConnection connection = RunspaceState.Current.Connection;
            if (connection == null)
            {
                ThrowTerminatingError(ToErrorRecord(ErrorCatalog.ForNotConnected(), null));
            }
            return connection;
        }

        /// <summary>True when a full batch of -Id values is waiting (then <see cref="FetchNextIds"/> should run).</summary>
        protected static bool HasFullIdBatch(List<string> pending) => IdBatches.HasFull(pending);

        /// <summary>
        /// -Id support shared by Get and Save: takes up to 50 ids off <paramref name="pending"/>, fetches them with one
        /// batchGet, hands each found item to <paramref name="found"/> and writes one non-terminating
        /// MediaItemNotFound (or InvalidMediaItemId) error per missing id (nothing is skipped silently).
        /// </summary>
        protected void FetchNextIds(List<string> pending, Action<MediaItem> found)
        {
            GPhotosConnection connection = RequireConnection();
            List<string> chunk = IdBatches.TakeFrom(pending);
            IReadOnlyList<BatchGetResult> results;
            try
            {
                results = Run(ct => new LibraryClient(connection.Api).BatchGetAsync(chunk, ct));
            }
            catch (Exception ex) when (!(ex is PipelineStoppedException))
            {
                ThrowTerminatingError(ToErrorRecord(ex, chunk, ErrorCatalog.BatchGetFailed));
                return;
            }
            foreach (BatchGetResult r in results)
            {
                if (r.Item != null) found(r.Item);
                else WriteError(ToErrorRecord(ErrorCatalog.ForBatchGetMiss(r.RequestedId, r.StatusCode, r.StatusMessage), r.RequestedId));
            }
        }

        /// <summary>Verbose output that is safe to show: never pass a token here.</summary>
        protected void Verbose(string message) => WriteVerbose(message);

        /// <summary>Core exception → ErrorRecord through the core's error catalog: stable id, category, the item as target.</summary>
        protected static ErrorRecord ToErrorRecord(Exception error, object target, string fallbackId = null) =>
            ToErrorRecord(ErrorCatalog.Classify(error, fallbackId), target);

        /// <summary>
        /// A catalog entry → ErrorRecord. The only translation the cmdlets do, and the module's only <c>new ErrorRecord</c>
        /// (Errors.Tests.ps1 checks): id, category and message come from the core's <see cref="ErrorCatalog"/>.
        /// </summary>
        internal static ErrorRecord ToErrorRecord(ErrorEntry entry, object target) =>
            new ErrorRecord(entry.Exception, entry.Id, ToCategory(entry.Category), target);

        /// <summary>The catalog's categories are named after PowerShell's, one for one (a test checks every name).</summary>
        internal static ErrorCategory ToCategory(GPhotosErrorCategory category) =>
            Enum.TryParse(category.ToString(), out ErrorCategory mapped) ? mapped : ErrorCategory.NotSpecified;

        /// <summary>Errors that end the whole command (no point going on with the next item): the catalog decides.</summary>
        protected static bool IsFatal(Exception error) => ErrorCatalog.StopsRun(error);

        #region Reporting: the core's messages, warnings and progress, written on the pipeline thread

        private QueueReporter _reporter;

        /// <summary>
        /// Hand this to core components (any thread may report); <see cref="WriteReports"/> writes what it holds.
        /// Unbounded and drained here, so nothing is dropped as long as the cmdlet drains before it returns.
        /// </summary>
        internal QueueReporter Reporter => _reporter ?? (_reporter = new QueueReporter());

        /// <summary>
        /// Writes every pending report: first the connection's (token refreshes, reported through the runspace's
        /// reporter, see <see cref="RunspaceState.Reporter"/>), then this cmdlet's. Each queue keeps its order; the two
        /// are independent (a refresh message has no place among an item's messages). Only from the pipeline thread.
        /// </summary>
        internal void WriteReports()
        {
            Write(RunspaceState.Current.Reporter);
            if (_reporter != null) Write(_reporter);
        }

        private void Write(QueueReporter reporter)
        {
            while (reporter.TryTake(out Report report))
            {
                switch (report.Kind)
                {
                    case ReportKind.Warning: WriteWarning(report.Message); break;
                    case ReportKind.Progress: WriteProgress(ToProgressRecord(report.Progress)); break;
                    case ReportKind.Error: WriteError(report.Error, report.Target); break;
                    default: WriteVerbose(report.Message); break;
                }
            }
        }

        private static ProgressRecord ToProgressRecord(ProgressReport p) =>
            new ProgressRecord(p.ActivityId, p.Activity ?? "GPhotos", string.IsNullOrEmpty(p.Status) ? "…" : p.Status)
            {
                PercentComplete = p.PercentComplete,
                RecordType = p.Completed ? ProgressRecordType.Completed : ProgressRecordType.Processing,
            };

        #endregion

        /// <summary>Releases what a cmdlet holds (a save session's lock, workers). Called once, also after Ctrl+C.</summary>
        protected virtual void DisposeResources() { }

        public void Dispose()
        {
            DisposeResources();
            _cancellation.Dispose();
            GC.SuppressFinalize(this);
        }
    }

    internal static class Messages
    {
        public const string EmptyLibraryHint =
            "The Library API returned no items. Since 2025-03-31 it only lists photos and videos that this app uploaded itself, so an existing library looks empty here. Use 'Get-GPhotosMediaItem -Pick' to choose items in Google's picker, or 'Get-GPhotosMediaItem -TakeoutPath <zips>' for a Google Takeout export.";
    }
}
