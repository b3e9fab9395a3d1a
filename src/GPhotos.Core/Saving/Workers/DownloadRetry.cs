using System;
using System.Globalization;
using System.Threading;
using System.Threading.Tasks;
using GPhotos.Http;
using GPhotos.Model;
using GPhotos.Sources;

namespace GPhotos.Saving
{
    /// <summary>
    /// The seam between the workers and the network's pacing: one variant of one item, with retries around each
    /// whole attempt, the shared 429 pause and the run-stopping 429 streak. Moved here as it was; the per-connection
    /// pacer being built in Http/ will replace this class (<see cref="DownloadAsync"/> is its only entry point).
    /// </summary>
    internal sealed class DownloadRetry
    {
        /// <summary>
        /// This many 429s in a row stop the run with "resume after": base URLs' 429s say nothing about which quota (no
        /// "per day" to read), and retrying each item for minutes would spin for hours.
        /// </summary>
        internal const int Media429StreakLimit = 8;

        private readonly SaveRun _run;
        private readonly string _tempFolder;

        /// <summary>UTC ticks before which no worker starts a request (set by a 429, so workers back off together).</summary>
        private long _pauseUntilTicks;

        /// <summary>429s from base URLs in a row, across workers (reset by any completed download).</summary>
        private int _media429Streak;

        public DownloadRetry(SaveRun run, string tempFolder)
        {
            _run = run;
            _tempFolder = tempFolder;
        }

        /// <summary>
        /// One variant with retries around each whole attempt. Transient errors (5xx, 429, dropped or stalled
        /// connections, truncated bodies) follow <see cref="SaveOptions.Retry"/>; a wrong kind of content (thumbnail,
        /// HTML, empty) is tried twice at most, since the same URL will answer the same way.
        /// </summary>
        public async Task<DownloadedFile> DownloadAsync(IMediaContentSource source, MediaItem item, ContentVariant variant, byte[] buffer, CancellationToken stop)
        {
            RetryPolicy policy = _run.Options.Retry;
            TimeSpan waited = TimeSpan.Zero;
            for (int attempt = 1; ; attempt++)
            {
                await WaitForRateLimitAsync(stop).ConfigureAwait(false);
                TimeSpan delay;
                try
                {
                    DownloadedFile file = await ContentDownloader.DownloadAsync(source, item, variant, _tempFolder, buffer,
                        _run.Events.AddDownloaded, stop).ConfigureAwait(false);
                    Interlocked.Exchange(ref _media429Streak, 0);
                    return file;
                }
                catch (Exception ex) when (StopForRateLimit(ex, item) is RateLimitedException stopRun)
                {
                    throw stopRun; // fatal: a QuotaExhaustedException, so the run stops with "resume after"
                }
                catch (Exception ex) when (ShouldRetry(ex, attempt, policy, stop)
                    && waited + (delay = policy.GetDelay(attempt, ex)) <= policy.ScaledBudget)
                {
                    waited += delay; // the per-item wait budget: one item never holds a worker for hours
                    if (ex is GoogleApiException api && api.HttpStatus == 429) PauseAllWorkers(delay);
                    _run.Events.Verbose(string.Format(CultureInfo.InvariantCulture, "{0}: attempt {1} failed ({2}); retrying in {3:0.#} s.",
                        ContentDownloader.Describe(item, variant), attempt, ex.Message, delay.TotalSeconds));
                }
                await policy.Delay(delay, stop).ConfigureAwait(false);
            }
        }

        /// <summary>
        /// The error that stops the whole run for a rate limit, or null: a plausible Retry-After beyond an hour, or
        /// <see cref="Media429StreakLimit"/> 429s in a row. The resume estimate: the server's Retry-After when it gave
        /// one; else Library base URLs have a daily fetch quota (Google resets it at midnight Pacific), others an hour.
        /// </summary>
        private RateLimitedException StopForRateLimit(Exception error, MediaItem item)
        {
            if (RetryPolicy.StopFor(error) is RateLimitedException tooLong) return tooLong;
            if (!(error is GoogleApiException api) || api.HttpStatus != 429 || error is QuotaExhaustedException) return null;
            int streak = Interlocked.Increment(ref _media429Streak);
            if (streak < Media429StreakLimit) return null;
            DateTimeOffset resume = api.RetryAfter.HasValue ? DateTimeOffset.Now + api.RetryAfter.Value
                : item.Source == MediaSource.Library ? GoogleApiClient.NextPacificMidnight(DateTimeOffset.UtcNow)
                : DateTimeOffset.Now.AddHours(1);
            return new RateLimitedException(api, resume,
                $"Google answered {streak} downloads in a row with 429 Too Many Requests (last: '{item.Filename}'), so the run stops instead of retrying for hours.");
        }

        private static bool ShouldRetry(Exception error, int attempt, RetryPolicy policy, CancellationToken stop)
        {
            if (stop.IsCancellationRequested) return false;
            if (error is UnexpectedContentException unexpected)
            {
                if (unexpected.Kind == UnexpectedContentKind.NoContent) return false;
                int limit = unexpected.Kind == UnexpectedContentKind.Truncated ? policy.MaxAttempts : Math.Min(2, policy.MaxAttempts);
                return attempt < limit;
            }
            return attempt < policy.MaxAttempts && RetryPolicy.IsTransient(error, stop);
        }

        /// <summary>After a 429 every worker holds off, not just the one that got it: Google counts the whole client.</summary>
        private void PauseAllWorkers(TimeSpan delay)
        {
            // Bounded whatever the server said: a poisoned pause would fail or stall every later item.
            if (delay > RetryAfterHeader.HonouredUpTo) delay = RetryAfterHeader.HonouredUpTo;
            if (delay <= TimeSpan.Zero) return;
            long until = DateTime.UtcNow.Ticks + delay.Ticks;
            long current;
            do
            {
                current = Interlocked.Read(ref _pauseUntilTicks);
                if (current >= until) return;
            }
            while (Interlocked.CompareExchange(ref _pauseUntilTicks, until, current) != current);
        }

        private Task WaitForRateLimitAsync(CancellationToken stop)
        {
            long wait = Math.Min(Interlocked.Read(ref _pauseUntilTicks) - DateTime.UtcNow.Ticks, RetryAfterHeader.HonouredUpTo.Ticks);
            return wait > 0 ? _run.Options.Retry.Delay(TimeSpan.FromTicks(wait), stop) : Task.FromResult(0);
        }
    }
}
