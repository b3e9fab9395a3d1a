using System;
using System.IO;
using System.Threading;
using GPhotos.Http;

namespace GPhotos.Saving
{
    /// <summary>What <see cref="SaveSession"/> does. Read once when the session is created; later changes are ignored.</summary>
    public sealed class SaveOptions
    {
        /// <summary>
        /// Eight downloads at a time: photos (a few MB each) are latency bound, so one connection rarely fills a
        /// home line, and eight keep a 100-1000 Mbit/s link busy without the 20+ connections that make Google answer
        /// 429 sooner, thrash a USB hard disk or starve the machine. rclone defaults to 4 transfers, gphotos-sync to
        /// 20 threads; 8 sits between them. The quota counts requests, not connections, so more does not cost more.
        /// </summary>
        public const int DefaultThrottleLimit = 8;

        /// <summary>The HTTP handler allows 64 connections per server; more workers would just queue there.</summary>
        public const int MaxThrottleLimit = 64;

        /// <summary>Absolute folder; created when the session starts (never for a preview).</summary>
        public string Destination { get; set; }

        /// <summary>Folders below <see cref="Destination"/>; <see cref="FolderLayout.Flat"/> by default.</summary>
        public FolderLayout Layout { get; set; } = FolderLayout.Flat;

        /// <summary>
        /// Download again and replace files this destination's index says were saved here (still atomically).
        /// Files the index does not know (the user's own) are never overwritten, Force or not.
        /// </summary>
        public bool Force { get; set; }

        /// <summary>Concurrent downloads, 1 to <see cref="MaxThrottleLimit"/>.</summary>
        public int ThrottleLimit { get; set; } = DefaultThrottleLimit;

        /// <summary>Also save a motion photo's video part beside it (<c>IMG_0001.JPG</c> → <c>IMG_0001.MP4</c>).</summary>
        public bool IncludeMotionVideo { get; set; }

        /// <summary>Write <c>&lt;file&gt;.json</c> with the item's metadata (every property except the base URL).</summary>
        public bool WriteMetadata { get; set; }

        /// <summary>
        /// A folder name below <see cref="Destination"/> for album folders (<c>&lt;AlbumFolder&gt;/&lt;album&gt;/&lt;file&gt;</c>,
        /// hard links to the saved files); null: none.
        /// </summary>
        public string AlbumFolder { get; set; }

        /// <summary>Where hard links are impossible: skip album links (default) or copy the files.</summary>
        public AlbumLinkFallback AlbumLinkFallback { get; set; }

        /// <summary>Retries around each download attempt; null means <see cref="RetryPolicy.FromEnvironment"/>.</summary>
        public RetryPolicy Retry { get; set; }

        /// <summary>How long to wait for another save using the same destination; 0 (default) fails at once; <see cref="Timeout.InfiniteTimeSpan"/> waits forever.</summary>
        public TimeSpan LockTimeout { get; set; } = TimeSpan.Zero;

        /// <summary>
        /// Files of up to this many items are flushed to the disk together, after their downloads and before their
        /// renames (<see cref="CommitGroups"/>); 1: each worker flushes its own file, as before. Internal: for tests
        /// and A/B measurements.
        /// </summary>
        internal int CommitGroupSize { get; set; } = CommitGroups.DefaultMaxGroup;

        /// <summary>Tests only: called at each step of a commit (<see cref="CommitStep"/>), on the thread that takes it.</summary>
        internal Action<CommitStep, Model.MediaItem> OnCommitStep { get; set; }

        /// <summary>Tests only: an exception the group flush of an item's file throws instead of flushing it.</summary>
        internal Func<Model.MediaItem, Exception> FlushFault { get; set; }

        internal SaveOptions Snapshot()
        {
            if (string.IsNullOrWhiteSpace(Destination))
                throw new ArgumentException("No destination folder was given.", nameof(Destination));
            if (!IsFullyQualified(Destination))
                throw new ArgumentException($"The destination '{Destination}' is not an absolute path. Resolve it first (for example against the current location).", nameof(Destination));
            if (ThrottleLimit < 1 || ThrottleLimit > MaxThrottleLimit)
                throw new ArgumentOutOfRangeException(nameof(ThrottleLimit), ThrottleLimit, $"ThrottleLimit must be between 1 and {MaxThrottleLimit}.");
            if (LockTimeout < TimeSpan.Zero && LockTimeout != Timeout.InfiniteTimeSpan)
                throw new ArgumentOutOfRangeException(nameof(LockTimeout), LockTimeout, "LockTimeout must be zero or more (or infinite).");
            if (AlbumFolder != null && (!FileNamer.IsSafeName(AlbumFolder) || AlbumFolder == DestinationStore.StateFolderName))
                throw new ArgumentException($"The album folder '{AlbumFolder}' must be one plain folder name (no path, not '.gphotos').", nameof(AlbumFolder));
            string full = Path.GetFullPath(Destination);
            string root = Path.GetPathRoot(full);
            if (full.Length > root.Length) full = full.TrimEnd(Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar);
            return new SaveOptions
            {
                Destination = full,
                Layout = Layout ?? FolderLayout.Flat,
                Force = Force,
                ThrottleLimit = ThrottleLimit,
                IncludeMotionVideo = IncludeMotionVideo,
                WriteMetadata = WriteMetadata,
                Retry = Retry ?? RetryPolicy.FromEnvironment(),
                LockTimeout = LockTimeout,
                AlbumFolder = AlbumFolder,
                AlbumLinkFallback = AlbumLinkFallback,
                CommitGroupSize = Math.Max(1, CommitGroupSize),
                OnCommitStep = OnCommitStep,
                FlushFault = FlushFault,
            };
        }

        /// <summary>Path.IsPathRooted accepts "C:foo" and "\foo" (relative to a drive or the current drive): not enough.</summary>
        private static bool IsFullyQualified(string path)
        {
            if (!Path.IsPathRooted(path)) return false;
            if (Path.DirectorySeparatorChar == '/') return path[0] == '/';
            if (path.Length >= 3 && path[1] == ':' && (path[2] == '\\' || path[2] == '/')) return true;
            return path.Length >= 2 && (path[0] == '\\' || path[0] == '/') && (path[1] == '\\' || path[1] == '/'); // UNC or \\?\
        }
    }
}
