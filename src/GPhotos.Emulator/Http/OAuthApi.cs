using System.Net;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;

namespace GPhotos.Emulator.Http;

/// <summary>Google's OAuth 2.0 endpoints for installed apps: loopback redirect + PKCE, token, refresh, revoke.</summary>
internal sealed class OAuthApi
{
    private readonly ApiContext _api;

    public OAuthApi(ApiContext api) => _api = api;
    private EmulatorState S => _api.S;

    internal static bool IsLoopbackRedirect(string uri, out Uri parsed)
    {
        parsed = null;
        if (string.IsNullOrEmpty(uri) || !Uri.TryCreate(uri, UriKind.Absolute, out parsed)) return false;
        if (parsed.Scheme != "http") return false;
        return parsed.Host is "127.0.0.1" or "localhost" or "[::1]" or "::1";
    }

    private static Task ErrorPage(HttpContext ctx, string error, string detail) =>
        Respond.Plain(ctx, 400, $"<!DOCTYPE html><html><head><title>Error 400: {WebUtility.HtmlEncode(error)}</title></head><body><h1>Access blocked: authorization error</h1><p>Error 400: {WebUtility.HtmlEncode(error)}</p><p>{WebUtility.HtmlEncode(detail)}</p></body></html>");

    private static string AppendQuery(string uri, params (string Key, string Value)[] kv)
    {
        var sb = new StringBuilder(uri);
        sb.Append(uri.Contains('?') ? '&' : '?');
        bool first = true;
        foreach (var (k, v) in kv)
        {
            if (v == null) continue;
            if (!first) sb.Append('&');
            sb.Append(Uri.EscapeDataString(k)).Append('=').Append(Uri.EscapeDataString(v));
            first = false;
        }
        return sb.ToString();
    }

    // GET /o/oauth2/v2/auth
    public async Task Authorize(HttpContext ctx)
    {
        var q = ctx.Request.Query;
        string clientId = q["client_id"], redirect = q["redirect_uri"], responseType = q["response_type"], scope = q["scope"],
            state = q["state"], challenge = q["code_challenge"], method = q["code_challenge_method"], accessType = q["access_type"];
        if (string.IsNullOrEmpty(clientId)) { await ErrorPage(ctx, "invalid_request", "Missing required parameter: client_id"); return; }
        if (string.IsNullOrEmpty(redirect)) { await ErrorPage(ctx, "invalid_request", "Missing required parameter: redirect_uri"); return; }
        if (!IsLoopbackRedirect(redirect, out _)) { await ErrorPage(ctx, "redirect_uri_mismatch", "Desktop apps must use a loopback redirect URI (http://127.0.0.1:port/ or http://localhost:port/)."); return; }
        if (string.IsNullOrEmpty(scope)) { await ErrorPage(ctx, "invalid_request", "Missing required parameter: scope"); return; }
        if (responseType != "code")
        {
            ctx.Response.Redirect(AppendQuery(redirect, ("error", "unsupported_response_type"), ("state", state)));
            return;
        }
        if (!string.IsNullOrEmpty(challenge))
        {
            method = string.IsNullOrEmpty(method) ? "plain" : method;
            if (method is not ("S256" or "plain")) { await ErrorPage(ctx, "invalid_request", "Invalid code_challenge_method."); return; }
            if (challenge.Length < 43 || challenge.Length > 128) { await ErrorPage(ctx, "invalid_request", "Invalid code_challenge."); return; }
        }
        if (S.OAuthMode == "access_denied")
        {
            ctx.Response.Redirect(AppendQuery(redirect, ("error", "access_denied"), ("state", state)));
            return;
        }
        var scopes = Scopes.Parse(scope);
        var code = new AuthCode
        {
            Code = "4/emu-" + TokenStore.RandomToken(32),
            ClientId = clientId,
            RedirectUri = redirect,
            Scopes = scopes,
            CodeChallenge = string.IsNullOrEmpty(challenge) ? null : challenge,
            CodeChallengeMethod = string.IsNullOrEmpty(challenge) ? null : method,
            Offline = accessType == "offline",
            ExpiresAt = S.Clock.UtcNow.AddMinutes(10),
        };
        S.Tokens.Codes[code.Code] = code;
        ctx.Response.Redirect(AppendQuery(redirect, ("state", state), ("code", code.Code), ("scope", string.Join(' ', scopes))));
    }

    private static Task OAuthError(HttpContext ctx, int status, string error, string description)
    {
        ctx.Response.Headers.CacheControl = "no-cache, no-store, max-age=0, must-revalidate";
        return Respond.Json(ctx, status, w =>
        {
            w.WriteStartObject();
            w.WriteString("error", error);
            w.WriteString("error_description", description);
            w.WriteEndObject();
        });
    }

    private static string ClientIdFromBasic(HttpContext ctx)
    {
        var h = ctx.Request.Headers.Authorization.ToString();
        if (!h.StartsWith("Basic ", StringComparison.OrdinalIgnoreCase)) return null;
        try
        {
            var s = Encoding.UTF8.GetString(Convert.FromBase64String(h[6..].Trim()));
            int colon = s.IndexOf(':');
            return Uri.UnescapeDataString(colon < 0 ? s : s[..colon]);
        }
        catch (FormatException) { return null; }
    }

    // POST /token
    public async Task Token(HttpContext ctx)
    {
        if (!HttpMethods.IsPost(ctx.Request.Method)) { await OAuthError(ctx, 405, "invalid_request", "Method not allowed."); return; }
        IFormCollection form;
        try { form = ctx.Request.HasFormContentType ? await ctx.Request.ReadFormAsync(ctx.RequestAborted) : FormCollection.Empty; }
        catch (InvalidDataException) { form = FormCollection.Empty; }
        string grantType = form["grant_type"];
        string clientId = form["client_id"].ToString() is { Length: > 0 } c ? c : ClientIdFromBasic(ctx);
        if (string.IsNullOrEmpty(clientId)) { await OAuthError(ctx, 400, "invalid_request", "Could not determine client ID from request."); return; }

        if (grantType == "authorization_code")
        {
            string codeText = form["code"], redirect = form["redirect_uri"], verifier = form["code_verifier"];
            if (string.IsNullOrEmpty(codeText) || !S.Tokens.Codes.TryGetValue(codeText, out var code) || S.Clock.UtcNow >= code.ExpiresAt
                || Interlocked.Exchange(ref code.Used, 1) == 1)
            {
                await OAuthError(ctx, 400, "invalid_grant", "Bad Request");
                return;
            }
            if (code.ClientId != clientId) { await OAuthError(ctx, 401, "invalid_client", "Unauthorized"); return; }
            if (code.RedirectUri != redirect) { await OAuthError(ctx, 400, "redirect_uri_mismatch", "Bad Request"); return; }
            if (code.CodeChallenge != null)
            {
                if (string.IsNullOrEmpty(verifier)) { await OAuthError(ctx, 400, "invalid_grant", "Missing code verifier."); return; }
                string expected = code.CodeChallengeMethod == "S256"
                    ? TokenStore.Base64Url(SHA256.HashData(Encoding.ASCII.GetBytes(verifier)))
                    : verifier;
                if (!CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(expected), Encoding.ASCII.GetBytes(code.CodeChallenge)))
                {
                    await OAuthError(ctx, 400, "invalid_grant", "Invalid code verifier.");
                    return;
                }
            }
            var grant = S.Tokens.NewGrant(clientId, code.Scopes, code.Offline);
            var at = S.Tokens.MintAccess(grant);
            await TokenResponse(ctx, at, grant.RefreshToken);
            return;
        }
        if (grantType == "refresh_token")
        {
            var at = S.Tokens.Refresh(form["refresh_token"]);
            if (at == null) { await OAuthError(ctx, 400, "invalid_grant", "Token has been expired or revoked."); return; }
            await TokenResponse(ctx, at, null);
            return;
        }
        await OAuthError(ctx, 400, "unsupported_grant_type", "Invalid grant_type: " + grantType);
    }

    private Task TokenResponse(HttpContext ctx, AccessToken at, string refreshToken)
    {
        ctx.Response.Headers.CacheControl = "no-cache, no-store, max-age=0, must-revalidate";
        ctx.Response.Headers.Pragma = "no-cache";
        long expiresIn = Math.Max(0, (long)Math.Round((at.ExpiresAt - S.Clock.UtcNow).TotalSeconds));
        return Respond.Json(ctx, 200, w =>
        {
            w.WriteStartObject();
            w.WriteString("access_token", at.Token);
            w.WriteNumber("expires_in", expiresIn);
            if (refreshToken != null) w.WriteString("refresh_token", refreshToken);
            w.WriteString("scope", string.Join(' ', at.Scopes));
            w.WriteString("token_type", "Bearer");
            w.WriteEndObject();
        });
    }

    // POST /revoke (token in the form or the query; GET accepted too)
    public async Task Revoke(HttpContext ctx)
    {
        string token = ctx.Request.Query["token"];
        if (string.IsNullOrEmpty(token) && ctx.Request.HasFormContentType)
        {
            try { token = (await ctx.Request.ReadFormAsync(ctx.RequestAborted))["token"]; }
            catch (InvalidDataException) { }
        }
        if (!S.Tokens.Revoke(token))
        {
            await OAuthError(ctx, 400, "invalid_token", "Token expired or revoked");
            return;
        }
        await Respond.Json(ctx, 200, w => { w.WriteStartObject(); w.WriteEndObject(); });
    }
}
