using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace GPhotos.Emulator.Http;

internal enum ApiKind { Library, Picker }

/// <summary>Shared helpers for the API handlers: bearer tokens, scopes, base URLs, JSON of items.</summary>
internal sealed class ApiContext
{
    public ApiContext(EmulatorState state) => S = state;

    public EmulatorState S { get; }

    public static string Bearer(HttpContext ctx)
    {
        var h = ctx.Request.Headers.Authorization.ToString();
        if (h.Length > 7 && h.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)) return h[7..].Trim();
        var q = ctx.Request.Query["access_token"].ToString();
        return q.Length > 0 ? q : null;
    }

    public static bool HasBearerHeader(HttpContext ctx) =>
        ctx.Request.Headers.Authorization.ToString().StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase);

    /// <summary>Checks the bearer token and its scopes; on failure writes the error and returns null.</summary>
    public async Task<AccessToken> AuthorizeAsync(HttpContext ctx, ApiKind api)
    {
        var status = S.Tokens.Check(Bearer(ctx), out var at);
        if (status != TokenStatus.Valid)
        {
            await Respond.Unauthenticated(ctx);
            return null;
        }
        bool ok;
        if (api == ApiKind.Library)
        {
            bool removed = Scopes.Removed.Any(at.HasScope);
            ok = !removed && (at.HasScope(Scopes.ReadonlyAppCreatedData) || at.HasScope(Scopes.EditAppCreatedData));
        }
        else ok = at.HasScope(Scopes.Picker);
        if (!ok)
        {
            await Respond.InsufficientScopesError(ctx);
            return null;
        }
        return at;
    }

    public static string Origin(HttpContext ctx) => ctx.Request.Scheme + "://" + ctx.Request.Host.Value;

    public string LibraryBaseUrl(HttpContext ctx, MediaItemRecord item, LibrarySnapshot snap) =>
        Origin(ctx) + "/lh3/" + S.MintBaseUrlToken(EmulatorState.BaseUrlLibrary, item, 0, snap.Generation);

    public string PickerBaseUrl(HttpContext ctx, MediaItemRecord item, PickerSession session, LibrarySnapshot snap) =>
        Origin(ctx) + "/lh3/" + S.MintBaseUrlToken(EmulatorState.BaseUrlPicker, item, session.Number, snap.Generation);

    /// <summary>A Library API MediaItem in proto3 JSON (int64 as strings, empty fields omitted).</summary>
    public static void WriteMediaItem(Utf8JsonWriter w, MediaItemRecord it, string baseUrl)
    {
        w.WriteStartObject();
        w.WriteString("id", it.Id);
        if (!string.IsNullOrEmpty(it.Description)) w.WriteString("description", it.Description);
        w.WriteString("productUrl", "https://photos.google.com/lr/photo/" + it.Id);
        w.WriteString("baseUrl", baseUrl);
        w.WriteString("mimeType", it.MimeType);
        w.WriteStartObject("mediaMetadata");
        w.WriteString("creationTime", Respond.Timestamp(it.CreationTime));
        if (it.Width != 0) w.WriteString("width", Respond.Int64(it.Width));
        if (it.Height != 0) w.WriteString("height", Respond.Int64(it.Height));
        if (it.IsVideo)
        {
            w.WriteStartObject("video");
            if (it.CameraMake != null) w.WriteString("cameraMake", it.CameraMake);
            if (it.CameraModel != null) w.WriteString("cameraModel", it.CameraModel);
            if (it.Fps is double fps && fps != 0) w.WriteNumber("fps", fps);
            if (it.Status != VideoStatus.Unspecified) w.WriteString("status", StatusName(it.Status));
            w.WriteEndObject();
        }
        else
        {
            w.WriteStartObject("photo");
            WritePhotoFields(w, it, includeCamera: true);
            w.WriteEndObject();
        }
        w.WriteEndObject();
        w.WriteString("filename", it.Filename);
        w.WriteEndObject();
    }

    private static void WritePhotoFields(Utf8JsonWriter w, MediaItemRecord it, bool includeCamera)
    {
        if (includeCamera && it.CameraMake != null) w.WriteString("cameraMake", it.CameraMake);
        if (includeCamera && it.CameraModel != null) w.WriteString("cameraModel", it.CameraModel);
        if (it.FocalLength is double fl && fl != 0) w.WriteNumber("focalLength", fl);
        if (it.ApertureFNumber is double f && f != 0) w.WriteNumber("apertureFNumber", f);
        if (it.IsoEquivalent is int iso && iso != 0) w.WriteNumber("isoEquivalent", iso);
        if (it.ExposureTime is double et && et != 0) w.WriteString("exposureTime", Respond.Duration(et));
    }

    /// <summary>A Picker API PickedMediaItem (width/height are JSON numbers here).</summary>
    public static void WritePickedItem(Utf8JsonWriter w, MediaItemRecord it, string baseUrl)
    {
        w.WriteStartObject();
        w.WriteString("id", it.Id);
        w.WriteString("createTime", Respond.Timestamp(it.CreationTime));
        w.WriteString("type", it.IsVideo ? "VIDEO" : "PHOTO");
        w.WriteStartObject("mediaFile");
        w.WriteString("baseUrl", baseUrl);
        w.WriteString("mimeType", it.MimeType);
        w.WriteString("filename", it.Filename);
        w.WriteStartObject("mediaFileMetadata");
        if (it.Width != 0) w.WriteNumber("width", it.Width);
        if (it.Height != 0) w.WriteNumber("height", it.Height);
        if (it.CameraMake != null) w.WriteString("cameraMake", it.CameraMake);
        if (it.CameraModel != null) w.WriteString("cameraModel", it.CameraModel);
        if (it.IsVideo)
        {
            w.WriteStartObject("videoMetadata");
            if (it.Fps is double fps && fps != 0) w.WriteNumber("fps", fps);
            if (it.Status != VideoStatus.Unspecified) w.WriteString("processingStatus", StatusName(it.Status));
            w.WriteEndObject();
        }
        else
        {
            w.WriteStartObject("photoMetadata");
            WritePhotoFields(w, it, includeCamera: false);
            w.WriteEndObject();
        }
        w.WriteEndObject();
        w.WriteEndObject();
        w.WriteEndObject();
    }

    public static string StatusName(VideoStatus s) => s switch
    {
        VideoStatus.Processing => "PROCESSING",
        VideoStatus.Ready => "READY",
        VideoStatus.Failed => "FAILED",
        _ => "UNSPECIFIED",
    };

    /// <summary>
    /// Which slice of a list a page shows and where the next page starts (-1: none). "emptyPage": no items but a
    /// nextPageToken for the same offset (Google does send these); "repeatItem": the next page starts one item early,
    /// so its first item repeats this page's last.
    /// </summary>
    public static (int First, int End, int Next) Shape(FaultRule fault, int offset, int pageSize, int count)
    {
        int end = Math.Min(count, offset + pageSize);
        if (fault?.Kind == "emptyPage") return (offset, offset, offset < count ? offset : -1);
        int next = end < count ? end : -1;
        if (fault?.Kind == "repeatItem" && next > offset + 1) next--;
        return (offset, end, next);
    }

    /// <summary>pageSize: missing/0 = default, above max = max, negative or not a number = 400.</summary>
    public static bool TryPageSize(string raw, int def, int max, out int size)
    {
        size = def;
        if (string.IsNullOrEmpty(raw)) return true;
        if (!int.TryParse(raw, System.Globalization.NumberStyles.AllowLeadingSign, System.Globalization.CultureInfo.InvariantCulture, out var v) || v < 0) return false;
        size = v == 0 ? def : Math.Min(v, max);
        return true;
    }
}
