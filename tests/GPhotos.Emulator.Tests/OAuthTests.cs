using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Xunit;

namespace GPhotos.Emulator.Tests;

public class OAuthTests
{
    private const string Redirect = "http://127.0.0.1:53682/callback";
    private const string Verifier = "dBjftJeZ4CVP-mJ92K27uhbUJU1p1r_wW1gFWFOEjXk-extra-chars-for-length";

    private static string Challenge(string verifier) =>
        Convert.ToBase64String(SHA256.HashData(Encoding.ASCII.GetBytes(verifier))).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static Dictionary<string, string> Query(Uri uri) =>
        uri.Query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries)
            .Select(p => p.Split('=', 2)).ToDictionary(p => p[0], p => Uri.UnescapeDataString(p.Length > 1 ? p[1] : ""));

    private static async Task<Dictionary<string, string>> Authorize(Emu emu, string scope = Emu.PickerScope + " " + Emu.LibraryScope, string accessType = "offline", string redirect = Redirect)
    {
        var url = "/o/oauth2/v2/auth?client_id=my-client.apps.googleusercontent.com&response_type=code&state=xyz123"
                  + "&redirect_uri=" + Uri.EscapeDataString(redirect) + "&scope=" + Uri.EscapeDataString(scope)
                  + "&code_challenge=" + Challenge(Verifier) + "&code_challenge_method=S256&access_type=" + accessType;
        using var res = await emu.Get(url, null);
        Assert.Equal(HttpStatusCode.Found, res.StatusCode);
        var location = res.Headers.Location!;
        Assert.StartsWith(redirect, location.ToString());
        return Query(location);
    }

    private static Task<HttpResponseMessage> Token(Emu emu, params (string, string)[] form) =>
        emu.Http.PostAsync("/token", new FormUrlEncodedContent(form.Select(f => new KeyValuePair<string, string>(f.Item1, f.Item2))));

    private static async Task<JsonElement> Body(HttpResponseMessage res, HttpStatusCode expected)
    {
        var text = await res.Content.ReadAsStringAsync();
        Assert.True(res.StatusCode == expected, $"{(int)res.StatusCode}: {text}");
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    [Fact]
    public async Task Code_flow_with_pkce_gives_tokens_that_work()
    {
        await using var emu = await Emu.StartAsync(Emu.Small());
        var q = await Authorize(emu);
        Assert.Equal("xyz123", q["state"]);
        Assert.Contains(Emu.PickerScope, q["scope"]);
        var code = q["code"];

        var tok = await Body(await Token(emu, ("grant_type", "authorization_code"), ("code", code), ("redirect_uri", Redirect),
            ("client_id", "my-client.apps.googleusercontent.com"), ("client_secret", ""), ("code_verifier", Verifier)), HttpStatusCode.OK);
        Assert.Equal("Bearer", tok.GetProperty("token_type").GetString());
        Assert.Equal(3599, tok.GetProperty("expires_in").GetInt32());
        Assert.Contains(Emu.LibraryScope, tok.GetProperty("scope").GetString());
        var access = tok.GetProperty("access_token").GetString();
        var refresh = tok.GetProperty("refresh_token").GetString();

        emu.Token = access;
        await emu.Json(emu.Get("/v1/mediaItems"));
        await emu.Json(emu.Post("/v1/sessions"));

        // Single-use code.
        var again = await Body(await Token(emu, ("grant_type", "authorization_code"), ("code", code), ("redirect_uri", Redirect),
            ("client_id", "my-client.apps.googleusercontent.com"), ("code_verifier", Verifier)), HttpStatusCode.BadRequest);
        Assert.Equal("invalid_grant", again.GetProperty("error").GetString());

        // Refresh: a new access token and no new refresh token.
        emu.State.Clock.Advance(TimeSpan.FromHours(2));
        await Emu.AssertError(await emu.Get("/v1/mediaItems"), 401, "UNAUTHENTICATED");
        var refreshed = await Body(await Token(emu, ("grant_type", "refresh_token"), ("refresh_token", refresh), ("client_id", "my-client.apps.googleusercontent.com")), HttpStatusCode.OK);
        Assert.False(refreshed.TryGetProperty("refresh_token", out _));
        Assert.Equal(3599, refreshed.GetProperty("expires_in").GetInt32());
        emu.Token = refreshed.GetProperty("access_token").GetString();
        Assert.NotEqual(access, emu.Token);
        await emu.Json(emu.Get("/v1/mediaItems"));

        // Revoke kills both the refresh token and its access tokens.
        using (var rv = await emu.Http.PostAsync("/revoke", new FormUrlEncodedContent(new Dictionary<string, string> { ["token"] = refresh })))
            Assert.Equal(HttpStatusCode.OK, rv.StatusCode);
        await Emu.AssertError(await emu.Get("/v1/mediaItems"), 401, "UNAUTHENTICATED");
        using var dead = await Token(emu, ("grant_type", "refresh_token"), ("refresh_token", refresh), ("client_id", "my-client.apps.googleusercontent.com"));
        Assert.Equal(HttpStatusCode.BadRequest, dead.StatusCode);
        var err = JsonDocument.Parse(await dead.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal("invalid_grant", err.GetProperty("error").GetString());
        Assert.Equal("Token has been expired or revoked.", err.GetProperty("error_description").GetString());
        Assert.Equal(2, err.EnumerateObject().Count());
    }

    [Fact]
    public async Task Wrong_verifier_or_redirect_is_rejected()
    {
        await using var emu = await Emu.StartAsync(Emu.Small());
        var code = (await Authorize(emu))["code"];
        var bad = await Body(await Token(emu, ("grant_type", "authorization_code"), ("code", code), ("redirect_uri", Redirect),
            ("client_id", "my-client.apps.googleusercontent.com"), ("code_verifier", Verifier + "x")), HttpStatusCode.BadRequest);
        Assert.Equal("invalid_grant", bad.GetProperty("error").GetString());

        var code2 = (await Authorize(emu))["code"];
        var mismatch = await Body(await Token(emu, ("grant_type", "authorization_code"), ("code", code2), ("redirect_uri", "http://127.0.0.1:1/other"),
            ("client_id", "my-client.apps.googleusercontent.com"), ("code_verifier", Verifier)), HttpStatusCode.BadRequest);
        Assert.Equal("redirect_uri_mismatch", mismatch.GetProperty("error").GetString());

        var code3 = (await Authorize(emu))["code"];
        var missing = await Body(await Token(emu, ("grant_type", "authorization_code"), ("code", code3), ("redirect_uri", Redirect),
            ("client_id", "my-client.apps.googleusercontent.com")), HttpStatusCode.BadRequest);
        Assert.Equal("invalid_grant", missing.GetProperty("error").GetString());

        var unsupported = await Body(await Token(emu, ("grant_type", "password"), ("client_id", "c")), HttpStatusCode.BadRequest);
        Assert.Equal("unsupported_grant_type", unsupported.GetProperty("error").GetString());
    }

    [Theory]
    [InlineData("https://127.0.0.1:5000/")]
    [InlineData("http://example.com/cb")]
    [InlineData("urn:ietf:wg:oauth:2.0:oob")]
    public async Task Non_loopback_redirects_are_an_error_page(string redirect)
    {
        await using var emu = await Emu.StartAsync(Emu.Small());
        using var res = await emu.Get("/o/oauth2/v2/auth?client_id=c&response_type=code&scope=" + Uri.EscapeDataString(Emu.PickerScope)
                                      + "&redirect_uri=" + Uri.EscapeDataString(redirect), null);
        Assert.Equal(HttpStatusCode.BadRequest, res.StatusCode);
        Assert.Null(res.Headers.Location);
    }

    [Fact]
    public async Task Localhost_redirects_and_online_access_work()
    {
        await using var emu = await Emu.StartAsync(Emu.Small());
        var q = await Authorize(emu, accessType: "online", redirect: "http://localhost:8080/");
        var tok = await Body(await Token(emu, ("grant_type", "authorization_code"), ("code", q["code"]), ("redirect_uri", "http://localhost:8080/"),
            ("client_id", "my-client.apps.googleusercontent.com"), ("code_verifier", Verifier)), HttpStatusCode.OK);
        Assert.False(tok.TryGetProperty("refresh_token", out _));
    }

    [Fact]
    public async Task Access_denied_mode_redirects_with_the_error()
    {
        await using var emu = await Emu.StartAsync(Emu.Small());
        await emu.Control("oauth", new { mode = "access_denied" });
        var url = "/o/oauth2/v2/auth?client_id=c&response_type=code&state=s1&redirect_uri=" + Uri.EscapeDataString(Redirect) + "&scope=" + Uri.EscapeDataString(Emu.PickerScope);
        using var res = await emu.Get(url, null);
        Assert.Equal(HttpStatusCode.Found, res.StatusCode);
        var q = Query(res.Headers.Location!);
        Assert.Equal("access_denied", q["error"]);
        Assert.Equal("s1", q["state"]);
        Assert.False(q.ContainsKey("code"));
        await emu.Control("oauth", new { mode = "normal" });
        Assert.True((await Authorize(emu)).ContainsKey("code"));
    }

    [Fact]
    public async Task Revoking_an_access_token_kills_it_and_unknown_tokens_are_400()
    {
        await using var emu = await Emu.StartAsync(Emu.Small());
        var minted = await emu.Control("tokens", new { scopes = new[] { "photoslibrary.readonly.appcreateddata" } });
        emu.Token = minted.GetProperty("accessToken").GetString();
        await emu.Json(emu.Get("/v1/mediaItems"));
        using (var rv = await emu.Http.PostAsync("/revoke?token=" + Uri.EscapeDataString(emu.Token), null)) Assert.Equal(HttpStatusCode.OK, rv.StatusCode);
        await Emu.AssertError(await emu.Get("/v1/mediaItems"), 401, "UNAUTHENTICATED");
        using var unknown = await emu.Http.PostAsync("/revoke", new FormUrlEncodedContent(new Dictionary<string, string> { ["token"] = "nope" }));
        Assert.Equal(HttpStatusCode.BadRequest, unknown.StatusCode);
    }

    [Fact]
    public async Task Minted_tokens_honour_expiresInSeconds()
    {
        await using var emu = await Emu.StartAsync(Emu.Small());
        var minted = await emu.Control("tokens", new { scopes = new[] { Emu.LibraryScope }, expiresInSeconds = 10 });
        Assert.StartsWith("1//", minted.GetProperty("refreshToken").GetString());
        emu.Token = minted.GetProperty("accessToken").GetString();
        await emu.Json(emu.Get("/v1/mediaItems"));
        await emu.Control("clock", new { advanceSeconds = 11 });
        await Emu.AssertError(await emu.Get("/v1/mediaItems"), 401, "UNAUTHENTICATED");
    }
}
