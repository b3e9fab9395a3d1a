using System;
using GPhotos.Errors;
using GPhotos.Model;

namespace GPhotos.Saving
{
    /// <summary>What a <see cref="SaveEvent"/> carries.</summary>
    public enum SaveEventKind
    {
        /// <summary><see cref="SaveEvent.Result"/> is set: write it to the pipeline.</summary>
        Result,

        /// <summary>A per-item failure (non-terminating): <see cref="SaveEvent.Error"/>, <see cref="SaveEvent.Item"/>, <see cref="SaveEvent.ErrorId"/>.</summary>
        Error,

        /// <summary>
        /// Something the user should know; <see cref="SaveEvent.Item"/> may be set. Only from a session made without an
        /// <see cref="GPhotos.Reporting.IReporter"/>: with one, warnings go to the reporter.
        /// </summary>
        Warning,

        /// <summary>Detail for -Verbose. Only from a session made without an <see cref="GPhotos.Reporting.IReporter"/>.</summary>
        Verbose,

        /// <summary>
        /// The run stopped (daily quota spent, sign-in expired, disk full): <see cref="SaveEvent.Error"/> says why and
        /// what to do. Comes once; no item is started afterwards. Make it a terminating error.
        /// </summary>
        Fatal,
    }

    /// <summary>Something a worker wants the caller to write, from the caller's own (pipeline) thread.</summary>
    public sealed class SaveEvent
    {
        internal SaveEvent(SaveEventKind kind, MediaItem item, string message, SaveResult result = null, Exception error = null, string errorId = null)
        {
            Kind = kind;
            Item = item;
            Message = message;
            Result = result;
            Error = error;
            ErrorId = errorId;
        }

        /// <summary>An Error or Fatal event from the error catalog: the id, category and message the user gets.</summary>
        internal SaveEvent(SaveEventKind kind, MediaItem item, ErrorEntry entry, string message = null)
            : this(kind, item, message ?? entry.Message, null, entry.Exception, entry.Id)
        {
            Entry = entry;
        }

        public SaveEventKind Kind { get; }
        public MediaItem Item { get; }

        /// <summary>Human-readable text (for Warning/Verbose; the exception message for Error/Fatal; null for most Results).</summary>
        public string Message { get; }
        public SaveResult Result { get; }
        public Exception Error { get; }

        /// <summary>Stable PascalCase id for an ErrorRecord (Error, Fatal, and item warnings such as VideoNotReady).</summary>
        public string ErrorId { get; }

        /// <summary>For Error and Fatal: the catalog's entry (id, category, message). The cmdlet only translates it.</summary>
        public ErrorEntry Entry { get; }

        public override string ToString() =>
            Kind + ": " + (Message ?? (Result == null ? "" : $"{Result.Status} ({Result.Reason}) '{Result.Path}'"));
    }

    /// <summary>A snapshot for Write-Progress. Counts are items; bytes are what arrived over the network.</summary>
    public sealed class SaveProgress
    {
        /// <summary>Items handed to the session so far.</summary>
        public int Total { get; set; }
        public int Saved { get; set; }
        public int Skipped { get; set; }
        public int Failed { get; set; }

        /// <summary>Items being downloaded right now.</summary>
        public int InProgress { get; set; }
        public int Completed => Saved + Skipped + Failed;

        /// <summary>Bytes received, including attempts that were retried.</summary>
        public long BytesDownloaded { get; set; }

        /// <summary>Bytes of files written in this run.</summary>
        public long BytesSaved { get; set; }

        /// <summary>Average since the session started.</summary>
        public double BytesPerSecond { get; set; }
        public TimeSpan Elapsed { get; set; }

        /// <summary>0-100 over the items handed in so far (the total grows while the pipeline streams).</summary>
        public int PercentComplete => Total == 0 ? 0 : (int)Math.Min(100, Completed * 100L / Total);
    }
}
