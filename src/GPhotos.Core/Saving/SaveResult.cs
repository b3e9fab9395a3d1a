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

        /// <summary>
        /// The Takeout original replaced a copy of the same photo saved earlier through the Picker or the Library
        /// (those lack the location), after it was completely written and checked. Same path.
        /// </summary>
        Upgraded,
    }

    /// <summary>Why a result has its status. Stable strings: scripts may compare them.</summary>
    public static class SaveReason
    {
        /// <summary>Saved: not saved here before.</summary>
        public const string New = "New";

        /// <summary>Saved: the index knew the item but its file had gone; fetched again to the same path.</summary>
        public const string Missing = "Missing";

        /// <summary>Saved: the file was shorter than recorded (truncated); fetched again to the same path.</summary>
        public const string SizeMismatch = "SizeMismatch";

        /// <summary>Saved: downloaded again because of <see cref="SaveOptions.Force"/>.</summary>
        public const string Forced = "Forced";

        /// <summary>Saved: the photo was already here; its motion video was added.</summary>
        public const string MotionVideoAdded = "MotionVideoAdded";

        /// <summary>Skipped: the index has it and the file has the recorded size.</summary>
        public const string AlreadySaved = "AlreadySaved";

        /// <summary>Skipped: the same item came twice in one run; it is saved once (Path is where it goes).</summary>
        public const string Duplicate = "Duplicate";

        /// <summary>
        /// Skipped: the file is longer than recorded, or Test-GPhotosBackup -Full found its content changed. Kept
        /// (a user's edit and bit rot look the same) and named in a warning; -Force replaces it.
        /// </summary>
        public const string ChangedKept = "ChangedKept";

        /// <summary>Upgraded: the Takeout original took the place of the Picker/Library copy (see <see cref="SaveStatus.Upgraded"/>).</summary>
        public const string Upgraded = "Upgraded";

        /// <summary>
        /// Skipped: the same photo is already saved from another source (same original name, capture second,
        /// width, height and media type); Path is that file. Each photo is saved once.
        /// </summary>
        public const string SavedFromOtherSource = "SavedFromOtherSource";
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

        /// <summary>
        /// SHA-256 of the file as it was saved (lowercase hex, computed while the bytes streamed to disk); compare with
        /// <c>(Get-FileHash $r.Path).Hash</c>. Null for files an earlier version saved (it recorded none).
        /// </summary>
        public string Sha256 { get; set; }

        /// <summary>Full path of the motion video beside a motion photo, or null.</summary>
        public string MotionVideoPath { get; set; }

        /// <summary>Full path of the JSON sidecar, or null.</summary>
        public string MetadataPath { get; set; }

        /// <summary>Album links (hard links, or copies where links are impossible) made with -AlbumFolder; empty otherwise.</summary>
        public string[] AlbumLinks { get; set; } = Array.Empty<string>();

        /// <summary>One of the <see cref="SaveReason"/> strings.</summary>
        public string Reason { get; set; }

        public MediaItem Item { get; set; }

        public override string ToString() => Path ?? Id;
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
