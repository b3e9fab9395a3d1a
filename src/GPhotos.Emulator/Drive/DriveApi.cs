using System.Globalization;
using System.Text.Json;
using GPhotos.Emulator.Http;
using Microsoft.AspNetCore.Http;

namespace GPhotos.Emulator.Drive;

/// <summary>A matched Drive request: counter name, handler and the file it is about (for faults).</summary>
internal sealed record DriveRoute(string Name, Func<HttpContext, Task> Handler, string FileId);

/// <summary>
/// Drive API v3 as GPhotos uses it (google-photos-api.md §8), under Google's paths on the emulator host:
/// <c>GET /drive/v3/files</c> (q, paging, fields), <c>GET /drive/v3/files/{id}</c> (metadata, or bytes with
/// <c>alt=media</c> and <c>Range</c>), <c>DELETE /drive/v3/files/{id}</c>. Errors use Drive's envelope with
/// <c>errors[].reason</c>. The control API is <see cref="DriveControl"/>.
/// </summary>
internal sealed class DriveApi
{
    public const string ScopeDrive = Scopes.Prefix + "drive";
    public const string ScopeReadonly = Scopes.Prefix + "drive.readonly";
    public const string ScopeFile = Scopes.Prefix + "drive.file";
    public const string ScopeMetadataReadonly = Scopes.Prefix + "drive.metadata.readonly";

    private readonly EmulatorState _s;
    private readonly DriveStore _drive;

    public DriveApi(EmulatorState state)
    {
        _s = state;
        _drive = DriveStore.For(state);
        Control = new DriveControl(_drive);
    }

    public DriveControl Control { get; }

    public DriveRoute Match(HttpContext ctx)
    {
        var path = ctx.Request.Path.Value ?? "";
        const string prefix = "/drive/v3/files";
        if (!path.StartsWith(prefix, StringComparison.Ordinal)) return null;
        var rest = path[prefix.Length..];
        var m = ctx.Request.Method;
        if (rest.Length == 0 && HttpMethods.IsGet(m)) return Route("drive.files.list", List, null);
        if (rest.Length < 2 || rest[0] != '/' || rest.IndexOf('/', 1) >= 0) return null;
        var id = Uri.UnescapeDataString(rest[1..]);
        if (HttpMethods.IsGet(m))
            return ctx.Request.Query["alt"] == "media" ? Route("drive.files.media", c => Media(c, id), id) : Route("drive.files.get", c => Get(c, id), id);
        if (HttpMethods.IsDelete(m)) return Route("drive.files.delete", c => Delete(c, id), id);
        return null;
    }

    private DriveRoute Route(string name, Func<HttpContext, Task> handler, string fileId) => new(name, c =>
    {
        _drive.Counters.Request(name);
        return handler(c);
    }, fileId);

    private enum Need { Metadata, Content, Write }

    /// <summary>Bearer and Drive scopes; null (after writing the error) when refused. Sets whether drive.file limits the view.</summary>
    private async Task<AccessToken> Authorize(HttpContext ctx, Need need)
    {
        if (_s.Tokens.Check(ApiContext.Bearer(ctx), out var at) != TokenStatus.Valid)
        {
            await DriveErrors.Write(ctx, 401, "Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential.", "authError", "global", "UNAUTHENTICATED");
            return null;
        }
        bool ok = need switch
        {
            Need.Write => at.HasScope(ScopeDrive) || at.HasScope(ScopeFile),
            Need.Content => at.HasScope(ScopeDrive) || at.HasScope(ScopeReadonly) || at.HasScope(ScopeFile),
            _ => at.HasScope(ScopeDrive) || at.HasScope(ScopeReadonly) || at.HasScope(ScopeFile) || at.HasScope(ScopeMetadataReadonly),
        };
        if (!ok)
        {
            await DriveErrors.InsufficientPermissions(ctx);
            return null;
        }
        return at;
    }

    /// <summary>drive.file sees only files this app created; Takeout's files never are (§8).</summary>
    private static bool SeesAll(AccessToken at) => at.HasScope(ScopeDrive) || at.HasScope(ScopeReadonly) || at.HasScope(ScopeMetadataReadonly);

    private async Task<bool> ApplyFault(HttpContext ctx, string target, string fileId)
    {
        var f = _drive.TakeFault(target, fileId);
        if (f == null) return false;
        switch (f.Kind)
        {
            case "userRateLimitExceeded":
                await DriveErrors.Write(ctx, 403, "User Rate Limit Exceeded. Rate of requests for user exceed configured project quota. You may consider re-evaluating expected per-user traffic to the API and adjust project quota limits accordingly.", "userRateLimitExceeded", "usageLimits", "PERMISSION_DENIED", f.RetryAfterSeconds);
                return true;
            case "rateLimitExceeded":
                await DriveErrors.Write(ctx, 403, "Rate Limit Exceeded", "rateLimitExceeded", "usageLimits", "PERMISSION_DENIED", f.RetryAfterSeconds);
                return true;
            case "429":
                await DriveErrors.Write(ctx, 429, "Too many requests. Try again later.", "rateLimitExceeded", "usageLimits", "RESOURCE_EXHAUSTED", f.RetryAfterSeconds);
                return true;
            case "downloadQuotaExceeded":
                await DriveErrors.Write(ctx, 403, "The download quota for this file has been exceeded.", "downloadQuotaExceeded", "usageLimits", "PERMISSION_DENIED");
                return true;
            case "500":
                await DriveErrors.Write(ctx, 500, "Internal Error", "internalError", "global", "INTERNAL");
                return true;
            case "503":
                await DriveErrors.Write(ctx, 503, "The service is currently unavailable.", "backendError", "global", "UNAVAILABLE", f.RetryAfterSeconds);
                return true;
            case "notFound":
                await DriveErrors.NotFound(ctx, fileId ?? "");
                return true;
            case "delete":
                if (fileId != null) _drive.Delete(fileId);
                return false;
            case "replace":
                if (fileId != null && _drive.Get(fileId) is { IsFolder: false }) _drive.Replace(fileId);
                return false;
        }
        // rangeIgnored and stall change how the body is served.
        ctx.Items["drive.fault"] = f;
        return false;
    }

    private async Task List(HttpContext ctx)
    {
        var at = await Authorize(ctx, Need.Metadata);
        if (at == null || await ApplyFault(ctx, "list", null)) return;
        var query = ctx.Request.Query;
        DriveQuery q;
        DriveFields fields;
        try
        {
            q = DriveQuery.Parse(query["q"]);
            fields = DriveFields.Parse(query["fields"], list: true);
        }
        catch (DriveQueryException e) { await DriveErrors.Invalid(ctx, e.Message, e.Location); return; }
        int pageSize = 100;
        string rawSize = query["pageSize"];
        if (!string.IsNullOrEmpty(rawSize) && (!int.TryParse(rawSize, NumberStyles.Integer, CultureInfo.InvariantCulture, out pageSize) || pageSize < 1 || pageSize > 1000))
        {
            await DriveErrors.Invalid(ctx, $"Invalid value '{rawSize}'. Values must be within the range: [1, 1000]", "pageSize");
            return;
        }
        string corpora = query["corpora"], spaces = query["spaces"];
        if ((!string.IsNullOrEmpty(corpora) && corpora != "user") || (!string.IsNullOrEmpty(spaces) && spaces != "drive"))
        {
            await DriveErrors.Invalid(ctx, "Invalid Value", string.IsNullOrEmpty(spaces) || spaces == "drive" ? "corpora" : "spaces");
            return;
        }
        bool all = SeesAll(at);
        var matches = all ? _drive.Visible().Where(f => q.Matches(f, DriveStore.RootId)).ToList() : new List<DriveFileRecord>();
        int gen = _drive.Generation;
        ulong fingerprint = Hashing.Fnv1a(query["q"].ToString() + "\n" + (all ? "all" : "file"));
        int offset = 0;
        string token = query["pageToken"];
        if (!string.IsNullOrEmpty(token))
        {
            offset = _s.ReadPageToken(token, 0xD1, fingerprint, gen);
            if (offset < 0 || offset > matches.Count)
            {
                await DriveErrors.Invalid(ctx, "Invalid Value", "pageToken");
                return;
            }
        }
        int take = Math.Min(pageSize, _drive.MaxPageItems > 0 ? _drive.MaxPageItems : int.MaxValue);
        var page = matches.Skip(offset).Take(take).ToList();
        string next = offset + page.Count < matches.Count ? _s.MintPageToken(0xD1, fingerprint, gen, offset + page.Count) : null;
        await Respond.Json(ctx, 200, w =>
        {
            w.WriteStartObject();
            if (fields.Kind) w.WriteString("kind", "drive#fileList");
            if (fields.NextPageToken && next != null) w.WriteString("nextPageToken", next);
            if (fields.IncompleteSearch) w.WriteBoolean("incompleteSearch", false);
            w.WriteStartArray("files");
            foreach (var f in page) WriteFile(w, f, fields.File);
            w.WriteEndArray();
            w.WriteEndObject();
        });
    }

    private async Task Get(HttpContext ctx, string id)
    {
        var at = await Authorize(ctx, Need.Metadata);
        if (at == null || await ApplyFault(ctx, "get", id)) return;
        DriveFields fields;
        try { fields = DriveFields.Parse(ctx.Request.Query["fields"], list: false); }
        catch (DriveQueryException e) { await DriveErrors.Invalid(ctx, e.Message, e.Location); return; }
        var f = _drive.Get(id);
        if (f == null || !SeesAll(at)) { await DriveErrors.NotFound(ctx, id); return; }
        await Respond.Json(ctx, 200, w => WriteFile(w, f, fields.File));
    }

    private async Task Delete(HttpContext ctx, string id)
    {
        var at = await Authorize(ctx, Need.Write);
        if (at == null || await ApplyFault(ctx, "delete", id)) return;
        if (_drive.Get(id) == null || !SeesAll(at) || !_drive.Delete(id)) { await DriveErrors.NotFound(ctx, id); return; }
        ctx.Response.StatusCode = 204;
    }

    private async Task Media(HttpContext ctx, string id)
    {
        var at = await Authorize(ctx, Need.Content);
        if (at == null || await ApplyFault(ctx, "media", id)) return;
        var f = _drive.Get(id);
        if (f == null || !SeesAll(at)) { await DriveErrors.NotFound(ctx, id); return; }
        if (f.IsFolder)
        {
            await DriveErrors.Write(ctx, 403, "Only files with binary content can be downloaded. Use Export with Docs Editors files.", "fileNotDownloadable", "global", "PERMISSION_DENIED");
            return;
        }
        if (f.Abusive && !string.Equals(ctx.Request.Query["acknowledgeAbuse"], "true", StringComparison.OrdinalIgnoreCase))
        {
            await DriveErrors.Write(ctx, 403, "This file has been identified as malware or spam and cannot be downloaded.", "cannotDownloadAbusiveFile", "global", "PERMISSION_DENIED");
            return;
        }
        _drive.Counters.Media(id);
        var fault = ctx.Items.TryGetValue("drive.fault", out var o) ? (DriveFaultRule)o : null;
        string path;
        long size;
        lock (f) { path = f.ContentPath; size = f.Size; }
        Stream file;
        try { file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 1 << 16, FileOptions.SequentialScan); }
        catch (FileNotFoundException) { await DriveErrors.NotFound(ctx, id); return; }
        await using (file)
        {
            size = file.Length;
            long start = 0, end = size - 1;
            string range = ctx.Request.Headers.Range.ToString();
            bool partial = false;
            if (range.Length > 0 && fault?.Kind != "rangeIgnored")
            {
                var r = ParseRange(range, size);
                if (r is null) { /* unparseable or several ranges: served whole, as RFC 9110 allows */ }
                else if (r.Value.Start < 0)
                {
                    ctx.Response.Headers.ContentRange = "bytes */" + size.ToString(CultureInfo.InvariantCulture);
                    await DriveErrors.Write(ctx, 416, "Request range not satisfiable", "requestedRangeNotSatisfiable", "global", "OUT_OF_RANGE");
                    return;
                }
                else
                {
                    (start, end) = r.Value;
                    partial = true;
                }
            }
            long length = Math.Max(0, end - start + 1);
            ctx.Response.StatusCode = partial ? 206 : 200;
            ctx.Response.ContentType = f.MimeType;
            ctx.Response.ContentLength = length;
            if (partial) ctx.Response.Headers.ContentRange = $"bytes {start}-{end}/{size}";
            _drive.Counters.Range(id, start, start + length - 1);
            file.Position = start;
            var buffer = new byte[1 << 16];
            long left = length;
            bool stalled = false;
            while (left > 0)
            {
                // A stall comes after at most half the body: a short range (one zip entry) stalls too, not only big ones.
                long chunk = fault?.Kind == "stall" && !stalled ? Math.Min(buffer.Length, length / 2) : Math.Min(buffer.Length, left);
                int n = chunk == 0 ? 0 : await file.ReadAsync(buffer.AsMemory(0, (int)chunk), ctx.RequestAborted);
                if (n <= 0 && chunk == 0)
                {
                    stalled = true;
                    await ctx.Response.Body.FlushAsync(ctx.RequestAborted);
                    await Task.Delay(fault.DelayMs ?? 30_000, ctx.RequestAborted);
                    continue;
                }
                if (n <= 0) break;
                await ctx.Response.Body.WriteAsync(buffer.AsMemory(0, n), ctx.RequestAborted);
                _drive.Counters.Bytes(n);
                left -= n;
                if (fault?.Kind == "stall" && !stalled)
                {
                    stalled = true;
                    await ctx.Response.Body.FlushAsync(ctx.RequestAborted);
                    await Task.Delay(fault.DelayMs ?? 30_000, ctx.RequestAborted);
                }
            }
        }
    }

    /// <summary>bytes=a-b, bytes=a-, bytes=-n. Null: not one range we serve (answered whole); (-1,-1): past the end (416).</summary>
    internal static (long Start, long End)? ParseRange(string header, long size)
    {
        header = header.Trim();
        if (!header.StartsWith("bytes=", StringComparison.OrdinalIgnoreCase) || header.Contains(',')) return null;
        var spec = header[6..].Trim();
        int dash = spec.IndexOf('-');
        if (dash < 0) return null;
        string a = spec[..dash].Trim(), b = spec[(dash + 1)..].Trim();
        if (a.Length == 0)
        {
            if (!long.TryParse(b, NumberStyles.None, CultureInfo.InvariantCulture, out long suffix)) return null;
            if (suffix == 0 || size == 0) return (-1, -1);
            return (Math.Max(0, size - suffix), size - 1);
        }
        if (!long.TryParse(a, NumberStyles.None, CultureInfo.InvariantCulture, out long start)) return null;
        long end = size - 1;
        if (b.Length > 0)
        {
            if (!long.TryParse(b, NumberStyles.None, CultureInfo.InvariantCulture, out end) || end < start) return null;
            end = Math.Min(end, size - 1);
        }
        if (start >= size) return (-1, -1);
        return (start, end);
    }

    private static void WriteFile(Utf8JsonWriter w, DriveFileRecord f, HashSet<string> fields)
    {
        w.WriteStartObject();
        foreach (var name in DriveFields.FileFields)
        {
            if (!fields.Contains(name)) continue;
            switch (name)
            {
                case "kind": w.WriteString("kind", "drive#file"); break;
                case "id": w.WriteString("id", f.Id); break;
                case "name": w.WriteString("name", f.Name); break;
                case "mimeType": w.WriteString("mimeType", f.MimeType); break;
                case "size" when !f.IsFolder: w.WriteString("size", f.Size.ToString(CultureInfo.InvariantCulture)); break;
                case "md5Checksum" when !f.IsFolder: w.WriteString("md5Checksum", f.Md5); break;
                case "createdTime": w.WriteString("createdTime", Respond.Timestamp(TruncateMs(f.CreatedTime))); break;
                case "modifiedTime": w.WriteString("modifiedTime", Respond.Timestamp(TruncateMs(f.ModifiedTime))); break;
                case "parents": w.WriteStartArray("parents"); w.WriteStringValue(f.ParentId); w.WriteEndArray(); break;
                case "trashed": w.WriteBoolean("trashed", f.Trashed); break;
                case "version": w.WriteString("version", f.Version.ToString(CultureInfo.InvariantCulture)); break;
                case "headRevisionId" when !f.IsFolder: w.WriteString("headRevisionId", "0B" + f.Id[1..12] + "v" + f.Version.ToString(CultureInfo.InvariantCulture)); break;
            }
        }
        w.WriteEndObject();
    }

    /// <summary>Drive's times have millisecond precision ("2026-11-20T10:15:00.123Z").</summary>
    private static DateTimeOffset TruncateMs(DateTimeOffset t) => new(t.UtcTicks - t.UtcTicks % TimeSpan.TicksPerMillisecond, TimeSpan.Zero);
}

/// <summary>Drive's error envelope: {"error":{"code","message","errors":[{"domain","reason","message"}],"status"}}.</summary>
internal static class DriveErrors
{
    public static Task Write(HttpContext ctx, int code, string message, string reason, string domain, string status, int? retryAfter = null, string location = null)
    {
        if (code == 401) ctx.Response.Headers["WWW-Authenticate"] = "Bearer realm=\"https://accounts.google.com/\", error=\"invalid_token\"";
        if (retryAfter is int ra) ctx.Response.Headers["Retry-After"] = ra.ToString(CultureInfo.InvariantCulture);
        return Respond.Json(ctx, code, w =>
        {
            w.WriteStartObject();
            w.WriteStartObject("error");
            w.WriteNumber("code", code);
            w.WriteString("message", message);
            w.WriteStartArray("errors");
            w.WriteStartObject();
            w.WriteString("message", message);
            w.WriteString("domain", domain);
            w.WriteString("reason", reason);
            if (location != null) { w.WriteString("location", location); w.WriteString("locationType", "parameter"); }
            w.WriteEndObject();
            w.WriteEndArray();
            w.WriteString("status", status);
            w.WriteEndObject();
            w.WriteEndObject();
        });
    }

    public static Task Invalid(HttpContext ctx, string message, string location) => Write(ctx, 400, message, "invalid", "global", "INVALID_ARGUMENT", location: location);

    public static Task NotFound(HttpContext ctx, string id) => Write(ctx, 404, "File not found: " + id + ".", "notFound", "global", "NOT_FOUND", location: "fileId");

    public static Task InsufficientPermissions(HttpContext ctx) =>
        Write(ctx, 403, "Request had insufficient authentication scopes.", "insufficientPermissions", "global", "PERMISSION_DENIED");
}
