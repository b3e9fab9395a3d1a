using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace GPhotos.Emulator.Http;

/// <summary>The Picker API (photospicker.googleapis.com/v1): sessions and picked media items.</summary>
internal sealed class PickerApi
{
    private const byte PagePicker = (byte)'P';
    internal const string TooManySessionsMessage = "Too many active sessions. Delete sessions you no longer need and try again.";
    private readonly ApiContext _api;

    public PickerApi(ApiContext api) => _api = api;
    private EmulatorState S => _api.S;

    // POST /v1/sessions[?requestId=uuid]
    public async Task Create(HttpContext ctx)
    {
        if (await _api.AuthorizeAsync(ctx, ApiKind.Picker) == null) return;
        string requestId = ctx.Request.Query["requestId"];
        if (!string.IsNullOrEmpty(requestId) && !Guid.TryParse(requestId, out _))
        {
            await Respond.InvalidArgument(ctx, "requestId must be a UUID.");
            return;
        }
        int max = 2000;
        try
        {
            using var ms = new MemoryStream();
            await ctx.Request.Body.CopyToAsync(ms, ctx.RequestAborted);
            if (ms.Length > 0)
            {
                using var doc = JsonDocument.Parse(ms.ToArray());
                if (doc.RootElement.ValueKind != JsonValueKind.Object) throw new JsonException("Expected an object.");
                if (doc.RootElement.TryGetProperty("pickingConfig", out var pc) && pc.ValueKind == JsonValueKind.Object
                    && pc.TryGetProperty("maxItemCount", out var mic) && mic.ValueKind != JsonValueKind.Null)
                {
                    long v;
                    if (mic.ValueKind == JsonValueKind.String && long.TryParse(mic.GetString(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out v)) { }
                    else if (mic.ValueKind == JsonValueKind.Number && mic.TryGetInt64(out v)) { }
                    else
                    {
                        await Respond.InvalidArgument(ctx, $"Invalid value at 'session.picking_config.max_item_count' (TYPE_INT64), {mic.GetRawText()}");
                        return;
                    }
                    if (v < 0 || v > 2000)
                    {
                        await Respond.InvalidArgument(ctx, "pickingConfig.maxItemCount must be between 1 and 2000.");
                        return;
                    }
                    if (v > 0) max = (int)v;
                }
            }
        }
        catch (JsonException e)
        {
            await Respond.InvalidArgument(ctx, "Invalid JSON payload received. " + e.Message);
            return;
        }
        var o = S.Options;
        var session = S.Picker.Create(max, string.IsNullOrEmpty(requestId) ? null : requestId, o.SessionLifetimeSeconds, o.MaxLiveSessions, out _);
        if (session == null)
        {
            await Respond.Error(ctx, 429, "RESOURCE_EXHAUSTED", TooManySessionsMessage);
            return;
        }
        await Respond.Json(ctx, 200, w => WriteSession(ctx, w, session));
    }

    private void WriteSession(HttpContext ctx, Utf8JsonWriter w, PickerSession s)
    {
        var o = S.Options;
        w.WriteStartObject();
        w.WriteString("id", s.Id);
        w.WriteString("pickerUri", ApiContext.Origin(ctx) + "/__emulator/picker/" + s.Id);
        if (!s.MediaItemsSet)
        {
            var left = s.CreateTime.AddSeconds(o.PollTimeoutSeconds) - S.Clock.UtcNow;
            w.WriteStartObject("pollingConfig");
            w.WriteString("pollInterval", Respond.Duration(o.PollIntervalSeconds));
            w.WriteString("timeoutIn", Respond.Duration(Math.Max(0, Math.Ceiling(left.TotalSeconds - 0.001))));
            w.WriteEndObject();
        }
        w.WriteString("expireTime", Respond.Timestamp(s.ExpireTime));
        w.WriteStartObject("pickingConfig");
        w.WriteString("maxItemCount", Respond.Int64(s.MaxItemCount));
        w.WriteEndObject();
        w.WriteBoolean("mediaItemsSet", s.MediaItemsSet);
        w.WriteEndObject();
    }

    /// <summary>Finds a live session or writes 404 (unknown/deleted) / 403 (expired).</summary>
    private async Task<PickerSession> Find(HttpContext ctx, string id)
    {
        var s = S.Picker.Get(id);
        if (s == null)
        {
            await Respond.NotFound(ctx, "Session not found.");
            return null;
        }
        if (S.Picker.IsExpired(s))
        {
            await Respond.Error(ctx, 403, "PERMISSION_DENIED", "The session has expired.");
            return null;
        }
        return s;
    }

    // GET /v1/sessions/{id}
    public async Task Get(HttpContext ctx, string id)
    {
        if (await _api.AuthorizeAsync(ctx, ApiKind.Picker) == null) return;
        var s = await Find(ctx, id);
        if (s == null) return;
        await Respond.Json(ctx, 200, w => WriteSession(ctx, w, s));
    }

    // DELETE /v1/sessions/{id}
    public async Task Delete(HttpContext ctx, string id)
    {
        if (await _api.AuthorizeAsync(ctx, ApiKind.Picker) == null) return;
        if (!S.Picker.Delete(id))
        {
            await Respond.NotFound(ctx, "Session not found.");
            return;
        }
        await Respond.Json(ctx, 200, w => { w.WriteStartObject(); w.WriteEndObject(); });
    }

    // GET /v1/mediaItems?sessionId=&pageSize=&pageToken=
    public async Task List(HttpContext ctx, string sessionId, FaultRule fault = null)
    {
        if (await _api.AuthorizeAsync(ctx, ApiKind.Picker) == null) return;
        var s = await Find(ctx, sessionId);
        if (s == null) return;
        if (!s.MediaItemsSet)
        {
            await Respond.Error(ctx, 400, "FAILED_PRECONDITION", "The user has not finished picking media items yet (mediaItemsSet is false).");
            return;
        }
        if (!ApiContext.TryPageSize(ctx.Request.Query["pageSize"], 50, 100, out int pageSize))
        {
            await Respond.InvalidArgument(ctx, $"Invalid value at 'page_size' (TYPE_INT32), \"{ctx.Request.Query["pageSize"]}\"");
            return;
        }
        var snap = S.Library.Snapshot;
        var items = s.PickedIds.Select(snap.Get).Where(i => i != null).ToArray();
        ulong fp = (ulong)s.Number * 0x9E3779B97F4A7C15UL;
        int offset = 0;
        string token = ctx.Request.Query["pageToken"];
        if (!string.IsNullOrEmpty(token) && (offset = S.ReadPageToken(token, PagePicker, fp, snap.Generation)) < 0)
        {
            await Respond.InvalidArgument(ctx);
            return;
        }
        var (first, end, next) = ApiContext.Shape(fault, offset, pageSize, items.Length);
        await Respond.Json(ctx, 200, w =>
        {
            w.WriteStartObject();
            if (end > first)
            {
                w.WriteStartArray("mediaItems");
                for (int i = first; i < end; i++) ApiContext.WritePickedItem(w, items[i], _api.PickerBaseUrl(ctx, items[i], s, snap));
                w.WriteEndArray();
            }
            if (next >= 0) w.WriteString("nextPageToken", S.MintPageToken(PagePicker, fp, snap.Generation, next));
            w.WriteEndObject();
        });
    }
}
