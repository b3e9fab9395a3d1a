using System;
using System.IO;
using GPhotos.Auth;
using GPhotos.Http;
using GPhotos.Saving;
using GPhotos.Sources.Picker;

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
    /// The one place where a failure becomes what the user sees: id, category, stop-or-go-on, message. The save engine
    /// asks it whether an error stops the run and which id an item's error gets; the cmdlets only turn an
    /// <see cref="ErrorEntry"/> into an ErrorRecord. The ids are documented in the help (Save-GPhotosMediaItem's
    /// Errors table, about_GPhotos); a new one goes there too.
    /// </summary>
    public static class ErrorCatalog
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
        public const string VideoNotReady = "VideoNotReady";
        public const string VideoProcessingFailed = "VideoProcessingFailed";
        public const string MetadataFileExists = "MetadataFileExists";
        public const string MetadataWriteFailed = "MetadataWriteFailed";
        public const string FileRepaired = "FileRepaired";
        public const string IndexLinesUnreadable = "IndexLinesUnreadable";
        public const string TakeoutArchiveUnreadable = "TakeoutArchiveUnreadable";

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
                    return new ErrorEntry("PickingTimedOut", GPhotosErrorCategory.OperationTimeout, stops, pt);
                case AuthorizationDeniedException ad:
                    return new ErrorEntry("AuthorizationDenied", GPhotosErrorCategory.PermissionDenied, stops, ad);
                case GPhotosAuthenticationException ga:
                    return new ErrorEntry("AuthenticationFailed", GPhotosErrorCategory.AuthenticationError, stops, ga);
                case ArgumentException arg:
                    return new ErrorEntry("InvalidArgument", GPhotosErrorCategory.InvalidArgument, stops, arg);
                case UnauthorizedAccessException ua:
                    return new ErrorEntry("AccessDenied", GPhotosErrorCategory.PermissionDenied, stops, ua);
                case IOException io:
                    return new ErrorEntry("IOError", GPhotosErrorCategory.WriteError, stops, io);
                case System.Net.Http.HttpRequestException http:
                    return new ErrorEntry("DownloadFailed", GPhotosErrorCategory.ConnectionError, stops, http);
                case TimeoutException t:
                    return new ErrorEntry("Timeout", GPhotosErrorCategory.OperationTimeout, stops, t);
                case OperationCanceledException oc:
                    // Not the user's Ctrl+C (that never reaches here): a download that stalled past its idle timeout.
                    return new ErrorEntry("DownloadTimedOut", GPhotosErrorCategory.OperationTimeout, stops, oc);
                default:
                    return new ErrorEntry(fallbackId ?? "GPhotosError", GPhotosErrorCategory.NotSpecified, stops, error);
            }
        }

        /// <summary>
        /// The id of one item's failure during a download or write. Network-level errors of a download share one id
        /// (a script retries them all the same way), whatever their type.
        /// </summary>
        public static ErrorEntry ClassifyItemFailure(Exception error)
        {
            if (error == null || StopsSave(error)) return Classify(error, "SaveFailed");
            switch (error)
            {
                case GoogleApiException api when api.HttpStatus == 404:
                    return new ErrorEntry(MediaItemNotFound, GPhotosErrorCategory.ObjectNotFound, false, api);
                case GoogleApiException api when api.HttpStatus == 403:
                    return new ErrorEntry("AccessDenied", GPhotosErrorCategory.PermissionDenied, false, api);
                case GoogleApiException api:
                    return new ErrorEntry("DownloadFailed", CategoryFor(api.HttpStatus), false, api);
                case PathTooLongException _:
                case DestinationWriteException _:
                case UnexpectedContentException _:
                    return Classify(error, "SaveFailed");
                case GPhotos.Sources.Takeout.TakeoutArchiveException takeout:
                    // Damaged bytes in the user's export: not a network error, and the same id Get uses for it.
                    return new ErrorEntry(TakeoutArchiveUnreadable, GPhotosErrorCategory.ReadError, false, takeout);
                case IOException _:
                case System.Net.Http.HttpRequestException _:
                    return new ErrorEntry("DownloadFailed", GPhotosErrorCategory.ConnectionError, false, error);
                case OperationCanceledException _:
                    return new ErrorEntry("DownloadTimedOut", GPhotosErrorCategory.OperationTimeout, false, error);
                default:
                    return new ErrorEntry("SaveFailed", GPhotosErrorCategory.NotSpecified, false, error);
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

        public static string InsufficientScopesMessage(string apiMessage) =>
            $"Google refused: {apiMessage ?? "insufficient authentication scopes"} Since 2025-03-31 the Library API only sees photos and videos that this app uploaded itself; the scopes that read a whole library were removed. To back up your existing library, pick items with 'Get-GPhotosMediaItem -Pick' (Picker API), or read a Google Takeout export with 'Get-GPhotosMediaItem -TakeoutPath <zips>'. If your token was made with an old scope, run 'Disconnect-GPhotos -Revoke' and 'Connect-GPhotos' again.";
    }
}
