using System.Diagnostics;
using GPhotos.Auth;
using GPhotos.Http;
using Xunit;

namespace GPhotos.Core.Tests.Auth;

/// <summary>Authenticator behaviour that needs no server.</summary>
public class AuthenticatorOfflineTests : IDisposable
{
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    private ConnectOptions Options(LogSink sink, Func<Uri, bool> browser) => new()
    {
        Client = new OAuthClientInfo("offline-client.apps.googleusercontent.com", "secret"),
        Endpoints = GoogleEndpoints.ForEmulator("127.0.0.1:9"), // nothing listens there; must not be contacted
        TokenCachePath = _temp.Sub("tokens"),
        AllowInteractive = false,
        OpenBrowser = browser,
        Reporter = sink,
    };

    [Fact]
    public async Task Non_interactive_without_cache_fails_at_once_without_a_browser()
    {
        var sink = new LogSink();
        bool browserOpened = false;
        ConnectOptions options = Options(sink, _ => browserOpened = true);
        options.Client = OAuthClientInfo.Parse("""{"installed":{"client_id":"offline-client.apps.googleusercontent.com","client_secret":"s"}}""");

        var clock = Stopwatch.StartNew();
        var ex = await Assert.ThrowsAsync<InteractiveLoginRequiredException>(() => Authenticator.ConnectAsync(options, CancellationToken.None));
        clock.Stop();

        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"took {clock.Elapsed}");
        Assert.False(browserOpened);
        Assert.Equal(InteractiveLoginReason.NoCachedToken, ex.Reason);
        Assert.Contains("Connect-GPhotos -ClientSecretPath", ex.Message);
        Assert.Contains("-TokenCachePath", ex.Message);
        Assert.Contains("non-interactive", ex.Message);
    }

    [Fact]
    public async Task Non_interactive_with_ForceNewLogin_fails_at_once()
    {
        ConnectOptions options = Options(new LogSink(), _ => throw new Exception("no browser"));
        options.ForceNewLogin = true;
        var ex = await Assert.ThrowsAsync<InteractiveLoginRequiredException>(() => Authenticator.ConnectAsync(options));
        Assert.Equal(InteractiveLoginReason.ForceNewLogin, ex.Reason);
    }

    [Fact]
    public async Task Removed_scopes_are_refused_before_anything_happens()
    {
        ConnectOptions options = Options(new LogSink(), _ => throw new Exception("no browser"));
        options.Scopes = new[] { "photoslibrary.readonly" };
        var ex = await Assert.ThrowsAsync<ArgumentException>(() => Authenticator.ConnectAsync(options));
        Assert.Contains("2025", ex.Message);
    }

    [Fact]
    public async Task Browser_wait_times_out_cleanly_and_closes_the_listener()
    {
        var sink = new LogSink();
        Uri seen = null;
        ConnectOptions options = Options(sink, u => { seen = u; return true; });
        options.AllowInteractive = true;
        options.Timeout = TimeSpan.FromMilliseconds(300);
        var ex = await Assert.ThrowsAsync<GPhotosAuthenticationException>(() => Authenticator.ConnectAsync(options));
        Assert.Contains("Nobody completed the Google sign-in", ex.Message);
        Assert.NotNull(seen);
        Assert.Contains("access_type=offline", seen.Query);
        Assert.Contains("code_challenge_method=S256", seen.Query);
        Assert.Contains("redirect_uri=http%3A%2F%2F127.0.0.1%3A", seen.Query);

        // The port is closed again.
        string redirect = Uri.UnescapeDataString(System.Text.RegularExpressions.Regex.Match(seen.Query, "redirect_uri=([^&]+)").Groups[1].Value);
        using var http = new HttpClient(new HttpClientHandler { UseProxy = false });
        await Assert.ThrowsAnyAsync<HttpRequestException>(() => http.GetAsync(redirect));
    }

    [Fact]
    public async Task NoBrowser_hands_the_url_over_and_cancellation_ends_the_wait()
    {
        Uri shown = null;
        ConnectOptions options = Options(new LogSink(), _ => throw new Exception("must not open"));
        options.AllowInteractive = true;
        options.NoBrowser = true;
        using var cts = new CancellationTokenSource();
        options.ShowAuthorizationUrl = u => { shown = u; cts.CancelAfter(100); };
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Authenticator.ConnectAsync(options, cts.Token));
        Assert.NotNull(shown);
        Assert.StartsWith("http://127.0.0.1:9/o/oauth2/v2/auth?", shown.AbsoluteUri);
    }

    [Fact]
    public async Task Raw_access_token_cannot_refresh_and_says_what_to_do()
    {
        using GPhotosConnection c = GPhotosConnection.FromAccessToken("ya29.raw-SECRET", GoogleEndpoints.Google);
        Assert.False(c.CanRefresh);
        Assert.Equal("AccessToken", c.Source);
        Assert.Equal("ya29.raw-SECRET", await c.GetAccessTokenAsync(CancellationToken.None));
        var ex = await Assert.ThrowsAsync<AuthenticationExpiredException>(() => c.RefreshAccessTokenAsync("ya29.raw-SECRET", CancellationToken.None));
        Assert.Contains("Connect-GPhotos", ex.Message);
        Assert.Contains("-AccessToken", ex.Message);
        Assert.DoesNotContain("SECRET", c.ToString());
        Assert.Null(c.TokenCachePath);
    }

    [Fact]
    public void Cache_helpers_find_and_remove_the_file()
    {
        string folder = _temp.Sub("tokens");
        string file = Authenticator.GetTokenCacheFile("cid", folder);
        Assert.False(Authenticator.RemoveCachedToken("cid", folder));
        new ProtectedTokenStore(folder, "cid").Store(ProtectedTokenStore.DefaultKey, new TokenCacheEntry { ClientId = "cid", RefreshToken = "r" });
        Assert.True(File.Exists(file));
        Assert.True(Authenticator.RemoveCachedToken("cid", folder));
        Assert.False(File.Exists(file));
    }
}
