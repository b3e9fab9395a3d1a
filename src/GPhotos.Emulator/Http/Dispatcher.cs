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
                if (!string.IsNullOrEmpty(session)) return new Route("picker.mediaItems.list", "picker", (c, _) => _picker.List(c, session));
                return new Route("library.list", "library", (c, _) => _library.List(c));
            }
            if (p == "mediaItems:search" && post) return new Route("library.search", "library", (c, _) => _library.Search(c));
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

            var fault = _s.Faults.Take(route.Group, route.ItemId);
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

    /// <summary>Writes the fault's response; false when the request should still run (slow, drop, truncate).</summary>
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
                int? retry = f.Kind == "429noRetryAfter" ? null : f.RetryAfterSeconds ?? (daily ? null : 30);
                if (retry is int r) ctx.Response.Headers["Retry-After"] = r.ToString(System.Globalization.CultureInfo.InvariantCulture);
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
                if (f.RetryAfterSeconds is int ra) ctx.Response.Headers["Retry-After"] = ra.ToString(System.Globalization.CultureInfo.InvariantCulture);
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
