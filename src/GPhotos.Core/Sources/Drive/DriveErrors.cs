using System;
using System.IO;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;
using GPhotos.Http;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;

namespace GPhotos.Sources.Drive
{
    /// <summary>What a Drive failure means for the caller (google-photos-api.md §8).</summary>
    public enum DriveErrorKind
    {
        /// <summary>Anything else (the HTTP status says more).</summary>
        Other,
        /// <summary>403 userRateLimitExceeded / rateLimitExceeded, or 429: back off and retry; not a permission error.</summary>
        RateLimited,
        /// <summary>5xx or no answer: retry with backoff.</summary>
        Transient,
        /// <summary>403 downloadQuotaExceeded: this file cannot be downloaded for a while (hours); others still can.</summary>
        DownloadQuotaExceeded,
        /// <summary>403 cannotDownloadAbusiveFile: Drive flagged the file as malware; only acknowledgeAbuse=true reads it.</summary>
        AbusiveFile,
        /// <summary>404: the part was deleted (or never visible to this sign-in).</summary>
        NotFound,
        /// <summary>The sign-in lacks a Drive scope (403 insufficientPermissions / PERMISSION_DENIED on scopes).</summary>
        InsufficientPermissions,
        /// <summary>The part's size or md5 changed since it was listed: a new version; its old bytes are gone.</summary>
        PartChanged,
        /// <summary>The server answered a range request with 200 and the whole body.</summary>
        RangeIgnored,
        /// <summary>Drive's answer was not what its contract says (bad JSON, bad Content-Range).</summary>
        BadResponse,
    }

    /// <summary>A failed Drive call, classified in one place (<see cref="DriveErrors"/>).</summary>
    public sealed class DriveApiException : GoogleApiException
    {
        public DriveApiException(DriveErrorKind kind, int httpStatus, string reason, string apiMessage, string message, TimeSpan? retryAfter = null, Exception inner = null)
            : base(httpStatus, kind == DriveErrorKind.InsufficientPermissions ? "PERMISSION_DENIED" : null, apiMessage, message, retryAfter, inner)
        {
            Kind = kind;
            Reason = reason;
        }

        public DriveErrorKind Kind { get; }

        /// <summary>Drive's <c>errors[0].reason</c> (userRateLimitExceeded, downloadQuotaExceeded, notFound…), when sent.</summary>
        public string Reason { get; }

        /// <summary>Worth another try after a backoff.</summary>
        public bool IsRetryable => Kind == DriveErrorKind.RateLimited || Kind == DriveErrorKind.Transient;

        /// <summary>A stable PowerShell error id for this kind.</summary>
        public string ErrorId => "Drive" + Kind;
    }

    /// <summary>
    /// The one place that classifies Drive answers and decides about retries. Drive sends rate limits as 403 with
    /// errors[].reason, which the shared <see cref="RetryPolicy"/> would take for a permission error; this class is the
    /// classifier the connection's <see cref="Pacer"/> asks for Drive requests (<see cref="Rules"/>).
    /// </summary>
    public static class DriveErrors
    {
        public const string ConnectCommand = "Connect-GPhotos -ClientSecretPath <path> -Drive";

        /// <summary>Reads Drive's envelope {"error":{"code","message","errors":[{"reason"}],"status"}} (tolerant of anything).</summary>
        public static (string Message, string Reason, string Status) ParseEnvelope(string body)
        {
            if (string.IsNullOrWhiteSpace(body) || body.TrimStart()[0] != '{') return (null, null, null);
            try
            {
                var error = JObject.Parse(body)["error"];
                if (!(error is JObject e)) return (null, error?.Type == JTokenType.String ? (string)error : null, null);
                string reason = null;
                if (e["errors"] is JArray list && list.Count > 0 && list[0] is JObject first && first["reason"]?.Type == JTokenType.String)
                    reason = (string)first["reason"];
                string message = e["message"]?.Type == JTokenType.String ? (string)e["message"] : null;
                string status = e["status"]?.Type == JTokenType.String ? (string)e["status"] : null;
                return (message, reason, status);
            }
            catch (JsonException) { return (null, null, null); }
        }

        /// <summary>Turns a failed Drive answer into a classified exception naming <paramref name="what"/>.</summary>
        public static DriveApiException Classify(int status, string body, TimeSpan? retryAfter, string what)
        {
            var (message, reason, rpc) = ParseEnvelope(body);
            string api = message ?? ("HTTP " + status);
            DriveErrorKind kind;
            string text;
            switch (reason)
            {
                case "userRateLimitExceeded":
                case "rateLimitExceeded":
                    kind = DriveErrorKind.RateLimited;
                    text = $"Drive is rate limiting requests ({reason}) for {what}; backing off.";
                    break;
                case "downloadQuotaExceeded":
                    kind = DriveErrorKind.DownloadQuotaExceeded;
                    text = $"Drive's download quota for {what} is used up (downloadQuotaExceeded). Drive lifts it within 24 hours: run the same command again tomorrow (items already saved are skipped); the other parts are read meanwhile.";
                    break;
                case "cannotDownloadAbusiveFile":
                    kind = DriveErrorKind.AbusiveFile;
                    text = $"Drive flagged {what} as malware or spam (cannotDownloadAbusiveFile) and refuses to serve it. If you trust this Takeout part (Google made it from your own photos), download it in the Drive web UI and read it with Get-GPhotosMediaItem -TakeoutPath <downloaded part>.";
                    break;
                case "insufficientPermissions":
                    kind = DriveErrorKind.InsufficientPermissions;
                    text = NoAccessMessage(null);
                    break;
                default:
                    if (status == 429) { kind = DriveErrorKind.RateLimited; text = $"Drive is rate limiting requests (429) for {what}; backing off."; }
                    else if (status == 404) { kind = DriveErrorKind.NotFound; text = $"{Capitalize(what)} is gone from Drive (404): it was deleted, or this sign-in cannot see it. List the exports again (Get-GPhotosTakeoutArchive) and read the parts that are there."; }
                    else if (status == 403 && (rpc == "PERMISSION_DENIED" && api.IndexOf("scope", StringComparison.OrdinalIgnoreCase) >= 0)) { kind = DriveErrorKind.InsufficientPermissions; text = NoAccessMessage(null); }
                    else if (status >= 500 || status == 408 || status == 0) { kind = DriveErrorKind.Transient; text = $"Drive failed on {what}: {status} {api}"; }
                    else { kind = DriveErrorKind.Other; text = $"Drive refused {what}: {status} {reason ?? rpc} {api}".Replace("  ", " "); }
                    break;
            }
            return new DriveApiException(kind, status, reason, message, text, retryAfter);
        }

        /// <summary>The message for a sign-in without Drive access: the exact command to run.</summary>
        public static string NoAccessMessage(string clientSecretPath) =>
            "This sign-in has no Google Drive access, so Takeout exports delivered to Drive cannot be listed or read. Run at the keyboard: " +
            $"Connect-GPhotos -ClientSecretPath {(string.IsNullOrEmpty(clientSecretPath) ? "<path>" : Quote(clientSecretPath))} -Drive " +
            "(adds read-only Drive access to your existing sign-in; Google shows an \"unverified app\" screen for your own OAuth client). " +
            "Or read downloaded parts with Get-GPhotosTakeoutArchive -Path <folder>.";

        private static string Quote(string path) => path.IndexOfAny(new[] { ' ', '\'', '"', '$', '`' }) >= 0 ? "'" + path.Replace("'", "''") + "'" : path;

        private static string Capitalize(string s) => string.IsNullOrEmpty(s) ? s : char.ToUpperInvariant(s[0]) + s.Substring(1);

        /// <summary>Is <paramref name="error"/> worth another try? Drive rate limits (403 or 429), 5xx, dropped connections, stalls.</summary>
        public static bool IsRetryable(Exception error, CancellationToken callerToken)
        {
            if (error is DriveApiException d) return d.IsRetryable;
            return RetryPolicy.IsTransient(error, callerToken);
        }

        /// <summary>
        /// The rules Drive requests go through the connection's <see cref="Pacer"/> with: Drive's own notion of what is
        /// retryable (403 rate limits included) within the policy's attempts, and Drive's own 429 pause. Retries are
        /// told to the pacer's one <see cref="Pacer.Observer"/>, like every other request's.
        /// </summary>
        public static PaceRules Rules(RetryPolicy policy) => new PaceRules(QuotaGroup.Drive)
        {
            IsRetryable = (error, attempt, ct) => attempt < policy.MaxAttempts && IsRetryable(error, ct),
        };

        /// <summary>Runs a Drive request through the pacer of <paramref name="policy"/> (the connection's) with <see cref="Rules"/>.</summary>
        public static Task<T> ExecuteAsync<T>(RetryPolicy policy, Func<CancellationToken, Task<T>> operation, CancellationToken cancellationToken)
            => Pacer.For(policy).ExecuteAsync(Rules(policy), operation, cancellationToken);
    }
}
