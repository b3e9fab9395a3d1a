using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Security.Cryptography;
using System.Threading;
using System.Threading.Tasks;
using Google.Apis.Auth.OAuth2;
using Google.Apis.Auth.OAuth2.Flows;
using Google.Apis.Auth.OAuth2.Requests;
using Google.Apis.Auth.OAuth2.Responses;
using Google.Apis.Http;
using GPhotos.Errors;
using GPhotos.Http;
using GPhotos.Reporting;

namespace GPhotos.Auth
{
    /// <summary>
    /// Connect-GPhotos / Disconnect-GPhotos, minus PowerShell. The first run at the keyboard signs in through the browser
    /// (PKCE, loopback redirect, <c>access_type=offline</c>) and saves the refresh token in a <see cref="ProtectedTokenStore"/>;
    /// later runs (scheduled, non-interactive) refresh silently from it.
    /// </summary>
    public static class Authenticator
    {
        /// <summary>
        /// Connects: cached refresh token → silent refresh; otherwise (or with <see cref="ConnectOptions.ForceNewLogin"/>) a
        /// browser sign-in when <see cref="ConnectOptions.AllowInteractive"/> allows it, else
        /// <see cref="InteractiveLoginRequiredException"/> at once.
        /// </summary>
        public static async Task<GPhotosConnection> ConnectAsync(ConnectOptions options, CancellationToken cancellationToken = default(CancellationToken))
        {
            if (options == null) throw new ArgumentNullException(nameof(options));
            if (options.Client == null)
                throw new ArgumentException("ConnectOptions.Client is required. " + OAuthClientInfo.HowToCreate, nameof(options));
            if (options.Timeout <= TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(options), "Timeout must be positive.");

            string[] requested = GPhotosScopes.Resolve(options.Scopes);
            GoogleEndpoints endpoints = options.Endpoints ?? GoogleEndpoints.FromEnvironment();
            Action<string> log = options.Report.Verbose;
            Func<DateTime> utcNow = options.UtcNow ?? (() => DateTime.UtcNow);
            RetryPolicy retry = options.Retry ?? RetryPolicy.FromEnvironment();
            var store = new ProtectedTokenStore(options.TokenCachePath, options.Client.ClientId, options.Report);
            string file = store.GetFilePath(ProtectedTokenStore.DefaultKey);

            InteractiveLoginReason reason;
            Exception reasonCause = null;
            string reasonDetail = null;
            if (options.ForceNewLogin)
            {
                reason = InteractiveLoginReason.ForceNewLogin;
            }
            else
            {
                TokenCacheEntry cached = LoadCached(store, options.Client, endpoints, options, out string whyNot);
                if (cached == null)
                {
                    reason = InteractiveLoginReason.NoCachedToken;
                    reasonDetail = whyNot;
                    log?.Invoke(whyNot);
                }
                else
                {
                    string[] granted = GPhotosScopes.Parse(cached.Scope);
                    // Incremental consent: adding Drive must not drop the Photos scopes the saved sign-in holds.
                    requested = GPhotosScopes.Union(granted, requested);
                    string[] askedBefore = GPhotosScopes.Parse(cached.RequestedScope);
                    string[] notGranted = requested.Where(s => !granted.Contains(s)).ToArray();
                    // A refresh cannot add scopes. New scopes need the browser; scopes the user already declined do not.
                    string[] neverAsked = notGranted.Where(s => !askedBefore.Contains(s)).ToArray();
                    if (neverAsked.Length > 0 || notGranted.Length == requested.Length)
                    {
                        reason = InteractiveLoginReason.ScopesNotGranted;
                        reasonDetail = "The saved sign-in does not include " + string.Join(", ", notGranted.Select(GPhotosScopes.Describe)) + ".";
                        log?.Invoke(reasonDetail);
                    }
                    else
                    {
                        log?.Invoke($"using cached refresh token from {file} (signed in {cached.SignedInUtc.ToLocalTime().ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture)})");
                        var connection = new GPhotosConnection(endpoints, options.Client, CreateFlow(options.Client, endpoints, requested, options.LoginHint),
                            store, ProtectedTokenStore.DefaultKey, cached, GPhotosConnection.SourceCache, requested, options.Report, retry, utcNow);
                        try
                        {
                            await Pacer.For(retry).ExecuteAsync(new PaceRules(QuotaGroup.OAuth), async ct => { await connection.RefreshCoreAsync(ct).ConfigureAwait(false); return true; },
                                cancellationToken).ConfigureAwait(false);
                            ReportScopes(connection, options.Report);
                            return connection;
                        }
                        catch (AuthenticationExpiredException ex) when (IsInvalidGrant(ex))
                        {
                            connection.Dispose();
                            reason = InteractiveLoginReason.RefreshTokenRejected;
                            reasonCause = ex;
                            reasonDetail = ex.Message;
                            log?.Invoke("the cached refresh token was rejected (invalid_grant)");
                        }
                        catch
                        {
                            connection.Dispose();
                            throw; // network trouble, a rejected client...: a new sign-in would not help
                        }
                    }
                }
            }

            if (!options.AllowInteractive)
                throw new InteractiveLoginRequiredException(reason, InteractiveMessage(reason, reasonDetail, options, store), reasonCause);

            if (reason == InteractiveLoginReason.RefreshTokenRejected)
                options.Report.Warning(
                    "Google rejected the saved sign-in (invalid_grant: the refresh token expired or was revoked); signing in again in the browser. " +
                    "If this happens every week, the app's OAuth consent screen is in \"Testing\" status, whose refresh tokens die after 7 days: " +
                    "set it to \"In production\" (Google Cloud Console > APIs & Services > OAuth consent screen).", ErrorCatalog.SignInExpired);

            return await SignInWithBrowserAsync(options, endpoints, requested, store, retry, utcNow, cancellationToken).ConfigureAwait(false);
        }

        private static bool IsInvalidGrant(AuthenticationExpiredException ex) =>
            ex.InnerException is TokenResponseException tre && string.Equals(tre.Error?.Error, "invalid_grant", StringComparison.Ordinal);

        private static TokenCacheEntry LoadCached(ProtectedTokenStore store, OAuthClientInfo client, GoogleEndpoints endpoints,
            ConnectOptions options, out string whyNot)
        {
            string file = store.GetFilePath(ProtectedTokenStore.DefaultKey);
            whyNot = null;
            TokenCacheEntry entry;
            try
            {
                entry = store.Load<TokenCacheEntry>(ProtectedTokenStore.DefaultKey);
            }
            catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException)
            {
                whyNot = $"The token cache {file} cannot be used: {ex.Message}";
                options.Report.Warning(whyNot, ErrorCatalog.TokenCacheUnreadable, file);
                return null;
            }
            if (entry == null || string.IsNullOrEmpty(entry.RefreshToken))
            {
                whyNot = $"No saved sign-in for OAuth client {client.ClientId} in {file}.";
                return null;
            }
            if (!string.Equals(entry.ClientId, client.ClientId, StringComparison.Ordinal))
            {
                whyNot = $"The token cache {file} belongs to another OAuth client.";
                return null;
            }
            if (!string.Equals(entry.TokenEndpoint, endpoints.Token.AbsoluteUri, StringComparison.OrdinalIgnoreCase))
            {
                whyNot = $"The saved sign-in in {file} was made with {entry.TokenEndpoint}, not {endpoints.Token.AbsoluteUri}.";
                return null;
            }
            return entry;
        }

        internal static string InteractiveMessage(InteractiveLoginReason reason, string detail, ConnectOptions options, ProtectedTokenStore store)
        {
            string clientArg = options.Client.SourcePath != null ? Quote(options.Client.SourcePath) : "<path to your client_secret_*.json>";
            string cacheArg = string.IsNullOrWhiteSpace(options.TokenCachePath) ? "" : " -TokenCachePath " + Quote(store.FolderPath);
            string command = "Connect-GPhotos -ClientSecretPath " + clientArg + cacheArg + DriveSwitch(options.Scopes);
            string why;
            switch (reason)
            {
                case InteractiveLoginReason.RefreshTokenRejected:
                    why = detail; // already explains invalid_grant, the 7-day Testing limit and what to run
                    break;
                case InteractiveLoginReason.ScopesNotGranted:
                    why = detail + " Adding permissions needs a new sign-in in the browser.";
                    break;
                case InteractiveLoginReason.ForceNewLogin:
                    why = "A new sign-in was requested (ForceNewLogin).";
                    break;
                default:
                    why = detail ?? "No saved sign-in.";
                    break;
            }
            return why + " This session is non-interactive, so GPhotos does not open a browser. At the keyboard, in an interactive " +
                   $"PowerShell session as the same user, run once: {command} - it saves the sign-in, and scheduled runs reuse it.";
        }

        /// <summary>The Connect-GPhotos switch that asks for the Drive scope in <paramref name="scopes"/>, if any.</summary>
        internal static string DriveSwitch(IEnumerable<string> scopes)
        {
            string[] resolved;
            try { resolved = GPhotosScopes.Resolve(scopes); }
            catch (ArgumentException) { return ""; }
            return GPhotosScopes.CanDeleteDrive(resolved) ? " -DriveWrite" : GPhotosScopes.CanReadDrive(resolved) ? " -Drive" : "";
        }

        private static string Quote(string path) => "'" + path.Replace("'", "''") + "'";

        // ------------------------------------------------------------------ browser sign-in

        private static async Task<GPhotosConnection> SignInWithBrowserAsync(ConnectOptions options, GoogleEndpoints endpoints, string[] requested,
            ProtectedTokenStore store, RetryPolicy retry, Func<DateTime> utcNow, CancellationToken cancellationToken)
        {
            Action<string> log = options.Report.Verbose;
            PkceGoogleAuthorizationCodeFlow flow = CreateFlow(options.Client, endpoints, requested, options.LoginHint);
            bool handedOver = false;
            try
            {
                string state = RandomToken();
                IDictionary<string, string> answer;
                string redirectUri;
                string codeVerifier;
                using (LoopbackListener listener = LoopbackListener.Start(state))
                {
                    redirectUri = listener.RedirectUri;
                    var request = (GoogleAuthorizationCodeRequestUrl)flow.CreateAuthorizationCodeRequest(redirectUri, out codeVerifier);
                    request.State = state;
                    request.AccessType = "offline"; // a refresh token for unattended runs
                    request.Prompt = "consent"; // Google only returns a refresh token on consent
                    request.IncludeGrantedScopes = "true"; // incremental consent: the new token keeps what was granted before
                    Uri url = request.Build();

                    log?.Invoke($"listening for Google's answer on {redirectUri}");
                    log?.Invoke($"if the browser runs on another computer, forward the port first: ssh -L {listener.Port}:127.0.0.1:{listener.Port} <this host>");
                    if (options.NoBrowser)
                    {
                        Show(options, url);
                    }
                    else
                    {
                        bool opened;
                        string problem = null;
                        try
                        {
                            opened = options.OpenBrowser != null ? options.OpenBrowser(url) : BrowserLauncher.TryOpen(url, out problem);
                        }
                        catch (Exception ex)
                        {
                            opened = false;
                            problem = ex.Message;
                        }
                        if (opened)
                        {
                            log?.Invoke($"opened the browser at {endpoints.Authorization.GetLeftPart(UriPartial.Path)}");
                        }
                        else
                        {
                            options.Report.Warning("Could not open a browser" + (problem == null ? "" : " (" + problem + ")") +
                                                 ". Open the sign-in link yourself.", ErrorCatalog.BrowserNotOpened);
                            Show(options, url);
                        }
                    }

                    log?.Invoke($"waiting up to {Describe(options.Timeout)} for the sign-in in the browser");
                    using (var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
                    {
                        timeout.CancelAfter(options.Timeout);
                        try
                        {
                            answer = await listener.WaitForRedirectAsync(timeout.Token).ConfigureAwait(false);
                        }
                        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
                        {
                            throw new GPhotosAuthenticationException(
                                $"Nobody completed the Google sign-in within {Describe(options.Timeout)}. Run Connect-GPhotos again " +
                                "(with -NoBrowser it prints a link to open in any browser on this computer).", new TimeoutException());
                        }
                    }
                } // the listener (and its port) closes here

                if (answer.TryGetValue("error", out string error))
                {
                    answer.TryGetValue("error_description", out string description);
                    if (string.Equals(error, "access_denied", StringComparison.Ordinal))
                        throw new AuthorizationDeniedException(error,
                            "Access was denied on Google's consent page (access_denied): GPhotos got no permission. Run Connect-GPhotos " +
                            "again and choose Continue/Allow. If the OAuth consent screen is in \"Testing\" status, your Google account " +
                            "must be listed under Test users (Google Cloud Console > APIs & Services > OAuth consent screen).");
                    throw new AuthorizationDeniedException(error,
                        $"Google refused the sign-in: {error}{(string.IsNullOrWhiteSpace(description) ? "" : ": " + description)}.");
                }
                if (!answer.TryGetValue("code", out string code) || string.IsNullOrEmpty(code))
                    throw new GPhotosAuthenticationException("Google's answer carried no authorization code. Run Connect-GPhotos again.");

                DateTime requestedAt = utcNow();
                TokenResponse token;
                try
                {
                    token = await flow.ExchangeCodeForTokenAsync(ProtectedTokenStore.DefaultKey, code, codeVerifier, redirectUri, cancellationToken)
                        .ConfigureAwait(false);
                }
                catch (TokenResponseException ex)
                {
                    Exception translated = GPhotosConnection.TranslateTokenError(ex, endpoints.Token);
                    if (translated is GoogleApiException api && !api.IsTransient)
                        throw new GPhotosAuthenticationException("Google did not accept the sign-in: " + translated.Message, ex);
                    throw translated;
                }

                string grantedScope = token.Scope;
                if (string.IsNullOrWhiteSpace(grantedScope) || grantedScope == string.Join(" ", flow.Scopes))
                {
                    // The flow fills in the requested scopes when the token response has none; the redirect says what was granted.
                    if (answer.TryGetValue("scope", out string redirectScope) && !string.IsNullOrWhiteSpace(redirectScope))
                        grantedScope = redirectScope;
                }
                string[] granted = GPhotosScopes.Parse(grantedScope);
                if (!requested.Any(granted.Contains))
                    throw new GPhotosAuthenticationException(
                        "Google granted none of the permissions GPhotos asked for (" + string.Join(", ", requested.Select(GPhotosScopes.Describe)) +
                        "). Run Connect-GPhotos again and tick the boxes on the consent screen.");

                DateTime now = utcNow();
                var entry = new TokenCacheEntry
                {
                    ClientId = options.Client.ClientId,
                    TokenEndpoint = endpoints.Token.AbsoluteUri,
                    RefreshToken = token.RefreshToken,
                    AccessToken = token.AccessToken,
                    TokenType = token.TokenType,
                    AccessTokenExpiresUtc = requestedAt.AddSeconds(token.ExpiresInSeconds ?? 3600),
                    Scope = string.Join(" ", granted),
                    RequestedScope = string.Join(" ", requested),
                    SignedInUtc = now,
                    UpdatedUtc = now,
                };
                var connection = new GPhotosConnection(endpoints, options.Client, flow, store, ProtectedTokenStore.DefaultKey, entry,
                    GPhotosConnection.SourceBrowser, requested, options.Report, retry, utcNow);
                handedOver = true;

                if (string.IsNullOrEmpty(token.RefreshToken))
                {
                    options.Report.Warning(
                        "Google returned no refresh token, so this connection lasts about an hour and was not saved for later runs. " +
                        "Remove GPhotos' access at https://myaccount.google.com/permissions and run Connect-GPhotos again.", ErrorCatalog.NoRefreshToken);
                }
                else
                {
                    connection.Persist(entry);
                    log?.Invoke("saved the sign-in to " + store.GetFilePath(ProtectedTokenStore.DefaultKey) + " (" + store.Protection + ")");
                }
                ReportScopes(connection, options.Report);
                return connection;
            }
            finally
            {
                if (!handedOver) flow.Dispose();
            }
        }

        private static void Show(ConnectOptions options, Uri url)
        {
            if (options.ShowAuthorizationUrl != null) options.ShowAuthorizationUrl(url);
            else if (options.Reporter != null) options.Reporter.Warning("Open this link in a browser on this computer to sign in: " + url.AbsoluteUri, ErrorCatalog.SignInLink, url);
            else throw new ArgumentException("NoBrowser needs ShowAuthorizationUrl (or Reporter) to hand the sign-in link to the user.", nameof(options));
        }

        private static void ReportScopes(GPhotosConnection connection, IReporter report)
        {
            report.Verbose("granted scopes: " + (connection.Scopes.Count == 0 ? "(none reported)" : string.Join(" ", connection.Scopes)));
            IReadOnlyList<string> missing = connection.MissingScopes;
            if (missing.Count > 0)
                report.Warning(
                    "Google granted only part of what GPhotos asked for. Missing: " + string.Join("; ", missing.Select(GPhotosScopes.Describe)) +
                    ". Commands that need it will fail with 403. To grant it, run Connect-GPhotos -Force and tick every box on the consent screen.", ErrorCatalog.ScopesNotGranted);
        }

        private static string Describe(TimeSpan span) =>
            span.TotalMinutes >= 1 && span.Seconds == 0 ? $"{span.TotalMinutes:0} minute{(span.TotalMinutes == 1 ? "" : "s")}" : $"{span.TotalSeconds:0.#} s";

        private static string RandomToken()
        {
            var bytes = new byte[24];
            using (var rng = RandomNumberGenerator.Create()) rng.GetBytes(bytes);
            return Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        }

        internal static PkceGoogleAuthorizationCodeFlow CreateFlow(OAuthClientInfo client, GoogleEndpoints endpoints, IEnumerable<string> scopes, string loginHint)
        {
            return new PkceGoogleAuthorizationCodeFlow(new EndpointInitializer(endpoints)
            {
                ClientSecrets = new ClientSecrets { ClientId = client.ClientId, ClientSecret = client.ClientSecret },
                Scopes = scopes.ToArray(),
                DataStore = null, // GPhotosConnection persists: the flow would delete the cache on any 4xx, even a 429
                DefaultExponentialBackOffPolicy = ExponentialBackOffPolicy.None, // GPhotos' RetryPolicy retries
                LoginHint = string.IsNullOrWhiteSpace(loginHint) ? null : loginHint.Trim(),
            });
        }

        /// <summary>Points Google's flow at <see cref="GoogleEndpoints"/> (Google or the emulator).</summary>
        private sealed class EndpointInitializer : GoogleAuthorizationCodeFlow.Initializer
        {
            public EndpointInitializer(GoogleEndpoints endpoints)
                : base(endpoints.Authorization.AbsoluteUri, endpoints.Token.AbsoluteUri, endpoints.Revoke.AbsoluteUri)
            {
            }
        }

        // ------------------------------------------------------------------ offline disconnect helpers
        // Internal: the module disconnects through the connection (GPhotosConnection.RevokeAsync); these act on a cached
        // sign-in without one, for the tests (issue 13: no test-only path presented as API).

        /// <summary>The token cache file for <paramref name="clientId"/> in <paramref name="tokenCachePath"/> (null: the default folder).</summary>
        internal static string GetTokenCacheFile(string clientId, string tokenCachePath = null) =>
            new ProtectedTokenStore(tokenCachePath, clientId).GetFilePath(ProtectedTokenStore.DefaultKey);

        /// <summary>Deletes the saved sign-in of <paramref name="clientId"/> without contacting Google. True when there was one.</summary>
        internal static bool RemoveCachedToken(string clientId, string tokenCachePath = null) =>
            new ProtectedTokenStore(tokenCachePath, clientId).Delete(ProtectedTokenStore.DefaultKey);

        /// <summary>
        /// Revokes the saved sign-in of <paramref name="clientId"/> at Google (unless
        /// <paramref name="revoke"/> is false) and deletes the cache file. Returns true when a saved sign-in existed. A cache
        /// that cannot be read is deleted anyway (nothing to revoke). Steps go to <paramref name="reporter"/> as verbose
        /// lines, the cache's permission repairs as warnings; none carries a token.
        /// </summary>
        internal static async Task<bool> DisconnectAsync(string clientId, string tokenCachePath = null, bool revoke = true,
            GoogleEndpoints endpoints = null, IReporter reporter = null, CancellationToken cancellationToken = default(CancellationToken))
        {
            IReporter report = reporter ?? NullReporter.Instance;
            var store = new ProtectedTokenStore(tokenCachePath, clientId, report);
            string file = store.GetFilePath(ProtectedTokenStore.DefaultKey);
            TokenCacheEntry entry = null;
            try
            {
                entry = store.Load<TokenCacheEntry>(ProtectedTokenStore.DefaultKey);
            }
            catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException)
            {
                report.Verbose($"the token cache {file} cannot be read ({ex.Message}); deleting it without revoking");
            }
            string token = entry == null ? null : (!string.IsNullOrEmpty(entry.RefreshToken) ? entry.RefreshToken : entry.AccessToken);
            if (revoke && !string.IsNullOrEmpty(token))
            {
                GoogleEndpoints target = endpoints ?? GoogleEndpoints.FromEnvironment();
                await GPhotosConnection.RevokeTokenAsync(target, token, cancellationToken).ConfigureAwait(false);
                report.Verbose("revoked the saved sign-in at " + target);
            }
            bool deleted = store.Delete(ProtectedTokenStore.DefaultKey);
            if (deleted) report.Verbose("deleted " + file);
            return deleted;
        }
    }
}
