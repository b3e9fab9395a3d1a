using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace GPhotos.Emulator.Http;

/// <summary>Response helpers: Google's JSON error envelope, proto3 JSON formatting, plain errors.</summary>
internal static class Respond
{
    public const string JsonType = "application/json; charset=UTF-8";

    private static readonly JsonWriterOptions WriterOptions = new() { Indented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static async Task Json(HttpContext ctx, int status, Action<Utf8JsonWriter> write)
    {
        var buffer = new ArrayBufferWriter<byte>(4096);
        using (var w = new Utf8JsonWriter(buffer, WriterOptions)) write(w);
        ctx.Response.StatusCode = status;
        ctx.Response.ContentType = JsonType;
        ctx.Response.ContentLength = buffer.WrittenCount;
        if (!HttpMethods.IsHead(ctx.Request.Method)) await ctx.Response.Body.WriteAsync(buffer.WrittenMemory, ctx.RequestAborted);
    }

    public static Task Json(HttpContext ctx, int status, object value) =>
        Json(ctx, status, w => JsonSerializer.Serialize(w, value, ControlJson.Options));

    /// <summary>Google's error envelope: {"error":{"code","message","status","details"?}}.</summary>
    public static Task Error(HttpContext ctx, int code, string status, string message, Action<Utf8JsonWriter> details = null, int? retryAfter = null)
    {
        if (code == 401) ctx.Response.Headers["WWW-Authenticate"] = "Bearer realm=\"https://accounts.google.com/\", error=\"invalid_token\"";
        if (retryAfter is int ra) ctx.Response.Headers["Retry-After"] = ra.ToString(CultureInfo.InvariantCulture);
        return Json(ctx, code, w =>
        {
            w.WriteStartObject();
            w.WriteStartObject("error");
            w.WriteNumber("code", code);
            w.WriteString("message", message);
            w.WriteString("status", status);
            if (details != null)
            {
                w.WritePropertyName("details");
                w.WriteStartArray();
                details(w);
                w.WriteEndArray();
            }
            w.WriteEndObject();
            w.WriteEndObject();
        });
    }

    public static Task InvalidArgument(HttpContext ctx, string message = "Request contains an invalid argument.") =>
        Error(ctx, 400, "INVALID_ARGUMENT", message);

    public static Task NotFound(HttpContext ctx, string message = "Requested entity was not found.") =>
        Error(ctx, 404, "NOT_FOUND", message);

    public const string UnauthenticatedMessage =
        "Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential. See https://developers.google.com/identity/sign-in/web/devconsole-project.";

    public const string InsufficientScopes = "Request had insufficient authentication scopes.";

    public static Task Unauthenticated(HttpContext ctx) => Error(ctx, 401, "UNAUTHENTICATED", UnauthenticatedMessage);

    public static Task InsufficientScopesError(HttpContext ctx) =>
        Error(ctx, 403, "PERMISSION_DENIED", InsufficientScopes, w =>
        {
            w.WriteStartObject();
            w.WriteString("@type", "type.googleapis.com/google.rpc.ErrorInfo");
            w.WriteString("reason", "ACCESS_TOKEN_SCOPE_INSUFFICIENT");
            w.WriteString("domain", "googleapis.com");
            w.WriteEndObject();
        });

    /// <summary>Plain-text error, the way base URLs (googleusercontent) fail: no JSON envelope.</summary>
    public static async Task Plain(HttpContext ctx, int status, string text)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        ctx.Response.StatusCode = status;
        ctx.Response.ContentType = "text/html; charset=UTF-8";
        ctx.Response.ContentLength = bytes.Length;
        if (!HttpMethods.IsHead(ctx.Request.Method)) await ctx.Response.Body.WriteAsync(bytes, ctx.RequestAborted);
    }

    public static Task PlainStatus(HttpContext ctx, int status) => Plain(ctx, status, status switch
    {
        403 => "<html><head><title>Error 403 (Forbidden)!!1</title></head><body><p><b>403.</b> That’s an error.</p><p>Your client does not have permission to get URL from this server. That’s all we know.</p></body></html>",
        404 => "<html><head><title>Error 404 (Not Found)!!1</title></head><body><p><b>404.</b> That’s an error.</p><p>The requested URL was not found on this server. That’s all we know.</p></body></html>",
        _ => $"<html><body><p><b>{status}.</b> That’s an error.</p></body></html>",
    });

    // ------------------------------------------------------------ proto3 JSON formatting

    /// <summary>RFC 3339 UTC with "Z" and 0, 3, 6 or 9 fractional digits (proto3 Timestamp).</summary>
    public static string Timestamp(DateTimeOffset t)
    {
        var u = t.UtcDateTime;
        long fracTicks = u.Ticks % TimeSpan.TicksPerSecond;
        string head = u.ToString("yyyy-MM-dd'T'HH:mm:ss", CultureInfo.InvariantCulture);
        if (fracTicks == 0) return head + "Z";
        long nanos = fracTicks * 100;
        if (nanos % 1_000_000 == 0) return head + "." + (nanos / 1_000_000).ToString("000", CultureInfo.InvariantCulture) + "Z";
        if (nanos % 1_000 == 0) return head + "." + (nanos / 1_000).ToString("000000", CultureInfo.InvariantCulture) + "Z";
        return head + "." + nanos.ToString("000000000", CultureInfo.InvariantCulture) + "Z";
    }

    /// <summary>proto3 Duration: "0.008s", "5s", "1.500s".</summary>
    public static string Duration(double seconds)
    {
        long totalNanos = (long)Math.Round(seconds * 1e9);
        long whole = totalNanos / 1_000_000_000, nanos = Math.Abs(totalNanos % 1_000_000_000);
        string sign = totalNanos < 0 && whole == 0 ? "-" : "";
        string w = sign + whole.ToString(CultureInfo.InvariantCulture);
        if (nanos == 0) return w + "s";
        if (nanos % 1_000_000 == 0) return w + "." + (nanos / 1_000_000).ToString("000", CultureInfo.InvariantCulture) + "s";
        if (nanos % 1_000 == 0) return w + "." + (nanos / 1_000).ToString("000000", CultureInfo.InvariantCulture) + "s";
        return w + "." + nanos.ToString("000000000", CultureInfo.InvariantCulture) + "s";
    }

    public static string Int64(long v) => v.ToString(CultureInfo.InvariantCulture);
}

internal static class ControlJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        AllowTrailingCommas = true,
        NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowReadingFromString,
    };
}
