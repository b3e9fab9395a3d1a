using System.Collections.Concurrent;
using System.Security.Cryptography;

namespace GPhotos.Emulator;

/// <summary>OAuth scopes the emulator knows.</summary>
public static class Scopes
{
    public const string Prefix = "https://www.googleapis.com/auth/";
    /// <summary>Removed by Google on 2025-03-31: a token carrying it gets 403 on the Library API.</summary>
    public const string PhotosLibrary = Prefix + "photoslibrary";
    /// <summary>Removed by Google on 2025-03-31.</summary>
    public const string Readonly = Prefix + "photoslibrary.readonly";
    /// <summary>Removed by Google on 2025-03-31.</summary>
    public const string Sharing = Prefix + "photoslibrary.sharing";
    /// <summary>Upload only: cannot read.</summary>
    public const string AppendOnly = Prefix + "photoslibrary.appendonly";
    public const string ReadonlyAppCreatedData = Prefix + "photoslibrary.readonly.appcreateddata";
    public const string EditAppCreatedData = Prefix + "photoslibrary.edit.appcreateddata";
    public const string Picker = Prefix + "photospicker.mediaitems.readonly";

    public static readonly string[] Removed = { PhotosLibrary, Readonly, Sharing };

    /// <summary>Expands a short scope name ("photoslibrary.readonly.appcreateddata") to its full URL.</summary>
    public static string Normalize(string scope)
    {
        scope = scope.Trim();
        if (scope.Length == 0 || scope.Contains("://", StringComparison.Ordinal) || scope is "openid" or "email" or "profile") return scope;
        return Prefix + scope;
    }

    public static string[] Parse(string spaceSeparated) =>
        (spaceSeparated ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(Normalize).Distinct(StringComparer.Ordinal).ToArray();
}

/// <summary>Result of looking up a bearer token.</summary>
public enum TokenStatus { Valid, Missing, Unknown, Expired, Revoked }

/// <summary>One authorization (the user consented once): a refresh token and the access tokens minted from it.</summary>
public sealed class Grant
{
    public string ClientId { get; init; } = "";
    public string[] Scopes { get; init; } = Array.Empty<string>();
    public string RefreshToken { get; init; }
    public volatile bool Revoked;
}

public sealed class AccessToken
{
    public string Token { get; init; } = "";
    public Grant Grant { get; init; }
    public DateTimeOffset ExpiresAt { get; set; }
    public string[] Scopes => Grant.Scopes;
    public bool HasScope(string scope) => Array.IndexOf(Grant.Scopes, scope) >= 0;
}

internal sealed class AuthCode
{
    public string Code = "";
    public string ClientId = "";
    public string RedirectUri = "";
    public string[] Scopes = Array.Empty<string>();
    public string CodeChallenge;
    public string CodeChallengeMethod;
    public bool Offline;
    public DateTimeOffset ExpiresAt;
    public int Used;
}

/// <summary>Access tokens, refresh tokens and authorization codes, all thread-safe.</summary>
public sealed class TokenStore
{
    private readonly EmulatorClock _clock;
    private readonly Func<int> _lifetimeSeconds;
    private readonly ConcurrentDictionary<string, AccessToken> _access = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Grant> _refresh = new(StringComparer.Ordinal);
    internal readonly ConcurrentDictionary<string, AuthCode> Codes = new(StringComparer.Ordinal);

    internal TokenStore(EmulatorClock clock, Func<int> lifetimeSeconds)
    {
        _clock = clock;
        _lifetimeSeconds = lifetimeSeconds;
    }

    public int AccessTokenLifetimeSeconds => _lifetimeSeconds();

    /// <summary>Mints a grant with a refresh token and one access token, as if the user had consented.
    /// Short scope names are accepted ("photospicker.mediaitems.readonly").</summary>
    public (string AccessToken, string RefreshToken) Mint(IEnumerable<string> scopes, int? expiresInSeconds = null, string clientId = "emulator-client")
    {
        var grant = NewGrant(clientId, scopes.Select(Scopes.Normalize).Distinct(StringComparer.Ordinal).ToArray(), offline: true);
        var at = MintAccess(grant, expiresInSeconds);
        return (at.Token, grant.RefreshToken);
    }

    internal Grant NewGrant(string clientId, string[] scopes, bool offline)
    {
        var grant = new Grant { ClientId = clientId ?? "", Scopes = scopes, RefreshToken = offline ? "1//emu-" + RandomToken(32) : null };
        if (grant.RefreshToken != null) _refresh[grant.RefreshToken] = grant;
        return grant;
    }

    internal AccessToken MintAccess(Grant grant, int? expiresInSeconds = null)
    {
        var at = new AccessToken
        {
            Token = "ya29.emu-" + RandomToken(48),
            Grant = grant,
            ExpiresAt = _clock.UtcNow.AddSeconds(expiresInSeconds ?? _lifetimeSeconds()),
        };
        _access[at.Token] = at;
        return at;
    }

    /// <summary>Looks up a bearer token (without the "Bearer " prefix).</summary>
    public TokenStatus Check(string token, out AccessToken accessToken)
    {
        accessToken = null;
        if (string.IsNullOrEmpty(token)) return TokenStatus.Missing;
        if (!_access.TryGetValue(token, out var at)) return TokenStatus.Unknown;
        accessToken = at;
        if (at.Grant.Revoked) return TokenStatus.Revoked;
        if (_clock.UtcNow >= at.ExpiresAt) return TokenStatus.Expired;
        return TokenStatus.Valid;
    }

    /// <summary>grant_type=refresh_token: a new access token, or null when the refresh token is unknown or revoked.</summary>
    internal AccessToken Refresh(string refreshToken)
    {
        if (string.IsNullOrEmpty(refreshToken) || !_refresh.TryGetValue(refreshToken, out var grant) || grant.Revoked) return null;
        return MintAccess(grant);
    }

    /// <summary>Revokes the grant behind an access or refresh token (Google revokes both). False when unknown.</summary>
    public bool Revoke(string token)
    {
        if (string.IsNullOrEmpty(token)) return false;
        Grant grant = null;
        if (_access.TryGetValue(token, out var at)) grant = at.Grant;
        else if (_refresh.TryGetValue(token, out var g)) grant = g;
        if (grant == null || grant.Revoked) return false;
        grant.Revoked = true;
        return true;
    }

    /// <summary>Every access token issued so far is now expired (the next API call gets 401).</summary>
    public void ExpireAll()
    {
        var now = _clock.UtcNow.AddSeconds(-1);
        foreach (var at in _access.Values) at.ExpiresAt = now;
    }

    public void Clear()
    {
        _access.Clear();
        _refresh.Clear();
        Codes.Clear();
    }

    internal static string RandomToken(int bytes)
    {
        Span<byte> b = stackalloc byte[bytes];
        RandomNumberGenerator.Fill(b);
        return Base64Url(b);
    }

    internal static string Base64Url(ReadOnlySpan<byte> b) =>
        Convert.ToBase64String(b).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
