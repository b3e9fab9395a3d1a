using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using GPhotos.Emulator.Media;
using Microsoft.AspNetCore.Http;

namespace GPhotos.Emulator.Http;

/// <summary>The control API under /__emulator/ (not counted, no latency, no faults). JSON is camelCase.</summary>
internal sealed class ControlApi
{
    private readonly EmulatorState S;
    private readonly MediaApi _media;
    private readonly ConcurrentDictionary<(int Gen, int Index, string Variant), string> _hashes = new();

    public ControlApi(EmulatorState state, MediaApi media)
    {
        S = state;
        _media = media;
    }

    private sealed class BadRequest : Exception
    {
        public BadRequest(string m) : base(m) { }
    }

    public async Task Handle(HttpContext ctx)
    {
        var path = (ctx.Request.Path.Value ?? "").TrimEnd('/');
        var m = ctx.Request.Method;
        var seg = path.Split('/', StringSplitOptions.RemoveEmptyEntries); // ["__emulator", ...]
        string a = seg.Length > 1 ? seg[1] : "", b = seg.Length > 2 ? seg[2] : null, c = seg.Length > 3 ? seg[3] : null;
        try
        {
            switch (a)
            {
                case "health" or "" when HttpMethods.IsGet(m):
                    await Ok(ctx, new { ok = true, generation = S.Library.Snapshot.Generation, items = S.Library.Items.Count });
                    return;
                case "options" when HttpMethods.IsGet(m):
                    await Ok(ctx, S.Options);
                    return;
                case "reset" when HttpMethods.IsPost(m):
                {
                    var body = await Body(ctx);
                    var o = body.ValueKind == JsonValueKind.Object ? body.Deserialize<EmulatorOptions>(ControlJson.Options) : new EmulatorOptions();
                    S.Reset(o);
                    _hashes.Clear();
                    var snap = S.Library.Snapshot;
                    await Ok(ctx, new { ok = true, generation = snap.Generation, items = snap.Items.Count, albums = snap.Albums.Count });
                    return;
                }
                case "items" when HttpMethods.IsGet(m) && b == null:
                {
                    bool hashes = ctx.Request.Query["sha256"] != "false";
                    var snap = S.Library.Snapshot;
                    var albumsOf = AlbumsOf(snap);
                    await Ok(ctx, new { items = snap.Ordered.Select(i => Facts(i, snap, albumsOf, hashes)).ToList() });
                    return;
                }
                case "items" when HttpMethods.IsPost(m) && b == null:
                {
                    var body = await Body(ctx);
                    var specs = ParseItems(body);
                    IReadOnlyList<MediaItemRecord> created;
                    try { created = S.Library.AddItems(specs); }
                    catch (ArgumentException e) { throw new BadRequest(e.Message); }
                    var snap = S.Library.Snapshot;
                    var albumsOf = AlbumsOf(snap);
                    bool hashes = ctx.Request.Query["sha256"] != "false";
                    await Ok(ctx, new { items = created.Select(i => Facts(snap.Get(i.Id), snap, albumsOf, hashes)).ToList() });
                    return;
                }
                case "albums" when HttpMethods.IsGet(m):
                {
                    var snap = S.Library.Snapshot;
                    await Ok(ctx, new { albums = snap.Albums.Select(x => new { id = x.Id, title = x.Title, appCreated = x.AppCreated, mediaItemIds = x.ItemIds, coverPhotoMediaItemId = x.CoverItemId }).ToList() });
                    return;
                }
                case "albums" when HttpMethods.IsPost(m):
                {
                    var body = await Body(ctx);
                    string title = Str(body, "title") ?? "Album";
                    var ids = body.ValueKind == JsonValueKind.Object && body.TryGetProperty("mediaItemIds", out var idsEl) && idsEl.ValueKind == JsonValueKind.Array
                        ? idsEl.EnumerateArray().Select(x => x.GetString()).ToArray() : Array.Empty<string>();
                    bool app = !(body.ValueKind == JsonValueKind.Object && body.TryGetProperty("appCreated", out var ac) && ac.ValueKind == JsonValueKind.False);
                    AlbumRecord album;
                    try { album = S.Library.AddAlbum(title, ids, app, Str(body, "id")); }
                    catch (ArgumentException e) { throw new BadRequest(e.Message); }
                    await Ok(ctx, new { id = album.Id, title = album.Title, appCreated = album.AppCreated, mediaItemIds = album.ItemIds, coverPhotoMediaItemId = album.CoverItemId });
                    return;
                }
                case "media" when b != null && (HttpMethods.IsGet(m) || HttpMethods.IsHead(m)):
                {
                    var item = S.Library.Get(Uri.UnescapeDataString(b));
                    string variant = ctx.Request.Query["variant"].ToString() is { Length: > 0 } v ? v : "d";
                    var vr = VariantRequest.Parse(variant);
                    var r = item != null && vr is { } vv ? MediaFactory.Resolve(item, vv) : null;
                    if (r is not { } res) { await Respond.PlainStatus(ctx, 404); return; }
                    await _media.Stream(ctx, res.Blob, res.ContentType, null, count: false);
                    return;
                }
                case "tokens" when b == "expire" && HttpMethods.IsPost(m):
                    S.Tokens.ExpireAll();
                    await Ok(ctx, new { ok = true });
                    return;
                case "tokens" when b == null && HttpMethods.IsPost(m):
                {
                    var body = await Body(ctx);
                    var scopes = body.ValueKind == JsonValueKind.Object && body.TryGetProperty("scopes", out var sc) && sc.ValueKind == JsonValueKind.Array
                        ? sc.EnumerateArray().Select(x => x.GetString()).ToArray()
                        : new[] { Scopes.ReadonlyAppCreatedData, Scopes.Picker };
                    int? exp = body.ValueKind == JsonValueKind.Object && body.TryGetProperty("expiresInSeconds", out var e) && e.ValueKind == JsonValueKind.Number ? e.GetInt32() : null;
                    var (at, rt) = S.Tokens.Mint(scopes, exp);
                    S.Tokens.Check(at, out var info);
                    await Ok(ctx, new { accessToken = at, refreshToken = rt, expiresIn = exp ?? S.Tokens.AccessTokenLifetimeSeconds, scope = string.Join(' ', info.Scopes) });
                    return;
                }
                case "clock" when HttpMethods.IsGet(m):
                    await Ok(ctx, ClockJson());
                    return;
                case "clock" when HttpMethods.IsPost(m):
                {
                    var body = await Body(ctx);
                    double adv = body.ValueKind == JsonValueKind.Object && body.TryGetProperty("advanceSeconds", out var x) && x.ValueKind == JsonValueKind.Number ? x.GetDouble() : 0;
                    S.Clock.Advance(TimeSpan.FromSeconds(adv));
                    await Ok(ctx, ClockJson());
                    return;
                }
                case "oauth" when HttpMethods.IsPost(m):
                {
                    var body = await Body(ctx);
                    try { S.OAuthMode = Str(body, "mode") ?? "normal"; }
                    catch (ArgumentException e) { throw new BadRequest(e.Message); }
                    await Ok(ctx, new { mode = S.OAuthMode });
                    return;
                }
                case "oauth" when HttpMethods.IsGet(m):
                    await Ok(ctx, new { mode = S.OAuthMode });
                    return;
                case "sessions" when HttpMethods.IsGet(m):
                    await Ok(ctx, new { sessions = S.Picker.Sessions.Select(SessionJson).ToList() });
                    return;
                case "picker" when b != null && c == "pick" && HttpMethods.IsPost(m):
                    await Pick(ctx, b);
                    return;
                case "picker" when b != null && c == "done" && HttpMethods.IsPost(m):
                    await PickForm(ctx, b);
                    return;
                case "picker" when b != null && (c == null || c == "autoclose") && HttpMethods.IsGet(m):
                    await PickerPage(ctx, b, c == "autoclose");
                    return;
                case "faults" when HttpMethods.IsPost(m):
                {
                    var body = await Body(ctx);
                    var rules = body.ValueKind == JsonValueKind.Object && body.TryGetProperty("rules", out var r) ? r.Deserialize<FaultRule[]>(ControlJson.Options)
                        : body.ValueKind == JsonValueKind.Array ? body.Deserialize<FaultRule[]>(ControlJson.Options)
                        : throw new BadRequest("Expected {\"rules\":[...]}.");
                    try { S.Faults.Add(rules ?? Array.Empty<FaultRule>()); }
                    catch (ArgumentException e) { throw new BadRequest(e.Message); }
                    await Ok(ctx, FaultsJson());
                    return;
                }
                case "faults" when HttpMethods.IsGet(m):
                    await Ok(ctx, FaultsJson());
                    return;
                case "faults" when HttpMethods.IsDelete(m):
                    S.Faults.Clear();
                    await Ok(ctx, FaultsJson());
                    return;
                case "random-faults" when HttpMethods.IsPost(m):
                {
                    var body = await Body(ctx);
                    int seed = body.ValueKind == JsonValueKind.Object && body.TryGetProperty("seed", out var sd) && sd.ValueKind == JsonValueKind.Number ? sd.GetInt32() : 1;
                    double p = body.ValueKind == JsonValueKind.Object && body.TryGetProperty("probability", out var pr) && pr.ValueKind == JsonValueKind.Number ? pr.GetDouble() : 0.1;
                    var kinds = body.ValueKind == JsonValueKind.Object && body.TryGetProperty("kinds", out var k) && k.ValueKind == JsonValueKind.Array ? k.EnumerateArray().Select(x => x.GetString()).ToArray() : null;
                    var targets = body.ValueKind == JsonValueKind.Object && body.TryGetProperty("targets", out var t) && t.ValueKind == JsonValueKind.Array ? t.EnumerateArray().Select(x => x.GetString()).ToArray() : null;
                    try { S.Faults.SetRandom(seed, p, kinds, targets); }
                    catch (ArgumentException e) { throw new BadRequest(e.Message); }
                    await Ok(ctx, new { ok = true, seed, probability = p, kinds, targets });
                    return;
                }
                case "random-faults" when HttpMethods.IsDelete(m):
                    S.Faults.ClearRandom();
                    await Ok(ctx, new { ok = true });
                    return;
                case "latency" when HttpMethods.IsPost(m):
                {
                    var body = await Body(ctx);
                    double ms = body.ValueKind == JsonValueKind.Object && body.TryGetProperty("ms", out var x) && x.ValueKind == JsonValueKind.Number ? x.GetDouble() : 0;
                    S.Latency = TimeSpan.FromMilliseconds(ms);
                    await Ok(ctx, new { ms = S.Latency.TotalMilliseconds });
                    return;
                }
                case "latency" when HttpMethods.IsGet(m):
                    await Ok(ctx, new { ms = S.Latency.TotalMilliseconds });
                    return;
                case "counters" when HttpMethods.IsGet(m):
                    await Ok(ctx, CountersJson());
                    return;
                case "counters" when HttpMethods.IsDelete(m):
                    S.Counters.Clear();
                    await Ok(ctx, CountersJson());
                    return;
            }
            await Respond.Json(ctx, 404, new { error = $"No control endpoint {m} {path}. See src/GPhotos.Emulator/README.md." });
        }
        catch (BadRequest e)
        {
            await Respond.Json(ctx, 400, new { error = e.Message });
        }
        catch (JsonException e)
        {
            await Respond.Json(ctx, 400, new { error = "Invalid JSON: " + e.Message });
        }
    }

    private static Task Ok(HttpContext ctx, object value) => Respond.Json(ctx, 200, value);

    private static async Task<JsonElement> Body(HttpContext ctx)
    {
        using var ms = new MemoryStream();
        await ctx.Request.Body.CopyToAsync(ms, ctx.RequestAborted);
        if (ms.Length == 0) return default;
        return JsonDocument.Parse(ms.ToArray(), new JsonDocumentOptions { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip }).RootElement;
    }

    private static string Str(JsonElement e, string name) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    private object ClockJson() => new { now = Respond.Timestamp(S.Clock.UtcNow), offsetSeconds = S.Clock.Offset.TotalSeconds };

    private object FaultsJson() => new
    {
        pending = S.Faults.Pending.Select(p => new { target = p.Rule.Target, kind = p.Rule.Kind, remaining = p.Remaining, retryAfterSeconds = p.Rule.RetryAfterSeconds, retryAfter = p.Rule.RetryAfter, status = p.Rule.Status, delayMs = p.Rule.DelayMs, itemId = p.Rule.ItemId }).ToList(),
    };

    private object CountersJson()
    {
        var requests = new SortedDictionary<string, long>(StringComparer.Ordinal);
        foreach (var n in EmulatorCounters.RequestNames) requests[n] = 0;
        foreach (var kv in S.Counters.Requests) requests[kv.Key] = kv.Value;
        var auth = new SortedDictionary<string, long>(StringComparer.Ordinal) { ["library"] = 0, ["picker"] = 0, ["media"] = 0, ["oauth"] = 0, ["foreign"] = 0 };
        foreach (var kv in S.Counters.AuthorizationHeaders) auth[kv.Key] = kv.Value;
        return new
        {
            requests,
            mediaBytesServed = S.Counters.MediaBytesServed,
            mediaRequestsByItem = new SortedDictionary<string, long>(S.Counters.MediaRequestsByItem, StringComparer.Ordinal),
            faultsInjected = new SortedDictionary<string, long>(S.Counters.FaultsInjected, StringComparer.Ordinal),
            authorizationHeaders = auth,
        };
    }

    private object SessionJson(PickerSession s) => new
    {
        id = s.Id,
        mediaItemsSet = s.MediaItemsSet,
        pickedCount = s.PickedIds.Count,
        maxItemCount = s.MaxItemCount,
        createTime = Respond.Timestamp(s.CreateTime),
        expireTime = Respond.Timestamp(s.ExpireTime),
        expired = S.Picker.IsExpired(s),
        requestId = s.RequestId,
    };

    private static Dictionary<string, List<string>> AlbumsOf(LibrarySnapshot snap)
    {
        var d = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        foreach (var a in snap.Albums)
            foreach (var id in a.ItemIds)
            {
                if (!d.TryGetValue(id, out var l)) d[id] = l = new List<string>();
                l.Add(a.Id);
            }
        return d;
    }

    private (long? Size, string Sha) Variant(MediaItemRecord it, LibrarySnapshot snap, string variant, bool hash)
    {
        var r = MediaFactory.Resolve(it, VariantRequest.Parse(variant)!.Value);
        if (r is not { } res) return (null, null);
        if (!hash) return (res.Blob.Length, null);
        var sha = _hashes.GetOrAdd((snap.Generation, it.Index, variant), _ => res.Blob.Sha256Hex());
        return (res.Blob.Length, sha);
    }

    /// <summary>An item with the facts Google hides (size, checksums, app-created...).</summary>
    private object Facts(MediaItemRecord it, LibrarySnapshot snap, Dictionary<string, List<string>> albumsOf, bool hashes)
    {
        var d = Variant(it, snap, "d", hashes);
        var dv = Variant(it, snap, "dv", hashes);
        return new
        {
            id = it.Id,
            filename = it.Filename,
            mimeType = it.MimeType,
            type = it.IsVideo ? "VIDEO" : "PHOTO",
            status = it.IsVideo ? ApiContext.StatusName(it.Status) : null,
            motion = it.Motion,
            appCreated = it.AppCreated,
            favorite = it.Favorite,
            archived = it.Archived,
            creationTime = it.CaptureTime is { } ct ? Respond.Timestamp(ct) : null,
            uploadTime = Respond.Timestamp(it.UploadTime),
            width = it.Width,
            height = it.Height,
            cameraMake = it.CameraMake,
            cameraModel = it.CameraModel,
            description = it.Description,
            albumIds = albumsOf.TryGetValue(it.Id, out var l) ? l : new List<string>(),
            categories = it.Categories,
            size = it.IsVideo ? (it.Status == VideoStatus.Ready ? dv.Size : null) : d.Size,
            sizeD = d.Size,
            sizeDv = dv.Size,
            sha256D = d.Sha,
            sha256Dv = dv.Sha,
            dvContentType = dv.Size == null ? null : it.IsVideo && it.Status != VideoStatus.Ready ? "image/jpeg" : "video/mp4",
        };
    }

    private static List<MediaItemSpec> ParseItems(JsonElement body)
    {
        JsonElement arr = body.ValueKind == JsonValueKind.Array ? body
            : body.ValueKind == JsonValueKind.Object && body.TryGetProperty("items", out var x) && x.ValueKind == JsonValueKind.Array ? x
            : throw new BadRequest("Expected {\"items\":[...]}.");
        var list = new List<MediaItemSpec>();
        foreach (var e in arr.EnumerateArray())
        {
            if (e.ValueKind != JsonValueKind.Object) throw new BadRequest("Each item must be an object.");
            var s = new MediaItemSpec();
            foreach (var p in e.EnumerateObject())
            {
                var v = p.Value;
                bool isNull = v.ValueKind == JsonValueKind.Null;
                switch (p.Name)
                {
                    case "id": s.Id = isNull ? null : v.GetString(); break;
                    case "filename": s.Filename = isNull ? null : v.GetString(); break;
                    case "mimeType": s.MimeType = isNull ? null : v.GetString(); break;
                    case "type": s.Type = isNull ? null : v.GetString(); break;
                    case "status": s.Status = isNull ? null : v.GetString(); break;
                    case "motion": s.Motion = v.ValueKind == JsonValueKind.True; break;
                    case "appCreated": s.AppCreated = v.ValueKind != JsonValueKind.False; break;
                    case "creationTime":
                        if (isNull) s.NoCaptureDate = true;
                        else if (DateTimeOffset.TryParse(v.GetString(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var t)) s.CreationTime = t;
                        else throw new BadRequest($"Invalid creationTime '{v.GetString()}'.");
                        break;
                    case "width": s.Width = isNull ? null : v.GetInt32(); break;
                    case "height": s.Height = isNull ? null : v.GetInt32(); break;
                    case "cameraMake": s.CameraMake = isNull ? null : v.GetString(); break;
                    case "cameraModel": s.CameraModel = isNull ? null : v.GetString(); break;
                    case "focalLength": s.FocalLength = isNull ? null : v.GetDouble(); break;
                    case "apertureFNumber": s.ApertureFNumber = isNull ? null : v.GetDouble(); break;
                    case "isoEquivalent": s.IsoEquivalent = isNull ? null : v.GetInt32(); break;
                    case "exposureTime": s.ExposureTime = isNull ? null : v.ValueKind == JsonValueKind.String ? ParseDuration(v.GetString()) : v.GetDouble(); break;
                    case "fps": s.Fps = isNull ? null : v.GetDouble(); break;
                    case "description": s.Description = isNull ? null : v.GetString(); break;
                    case "favorite": s.Favorite = v.ValueKind == JsonValueKind.True; break;
                    case "archived": s.Archived = v.ValueKind == JsonValueKind.True; break;
                    case "albumIds": s.AlbumIds = isNull ? null : v.EnumerateArray().Select(a => a.GetString()).ToArray(); break;
                    case "categories": s.Categories = isNull ? null : v.EnumerateArray().Select(a => a.GetString()).ToArray(); break;
                    case "size": s.Size = isNull ? null : v.GetInt64(); break;
                    case "motionVideoSize": s.MotionVideoSize = isNull ? null : v.GetInt64(); break;
                    default: throw new BadRequest($"Unknown item field '{p.Name}'.");
                }
            }
            list.Add(s);
        }
        return list;
    }

    private static double ParseDuration(string s)
    {
        s = s.Trim();
        if (s.EndsWith('s')) s = s[..^1];
        if (s.Contains('/'))
        {
            var parts = s.Split('/');
            return double.Parse(parts[0], CultureInfo.InvariantCulture) / double.Parse(parts[1], CultureInfo.InvariantCulture);
        }
        return double.Parse(s, CultureInfo.InvariantCulture);
    }

    // ------------------------------------------------------------ picker (the user's side)

    private async Task Pick(HttpContext ctx, string sessionId)
    {
        var s = S.Picker.Get(sessionId);
        if (s == null) { await Respond.Json(ctx, 404, new { error = "Unknown session " + sessionId }); return; }
        var body = await Body(ctx);
        var snap = S.Library.Snapshot;
        List<string> ids;
        if (body.ValueKind == JsonValueKind.Object && body.TryGetProperty("mediaItemIds", out var idsEl) && idsEl.ValueKind == JsonValueKind.Array)
        {
            ids = idsEl.EnumerateArray().Select(x => x.GetString()).ToList();
            var unknown = ids.FirstOrDefault(i => snap.Get(i) == null);
            if (unknown != null) throw new BadRequest("Unknown media item id " + unknown);
            ids = ids.Distinct(StringComparer.Ordinal).ToList();
        }
        else
        {
            int count = body.ValueKind == JsonValueKind.Object && body.TryGetProperty("count", out var cEl) && cEl.ValueKind == JsonValueKind.Number ? cEl.GetInt32() : Math.Min(s.MaxItemCount, snap.Ordered.Count);
            ids = snap.Ordered.Take(Math.Max(0, count)).Select(i => i.Id).ToList();
        }
        if (ids.Count > s.MaxItemCount) throw new BadRequest($"The session allows at most {s.MaxItemCount} items (pickingConfig.maxItemCount).");
        S.Picker.SetPicked(s, ids);
        await Ok(ctx, SessionJson(s));
    }

    private async Task PickForm(HttpContext ctx, string sessionId)
    {
        var s = S.Picker.Get(sessionId);
        if (s == null) { await Respond.PlainStatus(ctx, 404); return; }
        var form = await ctx.Request.ReadFormAsync(ctx.RequestAborted);
        var snap = S.Library.Snapshot;
        var ids = form["id"].Where(i => i != null && snap.Get(i) != null).Select(i => i!).Distinct().Take(s.MaxItemCount).ToList();
        S.Picker.SetPicked(s, ids);
        await Respond.Plain(ctx, 200, $"<!DOCTYPE html><html><head><meta charset=utf-8><title>Done</title></head><body><h1>Done</h1><p>{ids.Count} item(s) picked. You can close this window.</p><script>window.close()</script></body></html>");
    }

    private async Task PickerPage(HttpContext ctx, string sessionId, bool autoclose)
    {
        var s = S.Picker.Get(sessionId);
        if (s == null || S.Picker.IsExpired(s)) { await Respond.PlainStatus(ctx, 404); return; }
        var snap = S.Library.Snapshot;
        var sb = new StringBuilder();
        sb.Append("<!DOCTYPE html><html><head><meta charset=utf-8><title>Google Photos Picker (emulator)</title></head><body>");
        sb.Append("<h1>Select photos</h1><form method=post action=\"/__emulator/picker/").Append(WebUtility.HtmlEncode(s.Id)).Append("/done\">");
        sb.Append("<p><button type=submit>Done</button> (at most ").Append(s.MaxItemCount).Append(" items)</p><ul>");
        foreach (var it in snap.Ordered.Take(500))
            sb.Append("<li><label><input type=checkbox name=id value=\"").Append(WebUtility.HtmlEncode(it.Id)).Append("\"> ")
              .Append(WebUtility.HtmlEncode(it.Filename)).Append(" (").Append(it.IsVideo ? "video" : "photo").Append(")</label></li>");
        sb.Append("</ul><p><button type=submit>Done</button></p></form></body></html>");
        await Respond.Plain(ctx, 200, sb.ToString());
    }
}
