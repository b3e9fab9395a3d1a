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

        /// <summary>A non-terminating error (<see cref="IReporter.Error"/>): one input or item failed, the work goes on.</summary>
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

        /// <summary>Makes the <see cref="IReporter"/> call this report was made from, on <paramref name="reporter"/>.</summary>
        public void SendTo(IReporter reporter)
        {
            switch (Kind)
            {
                case ReportKind.Warning: reporter.Warning(Message, WarningId, Target); break;
                case ReportKind.Error: reporter.Error(Error, Target); break;
                case ReportKind.Progress: reporter.Progress(Progress); break;
                default: reporter.Verbose(Message); break;
            }
        }

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
    /// The one way core code talks to the user while it works: messages, warnings, progress and non-terminating errors. Implementations are
    /// thread-safe and never block (workers call them); the host writes what they hold on its own thread (the base
    /// cmdlet drains a <see cref="QueueReporter"/> on the pipeline thread, where PowerShell allows writing).
    /// <para>
    /// To report from a component: take an <see cref="IReporter"/> (default <see cref="NullReporter.Instance"/>),
    /// and call it instead of an <c>Action&lt;string&gt;</c>. Auth (<c>ConnectOptions.Reporter</c>, the token store), the
    /// connection (<c>GPhotosConnection.Reporter</c>) and the Takeout reader (<c>TakeoutReaderOptions.Reporter</c>) report
    /// here. A component whose failures are per input and must not end the work (an unreadable Takeout part) reports
    /// them through <see cref="Error"/>; given no reporter (or <see cref="NullReporter"/>, which drops everything) it
    /// throws them instead, so that no failure is lost.
    /// </para>
    /// </summary>
    public interface IReporter
    {
        /// <summary>Detail for -Verbose: never the only place a failure or a skipped item is reported.</summary>
        void Verbose(string message);

        /// <summary>Something the user must see (a repaired file, a skipped item): name the item in the message.</summary>
        void Warning(string message, string warningId = null, object target = null);

        void Progress(ProgressReport progress);

        /// <summary>
        /// One input or item failed; the work goes on. The host writes an ErrorRecord made from the catalog's entry;
        /// <paramref name="target"/> names what failed (a path, an item).
        /// </summary>
        void Error(ErrorEntry error, object target = null);
    }

    /// <summary>Drops everything: for callers that have nowhere to write.</summary>
    public sealed class NullReporter : IReporter
    {
        public static NullReporter Instance { get; } = new NullReporter();

        public void Verbose(string message) { }
        public void Warning(string message, string warningId = null, object target = null) { }
        public void Progress(ProgressReport progress) { }
        public void Error(ErrorEntry error, object target = null) { }
    }

    /// <summary>
    /// The one place that turns <see cref="IReporter"/> calls into <see cref="Report"/>s (and <see cref="Report.SendTo"/>
    /// turns them back): a reporter that keeps reports somewhere derives from this and says where in <see cref="Add"/>.
    /// </summary>
    public abstract class ReportCollector : IReporter
    {
        /// <summary>Keeps one report; called on any thread, must not block.</summary>
        protected abstract void Add(Report report);

        public void Verbose(string message) => Add(new Report(ReportKind.Verbose, message));

        public void Warning(string message, string warningId = null, object target = null) =>
            Add(new Report(ReportKind.Warning, message, warningId, target));

        public void Progress(ProgressReport progress)
        {
            if (progress != null) Add(new Report(ReportKind.Progress, progress.Status, progress: progress));
        }

        public void Error(ErrorEntry error, object target = null)
        {
            if (error != null) Add(new Report(ReportKind.Error, error.Message, error.Id, target, error: error));
        }
    }

    /// <summary>
    /// Holds reports in arrival order until the host takes them (<see cref="TryTake"/>). Unbounded on purpose: a
    /// worker must never wait for the host, and nothing is dropped; the host drains at least once a second.
    /// </summary>
    public sealed class QueueReporter : ReportCollector
    {
        private readonly ConcurrentQueue<Report> _reports = new ConcurrentQueue<Report>();

        protected override void Add(Report report) => _reports.Enqueue(report);

        public bool TryTake(out Report report) => _reports.TryDequeue(out report);

        public bool IsEmpty => _reports.IsEmpty;
    }
}
