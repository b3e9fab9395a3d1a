using System.Globalization;
using GPhotos.Emulator.Media;
using Microsoft.AspNetCore.Http;

namespace GPhotos.Emulator.Http;

/// <summary>Base URLs (lh3.googleusercontent.com stand-in): /lh3/{opaque}[=d|=dv|=wW-hH[-c][-no]].</summary>
internal sealed class MediaApi
{
    private const int ChunkSize = 256 * 1024;
    private readonly ApiContext _api;

    public MediaApi(ApiContext api) => _api = api;
    private EmulatorState S => _api.S;

    internal static (string Token, string Suffix) Split(string rest)
    {
        int eq = rest.IndexOf('=');
        return eq < 0 ? (rest, null) : (rest[..eq], rest[(eq + 1)..]);
    }

    /// <summary>The item a base URL points at (for fault rules with an itemId), or null.</summary>
    public string PeekItemId(string rest)
    {
        var t = S.ReadBaseUrlToken(Split(rest).Token);
        if (t is not { } tok) return null;
        var snap = S.Library.Snapshot;
        return tok.Generation == snap.Generation && tok.ItemIndex >= 0 && tok.ItemIndex < snap.Items.Count ? snap.Items[tok.ItemIndex].Id : null;
    }

    public async Task Serve(HttpContext ctx, string rest, FaultRule fault)
    {
        if (!HttpMethods.IsGet(ctx.Request.Method) && !HttpMethods.IsHead(ctx.Request.Method))
        {
            await Respond.PlainStatus(ctx, 405);
            return;
        }
        var (tokenText, suffix) = Split(rest);
        var snap = S.Library.Snapshot;
        if (S.ReadBaseUrlToken(tokenText) is not { } tok || tok.Generation != snap.Generation || tok.ItemIndex < 0 || tok.ItemIndex >= snap.Items.Count)
        {
            await Respond.PlainStatus(ctx, 404);
            return;
        }
        var item = snap.Items[tok.ItemIndex];
        S.Counters.MediaRequest(item.Id);

        if (tok.Kind == EmulatorState.BaseUrlPicker)
        {
            // Picker base URLs need the bearer token, and die with their session.
            if (S.Tokens.Check(ApiContext.Bearer(ctx), out var at) != TokenStatus.Valid || !at.HasScope(Scopes.Picker))
            {
                await Respond.PlainStatus(ctx, 403);
                return;
            }
            var session = S.Picker.GetByNumber(tok.SessionNumber);
            if (session == null || S.Picker.IsExpired(session))
            {
                await Respond.PlainStatus(ctx, 403);
                return;
            }
        }
        if (S.Clock.UtcNow >= tok.IssuedAt.AddMinutes(S.Options.BaseUrlLifetimeMinutes))
        {
            await Respond.PlainStatus(ctx, 403);
            return;
        }

        var variant = VariantRequest.Parse(suffix);
        var resolved = variant is { } v ? MediaFactory.Resolve(item, v) : null;
        if (resolved is not { } r)
        {
            await Respond.PlainStatus(ctx, 404);
            return;
        }
        await Stream(ctx, r.Blob, r.ContentType, fault);
    }

    /// <summary>Streams a blob with Content-Length, HEAD and single byte-range support, applying drop/truncate/slow faults.</summary>
    internal async Task Stream(HttpContext ctx, Blob blob, string contentType, FaultRule fault, bool count = true)
    {
        long total = blob.Length, start = 0, length = total;
        var res = ctx.Response;
        res.Headers["Accept-Ranges"] = "bytes";
        res.Headers.CacheControl = "private, max-age=86400, no-transform";
        string range = ctx.Request.Headers.Range;
        if (!string.IsNullOrEmpty(range) && TryRange(range, total, out long rs, out long re))
        {
            if (rs < 0)
            {
                res.StatusCode = 416;
                res.Headers["Content-Range"] = "bytes */" + total.ToString(CultureInfo.InvariantCulture);
                res.ContentLength = 0;
                return;
            }
            start = rs;
            length = re - rs + 1;
            res.StatusCode = 206;
            res.Headers["Content-Range"] = $"bytes {rs}-{re}/{total}";
        }
        else res.StatusCode = 200;
        res.ContentType = contentType;
        res.ContentLength = length;
        if (HttpMethods.IsHead(ctx.Request.Method)) return;

        long stopAt = length;
        bool abort = false;
        int stallMs = 0;
        switch (fault?.Kind)
        {
            case "drop": stopAt = length / 2; abort = true; break;
            case "truncate": stopAt = Math.Max(0, length - Math.Max(1, Math.Min(length / 10, 64 * 1024))); abort = true; break;
            case "slow": stallMs = fault.DelayMs ?? 1000; break;
        }

        try
        {
            await res.StartAsync(ctx.RequestAborted);
            // Fill Kestrel's own buffers directly (no intermediate copy).
            var writer = res.BodyWriter;
            long sent = 0;
            bool first = true;
            while (sent < stopAt)
            {
                int want = (int)Math.Min(first && stallMs > 0 ? Math.Max(1, Math.Min(64 * 1024, stopAt / 2)) : ChunkSize, stopAt - sent);
                var mem = writer.GetMemory(want);
                int n = Math.Min(want, mem.Length);
                blob.Fill(start + sent, mem.Span[..n]);
                writer.Advance(n);
                sent += n;
                if (count) S.Counters.MediaBytes(n);
                var flush = await writer.FlushAsync(ctx.RequestAborted);
                if (flush.IsCanceled || flush.IsCompleted) break;
                if (first && stallMs > 0) await Task.Delay(stallMs, ctx.RequestAborted);
                first = false;
            }
            if (abort)
            {
                await Task.Delay(20);
                ctx.Abort();
            }
        }
        catch (OperationCanceledException) { }
        catch (IOException) { }
    }

    /// <summary>Parses a single "bytes=a-b" range. Returns false to ignore the header, rs = -1 when unsatisfiable.</summary>
    private static bool TryRange(string header, long total, out long rs, out long re)
    {
        rs = re = 0;
        if (!header.StartsWith("bytes=", StringComparison.OrdinalIgnoreCase) || header.Contains(',')) return false;
        var spec = header[6..].Trim();
        int dash = spec.IndexOf('-');
        if (dash < 0) return false;
        var a = spec[..dash].Trim();
        var b = spec[(dash + 1)..].Trim();
        if (a.Length == 0)
        {
            if (!long.TryParse(b, NumberStyles.None, CultureInfo.InvariantCulture, out var suffix)) return false;
            if (suffix == 0 || total == 0) { rs = -1; return true; }
            rs = Math.Max(0, total - suffix);
            re = total - 1;
            return true;
        }
        if (!long.TryParse(a, NumberStyles.None, CultureInfo.InvariantCulture, out rs)) return false;
        if (b.Length == 0) re = total - 1;
        else if (!long.TryParse(b, NumberStyles.None, CultureInfo.InvariantCulture, out re)) return false;
        if (re < rs) return false;
        if (rs >= total) { rs = -1; return true; }
        re = Math.Min(re, total - 1);
        return true;
    }
}
