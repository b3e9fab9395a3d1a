using System;
using System.Collections.Generic;

namespace GPhotos.Sources.Takeout
{
    /// <summary>What a <see cref="TakeoutReader"/> run saw, for the caller to report. Filled while the enumeration runs.</summary>
    public sealed class TakeoutReadStats
    {
        internal readonly List<string> WarningList = new List<string>();
        internal readonly List<TakeoutArchiveException> ArchiveErrorList = new List<TakeoutArchiveException>();

        /// <summary>Inputs read (zip, tgz, tar, folder), failed ones included.</summary>
        public int Archives { get; internal set; }

        /// <summary>Inputs that could not be read, fully or partly (see <see cref="ArchiveErrors"/>).</summary>
        public int FailedArchives => ArchiveErrorList.Count;

        /// <summary>Files seen under the Google Photos folder of all parts (media and JSON).</summary>
        public long Entries { get; internal set; }

        /// <summary>Items emitted so far.</summary>
        public int Items { get; internal set; }

        /// <summary>Emitted items with no sidecar JSON (their date comes from EXIF or the file name).</summary>
        public int WithoutSidecar { get; internal set; }

        /// <summary>Copies of an item folded into it: the same media in its year folder and in album folders.</summary>
        public int DuplicatesMerged { get; internal set; }

        /// <summary>Items skipped because the sidecar says they are in the trash (see <see cref="TakeoutReaderOptions.IncludeTrashed"/>).</summary>
        public int TrashedSkipped { get; internal set; }

        /// <summary>Edited copies ("-edited", "-bearbeitet", …) emitted with their original's metadata.</summary>
        public int EditedCopies { get; internal set; }

        /// <summary>Motion/live photo videos attached to their photo (not emitted as items of their own).</summary>
        public int MotionCompanions { get; internal set; }

        /// <summary>Sidecar JSON files for which no media file was found in any part.</summary>
        public int OrphanSidecars { get; internal set; }

        /// <summary>The same path found in two inputs (the first one is used), e.g. two exports passed together.</summary>
        public int DuplicateEntries { get; internal set; }

        /// <summary>Warnings beyond <see cref="TakeoutReaderOptions.MaxWarnings"/>, counted but not kept.</summary>
        public int WarningsDropped { get; internal set; }

        /// <summary>Time spent indexing and matching before the first item was emitted.</summary>
        public TimeSpan IndexTime { get; internal set; }

        public IReadOnlyList<string> Warnings => WarningList;

        public IReadOnlyList<TakeoutArchiveException> ArchiveErrors => ArchiveErrorList;

        public override string ToString()
            => $"{Items} items from {Archives} archive(s); {WithoutSidecar} without sidecar, {DuplicatesMerged} duplicate copies merged, "
             + $"{TrashedSkipped} trashed skipped, {EditedCopies} edited, {MotionCompanions} motion videos, {OrphanSidecars} orphan sidecars, "
             + $"{FailedArchives} failed archive(s), {Warnings.Count + WarningsDropped} warning(s)";
    }
}
