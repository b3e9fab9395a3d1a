using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using Google.Apis.Auth.OAuth2.Responses;
using GPhotos.Auth;
using GPhotos.Http;
using Newtonsoft.Json.Linq;
using Xunit;

namespace GPhotos.Core.Tests.Auth;

/// <summary>Connect/refresh/revoke against the in-process emulator's OAuth endpoints, with a stand-in browser.</summary>
public class AuthenticatorEmulatorTests : IClassFixture<EmulatorFixture>, IAsyncLifetime
{
    private const string ClientId = "auth-tests.apps.googleusercontent.com";
    private readonly EmulatorFixture _emu;
    private readonly TempFolder _temp = new();
    private readonly LogSink _log = new();
    private readonly List<Uri> _browserVisits = new();

    public AuthenticatorEmulatorTests(EmulatorFixture emulator) => _emu = emulator;

    public Task InitializeAsync() => _emu.ResetControlsAsync();

    public Task DisposeAsync()
    {
        _temp.Dispose();
        return Task.CompletedTask;
    }

    /// <summary>Stands in for the user's browser: fetches the sign-in URL and follows the redirect to the loopback listener.</summary>
    private bool StandInBrowser(Uri url)
    {
        lock (_browserVisits) _browserVisits.Add(url);
        _ = Task.Run(async () =>
        {
            using var browser = new HttpClient(new HttpClientHandler { UseProxy = false, AllowAutoRedirect = true });
            using HttpResponseMessage _ = await browser.GetAsync(url);
        });
        return true;
    }

    private static bool NoBrowserAllowed(Uri url) => throw new Xunit.Sdk.XunitException("The browser must not be opened: " + url);

    private ConnectOptions Options(bool interactive = true, IEnumerable<string> scopes = null) => new()
    {
        Client = new OAuthClientInfo(ClientId, "emulator-secret"),
        Endpoints = _emu.Endpoints,
        TokenCachePath = _temp.Sub("tokens"),
        Scopes = scopes,
        AllowInteractive = interactive,
        OpenBrowser = interactive ? StandInBrowser : NoBrowserAllowed,
        Timeout = TimeSpan.FromSeconds(20),
        Reporter = _log,
        Retry = new RetryPolicy { DelayScale = 0 },
    };

    private Uri MediaItems => new(_emu.Endpoints.LibraryApi, "v1/mediaItems?pageSize=5");

    private async Task<GPhotosConnection> SignInAsync(IEnumerable<string> scopes = null)
    {
        GPhotosConnection c = await Authenticator.ConnectAsync(Options(scopes: scopes));
        Assert.Equal(GPhotosConnection.SourceBrowser, c.Source);
        return c;
    }

    private void AssertNoSecretsLeaked(GPhotosConnection c, params string[] secrets)
    {
        string text = _log.All + "\n" + c;
        Assert.DoesNotContain("ya29.", text);
        Assert.DoesNotContain("1//", text);
        Assert.DoesNotContain("emulator-secret", text);
        foreach (string secret in secrets.Where(s => !string.IsNullOrEmpty(s))) Assert.DoesNotContain(secret, text);
    }

    [Fact]
    public async Task Browser_sign_in_with_PKCE_and_loopback_then_API_calls_work()
    {
        using GPhotosConnection c = await SignInAsync();

        Uri visit = Assert.Single(_browserVisits);
        Assert.StartsWith(_emu.Endpoints.Authorization.AbsoluteUri + "?", visit.AbsoluteUri);
        Assert.Contains("code_challenge_method=S256", visit.Query);
        Assert.Contains("access_type=offline", visit.Query);
        Assert.Contains("state=", visit.Query);
        Assert.Equal(1, await _emu.CounterAsync("oauth.authorize"));
        Assert.Equal(1, await _emu.CounterAsync("oauth.token")); // the code exchange, PKCE verified by the emulator

        Assert.True(c.CanRefresh);
        Assert.Equal(ClientId, c.ClientId);
        Assert.Equal(GPhotosScopes.Default.OrderBy(s => s), c.Scopes.OrderBy(s => s));
        Assert.Empty(c.MissingScopes);
        Assert.True(File.Exists(c.TokenCacheFile));
        Assert.Equal(Path.GetFullPath(_temp.Sub("tokens")), c.TokenCachePath);

        JObject page = await c.Api.SendJsonAsync(HttpMethod.Get, MediaItems, null, CancellationToken.None);
        Assert.NotEmpty((JArray)page["mediaItems"]);

        string access = await c.GetAccessTokenAsync(CancellationToken.None);
        Assert.Contains("granted scopes", _log.All);
        Assert.Contains("saved the sign-in", _log.All);
        AssertNoSecretsLeaked(c, access);
    }

    [UnixFact]
    public async Task Unix_cache_written_by_a_sign_in_is_0600_in_a_0700_folder()
    {
        using GPhotosConnection c = await SignInAsync();
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(c.TokenCacheFile));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(c.TokenCachePath));
        Assert.Single(Directory.GetFiles(c.TokenCachePath)); // no temp files left behind
    }

    [WindowsFact]
    public async Task Windows_cache_written_by_a_sign_in_holds_no_token_in_plaintext()
    {
        using GPhotosConnection c = await SignInAsync();
        string access = await c.GetAccessTokenAsync(CancellationToken.None);
        string raw = File.ReadAllText(c.TokenCacheFile);
        Assert.DoesNotContain(access, raw);
        Assert.DoesNotContain("ya29.", raw);
        Assert.DoesNotContain("1//", raw);
    }

    [Fact]
    public async Task Second_run_uses_the_cache_without_a_browser()
    {
        using (await SignInAsync()) { }
        await _emu.ClearCountersAsync();

        var clock = Stopwatch.StartNew();
        using GPhotosConnection c = await Authenticator.ConnectAsync(Options(interactive: false));
        clock.Stop();

        Assert.Equal(GPhotosConnection.SourceCache, c.Source);
        Assert.Equal(0, await _emu.CounterAsync("oauth.authorize"));
        Assert.Equal(1, await _emu.CounterAsync("oauth.token")); // one silent refresh
        Assert.Contains("using cached refresh token from " + c.TokenCacheFile, _log.All);
        Assert.Contains("refreshed access token (expires", _log.All);
        Assert.NotEmpty((JArray)(await c.Api.SendJsonAsync(HttpMethod.Get, MediaItems, null, CancellationToken.None))["mediaItems"]);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), clock.Elapsed.ToString());
        AssertNoSecretsLeaked(c, await c.GetAccessTokenAsync(CancellationToken.None));
    }

    [Theory]
    [InlineData("expire")]
    [InlineData("clock")]
    public async Task Expired_access_token_mid_run_is_refreshed_once_and_the_call_retried(string how)
    {
        using GPhotosConnection c = await SignInAsync();
        string before = await c.GetAccessTokenAsync(CancellationToken.None);
        if (how == "expire") await _emu.PostAsync("tokens/expire");
        else await _emu.PostAsync("clock", new { advanceSeconds = 3700 });
        await _emu.ClearCountersAsync();

        JObject page = await c.Api.SendJsonAsync(HttpMethod.Get, MediaItems, null, CancellationToken.None);

        Assert.NotEmpty((JArray)page["mediaItems"]);
        Assert.Equal(1, await _emu.CounterAsync("oauth.token"));
        Assert.Equal(2, await _emu.CounterAsync("library.list")); // 401, then the retry
        Assert.NotEqual(before, await c.GetAccessTokenAsync(CancellationToken.None));

        // The refreshed token was persisted: the cache holds the new access token.
        var cached = new ProtectedTokenStore(c.TokenCachePath, ClientId).Load<TokenCacheEntry>();
        Assert.Equal(await c.GetAccessTokenAsync(CancellationToken.None), cached.AccessToken);
    }

    [Fact]
    public async Task Concurrent_401s_share_one_refresh()
    {
        using GPhotosConnection c = await SignInAsync();
        await _emu.PostAsync("tokens/expire");
        await _emu.ClearCountersAsync();

        var calls = Enumerable.Range(0, 24).Select(_ => Task.Run(() => c.Api.SendJsonAsync(HttpMethod.Get, MediaItems, null, CancellationToken.None)));
        JObject[] pages = await Task.WhenAll(calls);

        Assert.All(pages, p => Assert.NotEmpty((JArray)p["mediaItems"]));
        Assert.Equal(1, await _emu.CounterAsync("oauth.token"));
    }

    [Fact]
    public async Task Known_expiry_refreshes_before_the_call()
    {
        var now = DateTime.UtcNow;
        ConnectOptions options = Options();
        options.UtcNow = () => now;
        using GPhotosConnection c = await Authenticator.ConnectAsync(options);
        await _emu.ClearCountersAsync();

        now = now.AddMinutes(59.5); // inside the 60 s skew of a 3599 s token: known expired, no 401 needed
        await c.Api.SendJsonAsync(HttpMethod.Get, MediaItems, null, CancellationToken.None);

        Assert.Equal(1, await _emu.CounterAsync("oauth.token"));
        Assert.Equal(1, await _emu.CounterAsync("library.list"));
    }

    [Fact]
    public async Task Revoked_refresh_token_gives_invalid_grant_with_the_7_day_note_and_non_interactive_connect_fails_fast()
    {
        using (GPhotosConnection c = await SignInAsync())
        {
            Assert.True(_emu.Server.State.Tokens.Revoke(await c.GetAccessTokenAsync(CancellationToken.None))); // the user removed access
            await _emu.PostAsync("tokens/expire");

            var ex = await Assert.ThrowsAsync<AuthenticationExpiredException>(
                () => c.Api.SendJsonAsync(HttpMethod.Get, MediaItems, null, CancellationToken.None));
            Assert.Contains("invalid_grant", ex.Message);
            Assert.Contains("expired or was revoked", ex.Message);
            Assert.Contains("7 days", ex.Message);
            Assert.Contains("\"Testing\"", ex.Message);
            Assert.Contains("\"In production\"", ex.Message);
            Assert.Contains("Connect-GPhotos", ex.Message);

            // Later callers fail the same way without hammering the token endpoint.
            await _emu.ClearCountersAsync();
            await Assert.ThrowsAsync<AuthenticationExpiredException>(() => c.GetAccessTokenAsync(CancellationToken.None));
            Assert.Equal(0, await _emu.CounterAsync("oauth.token"));
        }

        var clock = Stopwatch.StartNew();
        var nonInteractive = await Assert.ThrowsAsync<InteractiveLoginRequiredException>(() => Authenticator.ConnectAsync(Options(interactive: false)));
        clock.Stop();
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), clock.Elapsed.ToString());
        Assert.Equal(InteractiveLoginReason.RefreshTokenRejected, nonInteractive.Reason);
        Assert.Contains("7 days", nonInteractive.Message);
        Assert.Contains("Connect-GPhotos -ClientSecretPath", nonInteractive.Message);
        Assert.IsType<AuthenticationExpiredException>(nonInteractive.InnerException);
        Assert.Equal(0, await _emu.CounterAsync("oauth.authorize"));

        // At the keyboard, the same call signs in again through the browser.
        using GPhotosConnection again = await Authenticator.ConnectAsync(Options());
        Assert.Equal(GPhotosConnection.SourceBrowser, again.Source);
        Assert.Contains("WARN Google rejected the saved sign-in (invalid_grant", _log.All);
    }

    [Fact]
    public async Task Non_interactive_without_cache_fails_fast_against_a_live_server()
    {
        var clock = Stopwatch.StartNew();
        var ex = await Assert.ThrowsAsync<InteractiveLoginRequiredException>(() => Authenticator.ConnectAsync(Options(interactive: false)));
        clock.Stop();
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), clock.Elapsed.ToString());
        Assert.Equal(InteractiveLoginReason.NoCachedToken, ex.Reason);
        Assert.Equal(0, await _emu.CounterAsync("oauth.authorize"));
        Assert.Equal(0, await _emu.CounterAsync("oauth.token"));
    }

    [Fact]
    public async Task Access_denied_on_the_consent_page_is_a_clear_error_and_saves_nothing()
    {
        await _emu.PostAsync("oauth", new { mode = "access_denied" });
        var ex = await Assert.ThrowsAsync<AuthorizationDeniedException>(() => Authenticator.ConnectAsync(Options()));
        Assert.Equal("access_denied", ex.Error);
        Assert.Contains("denied", ex.Message);
        Assert.Contains("Test users", ex.Message);
        Assert.False(File.Exists(Authenticator.GetTokenCacheFile(ClientId, _temp.Sub("tokens"))));
        Assert.Equal(0, await _emu.CounterAsync("oauth.token"));
    }

    [Fact]
    public async Task Cached_sign_in_lacking_a_requested_scope_needs_the_browser()
    {
        using (await SignInAsync(new[] { "PhotosPicker" })) { }
        var ex = await Assert.ThrowsAsync<InteractiveLoginRequiredException>(
            () => Authenticator.ConnectAsync(Options(interactive: false, scopes: new[] { "Default" })));
        Assert.Equal(InteractiveLoginReason.ScopesNotGranted, ex.Reason);
        Assert.Contains("LibraryAppCreated", ex.Message);

        // Asking for what was granted works silently.
        using GPhotosConnection c = await Authenticator.ConnectAsync(Options(interactive: false, scopes: new[] { "PhotosPicker" }));
        Assert.Equal(new[] { GPhotosScopes.PickerReadOnly }, c.Scopes);
        Assert.True(c.HasScope("PhotosPicker"));
        Assert.False(c.HasScope("LibraryAppCreated"));
    }

    [Fact]
    public async Task A_refresh_retried_mid_run_is_told_once_in_verbose_without_the_token_or_the_query()
    {
        // Issue 13: the connection writes one -Verbose line per paced retry. Against the emulator, not a format test:
        // the access token expires, the refresh meets a 503 once, the call still succeeds.
        using GPhotosConnection c = await SignInAsync();
        await _emu.PostAsync("tokens/expire");
        await _emu.PostAsync("faults", new { rules = new[] { new { target = "oauth", kind = "503", count = 1 } } });
        await _emu.ClearCountersAsync();

        JObject page = await c.Api.SendJsonAsync(HttpMethod.Get, MediaItems, null, CancellationToken.None);

        Assert.NotEmpty((JArray)page["mediaItems"]);
        Assert.Equal(2, await _emu.CounterAsync("oauth.token")); // the 503, then the refresh
        Uri token = _emu.Endpoints.Token;
        string line = Assert.Single(_log.Lines, l => l.StartsWith("Retrying ", StringComparison.Ordinal));
        // The request that waits is the listing; the 503 is the token endpoint's, and the line says both (it named only
        // the listing before, as if the Library API had failed).
        string Esc(string t) => System.Text.RegularExpressions.Regex.Escape(t);
        Assert.Matches("^Retrying GET " + Esc(MediaItems.Authority + MediaItems.AbsolutePath) + " after its sign-in refresh \\(POST "
            + Esc(token.Authority + token.AbsolutePath) + "\\) got HTTP 503 temporarily_unavailable \\(attempt 1 failed\\); waiting [0-9.]+ s\\.$", line);
        Assert.DoesNotContain("?", line);
        AssertNoSecretsLeaked(c, await c.GetAccessTokenAsync(CancellationToken.None));
    }

    [Fact]
    public async Task Transient_token_endpoint_failure_at_connect_is_retried()
    {
        using (await SignInAsync()) { }
        await _emu.PostAsync("faults", new { rules = new[] { new { target = "oauth", kind = "503", count = 1 } } });
        await _emu.ClearCountersAsync();
        using GPhotosConnection c = await Authenticator.ConnectAsync(Options(interactive: false));
        Assert.Equal(GPhotosConnection.SourceCache, c.Source);
        Assert.Equal(2, await _emu.CounterAsync("oauth.token"));
    }

    [Fact]
    public async Task NoBrowser_hands_out_the_url_and_keeps_listening()
    {
        ConnectOptions options = Options();
        options.NoBrowser = true;
        options.OpenBrowser = NoBrowserAllowed;
        options.ShowAuthorizationUrl = url => StandInBrowser(url); // the user opens it elsewhere
        using GPhotosConnection c = await Authenticator.ConnectAsync(options);
        Assert.Equal(GPhotosConnection.SourceBrowser, c.Source);
        Assert.Single(_browserVisits);
    }

    [Fact]
    public async Task ForceNewLogin_ignores_the_cache()
    {
        using (await SignInAsync()) { }
        await _emu.ClearCountersAsync();
        ConnectOptions options = Options();
        options.ForceNewLogin = true;
        using GPhotosConnection c = await Authenticator.ConnectAsync(options);
        Assert.Equal(GPhotosConnection.SourceBrowser, c.Source);
        Assert.Equal(1, await _emu.CounterAsync("oauth.authorize"));
    }

    [Fact]
    public async Task Revoke_kills_the_token_at_the_server_and_deletes_the_cache()
    {
        GPhotosConnection c = await SignInAsync();
        string access = await c.GetAccessTokenAsync(CancellationToken.None);
        string file = c.TokenCacheFile;

        await c.RevokeAsync();

        Assert.True(c.IsRevoked);
        Assert.False(File.Exists(file));
        Assert.Equal(1, await _emu.CounterAsync("oauth.revoke"));
        Assert.Equal(TokenStatusOf(access), "Revoked");
        using (var raw = new HttpClient(new HttpClientHandler { UseProxy = false }))
        {
            raw.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", access);
            Assert.Equal(HttpStatusCode.Unauthorized, (await raw.GetAsync(MediaItems)).StatusCode);
        }
        await Assert.ThrowsAsync<AuthenticationExpiredException>(() => c.GetAccessTokenAsync(CancellationToken.None));
        Assert.Contains("revoked", c.ToString());
        c.Dispose();

        var ex = await Assert.ThrowsAsync<InteractiveLoginRequiredException>(() => Authenticator.ConnectAsync(Options(interactive: false)));
        Assert.Equal(InteractiveLoginReason.NoCachedToken, ex.Reason);
    }

    [Fact]
    public async Task Disconnect_helper_revokes_the_cached_sign_in_and_deletes_it()
    {
        string access;
        using (GPhotosConnection c = await SignInAsync()) access = await c.GetAccessTokenAsync(CancellationToken.None);

        Assert.True(await Authenticator.DisconnectAsync(ClientId, _temp.Sub("tokens"), revoke: true, endpoints: _emu.Endpoints, reporter: _log));
        Assert.Equal("Revoked", TokenStatusOf(access));
        Assert.False(File.Exists(Authenticator.GetTokenCacheFile(ClientId, _temp.Sub("tokens"))));
        Assert.False(await Authenticator.DisconnectAsync(ClientId, _temp.Sub("tokens"), endpoints: _emu.Endpoints));
    }

    [Fact]
    public async Task Raw_access_token_connection_works_until_rejected_then_says_so()
    {
        JsonNodeToken minted = await MintAsync();
        using GPhotosConnection c = GPhotosConnection.FromAccessToken(minted.AccessToken, _emu.Endpoints);
        Assert.NotEmpty((JArray)(await c.Api.SendJsonAsync(HttpMethod.Get, MediaItems, null, CancellationToken.None))["mediaItems"]);

        await _emu.PostAsync("tokens/expire");
        var ex = await Assert.ThrowsAsync<AuthenticationExpiredException>(() => c.Api.SendJsonAsync(HttpMethod.Get, MediaItems, null, CancellationToken.None));
        Assert.Contains("-AccessToken", ex.Message);
        Assert.Contains("Connect-GPhotos", ex.Message);
        Assert.DoesNotContain(minted.AccessToken, c.ToString());
    }

    private sealed record JsonNodeToken(string AccessToken, string RefreshToken);

    private async Task<JsonNodeToken> MintAsync()
    {
        var node = await _emu.PostAsync("tokens", new { scopes = new[] { "photoslibrary.readonly.appcreateddata" } });
        return new JsonNodeToken((string)node["accessToken"], (string)node["refreshToken"]);
    }

    private string TokenStatusOf(string accessToken) => _emu.Server.State.Tokens.Check(accessToken, out _).ToString();
}
