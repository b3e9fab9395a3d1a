using System.Diagnostics;
using System.Net;
using System.Text.Json;
using Xunit;

namespace GPhotos.Emulator.Tests;

public class ControlAndCounterTests
{
    [Fact]
    public async Task Counters_count_requests_bytes_items_and_bearers()
    {
        await using var emu = await Emu.StartAsync(Emu.Small());
        var item = await emu.FirstItem(i => i.GetProperty("mediaMetadata").TryGetProperty("photo", out _));
        var id = item.GetProperty("id").GetString();
        await emu.Json(emu.Get("/v1/mediaItems/" + id));
        await emu.Json(emu.Get($"/v1/mediaItems:batchGet?mediaItemIds={id}"));
        await emu.Json(emu.Post("/v1/mediaItems:search", new { }));
        await emu.Json(emu.Get("/v1/albums"));
        var session = (await emu.Json(emu.Post("/v1/sessions"))).GetProperty("id").GetString();
        await emu.Json(emu.Get("/v1/sessions/" + session));
        using (await emu.Get(item.GetProperty("baseUrl").GetString() + "=d", null)) { }
        using (await emu.Get(item.GetProperty("baseUrl").GetString() + "=d")) { }
        await emu.Json(emu.Get("/__emulator/items?sha256=false", null)); // control: not counted

        var c = await emu.Json(emu.Get("/__emulator/counters", null));
        var r = c.GetProperty("requests");
        Assert.Equal(1, r.GetProperty("library.list").GetInt32()); // ListAll with 38 items and pageSize 100
        Assert.Equal(1, r.GetProperty("library.get").GetInt32());
        Assert.Equal(1, r.GetProperty("library.batchGet").GetInt32());
        Assert.Equal(1, r.GetProperty("library.search").GetInt32());
        Assert.Equal(1, r.GetProperty("albums.list").GetInt32());
        Assert.Equal(1, r.GetProperty("picker.sessions.create").GetInt32());
        Assert.Equal(1, r.GetProperty("picker.sessions.get").GetInt32());
        Assert.Equal(0, r.GetProperty("picker.sessions.delete").GetInt32());
        Assert.Equal(0, r.GetProperty("picker.mediaItems.list").GetInt32());
        Assert.Equal(2, r.GetProperty("media").GetInt32());
        Assert.Equal(0, r.GetProperty("oauth.token").GetInt32());
        Assert.Equal(0, r.GetProperty("oauth.authorize").GetInt32());
        Assert.Equal(0, r.GetProperty("oauth.revoke").GetInt32());
        Assert.Equal(40_000, c.GetProperty("mediaBytesServed").GetInt64());
        Assert.Equal(2, c.GetProperty("mediaRequestsByItem").GetProperty(id).GetInt32());
        Assert.Equal(5, c.GetProperty("authorizationHeaders").GetProperty("library").GetInt32());
        Assert.Equal(2, c.GetProperty("authorizationHeaders").GetProperty("picker").GetInt32());
        Assert.Equal(1, c.GetProperty("authorizationHeaders").GetProperty("media").GetInt32());
        Assert.Equal(2, emu.State.Counters["media"]);

        using (var del = await emu.Send(HttpMethod.Delete, "/__emulator/counters", null)) Assert.Equal(HttpStatusCode.OK, del.StatusCode);
        c = await emu.Json(emu.Get("/__emulator/counters", null));
        Assert.Equal(0, c.GetProperty("requests").GetProperty("media").GetInt32());
        Assert.Equal(0, c.GetProperty("mediaBytesServed").GetInt64());
    }

    [Fact]
    public async Task Reset_regenerates_and_clears_everything()
    {
        await using var emu = await Emu.StartAsync(Emu.Small());
        var oldUrl = (await emu.FirstItem()).GetProperty("baseUrl").GetString();
        await emu.Control("clock", new { advanceSeconds = 100 });
        await emu.Control("faults", new { rules = new[] { new { kind = "500" } } });
        var reset = await emu.Control("reset", new { photos = 3, videos = 1, motionPhotos = 0, albums = 1, seed = 5, photoSize = 1234 });
        Assert.Equal(4, reset.GetProperty("items").GetInt32());
        Assert.Equal(0, (await emu.Json(emu.Get("/__emulator/clock", null))).GetProperty("offsetSeconds").GetDouble());
        await Emu.AssertError(await emu.Get("/v1/mediaItems"), 401, "UNAUTHENTICATED"); // tokens cleared
        emu.Token = (await emu.Control("tokens", new { scopes = new[] { "photoslibrary.readonly.appcreateddata" } })).GetProperty("accessToken").GetString();
        Assert.Equal(4, (await emu.ListAll()).Count); // and no fault left
        Assert.Equal(0, (await emu.Json(emu.Get("/__emulator/counters", null))).GetProperty("requests").GetProperty("media").GetInt32());
        using (var dead = await emu.Get(oldUrl + "=d", null)) Assert.Equal(HttpStatusCode.NotFound, dead.StatusCode);

        var empty = await emu.Control("reset", new { empty = true });
        Assert.Equal(0, empty.GetProperty("items").GetInt32());
    }

    [Fact]
    public async Task Items_can_be_added_precisely_and_read_back_with_hidden_facts()
    {
        await using var emu = await Emu.StartAsync(new EmulatorOptions { Empty = true });
        var album = await emu.Control("albums", new { title = "Trip" });
        var albumId = album.GetProperty("id").GetString();
        var items = Enumerable.Range(0, 100).Select(i => new { filename = i < 2 ? "SAME.jpg" : $"IMG_{i:000}.jpg", size = 1000 + i, albumIds = i < 10 ? new[] { albumId } : Array.Empty<string>() }).ToList<object>();
        items.Add(new { filename = "clip.mp4", type = "VIDEO", status = "PROCESSING", size = 5000 });
        items.Add(new { filename = "hidden.jpg", appCreated = false });
        items.Add(new { filename = "live.MP.jpg", motion = true, motionVideoSize = 4000 });
        var created = (await emu.Control("items", new { items })).GetProperty("items").EnumerateArray().ToList();
        Assert.Equal(103, created.Count);
        Assert.Equal("SAME.jpg", created[0].GetProperty("filename").GetString());
        Assert.Equal(1000, created[0].GetProperty("sizeD").GetInt64());
        Assert.Equal(1000, created[0].GetProperty("size").GetInt64());
        Assert.Equal(albumId, created[0].GetProperty("albumIds")[0].GetString());
        Assert.Equal(64, created[0].GetProperty("sha256D").GetString()!.Length);
        var video = created[100];
        Assert.Equal("PROCESSING", video.GetProperty("status").GetString());
        Assert.Equal("image/jpeg", video.GetProperty("dvContentType").GetString());
        Assert.Equal(JsonValueKind.Null, video.GetProperty("size").ValueKind);
        Assert.False(created[101].GetProperty("appCreated").GetBoolean());
        Assert.Equal(4000, created[102].GetProperty("sizeDv").GetInt64());

        Assert.Equal(102, (await emu.ListAll()).Count);
        var a = await emu.Json(emu.Get("/v1/albums/" + albumId));
        Assert.Equal("10", a.GetProperty("mediaItemsCount").GetString());

        var all = (await emu.Json(emu.Get("/__emulator/items", null))).GetProperty("items");
        Assert.Equal(103, all.GetArrayLength());

        // Served bytes equal the control API's bytes and are not counted.
        var bytes = await (await emu.Get($"/__emulator/media/{created[5].GetProperty("id").GetString()}?variant=d", null)).Content.ReadAsByteArrayAsync();
        Assert.Equal(1005, bytes.Length);
        Assert.Equal(0, emu.State.Counters.MediaBytesServed);

        using var bad = await emu.Send(HttpMethod.Post, "/__emulator/items", null, new { items = new[] { new { filename = "x", albumIds = new[] { "nope" } } } });
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
    }

    [Fact]
    public async Task Clock_and_latency_controls()
    {
        await using var emu = await Emu.StartAsync(Emu.Small());
        var before = DateTimeOffset.Parse((await emu.Json(emu.Get("/__emulator/clock", null))).GetProperty("now").GetString()!);
        var after = await emu.Control("clock", new { advanceSeconds = 7200 });
        Assert.Equal(7200, after.GetProperty("offsetSeconds").GetDouble());
        Assert.True(DateTimeOffset.Parse(after.GetProperty("now").GetString()!) - before >= TimeSpan.FromSeconds(7199));

        emu.Token = emu.State.MintAccessToken(Emu.LibraryScope);
        // A wide gap (1 s of latency, control calls well under it) so a loaded CI machine cannot blur the two.
        await emu.Control("latency", new { ms = 1000 });
        var sw = Stopwatch.StartNew();
        await emu.Json(emu.Get("/v1/albums"));
        Assert.True(sw.ElapsedMilliseconds >= 990, $"{sw.ElapsedMilliseconds} ms");
        sw.Restart();
        await emu.Json(emu.Get("/__emulator/counters", null)); // control: no latency
        Assert.True(sw.ElapsedMilliseconds < 800, $"{sw.ElapsedMilliseconds} ms");
        await emu.Control("latency", new { ms = 0 });

        await using var slow = await Emu.StartAsync(Emu.Small(o => o.LatencyMs = 100));
        sw.Restart();
        await slow.Json(slow.Get("/v1/albums"));
        Assert.True(sw.ElapsedMilliseconds >= 90);
    }

    [Fact]
    public async Task Unknown_control_endpoints_are_404()
    {
        await using var emu = await Emu.StartAsync(Emu.Small());
        using var res = await emu.Get("/__emulator/nope", null);
        Assert.Equal(HttpStatusCode.NotFound, res.StatusCode);
    }
}
