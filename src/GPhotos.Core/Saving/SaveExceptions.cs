using System;
using System.IO;
using System.Runtime.InteropServices;

namespace GPhotos.Saving
{
    /// <summary>
    /// Another save (another process, or another session in this process) holds the destination. Deliberately not an
    /// <see cref="IOException"/>: retry logic treats those as transient, and waiting is what LockTimeout is for.
    /// </summary>
    public sealed class DestinationLockedException : Exception
    {
        public DestinationLockedException(string destination, string holder, Exception inner = null)
            : base($"The folder '{destination}' is in use by another GPhotos save ({holder}). Only one save may write to a folder at a time: wait for the other one to finish, give a lock timeout to wait for it, or choose another folder.", inner)
        {
            Destination = destination;
            Holder = holder;
        }

        public string Destination { get; }

        /// <summary>Who holds it, as far as known (e.g. "process 4242 on HOST since 2026-05-01 02:00:00Z").</summary>
        public string Holder { get; }
    }

    public enum UnexpectedContentKind
    {
        /// <summary>The source has no content for the item at all.</summary>
        NoContent,

        /// <summary>Zero bytes arrived.</summary>
        Empty,

        /// <summary>Fewer (or more) bytes arrived than the source declared. Retried like a dropped connection.</summary>
        Truncated,

        /// <summary>An HTML page (error or login page) instead of media.</summary>
        Html,

        /// <summary>A JPEG or other image where the video was expected: the classic bare-base-URL mistake.</summary>
        ThumbnailInsteadOfVideo,
    }

    /// <summary>
    /// What arrived is not the media that was asked for. Nothing is saved. <see cref="UnexpectedContentKind.Truncated"/>
    /// is retried like a dropped connection; the others at most once more (a second identical answer will not change).
    /// </summary>
    public sealed class UnexpectedContentException : Exception
    {
        public UnexpectedContentException(UnexpectedContentKind kind, string message, long? expectedBytes = null, long? receivedBytes = null)
            : base(message)
        {
            Kind = kind;
            ExpectedBytes = expectedBytes;
            ReceivedBytes = receivedBytes;
        }

        public UnexpectedContentKind Kind { get; }
        public long? ExpectedBytes { get; }
        public long? ReceivedBytes { get; }

        /// <summary>The error id users see for it (from the error catalog).</summary>
        public string ErrorId => GPhotos.Errors.ErrorCatalog.IdFor(Kind);
    }

    /// <summary>
    /// Writing to the destination failed (disk full, permission, path too long, a file appeared at the target).
    /// Not an <see cref="IOException"/> on purpose: a local write error is not a network hiccup and is not retried.
    /// </summary>
    public sealed class DestinationWriteException : Exception
    {
        public DestinationWriteException(string message, string path, Exception inner)
            : base(IsDiskFullError(inner) ? $"The disk that holds '{path}' is full. Free some space, then run the save again: what is saved is kept and skipped. ({message})" : message, inner)
        {
            Path = path;
            IsDiskFull = IsDiskFullError(inner);
        }

        public string Path { get; }

        /// <summary>The volume is full: the whole run stops (every further item would fail the same way).</summary>
        public bool IsDiskFull { get; }

        internal static bool IsDiskFullError(Exception error)
        {
            if (error is DestinationWriteException write) return write.IsDiskFull;
            if (!(error is IOException)) return false;
            return IsDiskFullCode(error.HResult);
        }

        /// <summary>
        /// Windows: ERROR_DISK_FULL (0x70), ERROR_HANDLE_DISK_FULL (0x27) as HRESULTs (a quota that is spent gives
        /// these too). Unix .NET puts the raw errno in HResult: ENOSPC (28), and EDQUOT, the user's disk quota
        /// (122 on Linux, 69 on macOS): for the user both mean "no room left here", and every further item would fail.
        /// </summary>
        internal static bool IsDiskFullCode(int hr)
        {
            if (hr == unchecked((int)0x80070070) || hr == unchecked((int)0x80070027)) return true;
            if (System.IO.Path.DirectorySeparatorChar != '/') return false;
            if (hr == 28) return true;
            return hr == (RuntimeInformation.IsOSPlatform(OSPlatform.OSX) ? 69 : 122);
        }
    }
}
