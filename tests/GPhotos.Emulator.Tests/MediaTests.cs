using System.Buffers.Binary;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Xunit;

namespace GPhotos.Emulator.Tests;

public class MediaTests
{
    /// <summary>Walks JPEG segments up to SOS; returns (markers, APP1 payload or null, width, height).</summary>
    internal static (List<byte> Markers, byte[] Exif, int W, int H) ParseJpeg(byte[] b)
    {
        Assert.True(b.Length > 4 && b[0] == 0xFF && b[1] == 0xD8, "not a JPEG (no SOI)");
        Assert.True(b[^2] == 0xFF && b[^1] == 0xD9, "no EOI at the end");
        var markers = new List<byte>();
        byte[] exif = null;
        int w = 0, h = 0, i = 2;
        while (i < b.Length)
        {
            Assert.Equal(0xFF, b[i]);
            while (b[i] == 0xFF) i++; // fill bytes
            byte m = b[i++];
            markers.Add(m);
            int len = (b[i] << 8) | b[i + 1];
            if (m == 0xE1 && Encoding.ASCII.GetString(b, i + 2, 4) == "Exif") exif = b[(i + 8)..(i + len)];
            if (m == 0xC0) { h = (b[i + 3] << 8) | b[i + 4]; w = (b[i + 5] << 8) | b[i + 6]; }
            if (m == 0xDA) break;
            i += len;
        }
        return (markers, exif, w, h);
    }

    /// <summary>Reads the tags of IFD0 and the Exif IFD of a little-endian TIFF.</summary>
    internal static Dictionary<int, object> ExifTags(byte[] tiff)
    {
        Assert.Equal((byte)'I', tiff[0]);
        var tags = new Dictionary<int, object>();
        void Ifd(int off)
        {
            int n = BinaryPrimitives.ReadUInt16LittleEndian(tiff.AsSpan(off));
            for (int k = 0; k < n; k++)
            {
                int e = off + 2 + 12 * k;
                int tag = BinaryPrimitives.ReadUInt16LittleEndian(tiff.AsSpan(e));
                int type = BinaryPrimitives.ReadUInt16LittleEndian(tiff.AsSpan(e + 2));
                int count = (int)BinaryPrimitives.ReadUInt32LittleEndian(tiff.AsSpan(e + 4));
                int valOff = count <= 4 || type != 2 ? e + 8 : (int)BinaryPrimitives.ReadUInt32LittleEndian(tiff.AsSpan(e + 8));
                object v = type switch
                {
                    2 => Encoding.ASCII.GetString(tiff, valOff, count - 1),
                    3 => (object)(int)BinaryPrimitives.ReadUInt16LittleEndian(tiff.AsSpan(e + 8)),
                    4 => (object)(int)BinaryPrimitives.ReadUInt32LittleEndian(tiff.AsSpan(e + 8)),
                    _ => null,
                };
                tags[tag] = v;
                if (tag == 0x8769) Ifd((int)v);
            }
        }
        Ifd((int)BinaryPrimitives.ReadUInt32LittleEndian(tiff.AsSpan(4)));
        return tags;
    }

    internal static List<(string Type, long Size)> Mp4Boxes(byte[] b)
    {
        var boxes = new List<(string, long)>();
        long i = 0;
        while (i < b.Length)
        {
            long size = BinaryPrimitives.ReadUInt32BigEndian(b.AsSpan((int)i));
            string type = Encoding.ASCII.GetString(b, (int)i + 4, 4);
            if (size == 1) size = (long)BinaryPrimitives.ReadUInt64BigEndian(b.AsSpan((int)i + 8));
            Assert.True(size >= 8, "bad box size");
            boxes.Add((type, size));
            i += size;
        }
        Assert.Equal(b.Length, i);
        return boxes;
    }

    private static async Task<(HttpResponseMessage Res, byte[] Body)> Fetch(Emu emu, string url, string token = null)
    {
        var res = await emu.Get(url, token);
        return (res, await res.Content.ReadAsByteArrayAsync());
    }

    private static async Task<string> BaseUrl(Emu emu, Func<MediaItemRecord, bool> pick)
    {
        var rec = emu.State.Library.Items.First(pick);
        return (await emu.Json(emu.Get("/v1/mediaItems/" + rec.Id))).GetProperty("baseUrl").GetString();
    }

    [Fact]
    public async Task Photo_download_is_a_full_jpeg_with_exif_and_no_gps()
    {
        await using var emu = await Emu.StartAsync(Emu.Small(o => o.PhotoSize = 123_457));
        var rec = emu.State.Library.Items.First(i => !i.IsVideo && !i.Motion && i.CameraMake != null && i.CaptureTime != null);
        var url = (await emu.Json(emu.Get("/v1/mediaItems/" + rec.Id))).GetProperty("baseUrl").GetString();
        Assert.StartsWith(emu.Server.BaseAddress + "lh3/", url);
        Assert.DoesNotContain(rec.Id, url); // opaque

        var (res, body) = await Fetch(emu, url + "=d");
        Assert.Equal(HttpStatusCode.OK, res.StatusCode);
        Assert.Equal("image/jpeg", res.Content.Headers.ContentType!.MediaType);
        Assert.Equal(123_457, res.Content.Headers.ContentLength);
        Assert.Equal(123_457, body.Length);
        var (markers, exif, w, h) = ParseJpeg(body);
        Assert.Equal((byte)0xE1, markers[0]);
        Assert.Equal((rec.Width, rec.Height), (w, h));
        Assert.NotNull(exif);
        var tags = ExifTags(exif);
        Assert.Equal(rec.CameraMake, tags[0x010F]);
        Assert.Equal(rec.CameraModel, tags[0x0110]);
        Assert.Equal(rec.CaptureTime!.Value.UtcDateTime.ToString("yyyy:MM:dd HH:mm:ss"), tags[0x9003]);
        Assert.False(tags.ContainsKey(0x8825), "GPS IFD must be stripped");
        Assert.Contains((byte)0xDA, markers);
    }

    [Fact]
    public async Task Bare_and_sized_urls_give_smaller_jpegs_without_exif()
    {
        await using var emu = await Emu.StartAsync(Emu.Small());
        var rec = emu.State.Library.Items.First(i => !i.IsVideo && i.Width == 4032 && i.Height == 3024);
        var url = (await emu.Json(emu.Get("/v1/mediaItems/" + rec.Id))).GetProperty("baseUrl").GetString();
        var (res, bare) = await Fetch(emu, url);
        Assert.Equal("image/jpeg", res.Content.Headers.ContentType!.MediaType);
        var j = ParseJpeg(bare);
        Assert.Null(j.Exif);
        Assert.True(j.W <= 512 && j.H <= 512 && Math.Max(j.W, j.H) == 512);
        Assert.True(bare.Length < 20_000);

        var sized = ParseJpeg((await Fetch(emu, url + "=w200-h100")).Body);
        Assert.Equal((133, 100), (sized.W, sized.H));
        var cropped = ParseJpeg((await Fetch(emu, url + "=w200-h100-c")).Body);
        Assert.Equal((200, 100), (cropped.W, cropped.H));
        var onlyW = ParseJpeg((await Fetch(emu, url + "=w1008-no")).Body);
        Assert.Equal((1008, 756), (onlyW.W, onlyW.H));
        Assert.Null(onlyW.Exif);

        // =dv on a plain photo: 404, plain (not the JSON envelope).
        var (dv, dvBody) = await Fetch(emu, url + "=dv");
        Assert.Equal(HttpStatusCode.NotFound, dv.StatusCode);
        Assert.DoesNotContain("\"error\"", Encoding.UTF8.GetString(dvBody));
    }

    [Fact]
    public async Task Ready_video_dv_is_an_mp4_and_everything_else_is_a_thumbnail()
    {
        await using var emu = await Emu.StartAsync(Emu.Small(o => o.VideoSize = 3_000_001));
        var url = await BaseUrl(emu, i => i.IsVideo && i.Status == VideoStatus.Ready);
        var (res, body) = await Fetch(emu, url + "=dv");
        Assert.Equal("video/mp4", res.Content.Headers.ContentType!.MediaType);
        Assert.Equal(3_000_001, body.Length);
        Assert.Equal("ftyp", Encoding.ASCII.GetString(body, 4, 4));
        var boxes = Mp4Boxes(body);
        Assert.Equal(new[] { "ftyp", "mdat", "moov" }, boxes.Select(b => b.Type));

        foreach (var suffix in new[] { "", "=d", "=w320-h240", "=w320-h240-no" })
        {
            var (r, b) = await Fetch(emu, url + suffix);
            Assert.Equal(HttpStatusCode.OK, r.StatusCode);
            Assert.Equal("image/jpeg", r.Content.Headers.ContentType!.MediaType);
            ParseJpeg(b);
        }
    }

    [Fact]
    public async Task Processing_video_dv_is_a_jpeg_trap()
    {
        await using var emu = await Emu.StartAsync(Emu.Small());
        var url = await BaseUrl(emu, i => i.IsVideo && i.Status == VideoStatus.Processing);
        var (res, body) = await Fetch(emu, url + "=dv");
        Assert.Equal(HttpStatusCode.OK, res.StatusCode);
        Assert.Equal("image/jpeg", res.Content.Headers.ContentType!.MediaType);
        Assert.Equal(0xFF, body[0]);
        Assert.Equal(0xD8, body[1]);
    }

    [Fact]
    public async Task Motion_photo_d_is_the_still_and_dv_the_video_part()
    {
        await using var emu = await Emu.StartAsync(Emu.Small(o => o.MotionVideoSize = 77_777));
        var url = await BaseUrl(emu, i => i.Motion);
        var (still, stillBody) = await Fetch(emu, url + "=d");
        Assert.Equal("image/jpeg", still.Content.Headers.ContentType!.MediaType);
        Assert.NotNull(ParseJpeg(stillBody).Exif);
        var (video, videoBody) = await Fetch(emu, url + "=dv");
        Assert.Equal("video/mp4", video.Content.Headers.ContentType!.MediaType);
        Assert.Equal(77_777, videoBody.Length);
        Assert.Equal("ftyp", Encoding.ASCII.GetString(videoBody, 4, 4));
    }

    [Fact]
    public async Task Library_base_urls_expire_after_60_minutes_with_a_plain_403()
    {
        await using var emu = await Emu.StartAsync(Emu.Small());
        var url = await BaseUrl(emu, i => !i.IsVideo);
        emu.State.Clock.Advance(TimeSpan.FromMinutes(59));
        using (var ok = await emu.Get(url + "=d", token: null)) Assert.Equal(HttpStatusCode.OK, ok.StatusCode); // bearer optional
        emu.State.Clock.Advance(TimeSpan.FromMinutes(1));
        var (res, body) = await Fetch(emu, url + "=d");
        Assert.Equal(HttpStatusCode.Forbidden, res.StatusCode);
        Assert.DoesNotContain("application/json", res.Content.Headers.ContentType?.ToString() ?? "");
        Assert.DoesNotContain("\"error\"", Encoding.UTF8.GetString(body));

        // A fresh get mints a fresh URL, valid 60 minutes from now.
        emu.Token = emu.State.MintAccessToken(Emu.LibraryScope);
        var fresh = await BaseUrl(emu, i => !i.IsVideo);
        using var again = await emu.Get(fresh + "=d", null);
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        // Forged URL: 404.
        using var forged = await emu.Get("/lh3/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=d", null);
        Assert.Equal(HttpStatusCode.NotFound, forged.StatusCode);
    }

    [Fact]
    public async Task Head_and_range_requests()
    {
        await using var emu = await Emu.StartAsync(Emu.Small(o => o.PhotoSize = 50_000));
        var url = await BaseUrl(emu, i => !i.IsVideo && !i.Motion);
        using var head = await emu.Http.SendAsync(new HttpRequestMessage(HttpMethod.Head, url + "=d"));
        Assert.Equal(HttpStatusCode.OK, head.StatusCode);
        Assert.Equal(50_000, head.Content.Headers.ContentLength);
        Assert.Equal("image/jpeg", head.Content.Headers.ContentType!.MediaType);

        var full = (await Fetch(emu, url + "=d")).Body;
        var req = new HttpRequestMessage(HttpMethod.Get, url + "=d");
        req.Headers.Range = new System.Net.Http.Headers.RangeHeaderValue(1000, 1999);
        using var part = await emu.Http.SendAsync(req);
        Assert.Equal(HttpStatusCode.PartialContent, part.StatusCode);
        Assert.Equal(full[1000..2000], await part.Content.ReadAsByteArrayAsync());
        Assert.Equal("bytes 1000-1999/50000", part.Content.Headers.ContentRange!.ToString());
    }

    [Fact]
    public async Task Bytes_are_deterministic_by_seed_and_id_and_match_the_control_api()
    {
        await using var a = await Emu.StartAsync(Emu.Small());
        await using var b = await Emu.StartAsync(Emu.Small());
        await using var c = await Emu.StartAsync(Emu.Small(o => o.Seed = 9));
        var ua = await BaseUrl(a, i => !i.IsVideo && !i.Motion);
        var ub = await BaseUrl(b, i => !i.IsVideo && !i.Motion);
        var ba = (await Fetch(a, ua + "=d")).Body;
        Assert.Equal(ba, (await Fetch(b, ub + "=d")).Body);
        Assert.Equal(ba, (await Fetch(a, ua + "=d")).Body);

        // Different items (and seeds) differ.
        var photos = a.State.Library.Items.Where(i => !i.IsVideo && !i.Motion).Take(2).ToList();
        var b1 = await (await a.Get($"/__emulator/media/{photos[0].Id}?variant=d", null)).Content.ReadAsByteArrayAsync();
        var b2 = await (await a.Get($"/__emulator/media/{photos[1].Id}?variant=d", null)).Content.ReadAsByteArrayAsync();
        Assert.NotEqual(SHA256.HashData(b1), SHA256.HashData(b2));
        var cp = c.State.Library.Items.First(i => !i.IsVideo && !i.Motion);
        Assert.NotEqual(SHA256.HashData(b1), SHA256.HashData(await (await c.Get($"/__emulator/media/{cp.Id}?variant=d", null)).Content.ReadAsByteArrayAsync()));

        // GET /__emulator/items reports the exact size and sha256 of what is served.
        var facts = (await a.Json(a.Get("/__emulator/items", null))).GetProperty("items").EnumerateArray().ToList();
        var video = a.State.Library.Items.First(i => i.IsVideo && i.Status == VideoStatus.Ready);
        var vf = facts.Single(f => f.GetProperty("id").GetString() == video.Id);
        var vurl = (await a.Json(a.Get("/v1/mediaItems/" + video.Id))).GetProperty("baseUrl").GetString();
        var vbytes = (await Fetch(a, vurl + "=dv")).Body;
        Assert.Equal(vbytes.Length, vf.GetProperty("sizeDv").GetInt64());
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(vbytes)), vf.GetProperty("sha256Dv").GetString());
        var pf = facts.Single(f => f.GetProperty("id").GetString() == photos[0].Id);
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(b1)), pf.GetProperty("sha256D").GetString());
        Assert.Equal(JsonValueKind.Null, pf.GetProperty("sizeDv").ValueKind);
    }

    [Fact]
    public async Task Each_issue_mints_a_new_base_url()
    {
        await using var emu = await Emu.StartAsync(Emu.Small());
        var rec = emu.State.Library.Items.First();
        var u1 = (await emu.Json(emu.Get("/v1/mediaItems/" + rec.Id))).GetProperty("baseUrl").GetString();
        await Task.Delay(5);
        var u2 = (await emu.Json(emu.Get($"/v1/mediaItems:batchGet?mediaItemIds={rec.Id}"))).GetProperty("mediaItemResults")[0].GetProperty("mediaItem").GetProperty("baseUrl").GetString();
        Assert.NotEqual(u1, u2);
        // Expire u1 only: it was issued earlier (advance so that only u1 is > 60 min old is not separable by 5 ms);
        // instead check both work now.
        foreach (var u in new[] { u1, u2 })
            using (var r = await emu.Get(u + "=d", null)) Assert.Equal(HttpStatusCode.OK, r.StatusCode);
    }
}
