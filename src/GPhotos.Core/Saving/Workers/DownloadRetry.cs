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
    /// The workers' side of the connection's pacer (<see cref="Pacer"/>): one variant of one item, each whole attempt
    /// judged by the pacer, which owns backoff, Retry-After, the shared 429 pause of the media quota group (every
    /// worker of the connection holds off together), the run-stopping 429 streak and the per-item wait budget. What is
    /// Save's own is only which failures are worth another attempt (<see cref="ShouldRetry"/>).
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

        public DownloadRetry(SaveRun run, string tempFolder)
        {
            _run = run;
            _tempFolder = tempFolder;
        }

        /// <summary>
        /// One variant with retries around each whole attempt. Transient errors (5xx, 429, dropped or stalled
        /// connections, truncated bodies) are retried as the pacer says; a wrong kind of content (thumbnail, HTML,
        /// empty) is tried twice at most, since the same URL will answer the same way.
        /// </summary>
        public Task<DownloadedFile> DownloadAsync(IMediaContentSource source, MediaItem item, ContentVariant variant, byte[] buffer, CancellationToken stop, bool deferFlush = false)
        {
            RetryPolicy policy = _run.Options.Retry;
            var rules = new PaceRules(QuotaGroup.Media)
            {
                IsRetryable = (ex, attempt, ct) => ShouldRetry(ex, attempt, policy, ct),
                StreakLimit = Media429StreakLimit,
                // The resume estimate: the server's Retry-After when it gave one; else Library base URLs have a daily
                // fetch quota (Google resets it at midnight Pacific), others an hour.
                StreakStop = (api, streak) => new RateLimitedException(api,
                    api.RetryAfter.HasValue ? DateTimeOffset.Now + api.RetryAfter.Value
                    : item.Source == MediaSource.Library ? GoogleApiClient.NextPacificMidnight(DateTimeOffset.UtcNow)
                    : DateTimeOffset.Now.AddHours(1),
                    $"Google answered {streak} downloads in a row with 429 Too Many Requests (last: '{item.Filename}'), so the run stops instead of retrying for hours."),
                OnRetry = n => _run.Events.Verbose(string.Format(CultureInfo.InvariantCulture, "{0}: attempt {1} failed ({2}); retrying in {3:0.#} s.",
                    ContentDownloader.Describe(item, variant), n.Attempt, n.Cause.Message, n.Delay.TotalSeconds)),
            };
            return Pacer.For(policy).ExecuteAsync(rules,
                ct => ContentDownloader.DownloadAsync(source, item, variant, _tempFolder, buffer, _run.Events.AddDownloaded, ct, deferFlush), stop);
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
    }
}
