using GPhotos.Model;

namespace GPhotos.Saving
{
    /// <summary>
    /// What the planner decided for one item, carried unchanged to the worker and the commit: where it goes (resolved
    /// once), what must be fetched or written, and why.
    /// </summary>
    internal sealed class SavePlan
    {
        public MediaItem Item;

        /// <summary>'/'-separated, below the destination; the path ShouldProcess showed.</summary>
        public string RelativePath;
        public string FullPath;

        /// <summary>The index's entry from an earlier run, or null for a new item (for an upgrade: the replaced copy's, under this item's id).</summary>
        public IndexEntry Existing;

        /// <summary>An upgrade: the other source's entry (other id) whose file this item's original replaces; else null.</summary>
        public IndexEntry Replaces;

        public bool NeedOriginal;
        public bool NeedMotion;
        public bool NeedMetadata;

        /// <summary>The sidecar's relative path, claimed at planning; null when none is written.</summary>
        public string MetadataPath;

        /// <summary>A sidecar was wanted but a file that is not GPhotos's has its name (full path), reported at commit.</summary>
        public string MetadataBlockedBy;

        /// <summary>A <see cref="SaveReason"/>.</summary>
        public string Reason;

        /// <summary>Files of an earlier run that are gone or changed (main, motion, sidecar): named in a warning once repaired.</summary>
        public string Repairs;
    }
}
