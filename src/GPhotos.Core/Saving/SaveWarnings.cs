namespace GPhotos.Saving
{
    /// <summary>
    /// Stable ids of the warnings the backup-trust features add (issue 16). Kept here until they move into
    /// <see cref="GPhotos.Errors.ErrorCatalog"/> (owned elsewhere); scripts may compare them.
    /// </summary>
    public static class SaveWarnings
    {
        /// <summary>A saved file is longer than recorded or its content changed: kept, not replaced (use -Force).</summary>
        public const string ChangedFileKept = "ChangedFileKept";

        /// <summary>Hard links are impossible on this destination (FAT/exFAT, another volume): said once per run.</summary>
        public const string AlbumLinksUnsupported = "AlbumLinksUnsupported";

        /// <summary>One album link could not be made or removed.</summary>
        public const string AlbumLinkFailed = "AlbumLinkFailed";
    }
}
