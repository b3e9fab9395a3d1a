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

        /// <summary>How long to wait before attempt <paramref name="attempt"/>+1 after <paramref name="error"/>.</summary>
        public TimeSpan GetDelay(int attempt, Exception error)
        {
            TimeSpan delay;
            if (error is GoogleApiException api && api.HttpStatus == 429)
            {
                delay = api.RetryAfter ?? RateLimitDelay;
                if (api.RetryAfter == null && attempt > 1)
                    delay = TimeSpan.FromTicks(Math.Min(MaxDelay.Ticks * 2, RateLimitDelay.Ticks * attempt));
            }
            else if (error is GoogleApiException api2 && api2.RetryAfter.HasValue)
            {
                delay = api2.RetryAfter.Value;
            }
            else
            {
                double exp = BaseDelay.TotalMilliseconds * Math.Pow(2, Math.Max(0, attempt - 1));
                exp = Math.Min(exp, MaxDelay.TotalMilliseconds);
                // Full jitter on top of half the exponential step keeps parallel workers from retrying in lockstep.
                double jittered = exp / 2 + Jitter.Value.NextDouble() * exp / 2;
                delay = TimeSpan.FromMilliseconds(jittered);
            }
            return TimeSpan.FromMilliseconds(delay.TotalMilliseconds * DelayScale);
        }

        public async Task<T> ExecuteAsync<T>(Func<CancellationToken, Task<T>> operation, CancellationToken cancellationToken,
            Action<RetryNotice> onRetry = null)
        {
            for (int attempt = 1; ; attempt++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                try
                {
                    return await operation(cancellationToken).ConfigureAwait(false);
                }
                catch (Exception ex) when (attempt < MaxAttempts && IsTransient(ex, cancellationToken))
                {
                    TimeSpan delay = GetDelay(attempt, ex);
                    onRetry?.Invoke(new RetryNotice(attempt, delay, ex));
                    await Delay(delay, cancellationToken).ConfigureAwait(false);
                }
            }
        }
    }
}
