using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace GPhotos.Emulator.Http;

/// <summary>Routes every request (Google's own paths on one host), counts it, adds latency and injects faults.</summary>
internal sealed class Dispatcher
{
    private readonly EmulatorState _s;
    private readonly LibraryApi _library;
    private readonly PickerApi _picker;
    private readonly MediaApi _media;
    private readonly OAuthApi _oauth;
    private readonly ControlApi _control;
    private readonly Drive.DriveApi _drive;

    public Dispatcher(EmulatorState state)
    {
        _s = state;
        var api = new ApiContext(state);
        _library = new LibraryApi(api);
        _picker = new PickerApi(api);
        _media = new MediaApi(api);
        _oauth = new OAuthApi(api);
        _control = new ControlApi(state, _media);
        _drive = new Drive.DriveApi(state);
    }

    private sealed record Route(string Name, string Group, Func<HttpContext, FaultRule, Task> Handler, string ItemId = null);

    private Route Match(HttpContext ctx)
    {
        var path = ctx.Request.Path.Value ?? "/";
        var m = ctx.Request.Method;
        bool get = HttpMethods.IsGet(m) || HttpMethods.IsHead(m), post = HttpMethods.IsPost(m), delete = HttpMethods.IsDelete(m);

        if (path.StartsWith("/lh3/", StringComparison.Ordinal) && path.Length > 5)
        {
            var rest = path[5..];
            return new Route("media", "media", (c, f) => _media.Serve(c, rest, f), _media.PeekItemId(rest));
        }
        if (path.StartsWith("/v1/", StringComparison.Ordinal))
        {
            var p = path[4..];
            if (p == "mediaItems" && get)
            {
                string session = ctx.Request.Query["sessionId"];
                if (!string.IsNullOrEmpty(session)) return new Route("picker.mediaItems.list", "picker", (c, f) => _picker.List(c, session, f));
                return new Route("library.list", "library", (c, f) => _library.List(c, f));
            }
            if (p == "mediaItems:search" && post) return new Route("library.search", "library", (c, f) => _library.Search(c, f));
            if (p == "mediaItems:batchGet" && get) return new Route("library.batchGet", "library", (c, _) => _library.BatchGet(c));
            if (p.StartsWith("mediaItems/", StringComparison.Ordinal) && get && p.Length > 11 && p.IndexOf('/', 11) < 0)
            {
                var id = p[11..];
                return new Route("library.get", "library", (c, _) => _library.Get(c, id));
            }
            if (p == "albums" && get) return new Route("albums.list", "library", (c, _) => _library.ListAlbums(c));
            if (p.StartsWith("albums/", StringComparison.Ordinal) && get && p.Length > 7 && p.IndexOf('/', 7) < 0)
            {
                var id = p[7..];
                return new Route("albums.get", "library", (c, _) => _library.GetAlbum(c, id));
            }
            if ((p == "sharedAlbums" || p.StartsWith("sharedAlbums/", StringComparison.Ordinal)) && get)
                return new Route("sharedAlbums.list", "library", (c, _) => _library.SharedAlbums(c));
            if (p == "sessions" && post) return new Route("picker.sessions.create", "picker", (c, _) => _picker.Create(c));
            if (p.StartsWith("sessions/", StringComparison.Ordinal) && p.Length > 9 && p.IndexOf('/', 9) < 0)
            {
                var id = p[9..];
                if (get) return new Route("picker.sessions.get", "picker", (c, _) => _picker.Get(c, id));
                if (delete) return new Route("picker.sessions.delete", "picker", (c, _) => _picker.Delete(c, id));
            }
            return null;
        }
        if (path.StartsWith("/drive/", StringComparison.Ordinal))
            return _drive.Match(ctx) is { } d ? new Route(d.Name, "drive", (c, _) => d.Handler(c), d.FileId) : null;
        if (path == "/o/oauth2/v2/auth" && get) return new Route("oauth.authorize", "oauth", (c, _) => _oauth.Authorize(c));
        if (path == "/token" && post) return new Route("oauth.token", "oauth", (c, _) => _oauth.Token(c));
        if (path == "/revoke" && (post || get)) return new Route("oauth.revoke", "oauth", (c, _) => _oauth.Revoke(c));
        return null;
    }

    public async Task Handle(HttpContext ctx)
    {
        try
        {
            var path = ctx.Request.Path.Value ?? "/";
            if (path.StartsWith("/__emulator/drive", StringComparison.Ordinal))
            {
                await _drive.Control.Handle(ctx);
                return;
            }
            if (path.StartsWith("/__emulator/", StringComparison.Ordinal) || path == "/__emulator")
            {
                await _control.Handle(ctx);
                return;
            }
            // The far end of a "redirect" fault: the same emulator under another host name, standing in for a
            // foreign (non-Google) host. It counts bearer headers separately so tests can prove none leaked.
            bool foreign = false;
            if (path.StartsWith(RedirectedPrefix, StringComparison.Ordinal))
            {
                foreign = true;
                var rest = path[RedirectedPrefix.Length..];
                int slash = rest.IndexOf('/');
                int.TryParse(slash < 0 ? rest : rest[..slash], out int forced);
                if (ApiContext.HasBearerHeader(ctx)) _s.Counters.Authorization("foreign");
                _s.Counters.Request("foreign");
                if (forced != 0 || slash < 0)
                {
                    await Respond.PlainStatus(ctx, forced == 0 ? 404 : forced);
                    return;
                }
                ctx.Request.Path = rest[slash..];
            }
            var route = Match(ctx);
            if (route == null)
            {
                await Respond.NotFound(ctx, "The requested URL was not found on this server.");
                return;
            }
            _s.Counters.Request(route.Name);
            if (ApiContext.HasBearerHeader(ctx)) _s.Counters.Authorization(route.Group);

            var latency = _s.Latency;
            if (latency > TimeSpan.Zero) await Task.Delay(latency, ctx.RequestAborted);

            var fault = foreign ? null : _s.Faults.Take(route.Group, route.ItemId);
            if (fault != null)
            {
                _s.Counters.Fault(fault.Kind);
                if (await ApplyFault(ctx, route, fault)) return;
            }
            if (fault is { Kind: "drop" or "truncate" } && route.Group != "media")
            {
                await RunCut(ctx, route, fault);
                return;
            }
            await route.Handler(ctx, fault);
        }
        catch (OperationCanceledException) when (ctx.RequestAborted.IsCancellationRequested) { }
        catch (Exception e) when (!ctx.Response.HasStarted)
        {
            await Respond.Error(ctx, 500, "INTERNAL", "Internal error encountered. (" + e.GetType().Name + ": " + e.Message + ")");
        }
    }

    private const string HtmlErrorPage =
        "<!DOCTYPE html><html lang=en><meta charset=utf-8><title>Error 502 (Server Error)!!1</title><p><b>502.</b> <ins>That’s an error.</ins><p>The server encountered a temporary error and could not complete your request.<p>Please try again in 30 seconds. <ins>That’s all we know.</ins></html>";

    internal const string RedirectedPrefix = "/__redirected/";

    // Google's own error pages carry a large <style> block; clients must not show its CSS to users.
    private const string StyledHead =
        "<!DOCTYPE html><html lang=en><meta charset=utf-8><meta name=viewport content=\"initial-scale=1, minimum-scale=1, width=device-width\">"
        + "<title>Error {0} ({1})!!1</title><style>*{{margin:0;padding:0}}html,code{{font:15px/22px arial,sans-serif}}html{{background:#fff;color:#222;padding:15px}}"
        + "body{{margin:7% auto 0;max-width:390px;min-height:180px;padding:30px 0 15px}}* > body{{background:url(//www.google.com/images/errors/robot.png) 100% 5px no-repeat;padding-right:205px}}"
        + "p{{margin:11px 0 22px;overflow:hidden}}ins{{color:#777;text-decoration:none}}a img{{border:0}}@media screen and (max-width:772px){{body{{background:none;margin-top:0;max-width:none;padding-right:0}}}}</style>"
        + "<a href=//www.google.com/><span id=logo aria-label=Google></span></a><p><b>{0}.</b> <ins>That’s an error.</ins><p>{2} <ins>That’s all we know.</ins>";

    internal static string StyledErrorPage(int status) => string.Format(System.Globalization.CultureInfo.InvariantCulture, StyledHead, status,
        status switch { 429 => "Too Many Requests", 502 => "Server Error", 503 => "Service Unavailable", _ => "Error" },
        status == 429 ? "We're sorry, but you have sent too many requests to us recently. Please try again later."
            : "The server encountered a temporary error and could not complete your request.<p>Please try again in 30 seconds.");

    /// <summary>Retry-After: the raw value when the rule has one ("date:+N" = an HTTP date N s ahead), else seconds.</summary>
    private static void SetRetryAfter(HttpContext ctx, FaultRule f, int? fallbackSeconds)
    {
        string value = f.RetryAfter;
        if (value != null && value.StartsWith("date:", StringComparison.Ordinal)
            && double.TryParse(value[5..], System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out double ahead))
            value = DateTimeOffset.UtcNow.AddSeconds(ahead).ToString("r", System.Globalization.CultureInfo.InvariantCulture);
        value ??= (f.RetryAfterSeconds ?? fallbackSeconds)?.ToString(System.Globalization.CultureInfo.InvariantCulture);
        if (value != null) ctx.Response.Headers["Retry-After"] = value;
    }

    /// <summary>Writes the fault's response; false when the request should still run (slow, drop, truncate, emptyPage, repeatItem).</summary>
    private async Task<bool> ApplyFault(HttpContext ctx, Route route, FaultRule f)
    {
        bool media = route.Group == "media", oauth = route.Group == "oauth";
        string service = route.Group == "picker" ? "photospicker.googleapis.com" : "photoslibrary.googleapis.com";
        switch (f.Kind)
        {
            case "slow":
                await Task.Delay(f.DelayMs ?? 1000, ctx.RequestAborted);
                return false;
            case "drop":
            case "truncate":
                return false;
            case "emptyPage":
            case "repeatItem":
                return false; // the list handlers shape their page
            case "redirect":
            case "redirect401":
            {
                // Same emulator, other loopback host name: a foreign host as far as the client can tell.
                var host = ctx.Request.Host;
                string other = string.Equals(host.Host, "localhost", StringComparison.OrdinalIgnoreCase) ? "127.0.0.1" : "localhost";
                string target = $"{ctx.Request.Scheme}://{other}:{host.Port}{RedirectedPrefix}{(f.Kind == "redirect401" ? 401 : 0)}{ctx.Request.Path}{ctx.Request.QueryString}";
                ctx.Response.StatusCode = 302;
                ctx.Response.Headers.Location = target;
                ctx.Response.ContentLength = 0;
                return true;
            }
            case "htmlError":
                SetRetryAfter(ctx, f, null);
                await Respond.Plain(ctx, f.Status ?? 502, StyledErrorPage(f.Status ?? 502));
                return true;
            case "429html":
                // How base URLs refuse: Google's HTML page, no quota wording at all (never "per day").
                SetRetryAfter(ctx, f, null);
                await Respond.Plain(ctx, 429, StyledErrorPage(429));
                return true;
            case "tooManySessions":
                await Respond.Error(ctx, 429, "RESOURCE_EXHAUSTED", PickerApi.TooManySessionsMessage);
                return true;
            case "stallBody":
            {
                // Headers and the start of an error envelope, then nothing: the client must not wait forever.
                int status = f.Status ?? 503;
                SetRetryAfter(ctx, f, null);
                var bytes = System.Text.Encoding.UTF8.GetBytes("{\n  \"error\": {\n    \"code\": " + status + ",\n    \"message\": \"The service is currently unavailable.\",\n    \"status\": \"UNAVAILABLE\"\n  }\n}\n");
                ctx.Response.StatusCode = status;
                ctx.Response.ContentType = Respond.JsonType;
                ctx.Response.ContentLength = bytes.Length;
                await ctx.Response.StartAsync(ctx.RequestAborted);
                await ctx.Response.Body.WriteAsync(bytes.AsMemory(0, 12), ctx.RequestAborted);
                await ctx.Response.Body.FlushAsync(ctx.RequestAborted);
                await Task.Delay(f.DelayMs ?? 600_000, ctx.RequestAborted);
                ctx.Abort();
                return true;
            }
            case "html":
                await Respond.Plain(ctx, 200, HtmlErrorPage);
                return true;
            case "expireUrl":
                await Respond.PlainStatus(ctx, 403);
                return true;
            case "unauthorized":
                if (media) await Respond.PlainStatus(ctx, 401);
                else if (oauth) await OAuthStyle(ctx, 401, "invalid_client", "Unauthorized");
                else await Respond.Unauthenticated(ctx);
                return true;
            case "429":
            case "429noRetryAfter":
            case "dailyQuota":
            {
                bool daily = f.Kind == "dailyQuota";
                string limit = daily ? "All requests per day" : "All requests per minute per user";
                string message = $"Quota exceeded for quota metric 'All requests' and limit '{limit}' of service '{service}' for consumer 'project_number:123456789012'.";
                if (f.Kind != "429noRetryAfter") SetRetryAfter(ctx, f, daily ? null : 30);
                if (media) await Respond.Plain(ctx, 429, message);
                else if (oauth) await OAuthStyle(ctx, 429, "rate_limit_exceeded", message);
                else
                {
                    await Respond.Error(ctx, 429, "RESOURCE_EXHAUSTED", message, w =>
                    {
                        w.WriteStartObject();
                        w.WriteString("@type", "type.googleapis.com/google.rpc.ErrorInfo");
                        w.WriteString("reason", "RATE_LIMIT_EXCEEDED");
                        w.WriteString("domain", "googleapis.com");
                        w.WriteStartObject("metadata");
                        w.WriteString("service", service);
                        w.WriteString("consumer", "projects/123456789012");
                        w.WriteString("quota_metric", service + "/all_requests");
                        w.WriteString("quota_limit", daily ? "AllRequestsPerDayPerProject" : "AllRequestsPerMinutePerUser");
                        w.WriteString("quota_limit_value", daily ? "10000" : "600");
                        w.WriteEndObject();
                        w.WriteEndObject();
                    });
                }
                return true;
            }
            case "500":
                if (media) await Respond.PlainStatus(ctx, 500);
                else if (oauth) await OAuthStyle(ctx, 500, "internal_failure", "Internal error encountered.");
                else await Respond.Error(ctx, 500, "INTERNAL", "Internal error encountered.");
                return true;
            case "503":
                SetRetryAfter(ctx, f, null);
                if (media) await Respond.PlainStatus(ctx, 503);
                else if (oauth) await OAuthStyle(ctx, 503, "temporarily_unavailable", "The service is currently unavailable.");
                else await Respond.Error(ctx, 503, "UNAVAILABLE", "The service is currently unavailable.");
                return true;
        }
        return false;
    }

    private static Task OAuthStyle(HttpContext ctx, int status, string error, string description) => Respond.Json(ctx, status, w =>
    {
        w.WriteStartObject();
        w.WriteString("error", error);
        w.WriteString("error_description", description);
        w.WriteEndObject();
    });

    /// <summary>drop/truncate on a JSON endpoint: run the handler into a buffer, then send the headers and part of the body and kill the connection.</summary>
    private static async Task RunCut(HttpContext ctx, Route route, FaultRule f)
    {
        var original = ctx.Response.Body;
        var buffer = new MemoryStream();
        ctx.Response.Body = buffer;
        try { await route.Handler(ctx, f); }
        finally { ctx.Response.Body = original; }
        var bytes = buffer.ToArray();
        int keep = f.Kind == "drop" ? bytes.Length / 2 : Math.Max(0, bytes.Length - Math.Max(1, bytes.Length / 10));
        ctx.Response.ContentLength = bytes.Length;
        await ctx.Response.StartAsync(ctx.RequestAborted);
        await original.WriteAsync(bytes.AsMemory(0, keep), ctx.RequestAborted);
        await original.FlushAsync(ctx.RequestAborted);
        await Task.Delay(20);
        ctx.Abort();
    }
}
