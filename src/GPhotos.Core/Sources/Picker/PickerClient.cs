using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;
using GPhotos.Http;
using GPhotos.Model;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;

namespace GPhotos.Sources.Picker
{
    /// <summary>
    /// Google refused to create a picking session because too many are open (429 RESOURCE_EXHAUSTED on create that is
    /// not a quota message). Waiting does not help (sessions live about an hour): the user must finish or remove
    /// sessions. Never retried.
    /// </summary>
    public sealed class TooManySessionsException : GoogleApiException
    {
        public TooManySessionsException(GoogleApiException cause)
            : base(cause.HttpStatus, cause.RpcStatus, cause.ApiMessage,
                "Google Photos refused to open another picking session: too many are open for this account (" + (cause.ApiMessage ?? "429 RESOURCE_EXHAUSTED")
                + "). Finish picking in the sessions you started, or remove them with Remove-GPhotosPickerSession -SessionId <id>, or wait for them to expire (about an hour); then try again.",
                null, cause)
        {
            Data[RetryPolicy.PermanentFailureKey] = true;
        }

        /// <summary>The refined error for a failed session create, or null when it is something else (a real rate limit is retried).</summary>
        internal static Exception From(GoogleApiException error)
        {
            if (error.HttpStatus != 429 || error is QuotaExhaustedException) return null;
            string m = error.ApiMessage ?? "";
            // Quota 429s say "Quota exceeded for quota metric …": those are rate limits, worth the normal backoff.
            if (m.IndexOf("quota", StringComparison.OrdinalIgnoreCase) >= 0 || m.IndexOf("rate limit", StringComparison.OrdinalIgnoreCase) >= 0) return null;
            return new TooManySessionsException(error);
        }
    }

    /// <summary>Where a wait for the user stands, for progress display.</summary>
    public sealed class PickingProgress
    {
        public PickingProgress(PickerSession session, TimeSpan waited, TimeSpan? limit) { Session = session; Waited = waited; Limit = limit; }
        public PickerSession Session { get; }
        public TimeSpan Waited { get; }
        public TimeSpan? Limit { get; }
    }

    /// <summary>
    /// The Picker API (photospicker.googleapis.com): how a user's existing library is reached since 2025.
    /// Create a session, let the user pick in Google's UI, poll until done, list the picked items, and delete the
    /// session only when every download is finished (deleting kills the base URLs).
    /// </summary>
    public sealed class PickerClient
    {
        public const int MaxPageSize = 100;
        public const int MaxItemsPerSession = 2000;

        private readonly GoogleApiClient _api;

        public PickerClient(GoogleApiClient api) => _api = api ?? throw new ArgumentNullException(nameof(api));

        private Uri Url(string pathAndQuery) => new Uri(_api.Endpoints.PickerApi, pathAndQuery);

        public async Task<PickerSession> CreateSessionAsync(int? maxItemCount, CancellationToken cancellationToken)
        {
            if (maxItemCount.HasValue && (maxItemCount < 1 || maxItemCount > MaxItemsPerSession))
                throw new ArgumentOutOfRangeException(nameof(maxItemCount), $"A picking session holds 1 to {MaxItemsPerSession} items.");
            var body = new JObject();
            if (maxItemCount.HasValue)
                body["pickingConfig"] = new JObject { ["maxItemCount"] = maxItemCount.Value.ToString(System.Globalization.CultureInfo.InvariantCulture) };
            // requestId makes a retried create idempotent at Google.
            string query = "v1/sessions?requestId=" + Guid.NewGuid().ToString();
            JObject json = await _api.SendJsonAsync(HttpMethod.Post, Url(query), body, cancellationToken, TooManySessionsException.From).ConfigureAwait(false);
            PickerSession session = PickerSession.FromJson(json);
            if (!Uri.TryCreate(session.PickerUri ?? "", UriKind.Absolute, out Uri pickerUri) || !_api.Endpoints.IsTrustedPickerUri(pickerUri))
                throw new GoogleApiException(200, null, null,
                    $"The new picking session {session.Id} points to '{session.PickerUri}', which is not an https address of Google; GPhotos does not open or show it. The session is left to expire.");
            return session;
        }

        public async Task<PickerSession> GetSessionAsync(string sessionId, CancellationToken cancellationToken)
        {
            JObject json = await _api.SendJsonAsync(HttpMethod.Get, Url("v1/sessions/" + Uri.EscapeDataString(sessionId)), null, cancellationToken).ConfigureAwait(false);
            return PickerSession.FromJson(json);
        }

        /// <summary>Deletes the session. Its items' base URLs stop working: only call this when downloads are done.</summary>
        public Task DeleteSessionAsync(string sessionId, CancellationToken cancellationToken)
            => _api.SendJsonAsync(HttpMethod.Delete, Url("v1/sessions/" + Uri.EscapeDataString(sessionId)), null, cancellationToken);

        /// <summary>
        /// Polls at the server's <c>pollInterval</c> until the user is done. Gives up with
        /// <see cref="PickingTimeoutException"/> when the server's <c>timeoutIn</c> (or <paramref name="maxWait"/>) runs out.
        /// </summary>
        public async Task<PickerSession> WaitForPickingAsync(PickerSession session, TimeSpan? maxWait, IProgress<PickingProgress> progress,
            CancellationToken cancellationToken)
        {
            var clock = Stopwatch.StartNew();
            TimeSpan? limit = session.TimeoutIn;
            if (maxWait.HasValue && (limit == null || maxWait < limit)) limit = maxWait;
            PickerSession current = session;
            while (!current.MediaItemsSet)
            {
                progress?.Report(new PickingProgress(current, clock.Elapsed, limit));
                TimeSpan interval = current.PollInterval ?? TimeSpan.FromSeconds(5);
                if (interval < TimeSpan.FromMilliseconds(100)) interval = TimeSpan.FromMilliseconds(100);
                if (limit.HasValue)
                {
                    TimeSpan left = limit.Value - clock.Elapsed;
                    if (left <= TimeSpan.Zero) throw new PickingTimeoutException(session.Id, clock.Elapsed);
                    if (interval > left) interval = left;
                }
                await Task.Delay(interval, cancellationToken).ConfigureAwait(false);
                current = await GetSessionAsync(session.Id, cancellationToken).ConfigureAwait(false);
                if (!current.MediaItemsSet && current.TimeoutIn.HasValue)
                {
                    TimeSpan serverLimit = clock.Elapsed + current.TimeoutIn.Value;
                    if (maxWait.HasValue && maxWait < serverLimit) serverLimit = maxWait.Value;
                    limit = serverLimit;
                }
            }
            return current;
        }

        /// <summary>One page of the picked items, parsed as it arrives (no JObject per item).</summary>
        public Task<MediaPage> GetPageAsync(string sessionId, string pageToken, CancellationToken cancellationToken)
        {
            string query = "v1/mediaItems?sessionId=" + Uri.EscapeDataString(sessionId) + "&pageSize=" + MaxPageSize
                + (pageToken != null ? "&pageToken=" + Uri.EscapeDataString(pageToken) : "");
            return _api.SendJsonAsync(HttpMethod.Get, Url(query), null, r => ReadPage(r, sessionId, DateTime.UtcNow), cancellationToken);
        }

        /// <summary>A picked-items answer to a page; throws only for malformed JSON.</summary>
        internal static MediaPage ReadPage(JsonReader reader, string sessionId, DateTime received)
            => MediaPage.Read(reader, r => PickerJson.ReadMediaItem(r, sessionId, received));

        /// <summary><see cref="ReadPage"/> of a page already held as a JObject; never throws.</summary>
        internal static MediaPage ParsePage(JObject json, string sessionId, DateTime received) => ReadPage(new JTokenReader(json), sessionId, received);
    }
}
