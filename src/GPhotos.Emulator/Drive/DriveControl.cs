using System.Text.Json;
using GPhotos.Emulator.Http;
using Microsoft.AspNetCore.Http;

namespace GPhotos.Emulator.Drive;

/// <summary>The Drive part of the control API, under <c>/__emulator/drive/</c> (see Drive/README.md).</summary>
internal sealed class DriveControl
{
    private readonly DriveStore _drive;

    public DriveControl(DriveStore drive) => _drive = drive;

    public async Task Handle(HttpContext ctx)
    {
        var seg = (ctx.Request.Path.Value ?? "").TrimEnd('/').Split('/', StringSplitOptions.RemoveEmptyEntries); // __emulator, drive, ...
        string a = seg.Length > 2 ? seg[2] : "", b = seg.Length > 3 ? Uri.UnescapeDataString(seg[3]) : null, c = seg.Length > 4 ? seg[4] : null;
        var m = ctx.Request.Method;
        try
        {
            JsonElement body = HttpMethods.IsPost(m) ? await Body(ctx) : default;
            switch (a)
            {
                case "reset" when HttpMethods.IsPost(m):
                    _drive.Reset();
                    await Ok(ctx, new { ok = true });
                    return;
                case "" or "files" when HttpMethods.IsGet(m) && b == null:
                    await Ok(ctx, new { rootId = DriveStore.RootId, maxPageItems = _drive.MaxPageItems, files = _drive.Files.Select(FileJson).ToList() });
                    return;
                case "exports" when HttpMethods.IsGet(m):
                    await Ok(ctx, new { exports = _drive.Exports.Select(ExportJson).ToList() });
                    return;
                case "exports" when HttpMethods.IsPost(m):
                {
                    var export = _drive.AddExport(
                        items: Int(body, "items"), parts: Int(body, "parts") ?? 3, format: Str(body, "format") ?? "zip", seed: Int(body, "seed"),
                        exportTime: Str(body, "exportTime") is string t ? DateTimeOffset.Parse(t, System.Globalization.CultureInfo.InvariantCulture) : null,
                        arrivalInterval: Int(body, "arrivalIntervalSeconds") is int s ? TimeSpan.FromSeconds(s) : null,
                        newItems: Int(body, "newItems"), language: Str(body, "language") ?? "en",
                        photoSize: Int(body, "photoSize") is int ps && ps >= 0 ? ps : null, videoSize: Int(body, "videoSize") is int vs && vs >= 0 ? vs : null);
                    await Ok(ctx, ExportJson(export));
                    return;
                }
                case "files" when b != null && c == "replace" && HttpMethods.IsPost(m):
                {
                    long? flip = Int(body, "flipAt"), truncate = Int(body, "truncateTo");
                    await Ok(ctx, FileJson(_drive.Replace(b, flip, truncate, Int(body, "append"))));
                    return;
                }
                case "files" when b != null && c == null && HttpMethods.IsPost(m):
                    _drive.SetFlags(b, Bool(body, "abusive"), Bool(body, "trashed"));
                    await Ok(ctx, new { ok = true });
                    return;
                case "files" when b != null && c == null && HttpMethods.IsDelete(m):
                    await Ok(ctx, new { ok = _drive.Delete(b) });
                    return;
                case "settings" when HttpMethods.IsPost(m):
                    if (Int(body, "maxPageItems") is int max) _drive.MaxPageItems = max;
                    await Ok(ctx, new { maxPageItems = _drive.MaxPageItems });
                    return;
                case "faults" when HttpMethods.IsPost(m):
                {
                    var rules = body.ValueKind == JsonValueKind.Object && body.TryGetProperty("rules", out var r) ? r.Deserialize<DriveFaultRule[]>(ControlJson.Options)
                        : throw new ArgumentException("Expected {\"rules\":[...]}.");
                    _drive.AddFaults(rules ?? Array.Empty<DriveFaultRule>());
                    await Ok(ctx, FaultsJson());
                    return;
                }
                case "faults" when HttpMethods.IsGet(m):
                    await Ok(ctx, FaultsJson());
                    return;
                case "faults" when HttpMethods.IsDelete(m):
                    _drive.ClearFaults();
                    await Ok(ctx, FaultsJson());
                    return;
                case "counters" when HttpMethods.IsGet(m):
                {
                    var k = _drive.Counters;
                    await Ok(ctx, new { requests = k.Requests, totalRequests = k.TotalRequests, mediaBytesServed = k.MediaBytesServed, mediaRequestsByFile = k.MediaRequestsByFile, faultsInjected = k.FaultsInjected, ranges = k.Ranges.ToArray() });
                    return;
                }
                case "counters" when HttpMethods.IsDelete(m):
                    _drive.Counters.Clear();
                    await Ok(ctx, new { ok = true });
                    return;
            }
            await Respond.Json(ctx, 404, new { error = "Unknown Drive control request " + m + " " + ctx.Request.Path });
        }
        catch (Exception e) when (e is ArgumentException || e is KeyNotFoundException || e is JsonException || e is FormatException)
        {
            await Respond.Json(ctx, e is KeyNotFoundException ? 404 : 400, new { error = e.Message });
        }
    }

    private object FaultsJson() => new { rules = _drive.PendingFaults.Select(r => new { r.Kind, r.Target, r.FileId, remaining = r.Remaining, skip = r.ToSkip, r.RetryAfterSeconds, r.DelayMs }).ToList() };

    private static object FileJson(DriveFileRecord f) => new
    {
        f.Id, f.Name, f.MimeType, parentId = f.ParentId, size = f.IsFolder ? (long?)null : f.Size, md5Checksum = f.Md5, f.CreatedTime, f.ModifiedTime,
        f.Trashed, f.Abusive, f.VisibleFrom, f.Version,
    };

    private static object ExportJson(DriveExport e) => new
    {
        e.ExportTime, e.Seed, e.Items, e.ItemCount, e.Format, e.ManifestPath, e.PhotoSize, e.VideoSize, parts = e.Parts.Select(FileJson).ToList(),
    };

    private static async Task<JsonElement> Body(HttpContext ctx)
    {
        using var buffer = new MemoryStream();
        await ctx.Request.Body.CopyToAsync(buffer, ctx.RequestAborted).ConfigureAwait(false);
        if (buffer.Length == 0) return default;
        using var doc = JsonDocument.Parse(buffer.ToArray());
        return doc.RootElement.Clone();
    }

    private static string Str(JsonElement e, string name) => e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
    private static int? Int(JsonElement e, string name) => e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number ? v.GetInt32() : null;
    private static bool? Bool(JsonElement e, string name) => e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var v) && (v.ValueKind == JsonValueKind.True || v.ValueKind == JsonValueKind.False) ? v.GetBoolean() : null;

    private static Task Ok(HttpContext ctx, object value) => Respond.Json(ctx, 200, value);
}
