using System;
using GPhotos.Errors;
using GPhotos.Model;

namespace GPhotos.Saving
{
    public enum SaveStatus
    {
        /// <summary>Bytes were downloaded and written in this run.</summary>
        Saved,

        /// <summary>Nothing needed downloading (see <see cref="SaveResult.Reason"/>); the file is there.</summary>
        Skipped,
    }

    /// <summary>Why a result has its status. Stable strings: scripts may compare them.</summary>
    public static class SaveReason
    {
        /// <summary>Saved: not saved here before.</summary>
        public const string New = "New";

        /// <summary>Saved: the index knew the item but its file had gone; fetched again to the same path.</summary>
        public const string Missing = "Missing";

        /// <summary>Saved: the file had another size than recorded (truncated or altered); fetched again to the same path.</summary>
        public const string SizeMismatch = "SizeMismatch";

        /// <summary>Saved: downloaded again because of <see cref="SaveOptions.Force"/>.</summary>
        public const string Forced = "Forced";

        /// <summary>Saved: the photo was already here; its motion video was added.</summary>
        public const string MotionVideoAdded = "MotionVideoAdded";

        /// <summary>Skipped: the index has it and the file has the recorded size.</summary>
        public const string AlreadySaved = "AlreadySaved";

        /// <summary>Skipped: the same item came twice in one run; it is saved once (Path is where it goes).</summary>
        public const string Duplicate = "Duplicate";
    }

    /// <summary>
    /// What Save-GPhotosMediaItem outputs for an item that is on disk. <see cref="Path"/> binds by property name to
    /// <c>-Path</c>/<c>-LiteralPath</c> of Get-FileHash, Copy-Item and friends.
    /// </summary>
    public sealed class SaveResult
    {
        public SaveStatus Status { get; set; }
        public string Id { get; set; }

        /// <summary>Full path of the saved file.</summary>
        public string Path { get; set; }

        /// <summary>Path below the destination, with the platform's separator.</summary>
        public string RelativePath { get; set; }

        /// <summary>Size of the file in bytes.</summary>
        public long Bytes { get; set; }

        /// <summary>Full path of the motion video beside a motion photo, or null.</summary>
        public string MotionVideoPath { get; set; }

        /// <summary>Full path of the JSON sidecar, or null.</summary>
        public string MetadataPath { get; set; }

        /// <summary>One of the <see cref="SaveReason"/> strings.</summary>
        public string Reason { get; set; }

        public MediaItem Item { get; set; }

        public override string ToString() => Path ?? Id;
    }

    public enum SaveEventKind
    {
        /// <summary><see cref="SaveEvent.Result"/> is set: write it to the pipeline.</summary>
        Result,

        /// <summary>A per-item failure (non-terminating): <see cref="SaveEvent.Error"/>, <see cref="SaveEvent.Item"/>, <see cref="SaveEvent.ErrorId"/>.</summary>
        Error,

        /// <summary>Something the user should know; <see cref="SaveEvent.Item"/> may be set.</summary>
        Warning,

        /// <summary>Detail for -Verbose.</summary>
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

        /// <summary>Human-readable text (for Warning/Verbose; the exception message for Error/Fatal).</summary>
        public string Message { get; }
        public SaveResult Result { get; }
        public Exception Error { get; }

        /// <summary>Stable PascalCase id for an ErrorRecord (Error, Fatal, and item warnings such as VideoNotReady).</summary>
        public string ErrorId { get; }

        /// <summary>For Error and Fatal: the catalog's entry (id, category, message). The cmdlet only translates it.</summary>
        public ErrorEntry Entry { get; }

        public override string ToString() => Kind + ": " + Message;
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

    /// <summary>What <see cref="SaveSession.TryEnqueue"/> did with an item.</summary>
    public enum EnqueueResult
    {
        /// <summary>Taken: queued for a worker, or settled at once (skip, warning, error event).</summary>
        Accepted,

        /// <summary>The queue stayed full for the whole timeout: write the pending events, then offer the item again.</summary>
        Full,

        /// <summary>The session stopped after a fatal error (see the Fatal event / <see cref="SaveSession.FatalError"/>); the item was not taken.</summary>
        Stopped,
    }
}
