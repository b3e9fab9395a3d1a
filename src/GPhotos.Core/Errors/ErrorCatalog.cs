using System;
using System.IO;
using GPhotos.Auth;
using GPhotos.Http;
using GPhotos.Saving;
using GPhotos.Sources.Drive;
using GPhotos.Sources.Picker;
using GPhotos.Verification;

namespace GPhotos.Errors
{
    /// <summary>
    /// The kinds of error a user can tell apart, one for one with PowerShell's ErrorCategory (the cmdlet layer maps
    /// them by name; the core has no System.Management.Automation reference). Only the categories GPhotos uses.
    /// </summary>
    public enum GPhotosErrorCategory
    {
        NotSpecified,
        InvalidArgument,
        InvalidData,
        ObjectNotFound,
        PermissionDenied,
        AuthenticationError,
        LimitsExceeded,
        ResourceBusy,
        ResourceUnavailable,
        ConnectionError,
        OperationTimeout,
        WriteError,
        ReadError,
        ProtocolError,
    }

    /// <summary>What the user gets for one failure: a stable id, its category, whether the run stops, the message.</summary>
    public sealed class ErrorEntry
    {
        public ErrorEntry(string id, GPhotosErrorCategory category, bool stopsRun, Exception exception, string message = null)
        {
            Id = id;
            Category = category;
            StopsRun = stopsRun;
            Exception = exception;
            Message = message ?? exception?.Message;
        }

        /// <summary>Stable PascalCase id: scripts compare <c>$_.FullyQualifiedErrorId</c> with it.</summary>
        public string Id { get; }

        public GPhotosErrorCategory Category { get; }

        /// <summary>Every further item would fail the same way (quota, sign-in, full disk): the whole run stops.</summary>
        public bool StopsRun { get; }

        /// <summary>The exception to show (its message says what to do next); may be a rewrapped one.</summary>
        public Exception Exception { get; }

        public string Message { get; }
    }

    /// <summary>
    /// The one place where a failure becomes what the user sees: id, category, stop-or-go-on, message; and the one list
    /// of warning ids. The save engine asks it whether an error stops the run and which id an item's error gets; the
    /// cmdlets only turn an <see cref="ErrorEntry"/> into an ErrorRecord (<c>GPhotosCmdlet.ToErrorRecord</c>, the only
    /// <c>new ErrorRecord</c> in the module: a Pester test checks). The ids are documented in the help
    /// (Save-GPhotosMediaItem's Errors table, about_GPhotos); a new one goes there too. Scripts compare them: never
    /// rename one.
    /// </summary>
    public static partial class ErrorCatalog
    {
        // Ids also used directly by the code that detects the condition (not from an exception type).
        public const string DiskFull = "DiskFull";
        public const string DailyQuotaExhausted = "DailyQuotaExhausted";
        public const string RateLimited = "RateLimited";
        public const string InvalidMediaItemId = "InvalidMediaItemId";
        public const string TooManyPickerSessions = "TooManyPickerSessions";
        public const string ListingStalled = "ListingStalled";
        public const string InvalidFilterCombination = "InvalidFilterCombination";
        public const string AuthenticationExpired = "AuthenticationExpired";
        public const string DestinationLocked = "DestinationLocked";
        public const string DestinationNotWritable = "DestinationNotWritable";
        public const string PathTooLong = "PathTooLong";
        public const string WriteFailed = "WriteFailed";
        public const string MediaItemNotFound = "MediaItemNotFound";
        public const string NotConnected = "NotConnected";
        public const string InvalidDateFormat = "InvalidDateFormat";
        public const string MissingId = "MissingId";
        public const string MotionVideoFailed = "MotionVideoFailed";
        public const string TakeoutArchiveUnreadable = "TakeoutArchiveUnreadable";
        public const string TakeoutPathNotFound = "TakeoutPathNotFound";
        public const string TakeoutArchiveNotFullySaved = "TakeoutArchiveNotFullySaved";
        public const string TakeoutArchiveDeleteFailed = "TakeoutArchiveDeleteFailed";
        public const string DestinationNotABackup = "DestinationNotABackup";
        public const string DriveAccessMissing = "DriveAccessMissing";
        public const string DriveWriteAccessMissing = "DriveWriteAccessMissing";
        public const string InvalidEmulatorHost = "InvalidEmulatorHost";
        public const string InvalidClientSecret = "InvalidClientSecret";
        public const string InvalidScope = "InvalidScope";
        public const string InvalidSecret = "InvalidSecret";
        public const string InvalidPath = "InvalidPath";
        public const string InvalidAlbumFolder = "InvalidAlbumFolder";
        // Fallback ids for failures no rule above names more precisely.
        public const string SaveEngineFailed = "SaveEngineFailed";
        public const string DownloadFailed = "DownloadFailed";
        public const string DownloadTimedOut = "DownloadTimedOut";
        public const string AccessDenied = "AccessDenied";
        public const string BackupFolderNotFound = "BackupFolderNotFound";
        public const string BackupIndexNotFound = "BackupIndexNotFound";
        public const string BackupNotReadable = "BackupNotReadable";

        // Fallback ids: what was being done, for an error of no known kind (Classify's fallbackId).
        public const string BatchGetFailed = "BatchGetFailed";
        public const string ListFailed = "ListFailed";
        public const string AlbumListFailed = "AlbumListFailed";
        public const string DriveListingFailed = "DriveListingFailed";
        public const string PickerSessionFailed = "PickerSessionFailed";
        public const string PickingTimedOut = "PickingTimedOut";
        public const string ConnectFailed = "ConnectFailed";
        public const string RevokeFailed = "RevokeFailed";
        public const string InvalidItem = "InvalidItem";
        public const string SaveFailed = "SaveFailed";
        public const string SaveStopped = "SaveStopped";

        /// <summary>The id of each kind of wrong content (all <see cref="GPhotosErrorCategory.InvalidData"/>).</summary>
        public static string IdFor(UnexpectedContentKind kind)
        {
            switch (kind)
            {
                case UnexpectedContentKind.Truncated: return "ContentTruncated";
                case UnexpectedContentKind.Html: return "HtmlInsteadOfMedia";
                case UnexpectedContentKind.ThumbnailInsteadOfVideo: return "ThumbnailInsteadOfVideo";
                case UnexpectedContentKind.Empty: return "EmptyContent";
                default: return "NoContent";
            }
        }

        /// <summary>A command that needs Google, in a session with no connection.</summary>
        public static ErrorEntry ForNotConnected() =>
            new ErrorEntry(NotConnected, GPhotosErrorCategory.AuthenticationError, true,
                new InvalidOperationException("Not connected to Google Photos. Run Connect-GPhotos first (once at the keyboard; later runs use the cached token silently)."));

        /// <summary>An object without a media id: it can be neither fetched nor recorded in the index.</summary>
        public static ErrorEntry ForMissingId(string filename) =>
            new ErrorEntry(MissingId, GPhotosErrorCategory.InvalidData, false,
                new ArgumentException($"'{filename ?? "(no name)"}' has no media id, so it cannot be saved or recorded. Pass items from Get-GPhotosMediaItem."));

        /// <summary>
        /// One id that batchGet could not return. Google's status 3 (INVALID_ARGUMENT) means the id itself is malformed
        /// (a typo, a Picker or Takeout id): a different fix from an id that is well-formed but not visible (status 5).
        /// </summary>
        public static ErrorEntry ForBatchGetMiss(string requestedId, int statusCode, string statusMessage)
        {
            if (statusCode == 3)
                return new ErrorEntry(InvalidMediaItemId, GPhotosErrorCategory.InvalidArgument, false,
                    new ArgumentException($"'{requestedId}' is not a valid media item id: {statusMessage} (Google status 3, INVALID_ARGUMENT). Pass ids from Get-GPhotosMediaItem's Id property."));
            return new ErrorEntry(MediaItemNotFound, GPhotosErrorCategory.ObjectNotFound, false,
                new System.Collections.Generic.KeyNotFoundException($"Media item '{requestedId}' was not found: {statusMessage} (Google status {statusCode}). Since 2025 the Library API only returns items this app uploaded."));
        }

        /// <summary>Search filters Google would refuse together (e.g. -Album with a date or type filter).</summary>
        public static ErrorEntry ForInvalidFilter(ArgumentException error) =>
            new ErrorEntry(InvalidFilterCombination, GPhotosErrorCategory.InvalidArgument, true, error);

        /// <summary>Errors that end the whole run: no point going on with the next item.</summary>
        public static bool StopsRun(Exception error) =>
            error is QuotaExhaustedException
            || error is AuthenticationExpiredException
            || error is InteractiveLoginRequiredException
            || (error is GoogleApiException api && (api.IsInsufficientScopes || api.HttpStatus == 401))
            || (error is DestinationWriteException write && write.IsDiskFull);

        /// <summary>
        /// What stops a save: <see cref="StopsRun"/>, except a bare 401 from one item's download. The sign-in's own
        /// failures arrive as AuthenticationExpired (the connection refreshes and retries first); a 401 that is left is
        /// the answer of that item's media host (a base URL elsewhere, which never gets the token) and must not end
        /// the run for every other item.
        /// </summary>
        public static bool StopsSave(Exception error) =>
            StopsRun(error) && !(error is GoogleApiException api && api.HttpStatus == 401 && !api.IsInsufficientScopes);

        /// <summary>
        /// The entry for <paramref name="error"/>; <paramref name="fallbackId"/> names what was being done when the
        /// error is of no known kind (e.g. "BatchGetFailed"). Never throws, never returns null.
        /// </summary>
        public static ErrorEntry Classify(Exception error, string fallbackId = "GPhotosError")
        {
            if (error == null) error = new InvalidOperationException("An unknown error occurred.");
            bool stops = StopsRun(error);
            switch (error)
            {
                case RateLimitedException r:
                    // A long Retry-After or a streak of 429s: not the daily quota, though it stops the run the same way.
                    return new ErrorEntry(RateLimited, GPhotosErrorCategory.LimitsExceeded, stops, r);
                case QuotaExhaustedException q:
                    return new ErrorEntry(DailyQuotaExhausted, GPhotosErrorCategory.LimitsExceeded, stops, q);
                case AuthenticationExpiredException a:
                    return new ErrorEntry(AuthenticationExpired, GPhotosErrorCategory.AuthenticationError, stops, a);
                case InteractiveLoginRequiredException i:
                    return new ErrorEntry("InteractiveLoginRequired", GPhotosErrorCategory.AuthenticationError, stops, i);
                case TooManySessionsException tooMany:
                    // Not a rate limit: waiting does not help, the user must finish or remove sessions.
                    return new ErrorEntry(TooManyPickerSessions, GPhotosErrorCategory.LimitsExceeded, stops, tooMany);
                case GPhotos.Sources.ListingStalledException stalled:
                    return new ErrorEntry(ListingStalled, GPhotosErrorCategory.ProtocolError, stops, stalled);
                case GoogleApiException api when api.IsInsufficientScopes:
                    return new ErrorEntry("InsufficientScopes", GPhotosErrorCategory.PermissionDenied, stops,
                        new GoogleApiException(api.HttpStatus, api.RpcStatus, api.ApiMessage, InsufficientScopesMessage(api.ApiMessage), api.RetryAfter, api));
                case GoogleApiException api:
                    return new ErrorEntry("GoogleApi" + (api.RpcStatus != null ? Pascal(api.RpcStatus) : api.HttpStatus == 0 ? "NoAnswer" : "Http" + api.HttpStatus),
                        CategoryFor(api.HttpStatus), stops, api);
                case DestinationLockedException locked:
                    return new ErrorEntry(DestinationLocked, GPhotosErrorCategory.ResourceBusy, stops, locked);
                case DestinationWriteException write when write.IsDiskFull:
                    return new ErrorEntry(DiskFull, GPhotosErrorCategory.WriteError, stops, write);
                case DestinationWriteException write when write.InnerException is PathTooLongException:
                    return new ErrorEntry(PathTooLong, GPhotosErrorCategory.WriteError, stops, write);
                case DestinationWriteException write:
                    return new ErrorEntry(WriteFailed, GPhotosErrorCategory.WriteError, stops, write);
                case UnexpectedContentException unexpected:
                    return new ErrorEntry(IdFor(unexpected.Kind), GPhotosErrorCategory.InvalidData, stops, unexpected);
                case PathTooLongException tooLong:
                    return new ErrorEntry(PathTooLong, GPhotosErrorCategory.WriteError, stops, tooLong);
                case PickingTimeoutException pt:
                    return new ErrorEntry(PickingTimedOut, GPhotosErrorCategory.OperationTimeout, stops, pt);
                case AuthorizationDeniedException ad:
                    return new ErrorEntry("AuthorizationDenied", GPhotosErrorCategory.PermissionDenied, stops, ad);
                case GPhotosAuthenticationException ga:
                    return new ErrorEntry("AuthenticationFailed", GPhotosErrorCategory.AuthenticationError, stops, ga);
                case ArgumentException arg:
                    return new ErrorEntry("InvalidArgument", GPhotosErrorCategory.InvalidArgument, stops, arg);
                case UnauthorizedAccessException ua:
                    return new ErrorEntry(AccessDenied, GPhotosErrorCategory.PermissionDenied, stops, ua);
                case IOException io:
                    return new ErrorEntry("IOError", GPhotosErrorCategory.WriteError, stops, io);
                case System.Net.Http.HttpRequestException http:
                    return new ErrorEntry(DownloadFailed, GPhotosErrorCategory.ConnectionError, stops, http);
                case TimeoutException t:
                    return new ErrorEntry("Timeout", GPhotosErrorCategory.OperationTimeout, stops, t);
                case OperationCanceledException oc:
                    // Not the user's Ctrl+C (that never reaches here): a download that stalled past its idle timeout.
                    return new ErrorEntry(DownloadTimedOut, GPhotosErrorCategory.OperationTimeout, stops, oc);
                default:
                    return new ErrorEntry(fallbackId ?? "GPhotosError", GPhotosErrorCategory.NotSpecified, stops, error);
            }
        }

        /// <summary>
        /// The motion video of a saved photo failed (the photo itself is saved): the category is the cause's, the id is
        /// one for every cause, so a script finds these apart from failed photos.
        /// </summary>
        public static ErrorEntry ForMotionVideoFailed(Exception error) =>
            new ErrorEntry(MotionVideoFailed, ClassifyItemFailure(error).Category, false, error);

        /// <summary>
        /// The id of one item's failure during a download or write. Network-level errors of a download share one id
        /// (a script retries them all the same way), whatever their type.
        /// </summary>
        public static ErrorEntry ClassifyItemFailure(Exception error)
        {
            if (error == null || StopsSave(error)) return Classify(error, SaveFailed);
            switch (error)
            {
                case GoogleApiException api when api.HttpStatus == 404:
                    return new ErrorEntry(MediaItemNotFound, GPhotosErrorCategory.ObjectNotFound, false, api);
                case GoogleApiException api when api.HttpStatus == 403:
                    return new ErrorEntry(AccessDenied, GPhotosErrorCategory.PermissionDenied, false, api);
                case GoogleApiException api:
                    return new ErrorEntry(DownloadFailed, CategoryFor(api.HttpStatus), false, api);
                case PathTooLongException _:
                case DestinationWriteException _:
                case UnexpectedContentException _:
                    return Classify(error, SaveFailed);
                case GPhotos.Sources.Takeout.TakeoutArchiveException takeout:
                    // Damaged bytes in the user's export: not a network error, and the same id Get uses for it.
                    return ForUnreadableArchive(takeout);
                case IOException _:
                case System.Net.Http.HttpRequestException _:
                    return new ErrorEntry(DownloadFailed, GPhotosErrorCategory.ConnectionError, false, error);
                case OperationCanceledException _:
                    return new ErrorEntry(DownloadTimedOut, GPhotosErrorCategory.OperationTimeout, false, error);
                default:
                    return new ErrorEntry(SaveFailed, GPhotosErrorCategory.NotSpecified, false, error);
            }
        }

        internal static GPhotosErrorCategory CategoryFor(int status)
        {
            switch (status)
            {
                case 400: return GPhotosErrorCategory.InvalidArgument;
                case 401: return GPhotosErrorCategory.AuthenticationError;
                case 403: return GPhotosErrorCategory.PermissionDenied;
                case 404: return GPhotosErrorCategory.ObjectNotFound;
                case 429: return GPhotosErrorCategory.LimitsExceeded;
                case 0: return GPhotosErrorCategory.ConnectionError;
                default: return status >= 500 ? GPhotosErrorCategory.ResourceUnavailable : GPhotosErrorCategory.NotSpecified;
            }
        }

        private static string Pascal(string rpc)
        {
            var parts = rpc.ToLowerInvariant().Split('_');
            for (int i = 0; i < parts.Length; i++)
                if (parts[i].Length > 0) parts[i] = char.ToUpperInvariant(parts[i][0]) + parts[i].Substring(1);
            return string.Concat(parts);
        }

        #region What a command was given: each ends the command before anything is done (StopsRun)

        public static ErrorEntry ForInvalidEmulatorHost(ArgumentException error) => Argument(InvalidEmulatorHost, error);

        /// <summary>The client secret file (or -ClientId/-ClientSecret) cannot be used: unreadable, not JSON, not a client.</summary>
        public static ErrorEntry ForInvalidClientSecret(Exception error) => Argument(InvalidClientSecret, error);

        public static ErrorEntry ForInvalidScope(ArgumentException error) => Argument(InvalidScope, error);

        /// <summary>-AccessToken or -ClientSecret that is neither a SecureString nor a non-empty string. Never shows the value.</summary>
        public static ErrorEntry ForInvalidSecret(string parameterName) =>
            Argument(InvalidSecret, new ArgumentException($"-{parameterName} must be a SecureString or a non-empty string."));

        /// <summary>-Path that is not a file system folder (another provider, a bad drive, illegal characters).</summary>
        public static ErrorEntry ForInvalidPath(Exception error) => Argument(InvalidPath, error);

        public static string NotFileSystemPathMessage(string path, string provider) =>
            $"-Path must be a file system folder; '{path}' is on the {provider} provider.";

        /// <summary>-DateFormat that names no folder inside -Path (rooted, <c>..</c>, <c>.gphotos</c>) or is not a date format.</summary>
        public static ErrorEntry ForInvalidDateFormat(ArgumentException error) => Argument(InvalidDateFormat, error);

        public static ErrorEntry ForInvalidAlbumFolder(ArgumentException error) => Argument(InvalidAlbumFolder, error);

        private static ErrorEntry Argument(string id, Exception error) => new ErrorEntry(id, GPhotosErrorCategory.InvalidArgument, true, error);

        /// <summary>
        /// Save could not start (folder, lock, index): nothing can be saved, so the command ends. A full disk and a
        /// locked destination keep their own ids; anything else is DestinationNotWritable.
        /// </summary>
        public static ErrorEntry ForSaveStart(Exception error)
        {
            ErrorEntry entry = Classify(error, DestinationNotWritable);
            if (error is DestinationLockedException || entry.Id == DiskFull)
                return new ErrorEntry(entry.Id, entry.Category, true, entry.Exception);
            return new ErrorEntry(DestinationNotWritable, GPhotosErrorCategory.WriteError, true, error);
        }

        /// <summary>Test-GPhotosBackup could not check the folder at all (missing, no index, locked, unreadable); null for any other error.</summary>
        public static ErrorEntry ForBackupCheck(Exception error)
        {
            switch (error)
            {
                case DirectoryNotFoundException missing:
                    return new ErrorEntry(BackupFolderNotFound, GPhotosErrorCategory.ObjectNotFound, true, missing);
                case BackupIndexNotFoundException noIndex:
                    return new ErrorEntry(BackupIndexNotFound, GPhotosErrorCategory.ObjectNotFound, true, noIndex);
                case DestinationLockedException locked:
                    return new ErrorEntry(DestinationLocked, GPhotosErrorCategory.ResourceBusy, true, locked);
                case IOException _:
                case UnauthorizedAccessException _:
                    return new ErrorEntry(BackupNotReadable, GPhotosErrorCategory.ReadError, true, error);
                default:
                    return null;
            }
        }

        #endregion

        #region Takeout and Drive

        /// <summary>A -TakeoutPath / -Path that resolves to nothing: that input is skipped, the others are read.</summary>
        public static ErrorEntry ForTakeoutPathNotFound(Exception error) =>
            new ErrorEntry(TakeoutPathNotFound, GPhotosErrorCategory.ObjectNotFound, false, error);

        public static string TakeoutPathNoMatchMessage(string path) => $"No Takeout archive matches '{path}'.";

        public static string TakeoutPathMissingMessage(string fullPath) => $"'{fullPath}' does not exist.";

        /// <summary>A Takeout part (or one entry of it) that cannot be read: the other parts and items go on.</summary>
        public static ErrorEntry ForUnreadableArchive(Exception error, bool stopsRun = false) =>
            new ErrorEntry(TakeoutArchiveUnreadable, GPhotosErrorCategory.ReadError, stopsRun, error);

        /// <summary>A sign-in without Drive read access, asked to read Takeout parts in Drive.</summary>
        public static ErrorEntry ForDriveAccessMissing(string clientSecretPath, Exception inner = null) =>
            new ErrorEntry(DriveAccessMissing, GPhotosErrorCategory.PermissionDenied, true,
                new UnauthorizedAccessException(DriveErrors.NoAccessMessage(clientSecretPath), inner));

        /// <summary>A sign-in without full Drive access, asked to delete Takeout parts in Drive (stops before reading anything).</summary>
        public static ErrorEntry ForDriveWriteAccessMissing(string clientSecretPath, Exception inner = null, bool stopsRun = true) =>
            new ErrorEntry(DriveWriteAccessMissing, GPhotosErrorCategory.PermissionDenied, stopsRun,
                new UnauthorizedAccessException(DriveWriteAccessMessage(clientSecretPath), inner));

        public static string DriveWriteAccessMessage(string clientSecretPath) =>
            "Removing Takeout parts from Google Drive needs full Drive access, which this sign-in does not have. Run at the keyboard: " +
            $"Connect-GPhotos -ClientSecretPath {(string.IsNullOrEmpty(clientSecretPath) ? "<path>" : "'" + clientSecretPath.Replace("'", "''") + "'")} -DriveWrite " +
            "(adds it to your existing sign-in; Google's consent screen calls it \"see, edit, create and delete all your Google Drive files\").";

        /// <summary>Listing Drive's Takeout folder failed: Drive's own id (<c>Drive</c> + kind) when Drive answered.</summary>
        public static ErrorEntry ForDriveListing(Exception error)
        {
            if (error is DriveApiException drive)
                return new ErrorEntry(drive.ErrorId, drive.Kind == DriveErrorKind.RateLimited ? GPhotosErrorCategory.LimitsExceeded : GPhotosErrorCategory.ReadError, true, drive);
            return Classify(error, DriveListingFailed);
        }

        /// <summary>Remove-GPhotosTakeoutArchive's -Destination has no GPhotos index, so nothing in it vouches for a part.</summary>
        public static ErrorEntry ForDestinationNotABackup(string destination, string indexPath) =>
            new ErrorEntry(DestinationNotABackup, GPhotosErrorCategory.ObjectNotFound, true, new DirectoryNotFoundException(
                $"'{destination}' is not a GPhotos destination (it has no {indexPath}), so nothing in it can vouch for a Takeout part. " +
                "Save the export there first: Get-GPhotosTakeoutArchive -Latest | Get-GPhotosMediaItem | Save-GPhotosMediaItem -Path <folder>."));

        /// <summary>
        /// A Takeout part that was not removed: it could not be read (TakeoutArchiveUnreadable) or not all its items are
        /// saved (TakeoutArchiveNotFullySaved). The other parts go on.
        /// </summary>
        public static ErrorEntry ForTakeoutPartNotRemoved(string partName, string reason, int notSaved, string destination, Exception readError)
        {
            var error = new InvalidOperationException($"Takeout part '{partName}' was not removed. {reason}" +
                (notSaved > 0 ? $" Save them first (Save-GPhotosMediaItem -Destination '{destination}'), then run Remove-GPhotosTakeoutArchive again." : ""),
                readError);
            return readError != null
                ? ForUnreadableArchive(error)
                : new ErrorEntry(TakeoutArchiveNotFullySaved, GPhotosErrorCategory.ResourceUnavailable, false, error);
        }

        /// <summary>Deleting a verified part failed; Drive's "insufficient permissions" says how to get write access.</summary>
        public static ErrorEntry ForTakeoutPartDeleteFailed(Exception error, string clientSecretPath)
        {
            if (error is DriveApiException drive && drive.Kind == DriveErrorKind.InsufficientPermissions)
                return ForDriveWriteAccessMissing(clientSecretPath, error, stopsRun: false);
            return new ErrorEntry(TakeoutArchiveDeleteFailed, GPhotosErrorCategory.WriteError, false, error);
        }

        #endregion

        public static string InsufficientScopesMessage(string apiMessage) =>
            $"Google refused: {apiMessage ?? "insufficient authentication scopes"} Since 2025-03-31 the Library API only sees photos and videos that this app uploaded itself; the scopes that read a whole library were removed. To back up your existing library, pick items with 'Get-GPhotosMediaItem -Pick' (Picker API), or read a Google Takeout export with 'Get-GPhotosMediaItem -TakeoutPath <zips>'. If your token was made with an old scope, run 'Disconnect-GPhotos -Revoke' and 'Connect-GPhotos' again.";
    }
}
