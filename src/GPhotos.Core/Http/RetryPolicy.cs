using System;
using System.Globalization;
using System.IO;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;

namespace GPhotos.Http
{
    /// <summary>Raised before each retry so callers can tell the user (verbose) what is happening.</summary>
    public sealed class RetryNotice
    {
        public RetryNotice(int attempt, TimeSpan delay, Exception cause) { Attempt = attempt; Delay = delay; Cause = cause; }
        public int Attempt { get; }
        public TimeSpan Delay { get; }
        public Exception Cause { get; }
    }

    /// <summary>
    /// Google's advice made code: exponential backoff with jitter from 1 s on 5xx and dropped connections,
    /// at least 30 s after a 429 (or the server's Retry-After), and no retry at all for a spent daily quota.
    /// Shared by listing and saving.
    /// </summary>
    public sealed class RetryPolicy
    {
        /// <summary>Environment variable that scales every delay (e.g. 0.01 for offline dry runs against the emulator).</summary>
        public const string DelayScaleVariable = "GPHOTOS_RETRY_DELAY_SCALE";

        /// <summary>
        /// Key in <see cref="Exception.Data"/> marking a failure that no retry can mend (a damaged archive entry, say),
        /// even when its type (an IOException) would otherwise count as transient.
        /// </summary>
        public const string PermanentFailureKey = "GPhotos.PermanentFailure";

        private static readonly ThreadLocal<Random> Jitter = new ThreadLocal<Random>(() => new Random(Guid.NewGuid().GetHashCode()));

        public int MaxAttempts { get; set; } = 6;
        public TimeSpan BaseDelay { get; set; } = TimeSpan.FromSeconds(1);
        public TimeSpan MaxDelay { get; set; } = TimeSpan.FromSeconds(64);
        public TimeSpan RateLimitDelay { get; set; } = TimeSpan.FromSeconds(30);

        /// <summary>
        /// Total time one request (or one item's download) may spend waiting between attempts; past it the last error
        /// stands. Keeps a run from sitting on one item for hours whatever the server says.
        /// </summary>
        public TimeSpan MaxTotalWait { get; set; } = TimeSpan.FromMinutes(15);

        /// <summary>Multiplies every delay; 1 in production.</summary>
        public double DelayScale { get; set; } = 1.0;

        /// <summary>How to wait; replaceable in tests.</summary>
        public Func<TimeSpan, CancellationToken, Task> Delay { get; set; } = (d, ct) => Task.Delay(d, ct);

        public static RetryPolicy FromEnvironment()
        {
            var policy = new RetryPolicy();
            string scale = Environment.GetEnvironmentVariable(DelayScaleVariable);
            if (!string.IsNullOrWhiteSpace(scale)
                && double.TryParse(scale, NumberStyles.Float, CultureInfo.InvariantCulture, out double s) && s >= 0 && s <= 1)
                policy.DelayScale = s;
            return policy;
        }

        /// <summary>Is <paramref name="error"/> worth another try?</summary>
        public static bool IsTransient(Exception error, CancellationToken callerToken)
        {
            if (error == null || error.Data.Contains(PermanentFailureKey)) return false;
            switch (error)
            {
                case QuotaExhaustedException _: return false;
                case GoogleApiException api: return api.IsTransient;
                case HttpRequestException _: return true;
                case FileNotFoundException _: return false;
                case DirectoryNotFoundException _: return false;
                case IOException _: return true;
                case OperationCanceledException _: return !callerToken.IsCancellationRequested; // a timeout, not the user
                default: return false;
            }
        }

        /// <summary>
        /// How long to wait before attempt <paramref name="attempt"/>+1 after <paramref name="error"/>. Never more than
        /// <see cref="RetryAfterHeader.HonouredUpTo"/>: a longer Retry-After is <see cref="StopFor"/>'s business.
        /// </summary>
        public TimeSpan GetDelay(int attempt, Exception error)
        {
            TimeSpan delay;
            TimeSpan? retryAfter = (error as GoogleApiException)?.RetryAfter;
            // Absurd (beyond a day, negative): ignored for the normal backoff. Long but plausible: capped here (the
            // caller asks StopFor first).
            if (retryAfter.HasValue && (retryAfter.Value > RetryAfterHeader.PlausibleUpTo || retryAfter.Value < TimeSpan.Zero)) retryAfter = null;
            else if (retryAfter.HasValue && retryAfter.Value > RetryAfterHeader.HonouredUpTo) retryAfter = RetryAfterHeader.HonouredUpTo;
            if (error is GoogleApiException api && api.HttpStatus == 429)
            {
                delay = retryAfter ?? RateLimitDelay;
                if (retryAfter == null && attempt > 1)
                    delay = TimeSpan.FromTicks(Math.Min(MaxDelay.Ticks * 2, RateLimitDelay.Ticks * attempt));
            }
            else if (retryAfter.HasValue && retryAfter.Value >= BaseDelay)
            {
                delay = retryAfter.Value;
            }
            else
            {
                double exp = BaseDelay.TotalMilliseconds * Math.Pow(2, Math.Max(0, attempt - 1));
                exp = Math.Min(exp, MaxDelay.TotalMilliseconds);
                // Jitter upwards only (Google: the first retry of a 5xx no sooner than 1 s); it keeps parallel workers
                // from retrying in lockstep.
                delay = TimeSpan.FromMilliseconds(exp + Jitter.Value.NextDouble() * exp / 2);
            }
            double ms = delay.TotalMilliseconds * DelayScale;
            return TimeSpan.FromMilliseconds(Math.Max(0, Math.Min(ms, RetryAfterHeader.HonouredUpTo.TotalMilliseconds)));
        }

        /// <summary>
        /// When the server asks for a plausible wait longer than a run should sit idle (more than
        /// <see cref="RetryAfterHeader.HonouredUpTo"/>, at most a day), the error that stops the run with "resume after";
        /// otherwise null.
        /// </summary>
        public static RateLimitedException StopFor(Exception error)
        {
            if (!(error is GoogleApiException api) || error is QuotaExhaustedException) return null;
            if (!api.RetryAfter.HasValue || api.RetryAfter.Value <= RetryAfterHeader.HonouredUpTo || api.RetryAfter.Value > RetryAfterHeader.PlausibleUpTo) return null;
            return new RateLimitedException(api, DateTimeOffset.Now + api.RetryAfter.Value,
                $"Google asked to wait {api.RetryAfter.Value.TotalHours:0.#} hours before the next request (Retry-After, answering {api.HttpStatus}).");
        }

        /// <summary><see cref="MaxTotalWait"/> in the same scale as <see cref="GetDelay"/>'s answers.</summary>
        public TimeSpan ScaledBudget => TimeSpan.FromMilliseconds(MaxTotalWait.TotalMilliseconds * DelayScale);
    }
}
