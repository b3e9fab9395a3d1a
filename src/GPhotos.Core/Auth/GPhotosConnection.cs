using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;
using Google.Apis.Auth.OAuth2.Flows;
using Google.Apis.Auth.OAuth2.Responses;
using GPhotos.Errors;
using GPhotos.Http;
using GPhotos.Reporting;
using Newtonsoft.Json.Linq;

namespace GPhotos.Auth
{
    /// <summary>
    /// A live, authenticated connection to Google Photos (or the emulator): supplies access tokens to <see cref="Api"/>,
    /// refreshes them when they are known to be expired or the server answers 401 (once for all concurrent callers), and
    /// keeps the refreshed tokens in the protected cache. Thread-safe. Never reveals a token in ToString or log lines.
    /// </summary>
    public sealed class GPhotosConnection : IAccessTokenProvider, IDisposable
    {
        /// <summary><see cref="Source"/> values.</summary>
        public const string SourceCache = "Cache", SourceBrowser = "Browser", SourceAccessToken = "AccessToken";

        /// <summary>An access token is treated as expired this long before Google's expiry.</summary>
        internal static readonly TimeSpan ExpirySkew = TimeSpan.FromSeconds(60);

        internal const string AccessTokenRejectedMessage =
            "The access token passed with -AccessToken was rejected (it expired or was revoked; access tokens last about an hour) " +
            "and a raw access token cannot be refreshed. Run Connect-GPhotos again, or pass a fresh -AccessToken.";

        internal static string InvalidGrantMessage(string description) =>
            "Google no longer accepts the saved sign-in: the refresh token expired or was revoked (invalid_grant" +
            (string.IsNullOrWhiteSpace(description) ? "" : ": " + description.Trim()) + "). " +
            "Refresh tokens die when the user removes the app's access (myaccount.google.com/permissions), after 6 months unused, " +
            "and - if the app's OAuth consent screen is in \"Testing\" status - 7 days after sign-in. To avoid the 7-day limit, set " +
            "the publishing status to \"In production\" in Google Cloud Console (APIs & Services > OAuth consent screen). " +
            "Then run Connect-GPhotos at the keyboard again.";

        private readonly PkceGoogleAuthorizationCodeFlow _flow;
        private readonly ProtectedTokenStore _store;
        private readonly string _storeKey;
        private readonly SemaphoreSlim _refreshLock = new SemaphoreSlim(1, 1);
        private readonly Func<DateTime> _utcNow;
        private readonly string _rawAccessToken;
        private volatile TokenCacheEntry _entry;
        private volatile AuthenticationExpiredException _dead;
        private int _disposed;

        internal GPhotosConnection(GoogleEndpoints endpoints, OAuthClientInfo client, PkceGoogleAuthorizationCodeFlow flow,
            ProtectedTokenStore store, string storeKey, TokenCacheEntry entry, string source, IReadOnlyList<string> requestedScopes,
            IReporter reporter, RetryPolicy retry, Func<DateTime> utcNow)
        {
            Endpoints = endpoints;
            Client = client;
            ClientId = client.ClientId;
            _flow = flow;
            _store = store;
            _storeKey = storeKey;
            _entry = entry;
            Source = source;
            RequestedScopes = requestedScopes ?? new string[0];
            _reporter = reporter;
            _utcNow = utcNow ?? (() => DateTime.UtcNow);
            ConnectedUtc = _utcNow();
            Api = new GoogleApiClient(endpoints, this, retry, new RequestNotingHandler(GoogleApiClient.CreateHandler()));
            Api.Pacer.Observer = ReportRetry;
        }

        private GPhotosConnection(string accessToken, GoogleEndpoints endpoints)
        {
            Endpoints = endpoints;
            _rawAccessToken = accessToken;
            Source = SourceAccessToken;
            RequestedScopes = new string[0];
            _utcNow = () => DateTime.UtcNow;
            ConnectedUtc = _utcNow();
            Api = new GoogleApiClient(endpoints, this, null, new RequestNotingHandler(GoogleApiClient.CreateHandler()));
            Api.Pacer.Observer = ReportRetry;
        }

        /// <summary>
        /// A connection that uses <paramref name="accessToken"/> as is (e.g. from <c>gcloud auth print-access-token</c>). It
        /// cannot refresh: when the server rejects the token, calls fail with <see cref="AuthenticationExpiredException"/>.
        /// </summary>
        public static GPhotosConnection FromAccessToken(string accessToken, GoogleEndpoints endpoints = null)
        {
            if (string.IsNullOrWhiteSpace(accessToken)) throw new ArgumentException("The access token is empty.", nameof(accessToken));
            string token = accessToken.Trim();
            if (token.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)) token = token.Substring(7).Trim();
            return new GPhotosConnection(token, endpoints ?? GoogleEndpoints.FromEnvironment());
        }

        public GoogleEndpoints Endpoints { get; }

        /// <summary>The OAuth client (null for an access-token connection).</summary>
        public OAuthClientInfo Client { get; }

        /// <summary>The OAuth client id (null for an access-token connection).</summary>
        public string ClientId { get; }

        /// <summary>Scopes Google granted (full URLs). Empty when unknown (access-token connection).</summary>
        public IReadOnlyList<string> Scopes => GPhotosScopes.Parse(_entry?.Scope);

        /// <summary>Scopes GPhotos asked for.</summary>
        public IReadOnlyList<string> RequestedScopes { get; }

        /// <summary>Requested scopes Google did not grant (the user unticked them on the consent screen).</summary>
        public IReadOnlyList<string> MissingScopes
        {
            get
            {
                if (_entry == null) return new string[0];
                IReadOnlyList<string> granted = Scopes;
                return RequestedScopes.Where(s => !granted.Contains(s, StringComparer.Ordinal)).ToArray();
            }
        }

        /// <summary>True when the connection has the scope (full URL or a short name such as PhotosPicker).</summary>
        public bool HasScope(string scope)
        {
            if (_entry == null) return true; // unknown for a raw access token: let the server decide
            string[] wanted = GPhotosScopes.Resolve(new[] { scope });
            IReadOnlyList<string> granted = Scopes;
            return wanted.All(s => granted.Contains(s, StringComparer.Ordinal));
        }

        /// <summary>The token cache folder (null for an access-token connection).</summary>
        public string TokenCachePath => _store?.FolderPath;

        /// <summary>The token cache file of this client (null for an access-token connection).</summary>
        public string TokenCacheFile => _store?.GetFilePath(_storeKey);

        /// <summary>True when expired access tokens can be renewed (a refresh token is known).</summary>
        public bool CanRefresh => _flow != null && !string.IsNullOrEmpty(_entry?.RefreshToken);

        /// <summary>Where the credentials came from: <c>Cache</c>, <c>Browser</c> or <c>AccessToken</c>.</summary>
        public string Source { get; }

        /// <summary>When the current access token expires (null when unknown).</summary>
        public DateTimeOffset? AccessTokenExpiresUtc
        {
            get
            {
                DateTime? expires = _entry?.AccessTokenExpiresUtc;
                return expires.HasValue ? new DateTimeOffset(DateTime.SpecifyKind(expires.Value, DateTimeKind.Utc)) : (DateTimeOffset?)null;
            }
        }

        /// <summary>When the user last signed in through the browser (null for an access-token connection).</summary>
        public DateTimeOffset? SignedInUtc => _entry == null ? (DateTimeOffset?)null : new DateTimeOffset(DateTime.SpecifyKind(_entry.SignedInUtc, DateTimeKind.Utc));

        public DateTime ConnectedUtc { get; }

        /// <summary>True after <see cref="RevokeAsync"/>.</summary>
        public bool IsRevoked { get; private set; }

        /// <summary>The API client that authenticates with this connection.</summary>
        public GoogleApiClient Api { get; }

        private volatile IReporter _reporter;

        /// <summary>
        /// Where the connection reports token refreshes (verbose) and warnings (the refreshed sign-in could not be saved);
        /// never a token. Refreshes run on worker threads during any later command, so the host sets a reporter that
        /// outlives one command (the runspace's, drained by every cmdlet). Null: nothing is reported.
        /// </summary>
        public IReporter Reporter
        {
            get => _reporter ?? NullReporter.Instance;
            set => _reporter = value;
        }

        // ------------------------------------------------------------------ IAccessTokenProvider

        public async Task<string> GetAccessTokenAsync(CancellationToken cancellationToken)
        {
            ThrowIfUnusable();
            if (_rawAccessToken != null) return _rawAccessToken;
            TokenCacheEntry entry = _entry;
            if (!string.IsNullOrEmpty(entry.AccessToken) && !IsExpiring(entry)) return entry.AccessToken;
            if (!CanRefresh)
            {
                if (!string.IsNullOrEmpty(entry.AccessToken)) return entry.AccessToken; // let the server judge it
                throw new AuthenticationExpiredException("The connection has no usable access token and no refresh token. Run Connect-GPhotos again.");
            }
            return await RefreshUnlessRenewedAsync(entry.AccessToken, force: false, cancellationToken).ConfigureAwait(false);
        }

        public async Task<string> RefreshAccessTokenAsync(string rejectedToken, CancellationToken cancellationToken)
        {
            ThrowIfUnusable();
            if (_rawAccessToken != null) throw new AuthenticationExpiredException(AccessTokenRejectedMessage);
            if (!CanRefresh)
                throw new AuthenticationExpiredException(
                    "The access token was rejected and this connection has no refresh token to renew it. Run Connect-GPhotos again.");
            return await RefreshUnlessRenewedAsync(rejectedToken, force: true, cancellationToken).ConfigureAwait(false);
        }

        private bool IsExpiring(TokenCacheEntry entry) =>
            !entry.AccessTokenExpiresUtc.HasValue || _utcNow() + ExpirySkew >= entry.AccessTokenExpiresUtc.Value;

        /// <summary>Refreshes unless another caller already replaced <paramref name="staleToken"/> with a good one.</summary>
        private async Task<string> RefreshUnlessRenewedAsync(string staleToken, bool force, CancellationToken cancellationToken)
        {
            await _refreshLock.WaitAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                ThrowIfUnusable();
                TokenCacheEntry current = _entry;
                bool renewedMeanwhile = !string.IsNullOrEmpty(current.AccessToken)
                                        && !string.Equals(current.AccessToken, staleToken, StringComparison.Ordinal)
                                        && !IsExpiring(current);
                if (renewedMeanwhile || (!force && !string.IsNullOrEmpty(current.AccessToken) && !IsExpiring(current)))
                    return current.AccessToken;
                // One attempt (the request that needed the token retries), but under the OAuth quota group's gate:
                // a 429 from the token endpoint holds off every refresh of this connection, not just this one.
                await Api.Pacer.WaitTurnAsync(QuotaGroup.OAuth, cancellationToken).ConfigureAwait(false);
                try { await RefreshCoreAsync(cancellationToken).ConfigureAwait(false); }
                catch (GoogleApiException ex) when (ex.HttpStatus == 429 && !(ex is QuotaExhaustedException))
                {
                    Api.Pacer.Pause(QuotaGroup.OAuth, Api.Retry.GetDelay(1, ex));
                    throw;
                }
                return _entry.AccessToken;
            }
            finally
            {
                _refreshLock.Release();
            }
        }

        /// <summary>
        /// One refresh at the token endpoint. invalid_grant (and a rejected client) make the connection dead:
        /// <see cref="AuthenticationExpiredException"/> now and on every later call. 5xx/429/network errors surface as
        /// transient <see cref="GoogleApiException"/>/<see cref="HttpRequestException"/> so the retry policy retries them.
        /// </summary>
        internal async Task RefreshCoreAsync(CancellationToken cancellationToken)
        {
            TokenCacheEntry old = _entry;
            DateTime requestedAt = _utcNow();
            TokenResponse response;
            try
            {
                response = await _flow.RefreshTokenAsync(ProtectedTokenStore.DefaultKey, old.RefreshToken, cancellationToken).ConfigureAwait(false);
            }
            catch (TokenResponseException ex)
            {
                Exception translated = TranslateTokenError(ex, Endpoints.Token);
                if (translated is AuthenticationExpiredException dead) _dead = dead;
                throw translated;
            }

            TokenCacheEntry next = old.Clone();
            next.AccessToken = response.AccessToken;
            next.TokenType = response.TokenType ?? old.TokenType;
            next.AccessTokenExpiresUtc = requestedAt.AddSeconds(response.ExpiresInSeconds ?? 3600);
            if (!string.IsNullOrEmpty(response.RefreshToken)) next.RefreshToken = response.RefreshToken; // Google may rotate it
            if (!string.IsNullOrWhiteSpace(response.Scope)) next.Scope = response.Scope; // what the grant holds now
            next.UpdatedUtc = _utcNow();
            _entry = next;
            Reporter.Verbose("refreshed access token (expires " + next.AccessTokenExpiresUtc.Value.ToLocalTime().ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture) + ")");
            Persist(next);
        }

        internal void Persist(TokenCacheEntry entry)
        {
            if (_store == null) return;
            try
            {
                _store.Store(_storeKey, entry);
            }
            catch (Exception ex) when (!(ex is OutOfMemoryException))
            {
                // The connection still works; only the next run may have to refresh (or sign in) again.
                Reporter.Warning($"Could not save the refreshed sign-in to the token cache '{_store.GetFilePath(_storeKey)}': {ex.Message}", ErrorCatalog.TokenCacheNotSaved);
            }
        }

        /// <summary>Turns a token endpoint error into what callers should see.</summary>
        internal static Exception TranslateTokenError(TokenResponseException ex, Uri endpoint)
        {
            string error = ex.Error?.Error;
            string description = ex.Error?.ErrorDescription;
            int status = (int)(ex.StatusCode ?? 0);
            if (string.Equals(error, "invalid_grant", StringComparison.Ordinal))
                return new AuthenticationExpiredException(InvalidGrantMessage(description), ex);
            if (string.Equals(error, "invalid_client", StringComparison.Ordinal) || string.Equals(error, "unauthorized_client", StringComparison.Ordinal))
                return new AuthenticationExpiredException(
                    $"Google rejected the OAuth client ({error}{(string.IsNullOrWhiteSpace(description) ? "" : ": " + description)}): the client id or " +
                    "secret is wrong, or the client was deleted or disabled in Google Cloud Console. Download the Desktop app client's JSON again " +
                    "and run Connect-GPhotos -ClientSecretPath <file> at the keyboard.", ex);
            string where = endpoint.GetLeftPart(UriPartial.Path);
            return new GoogleApiException(status, error, description,
                $"{where} failed: {(status == 0 ? "" : status + " ")}{error ?? "error"}{(string.IsNullOrWhiteSpace(description) ? "" : ": " + description)}",
                null, ex);
        }

        // ------------------------------------------------------------------ revoke

        /// <summary>
        /// Revokes the sign-in at Google (the refresh token, which also kills its access tokens; or the raw access token)
        /// and deletes this client's token cache file. The connection is unusable afterwards.
        /// </summary>
        public async Task RevokeAsync(CancellationToken cancellationToken = default(CancellationToken))
        {
            if (Volatile.Read(ref _disposed) != 0) throw new ObjectDisposedException(nameof(GPhotosConnection));
            string token = _rawAccessToken ?? (!string.IsNullOrEmpty(_entry?.RefreshToken) ? _entry.RefreshToken : _entry?.AccessToken);
            if (!IsRevoked && !string.IsNullOrEmpty(token))
            {
                await RevokeTokenAsync(Endpoints, token, cancellationToken).ConfigureAwait(false);
                Reporter.Verbose("revoked the sign-in at " + Endpoints);
            }
            IsRevoked = true;
            if (_store != null && _store.Delete(_storeKey))
                Reporter.Verbose("deleted the token cache file " + _store.GetFilePath(_storeKey));
            _entry = _entry == null ? null : new TokenCacheEntry { ClientId = _entry.ClientId, Scope = _entry.Scope };
        }

        /// <summary>POSTs <paramref name="token"/> to the revoke endpoint. A token Google already considers invalid counts as revoked.</summary>
        internal static async Task RevokeTokenAsync(GoogleEndpoints endpoints, string token, CancellationToken cancellationToken)
        {
            using (var http = new HttpClient { Timeout = TimeSpan.FromSeconds(60) })
            using (var content = new FormUrlEncodedContent(new[] { new KeyValuePair<string, string>("token", token) }))
            using (HttpResponseMessage response = await http.PostAsync(endpoints.Revoke, content, cancellationToken).ConfigureAwait(false))
            {
                if (response.IsSuccessStatusCode) return;
                string text = response.Content == null ? "" : await response.Content.ReadAsStringAsync().ConfigureAwait(false);
                string error = null, description = null;
                try
                {
                    JObject body = JObject.Parse(text);
                    if (body["error"] is JObject envelope) { error = (string)envelope["status"]; description = (string)envelope["message"]; }
                    else { error = (string)body["error"]; description = (string)body["error_description"]; }
                }
                catch (Exception) { }
                if (response.StatusCode == HttpStatusCode.BadRequest && string.Equals(error, "invalid_token", StringComparison.Ordinal))
                    return; // already expired or revoked
                int code = (int)response.StatusCode;
                throw new GoogleApiException(code, error, description,
                    $"{endpoints.Revoke.GetLeftPart(UriPartial.Path)} failed: {code} {error ?? response.ReasonPhrase}{(description == null ? "" : ": " + description)}");
            }
        }

        // ------------------------------------------------------------------ retries

        /// <summary>
        /// The pacer's observer: one verbose line per retry of a listing, batchGet, Drive or token request (Save's
        /// downloads name their item themselves and are not told here). Runs on the retrying thread.
        /// </summary>
        private void ReportRetry(RetryNotice notice)
        {
            TokenCacheEntry entry = _entry;
            Reporter.Verbose(RetryMessage(notice, Pacer.Current, Endpoints.Token, _rawAccessToken, entry?.AccessToken, entry?.RefreshToken));
        }

        /// <summary>
        /// "Retrying GET host/path after HTTP 503 UNAVAILABLE (attempt 1 failed); waiting 1.2 s." Never a query string,
        /// header or token: the request is method, host and path only, and the error's text is cut at any '?' of a URL
        /// and has <paramref name="secrets"/> (the connection's tokens) blanked, in case a message ever echoes one.
        /// </summary>
        internal static string RetryMessage(RetryNotice notice, PacedRequest request, Uri tokenEndpoint, params string[] secrets)
        {
            string what = request?.Request
                ?? (request?.Group == QuotaGroup.OAuth && tokenEndpoint != null ? PacedRequest.Describe(HttpMethod.Post, tokenEndpoint)
                : "a " + (request?.Group.ToString() ?? "Google") + " request");
            string why;
            if (notice.Cause is GoogleApiException api)
            {
                why = api.HttpStatus > 0 ? "HTTP " + api.HttpStatus.ToString(CultureInfo.InvariantCulture) + (string.IsNullOrEmpty(api.RpcStatus) ? "" : " " + api.RpcStatus)
                    : "error: " + api.Message;
                // A refresh that failed inside another request (its 401, or a token known to be expired): the status is
                // the token endpoint's, not the API's; say so, or the user looks for a Library outage that never was.
                if (api.InnerException is TokenResponseException && tokenEndpoint != null && request?.Group != QuotaGroup.OAuth)
                    why = "its sign-in refresh (" + PacedRequest.Describe(HttpMethod.Post, tokenEndpoint) + ") got " + why;
            }
            else why = notice.Cause == null ? "an error" : notice.Cause.GetType().Name + ": " + notice.Cause.Message;
            why = System.Text.RegularExpressions.Regex.Replace(why, @"\?[^\s'"")]*", "");
            foreach (string secret in secrets)
                if (!string.IsNullOrEmpty(secret)) why = why.Replace(secret, "***");
            return string.Format(CultureInfo.InvariantCulture, "Retrying {0} after {1} (attempt {2} failed); waiting {3:0.#} s.",
                what, why, notice.Attempt, notice.Delay.TotalSeconds);
        }

        // ------------------------------------------------------------------ misc

        private void ThrowIfUnusable()
        {
            if (Volatile.Read(ref _disposed) != 0) throw new ObjectDisposedException(nameof(GPhotosConnection));
            if (IsRevoked) throw new AuthenticationExpiredException("This connection was revoked (Disconnect-GPhotos). Run Connect-GPhotos again.");
            AuthenticationExpiredException dead = _dead;
            if (dead != null) throw new AuthenticationExpiredException(dead.Message, dead.InnerException);
        }

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
            Api.Dispose();
            _flow?.Dispose();
        }

        public override string ToString()
        {
            string scopes = Scopes.Count == 0 ? "unknown scopes" : string.Join(", ", Scopes.Select(ShortName));
            string who = ClientId == null ? "an access token" : "OAuth client " + ClientId;
            return $"GPhotos connection to {Endpoints} via {who} (source {Source}; {scopes}{(IsRevoked ? "; revoked" : "")})";
        }

        internal static string ShortName(string scope)
        {
            if (scope == GPhotosScopes.PickerReadOnly) return "PhotosPicker";
            if (scope == GPhotosScopes.LibraryReadAppCreated) return "LibraryAppCreated";
            return scope.StartsWith(GPhotosScopes.Prefix, StringComparison.Ordinal) ? scope.Substring(GPhotosScopes.Prefix.Length) : scope;
        }
    }
}
