using System;
using System.IO;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Net.Http.Headers;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;

namespace GPhotos.Http
{
    /// <summary>
    /// The one HTTP door to Google: JSON API calls (bearer, one refresh on 401, retries, error envelope) and
    /// base-URL media requests (token only to trusted hosts, redirects followed by hand so the token never leaks).
    /// Thread-safe; one instance per connection.
    /// </summary>
    public sealed class GoogleApiClient : IDisposable
    {
        private readonly HttpClient _http;
        private readonly IAccessTokenProvider _tokens;

        public GoogleApiClient(GoogleEndpoints endpoints, IAccessTokenProvider tokens, RetryPolicy retry = null,
            HttpMessageHandler handler = null)
        {
            Endpoints = endpoints ?? throw new ArgumentNullException(nameof(endpoints));
            _tokens = tokens ?? throw new ArgumentNullException(nameof(tokens));
            Retry = retry ?? RetryPolicy.FromEnvironment();
            Pacer = Pacer.For(Retry);
            _http = new HttpClient(handler ?? CreateHandler(), disposeHandler: true) { Timeout = Timeout.InfiniteTimeSpan };
            _http.DefaultRequestHeaders.UserAgent.ParseAdd("GPhotos/" + typeof(GoogleApiClient).Assembly.GetName().Version);
        }

        public GoogleEndpoints Endpoints { get; }
        public RetryPolicy Retry { get; }

        /// <summary>The connection's pacer: every request made through this client (and Drive's, and Save's) waits on it.</summary>
        public Pacer Pacer { get; }

        /// <summary>How long to wait for response headers of one request.</summary>
        public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(100);

        /// <summary>How long a media body may stall before the download counts as dropped.</summary>
        public TimeSpan IdleReadTimeout { get; set; } = TimeSpan.FromSeconds(60);

        /// <summary>How long an error body may take to arrive in full (it only carries a message: never worth a hang).</summary>
        public TimeSpan ErrorBodyTimeout { get; set; } = TimeSpan.FromSeconds(10);

        public static HttpClientHandler CreateHandler() => new HttpClientHandler
        {
            AllowAutoRedirect = false, // followed by hand: see OpenMediaAsync
            MaxConnectionsPerServer = 64, // .NET Framework defaults to 2
            AutomaticDecompression = DecompressionMethods.GZip | DecompressionMethods.Deflate,
            UseCookies = false,
        };

        // ---------------------------------------------------------------- JSON API

        /// <summary>GET or POST a JSON API call through the pacer; returns the parsed body ({} for an empty one).</summary>
        public Task<JObject> SendJsonAsync(HttpMethod method, Uri uri, JObject body, CancellationToken cancellationToken)
            => SendJsonAsync(method, uri, body, cancellationToken, null);

        /// <summary>
        /// Like <see cref="SendJsonAsync(HttpMethod, Uri, JObject, CancellationToken)"/>, with <paramref name="refine"/>
        /// turning an endpoint-specific error into its own exception before any retry is considered (null: keep it).
        /// </summary>
        internal Task<JObject> SendJsonAsync(HttpMethod method, Uri uri, JObject body, CancellationToken cancellationToken,
            Func<GoogleApiException, Exception> refine)
            => SendJsonAsync(method, uri, body, LoadObject, cancellationToken, refine);

        /// <summary>
        /// A JSON API call whose answer <paramref name="read"/> takes straight from the response stream (a reader not yet
        /// read; an empty body reads as empty), e.g. a listing page into MediaItems without a JObject per item. Same
        /// pacing, retries, refresh, error envelope and "not JSON" error as the JObject call.
        /// </summary>
        internal Task<T> SendJsonAsync<T>(HttpMethod method, Uri uri, JObject body, Func<JsonReader, T> read,
            CancellationToken cancellationToken, Func<GoogleApiException, Exception> refine = null)
        {
            var rules = new PaceRules(GroupOf(uri));
            if (refine != null) rules.Refine = ex => ex is GoogleApiException api ? refine(api) : null;
            return Pacer.ExecuteAsync(rules, ct => SendJsonOnceAsync(method, uri, body, read, ct), cancellationToken);
        }

        /// <summary>Library and Picker calls count against different quotas (and so pause separately after a 429).</summary>
        internal QuotaGroup GroupOf(Uri uri) =>
            Endpoints.PickerApi.IsBaseOf(uri) && !Endpoints.LibraryApi.IsBaseOf(uri) ? QuotaGroup.PickerApi : QuotaGroup.LibraryApi;

        private async Task<T> SendJsonOnceAsync<T>(HttpMethod method, Uri uri, JObject body, Func<JsonReader, T> read, CancellationToken cancellationToken)
        {
            string token = await _tokens.GetAccessTokenAsync(cancellationToken).ConfigureAwait(false);
            for (int authAttempt = 0; ; authAttempt++)
            {
                using (var request = new HttpRequestMessage(method, uri))
                {
                    request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
                    if (body != null)
                        request.Content = new StringContent(body.ToString(Formatting.None), Encoding.UTF8, "application/json");
                    using (var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
                    {
                        timeout.CancelAfter(RequestTimeout);
                        using (HttpResponseMessage response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token).ConfigureAwait(false))
                        {
                            if (response.StatusCode == HttpStatusCode.Unauthorized && authAttempt == 0)
                            {
                                token = await _tokens.RefreshAccessTokenAsync(token, cancellationToken).ConfigureAwait(false);
                                continue;
                            }
                            if (!response.IsSuccessStatusCode)
                            {
                                string text = await ErrorBody.ReadAsync(response, ErrorBodyTimeout, cancellationToken).ConfigureAwait(false);
                                throw CreateError(response, text, uri);
                            }
                            if (response.Content == null) return ReadBody(Stream.Null, uri, read);
                            // Parsed straight from the stream: a 100-item page is ~70 KB of JSON, and buffering it as a
                            // string puts every page on the large-object heap (measured: 43 gen-2 GCs per 100k items).
                            // The parse is synchronous, so Ctrl+C closes the response to end a pending read at once.
                            using (cancellationToken.Register(state => ((HttpResponseMessage)state).Dispose(), response))
                            using (Stream stream = new IdleTimeoutStream(await response.Content.ReadAsStreamAsync().ConfigureAwait(false), RequestTimeout))
                            {
                                try { return ReadBody(stream, uri, read); }
                                catch (Exception) when (cancellationToken.IsCancellationRequested) { throw new OperationCanceledException(cancellationToken); }
                            }
                        }
                    }
                }
            }
        }

        internal static JObject ParseObject(Stream body, Uri uri) => ReadBody(body, uri, LoadObject);

        /// <summary>The whole body as one JObject ({} for an empty body).</summary>
        private static JObject LoadObject(JsonReader reader) => reader.Read() ? JObject.Load(reader) : new JObject();

        /// <summary>
        /// Hands <paramref name="read"/> a reader over the body (UTF-8 unless a BOM says otherwise; no date or decimal
        /// guessing); malformed JSON becomes a <see cref="GoogleApiException"/> naming the address.
        /// </summary>
        internal static T ReadBody<T>(Stream body, Uri uri, Func<JsonReader, T> read)
        {
            try
            {
                // 4 KB: the StreamReader's buffers (bytes, and chars at twice the size) are made per response, and
                // at 16 KB they were 48 KB per listing page, ~480 bytes per listed item, for no gain in speed.
                using (var reader = new JsonTextReader(new StreamReader(body, Encoding.UTF8, true, 4096)) { DateParseHandling = DateParseHandling.None, FloatParseHandling = FloatParseHandling.Double })
                    return read(reader);
            }
            catch (JsonException ex)
            {
                throw new GoogleApiException(0, null, null, $"{uri.GetLeftPart(UriPartial.Path)} answered with something that is not JSON: {ex.Message}", null, ex);
            }
        }

        /// <summary>Turns a failed response into a <see cref="GoogleApiException"/> from Google's error envelope.</summary>
        internal static GoogleApiException CreateError(HttpResponseMessage response, string text, Uri uri)
        {
            int code = (int)response.StatusCode;
            string status = null, message = null;
            try
            {
                if (!string.IsNullOrWhiteSpace(text) && text.TrimStart().StartsWith("{", StringComparison.Ordinal))
                {
                    JObject envelope = JObject.Parse(text);
                    if (envelope["error"] is JObject error)
                    {
                        status = (string)error["status"];
                        message = (string)error["message"];
                    }
                    else if (envelope["error"] != null) // OAuth style: {"error":"invalid_grant","error_description":...}
                    {
                        status = (string)envelope["error"];
                        message = (string)envelope["error_description"];
                    }
                }
            }
            catch (JsonException) { }
            string mediaType = response.Content?.Headers.ContentType?.MediaType ?? "";
            if (message == null && !string.IsNullOrWhiteSpace(text) && mediaType.StartsWith("text/", StringComparison.OrdinalIgnoreCase))
            {
                // Base URLs (and Google's front ends on 5xx) answer with an HTML page, not the JSON envelope.
                string plain = ErrorBody.ToPlainText(text);
                if (plain.Length > 0) message = plain;
            }

            TimeSpan? retryAfter = ReadRetryAfter(response);
            if (code == 429 && IsDailyQuota(message, text))
                return new QuotaExhaustedException(message, NextPacificMidnight(DateTimeOffset.UtcNow));

            string where = uri.GetLeftPart(UriPartial.Path);
            string text2 = message ?? response.ReasonPhrase ?? "no message";
            return new GoogleApiException(code, status, message,
                $"{where} failed: {code} {status ?? response.StatusCode.ToString()}: {text2}", retryAfter);
        }

        /// <summary>Google's daily quotas say so in the message ("…per day…") or the ErrorInfo limit name ("…PerDay…").</summary>
        internal static bool IsDailyQuota(string message, string body) =>
            (message != null && message.IndexOf("per day", StringComparison.OrdinalIgnoreCase) >= 0)
            || (body != null && body.IndexOf("PerDay", StringComparison.Ordinal) >= 0);

        /// <summary>The raw header, parsed by <see cref="RetryAfterHeader"/> (absurd values count as absent).</summary>
        private static TimeSpan? ReadRetryAfter(HttpResponseMessage response)
        {
            if (!response.Headers.TryGetValues("Retry-After", out var values)) return null;
            return RetryAfterHeader.Parse(values.FirstOrDefault(), DateTimeOffset.UtcNow);
        }

        /// <summary>Google resets daily quotas at midnight Pacific time.</summary>
        public static DateTimeOffset NextPacificMidnight(DateTimeOffset now)
        {
            TimeZoneInfo pacific = FindPacific();
            DateTimeOffset local = TimeZoneInfo.ConvertTime(now, pacific);
            DateTime nextMidnight = local.Date.AddDays(1);
            TimeSpan offset = pacific.GetUtcOffset(nextMidnight);
            return new DateTimeOffset(nextMidnight, offset);
        }

        private static TimeZoneInfo FindPacific()
        {
            foreach (string id in new[] { "America/Los_Angeles", "Pacific Standard Time" })
            {
                try { return TimeZoneInfo.FindSystemTimeZoneById(id); }
                catch (TimeZoneNotFoundException) { }
                catch (InvalidTimeZoneException) { }
            }
            return TimeZoneInfo.CreateCustomTimeZone("Pacific", TimeSpan.FromHours(-8), "Pacific", "Pacific");
        }

        // ---------------------------------------------------------------- media (base URLs)

        /// <summary>
        /// GET (or HEAD) a base URL with its parameter appended. One attempt: the caller decides about retries
        /// (a stale base URL must be refreshed, not retried). Redirects are followed by hand and the bearer goes only
        /// to hosts <see cref="GoogleEndpoints.MayReceiveToken"/> allows. The returned body stream fails with an
        /// <see cref="IOException"/> when it stalls longer than <see cref="IdleReadTimeout"/>.
        /// </summary>
        public async Task<MediaResponse> OpenMediaAsync(Uri uri, bool sendToken, CancellationToken cancellationToken, bool headOnly = false)
        {
            string token = sendToken ? await _tokens.GetAccessTokenAsync(cancellationToken).ConfigureAwait(false) : null;
            bool refreshed = false;
            Uri current = uri;
            for (int hop = 0; hop < 10; hop++)
            {
                var request = new HttpRequestMessage(headOnly ? HttpMethod.Head : HttpMethod.Get, current);
                bool tokenSent = token != null && Endpoints.MayReceiveToken(current);
                if (tokenSent)
                    request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
                HttpResponseMessage response;
                using (var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
                {
                    timeout.CancelAfter(RequestTimeout);
                    try
                    {
                        response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token).ConfigureAwait(false);
                    }
                    catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
                    {
                        request.Dispose();
                        throw new GoogleApiException(0, null, null, $"No answer from {current.Host} within {RequestTimeout.TotalSeconds:0} s.");
                    }
                }

                int code = (int)response.StatusCode;
                if (code >= 300 && code < 400 && response.Headers.Location != null)
                {
                    Uri next = response.Headers.Location.IsAbsoluteUri ? response.Headers.Location : new Uri(current, response.Headers.Location);
                    response.Dispose();
                    request.Dispose();
                    current = next;
                    continue;
                }
                // A 401 from a host that never saw the token says nothing about the token: refreshing would only cost
                // a round trip to Google (and, repeated, could look like abuse).
                if (response.StatusCode == HttpStatusCode.Unauthorized && tokenSent && !refreshed)
                {
                    response.Dispose();
                    request.Dispose();
                    token = await _tokens.RefreshAccessTokenAsync(token, cancellationToken).ConfigureAwait(false);
                    refreshed = true;
                    continue;
                }
                if (!response.IsSuccessStatusCode)
                {
                    string text;
                    try { text = await ErrorBody.ReadAsync(response, ErrorBodyTimeout, cancellationToken).ConfigureAwait(false); }
                    catch (OperationCanceledException)
                    {
                        response.Dispose();
                        request.Dispose();
                        throw;
                    }
                    GoogleApiException error = CreateError(response, text, current);
                    response.Dispose();
                    request.Dispose();
                    throw error;
                }
                return new MediaResponse(request, response, IdleReadTimeout);
            }
            throw new GoogleApiException(0, null, null, $"Too many redirects fetching {uri.GetLeftPart(UriPartial.Path)}.");
        }

        public void Dispose() => _http.Dispose();
    }

    /// <summary>An open media response. Dispose it.</summary>
    public sealed class MediaResponse : IDisposable
    {
        private readonly HttpRequestMessage _request;
        private readonly HttpResponseMessage _response;
        private readonly TimeSpan _idle;

        internal MediaResponse(HttpRequestMessage request, HttpResponseMessage response, TimeSpan idle)
        {
            _request = request;
            _response = response;
            _idle = idle;
        }

        public long? ContentLength => _response.Content?.Headers.ContentLength;
        public string ContentType => _response.Content?.Headers.ContentType?.MediaType;

        /// <summary>The body, with an idle timeout on every read.</summary>
        public async Task<Stream> OpenBodyAsync()
        {
            Stream inner = await _response.Content.ReadAsStreamAsync().ConfigureAwait(false);
            return new IdleTimeoutStream(inner, _idle);
        }

        public void Dispose()
        {
            _response.Dispose();
            _request.Dispose();
        }
    }
}
