using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Xunit;

namespace GPhotos.Emulator.Tests;

public class PickerTests
{
    private static async Task<JsonElement> CreateSession(Emu emu, object body = null, string query = "") =>
        await emu.Json(emu.Post("/v1/sessions" + query, body ?? new { }));

    [Fact]
    public async Task A_new_session_has_the_documented_shape()
    {
        await using var emu = await Emu.StartAsync(Emu.Small());
        var s = await CreateSession(emu);
        var id = s.GetProperty("id").GetString();
        Assert.False(string.IsNullOrEmpty(id));
        Assert.Equal(emu.Server.BaseAddress + "__emulator/picker/" + id, s.GetProperty("pickerUri").GetString());
        Assert.Equal("5s", s.GetProperty("pollingConfig").GetProperty("pollInterval").GetString());
        Assert.Equal("1800s", s.GetProperty("pollingConfig").GetProperty("timeoutIn").GetString());
        Assert.Equal("2000", s.GetProperty("pickingConfig").GetProperty("maxItemCount").GetString());
        Assert.False(s.GetProperty("mediaItemsSet").GetBoolean());
        Assert.Matches(@"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$", s.GetProperty("expireTime").GetString());

        var s2 = await CreateSession(emu, new { pickingConfig = new { maxItemCount = "7" } });
        Assert.Equal("7", s2.GetProperty("pickingConfig").GetProperty("maxItemCount").GetString());
        await Emu.AssertError(await emu.Post("/v1/sessions", new { pickingConfig = new { maxItemCount = "2001" } }), 400, "INVALID_ARGUMENT");
        await Emu.AssertError(await emu.Post("/v1/sessions?requestId=not-a-uuid"), 400, "INVALID_ARGUMENT");

        // The picker page exists.
        using var page = await emu.Get("/__emulator/picker/" + id, null);
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Contains("text/html", page.Content.Headers.ContentType!.ToString());
    }

    [Fact]
    public async Task Poll_interval_is_configurable_and_timeoutIn_counts_down()
    {
        await using var emu = await Emu.StartAsync(Emu.Small(o => o.PollIntervalSeconds = 0.5));
        var s = await CreateSession(emu);
        Assert.Equal("0.500s", s.GetProperty("pollingConfig").GetProperty("pollInterval").GetString());
        emu.State.Clock.Advance(TimeSpan.FromSeconds(100));
        var g = await emu.Json(emu.Get("/v1/sessions/" + s.GetProperty("id").GetString()));
        Assert.Equal("1700s", g.GetProperty("pollingConfig").GetProperty("timeoutIn").GetString());
    }

    [Fact]
    public async Task RequestId_makes_create_idempotent()
    {
        await using var emu = await Emu.StartAsync(Emu.Small());
        var rid = Guid.NewGuid().ToString();
        var a = await CreateSession(emu, query: "?requestId=" + rid);
        var b = await CreateSession(emu, query: "?requestId=" + rid);
        Assert.Equal(a.GetProperty("id").GetString(), b.GetProperty("id").GetString());
    }

    [Fact]
    public async Task The_state_machine_from_create_to_delete()
    {
        await using var emu = await Emu.StartAsync(Emu.Small());
        var id = (await CreateSession(emu)).GetProperty("id").GetString();
        await Emu.AssertError(await emu.Get("/v1/sessions/unknown-session"), 404, "NOT_FOUND");
        await Emu.AssertError(await emu.Get($"/v1/mediaItems?sessionId={id}"), 400, "FAILED_PRECONDITION");

        var polled = await emu.Json(emu.Get("/v1/sessions/" + id));
        Assert.False(polled.GetProperty("mediaItemsSet").GetBoolean());
        Assert.True(polled.TryGetProperty("pollingConfig", out _));

        // The user picks 3 items and taps Done.
        var ids = emu.State.Library.Snapshot.Ordered.Take(3).Select(i => i.Id).ToArray();
        await emu.Control($"picker/{id}/pick", new { mediaItemIds = ids });
        polled = await emu.Json(emu.Get("/v1/sessions/" + id));
        Assert.True(polled.GetProperty("mediaItemsSet").GetBoolean());
        Assert.False(polled.TryGetProperty("pollingConfig", out _));

        var list = await emu.Json(emu.Get($"/v1/mediaItems?sessionId={id}"));
        var items = list.GetProperty("mediaItems").EnumerateArray().ToList();
        Assert.Equal(ids, items.Select(i => i.GetProperty("id").GetString()));
        Assert.False(list.TryGetProperty("nextPageToken", out _));

        // Base URLs work with the bearer, then die with the session.
        var baseUrl = items[0].GetProperty("mediaFile").GetProperty("baseUrl").GetString();
        using (var ok = await emu.Get(baseUrl + "=d")) Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        using (var noBearer = await emu.Get(baseUrl + "=d", token: null))
        {
            Assert.Equal(HttpStatusCode.Forbidden, noBearer.StatusCode);
            Assert.DoesNotContain("application/json", noBearer.Content.Headers.ContentType?.ToString() ?? "");
        }
        var del = await emu.Json(emu.Send(HttpMethod.Delete, "/v1/sessions/" + id));
        Assert.Empty(del.EnumerateObject());
        using (var dead = await emu.Get(baseUrl + "=d")) Assert.Equal(HttpStatusCode.Forbidden, dead.StatusCode);
        await Emu.AssertError(await emu.Get("/v1/sessions/" + id), 404, "NOT_FOUND");
        await Emu.AssertError(await emu.Send(HttpMethod.Delete, "/v1/sessions/" + id), 404, "NOT_FOUND");
    }

    [Fact]
    public async Task Picked_items_have_the_documented_json_with_numeric_dimensions()
    {
        await using var emu = await Emu.StartAsync(Emu.Small());
        var id = (await CreateSession(emu)).GetProperty("id").GetString();
        var photo = emu.State.Library.Items.First(i => !i.IsVideo && i.CameraMake != null && !i.Motion);
        var video = emu.State.Library.Items.First(i => i.IsVideo && i.Status == VideoStatus.Ready);
        await emu.Control($"picker/{id}/pick", new { mediaItemIds = new[] { photo.Id, video.Id } });
        var items = (await emu.Json(emu.Get($"/v1/mediaItems?sessionId={id}"))).GetProperty("mediaItems");

        var p = items[0];
        Assert.Equal(photo.Id, p.GetProperty("id").GetString());
        Assert.Equal("PHOTO", p.GetProperty("type").GetString());
        Assert.Matches(@"Z$", p.GetProperty("createTime").GetString());
        var mf = p.GetProperty("mediaFile");
        Assert.Equal(photo.Filename, mf.GetProperty("filename").GetString());
        Assert.Equal("image/jpeg", mf.GetProperty("mimeType").GetString());
        var meta = mf.GetProperty("mediaFileMetadata");
        Assert.Equal(JsonValueKind.Number, meta.GetProperty("width").ValueKind);
        Assert.Equal(photo.Width, meta.GetProperty("width").GetInt32());
        Assert.Equal(JsonValueKind.Number, meta.GetProperty("height").ValueKind);
        Assert.Equal(photo.CameraMake, meta.GetProperty("cameraMake").GetString());
        Assert.Equal(JsonValueKind.Number, meta.GetProperty("photoMetadata").GetProperty("isoEquivalent").ValueKind);
        Assert.EndsWith("s", meta.GetProperty("photoMetadata").GetProperty("exposureTime").GetString());

        var v = items[1];
        Assert.Equal("VIDEO", v.GetProperty("type").GetString());
        var vm = v.GetProperty("mediaFile").GetProperty("mediaFileMetadata").GetProperty("videoMetadata");
        Assert.Equal("READY", vm.GetProperty("processingStatus").GetString());
        Assert.Equal(JsonValueKind.Number, vm.GetProperty("fps").ValueKind);

        // No albums, captions, location or size.
        foreach (var name in new[] { "description", "albums", "location", "size" })
            Assert.False(p.TryGetProperty(name, out _));
    }

    [Fact]
    public async Task Picker_list_pages_50_by_default_and_coerces_to_100()
    {
        await using var emu = await Emu.StartAsync(Emu.Small(o => { o.Photos = 260; o.Videos = 0; o.MotionPhotos = 0; }));
        var id = (await CreateSession(emu)).GetProperty("id").GetString();
        await emu.Control($"picker/{id}/pick", new { count = 250 });
        var first = await emu.Json(emu.Get($"/v1/mediaItems?sessionId={id}"));
        Assert.Equal(50, first.GetProperty("mediaItems").GetArrayLength());
        var big = await emu.Json(emu.Get($"/v1/mediaItems?sessionId={id}&pageSize=1000"));
        Assert.Equal(100, big.GetProperty("mediaItems").GetArrayLength());
        var all = await emu.ListAll($"/v1/mediaItems?sessionId={id}&pageSize=100");
        Assert.Equal(250, all.Count);
        await Emu.AssertError(await emu.Get($"/v1/mediaItems?sessionId={id}&pageToken=bogus"), 400, "INVALID_ARGUMENT");
    }

    [Fact]
    public async Task The_picker_can_pick_items_the_library_api_cannot_see()
    {
        await using var emu = await Emu.StartAsync(Emu.Small(o => { o.AppCreated = false; o.ForeignItems = 3; }));
        Assert.Equal("{}", (await (await emu.Get("/v1/mediaItems")).Content.ReadAsStringAsync()).Replace("\n", "").Replace(" ", ""));
        var id = (await CreateSession(emu)).GetProperty("id").GetString();
        await emu.Control($"picker/{id}/pick", new { count = 10 });
        var items = (await emu.Json(emu.Get($"/v1/mediaItems?sessionId={id}"))).GetProperty("mediaItems");
        Assert.Equal(10, items.GetArrayLength());
        var url = items[0].GetProperty("mediaFile").GetProperty("baseUrl").GetString();
        using var res = await emu.Get(url + "=d");
        Assert.Equal(HttpStatusCode.OK, res.StatusCode);
    }

    [Fact]
    public async Task Expired_sessions_are_403_and_their_urls_die()
    {
        await using var emu = await Emu.StartAsync(Emu.Small());
        var id = (await CreateSession(emu)).GetProperty("id").GetString();
        await emu.Control($"picker/{id}/pick", new { count = 1 });
        var url = (await emu.Json(emu.Get($"/v1/mediaItems?sessionId={id}"))).GetProperty("mediaItems")[0].GetProperty("mediaFile").GetProperty("baseUrl").GetString();
        emu.State.Clock.Advance(TimeSpan.FromSeconds(3601));
        emu.Token = emu.State.MintAccessToken(Emu.PickerScope);
        await Emu.AssertError(await emu.Get("/v1/sessions/" + id), 403, "PERMISSION_DENIED");
        await Emu.AssertError(await emu.Get($"/v1/mediaItems?sessionId={id}"), 403, "PERMISSION_DENIED");
        using var res = await emu.Get(url + "=d");
        Assert.Equal(HttpStatusCode.Forbidden, res.StatusCode);
    }

    [Fact]
    public async Task Too_many_live_sessions_is_429()
    {
        await using var emu = await Emu.StartAsync(Emu.Small(o => o.MaxLiveSessions = 3));
        var ids = new List<string>();
        for (int i = 0; i < 3; i++) ids.Add((await CreateSession(emu)).GetProperty("id").GetString());
        await Emu.AssertError(await emu.Post("/v1/sessions"), 429, "RESOURCE_EXHAUSTED");
        await emu.Json(emu.Send(HttpMethod.Delete, "/v1/sessions/" + ids[0]));
        await CreateSession(emu);
    }

    [Fact]
    public async Task Pick_respects_maxItemCount_and_the_html_form_works()
    {
        await using var emu = await Emu.StartAsync(Emu.Small());
        var id = (await CreateSession(emu, new { pickingConfig = new { maxItemCount = "2" } })).GetProperty("id").GetString();
        using (var tooMany = await emu.Send(HttpMethod.Post, $"/__emulator/picker/{id}/pick", null, new { count = 3 }))
            Assert.Equal(HttpStatusCode.BadRequest, tooMany.StatusCode);
        var form = new FormUrlEncodedContent(emu.State.Library.Items.Take(2).Select(i => new KeyValuePair<string, string>("id", i.Id)));
        using (var done = await emu.Http.PostAsync($"/__emulator/picker/{id}/done", form)) Assert.Equal(HttpStatusCode.OK, done.StatusCode);
        var list = await emu.Json(emu.Get($"/v1/mediaItems?sessionId={id}"));
        Assert.Equal(2, list.GetProperty("mediaItems").GetArrayLength());
    }
}
