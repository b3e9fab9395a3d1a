using System.Collections.Concurrent;
using GPhotos.Errors;

namespace GPhotos.Reporting
{
    /// <summary>What a report is: PowerShell's verbose, warning, progress and error streams, without PowerShell.</summary>
    public enum ReportKind
    {
        Verbose,
        Warning,
        Progress,

        /// <summary>A non-terminating error (<see cref="IErrorReporter"/>): one input or item failed, the work goes on.</summary>
        Error,
    }

    /// <summary>One message for the host. Immutable; made on any thread, written on the pipeline thread.</summary>
    public sealed class Report
    {
        public Report(ReportKind kind, string message, string warningId = null, object target = null, ProgressReport progress = null, ErrorEntry error = null)
        {
            Kind = kind;
            Message = message;
            WarningId = warningId;
            Target = target;
            Progress = progress;
            Error = error;
        }

        public ReportKind Kind { get; }

        /// <summary>The text the user reads. A warning names the item it is about.</summary>
        public string Message { get; }

        /// <summary>Warnings: a stable id (e.g. <c>FileRepaired</c>) for tests and log filters; may be null.</summary>
        public string WarningId { get; }

        /// <summary>What the report is about (a MediaItem, a path), or null.</summary>
        public object Target { get; }

        /// <summary>Progress reports only.</summary>
        public ProgressReport Progress { get; }

        /// <summary>Error reports only: the catalog's entry (id, category, exception); <see cref="Target"/> is what failed.</summary>
        public ErrorEntry Error { get; }

        public override string ToString() => Kind + ": " + Message;
    }

    /// <summary>A progress bar's state (PowerShell's ProgressRecord, host-free).</summary>
    public sealed class ProgressReport
    {
        /// <summary>Tells concurrent bars apart (ProgressRecord.ActivityId).</summary>
        public int ActivityId { get; set; }
        public string Activity { get; set; }
        public string Status { get; set; }

        /// <summary>0 to 100, or -1 when unknown.</summary>
        public int PercentComplete { get; set; } = -1;

        /// <summary>The bar is done: the host removes it.</summary>
        public bool Completed { get; set; }
    }

    /// <summary>
    /// The one way core code talks to the user while it works: messages, warnings and progress. Implementations are
    /// thread-safe and never block (workers call them); the host writes what they hold on its own thread (the base
    /// cmdlet drains a <see cref="QueueReporter"/> on the pipeline thread, where PowerShell allows writing).
    /// <para>
    /// To report from a component: take an <see cref="IReporter"/> (default <see cref="NullReporter.Instance"/>),
    /// and call it instead of an <c>Action&lt;string&gt;</c>. Auth (<c>ConnectOptions.Reporter</c>, the token store), the
    /// connection (<c>GPhotosConnection.Reporter</c>) and the Takeout reader (<c>TakeoutReaderOptions.Reporter</c>) report
    /// here. A component whose failures are per input and must not end the work (an unreadable Takeout part) reports
    /// them as errors when its reporter is an <see cref="IErrorReporter"/>.
    /// </para>
    /// </summary>
    public interface IReporter
    {
        /// <summary>Detail for -Verbose: never the only place a failure or a skipped item is reported.</summary>
        void Verbose(string message);

        /// <summary>Something the user must see (a repaired file, a skipped item): name the item in the message.</summary>
        void Warning(string message, string warningId = null, object target = null);

        void Progress(ProgressReport progress);
    }

    /// <summary>
    /// A reporter that also carries non-terminating errors (the host writes them as ErrorRecords made from the catalog's
    /// entry). Separate from <see cref="IReporter"/> only so that existing reporters need not implement it; a component
    /// that gets a plain <see cref="IReporter"/> throws its errors instead, as before.
    /// </summary>
    public interface IErrorReporter : IReporter
    {
        /// <summary>One input or item failed; the work goes on. <paramref name="target"/> names it (a path, an item).</summary>
        void Error(ErrorEntry error, object target = null);
    }

    /// <summary>Drops everything: for callers that have nowhere to write.</summary>
    public sealed class NullReporter : IReporter
    {
        public static NullReporter Instance { get; } = new NullReporter();

        public void Verbose(string message) { }
        public void Warning(string message, string warningId = null, object target = null) { }
        public void Progress(ProgressReport progress) { }
    }

    /// <summary>
    /// Holds reports in arrival order until the host takes them (<see cref="TryTake"/>). Unbounded on purpose: a
    /// worker must never wait for the host, and nothing is dropped; the host drains at least once a second.
    /// </summary>
    public sealed class QueueReporter : IErrorReporter
    {
        private readonly ConcurrentQueue<Report> _reports = new ConcurrentQueue<Report>();

        public void Verbose(string message) => _reports.Enqueue(new Report(ReportKind.Verbose, message));

        public void Warning(string message, string warningId = null, object target = null) =>
            _reports.Enqueue(new Report(ReportKind.Warning, message, warningId, target));

        public void Progress(ProgressReport progress)
        {
            if (progress != null) _reports.Enqueue(new Report(ReportKind.Progress, progress.Status, progress: progress));
        }

        public void Error(ErrorEntry error, object target = null)
        {
            if (error != null) _reports.Enqueue(new Report(ReportKind.Error, error.Message, error.Id, target, error: error));
        }

        public bool TryTake(out Report report) => _reports.TryDequeue(out report);

        public bool IsEmpty => _reports.IsEmpty;
    }
}
