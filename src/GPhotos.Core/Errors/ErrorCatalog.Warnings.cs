namespace GPhotos.Errors
{
    // The catalog's second half: the ids of warnings (IReporter.Warning's warningId, SaveEvent.ErrorId of a warning).
    // A warning is not an error: the item or the run goes on, and the message names what it is about. Tests and log
    // filters compare these ids, so they are kept as stable as the error ids; every id a warning carries is listed here.
    public static partial class ErrorCatalog
    {
        // Saving: an item was saved, or kept, with something the user should know.

        /// <summary>A saved file was repaired (times, motion video or sidecar added) rather than saved again.</summary>
        public const string FileRepaired = "FileRepaired";

        /// <summary>Lines of the destination index that this run cannot read (named by line number).</summary>
        public const string IndexLinesUnreadable = "IndexLinesUnreadable";

        /// <summary>A video Google is still processing: not saved now, saved by a later run.</summary>
        public const string VideoNotReady = "VideoNotReady";

        /// <summary>A video whose processing failed at Google: there are no bytes to save.</summary>
        public const string VideoProcessingFailed = "VideoProcessingFailed";

        /// <summary>-Metadata: a user's own file has the sidecar's name; it is not overwritten.</summary>
        public const string MetadataFileExists = "MetadataFileExists";

        /// <summary>-Metadata: the sidecar could not be written (the media file is saved).</summary>
        public const string MetadataWriteFailed = "MetadataWriteFailed";

        /// <summary>A saved file is longer than recorded or its content changed: kept, not replaced (use -Force).</summary>
        public const string ChangedFileKept = "ChangedFileKept";

        /// <summary>Hard links are impossible on this destination (FAT/exFAT, another volume): said once per run.</summary>
        public const string AlbumLinksUnsupported = "AlbumLinksUnsupported";

        /// <summary>One album link could not be made or removed.</summary>
        public const string AlbumLinkFailed = "AlbumLinkFailed";

        // Sign-in and the token cache. No message with one of these ids carries a token.

        /// <summary>The token cache folder or file was open to other users; its permissions were reset.</summary>
        public const string TokenCacheRepaired = "TokenCacheRepaired";

        /// <summary>The token cache cannot be read (damaged, another user's, another machine's DPAPI key): a new sign-in follows.</summary>
        public const string TokenCacheUnreadable = "TokenCacheUnreadable";

        /// <summary>A refreshed or new sign-in could not be written to the token cache (the connection still works).</summary>
        public const string TokenCacheNotSaved = "TokenCacheNotSaved";

        /// <summary>Google rejected the saved sign-in (invalid_grant): signing in again in the browser.</summary>
        public const string SignInExpired = "SignInExpired";

        /// <summary>The browser could not be opened: the user opens the sign-in link.</summary>
        public const string BrowserNotOpened = "BrowserNotOpened";

        /// <summary>The sign-in link itself, for a caller with no prompt of its own (ConnectOptions.ShowAuthorizationUrl unset).</summary>
        public const string SignInLink = "SignInLink";

        /// <summary>Google returned no refresh token: the connection lasts about an hour and is not saved.</summary>
        public const string NoRefreshToken = "NoRefreshToken";

        /// <summary>Google granted only part of the scopes asked for.</summary>
        public const string ScopesNotGranted = "ScopesNotGranted";

        // Takeout.

        /// <summary>
        /// Something in a Takeout export the reader worked around or skipped (a sidecar with no media, a trashed item, an
        /// entry in two parts, an empty file...): the message names the entry and the part.
        /// </summary>
        public const string TakeoutEntrySkipped = "TakeoutEntrySkipped";
    }
}
