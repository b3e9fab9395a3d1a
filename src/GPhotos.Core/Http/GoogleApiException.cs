using System;
using System.Net;

namespace GPhotos.Http
{
    /// <summary>A failed call to a Google API or base URL, with Google's RPC status when the envelope had one.</summary>
    public class GoogleApiException : Exception
    {
        public GoogleApiException(int httpStatus, string rpcStatus, string apiMessage, string message, TimeSpan? retryAfter = null, Exception inner = null)
            : base(message, inner)
        {
            HttpStatus = httpStatus;
            RpcStatus = rpcStatus;
            ApiMessage = apiMessage;
            RetryAfter = retryAfter;
        }

        /// <summary>HTTP status code (0 when the request never got an answer).</summary>
        public int HttpStatus { get; }

        /// <summary>Google's RPC status, e.g. PERMISSION_DENIED, RESOURCE_EXHAUSTED; null for bare base-URL errors.</summary>
        public string RpcStatus { get; }

        /// <summary>The message Google sent, verbatim.</summary>
        public string ApiMessage { get; }

        /// <summary>The server's Retry-After, when it sent one.</summary>
        public TimeSpan? RetryAfter { get; }

        public bool IsTransient =>
            HttpStatus == 0 || HttpStatus == 408 || HttpStatus == 429 || HttpStatus == 500 || HttpStatus == 502
            || HttpStatus == 503 || HttpStatus == 504;

        public bool IsInsufficientScopes =>
            HttpStatus == (int)HttpStatusCode.Forbidden && ApiMessage != null
            && ApiMessage.IndexOf("insufficient authentication scopes", StringComparison.OrdinalIgnoreCase) >= 0;
    }

    /// <summary>
    /// The project's daily quota is spent. Retrying today is pointless: stop the run and resume after
    /// <see cref="ResumeAfter"/> (Google resets daily quotas at midnight Pacific time).
    /// </summary>
    public class QuotaExhaustedException : GoogleApiException
    {
        public QuotaExhaustedException(string apiMessage, DateTimeOffset resumeAfter)
            : this(429, "RESOURCE_EXHAUSTED", apiMessage,
                  $"The daily Google Photos quota of this OAuth client is used up. Nothing more can be fetched today: resume after {resumeAfter.ToLocalTime():yyyy-MM-dd HH:mm zzz}. Items already saved are kept; the next run continues where this one stopped.",
                  resumeAfter, null)
        {
        }

        protected QuotaExhaustedException(int httpStatus, string rpcStatus, string apiMessage, string message, DateTimeOffset resumeAfter, Exception inner)
            : base(httpStatus, rpcStatus, apiMessage, message, null, inner)
        {
            ResumeAfter = resumeAfter;
        }

        public DateTimeOffset ResumeAfter { get; }
    }

    /// <summary>
    /// Google asks for a wait longer than a run should sit idle (a Retry-After beyond an hour), or keeps refusing
    /// (a streak of 429s from base URLs, whose wording says nothing about which quota): stop the run and resume after
    /// <see cref="QuotaExhaustedException.ResumeAfter"/>. A <see cref="QuotaExhaustedException"/> so every place that
    /// stops a run for a spent quota stops for this too.
    /// </summary>
    public sealed class RateLimitedException : QuotaExhaustedException
    {
        public RateLimitedException(GoogleApiException cause, DateTimeOffset resumeAfter, string why)
            : base(cause?.HttpStatus ?? 429, cause?.RpcStatus ?? "RESOURCE_EXHAUSTED", cause?.ApiMessage,
                  $"{why} Resume after {resumeAfter.ToLocalTime():yyyy-MM-dd HH:mm zzz}. Items already saved are kept; the next run continues where this one stopped.",
                  resumeAfter, cause)
        {
        }
    }

    /// <summary>The connection cannot authenticate any more (refresh token expired or revoked, access token dead).</summary>
    public sealed class AuthenticationExpiredException : Exception
    {
        public AuthenticationExpiredException(string message, Exception inner = null) : base(message, inner) { }
    }
}
