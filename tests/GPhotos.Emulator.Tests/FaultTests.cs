using System.Diagnostics;
using System.Net;
using System.Text.Json;
using Xunit;

namespace GPhotos.Emulator.Tests;

public class FaultTests
{
    private static Task Faults(Emu emu, params object[] rules) => emu.Control("faults", new { rules });

    [Theory]
    [InlineData("429", 429, "RESOURCE_EXHAUSTED")]
    [InlineData("500", 500, "INTERNAL")]
    [InlineData("503", 503, "UNAVAILABLE")]
    [InlineData("unauthorized", 401, "UNAUTHENTICATED")]
    public async Task Status_faults_use_the_google_envelope_once(string kind, int code, string status)
    {
        await using var emu = await Emu.StartAsync(Emu.Small());
        await Faults(emu, new { target = "library", kind, retryAfterSeconds = 7 });
        using var res = await emu.Get("/v1/mediaItems");
        await Emu.AssertError(res, code, status);
        if (kind is "429" or "503") Assert.Equal(TimeSpan.FromSeconds(7), res.Headers.RetryAfter!.Delta);
        await emu.Json(emu.Get("/v1/mediaItems")); // count defaults to 1
        var counters = await emu.Json(emu.Get("/__emulator/counters", null));
        Assert.Equal(1, counters.GetProperty("faultsInjected").GetProperty(kind).GetInt32());
    }

    [Fact]
    public async Task Daily_quota_has_googles_message()
    {
        await using var emu = await Emu.StartAsync(Emu.Small());
        await Faults(emu, new { target = "library", kind = "dailyQuota" });
        var e = await Emu.AssertError(await emu.Get("/v1/mediaItems"), 429, "RESOURCE_EXHAUSTED");
        Assert.StartsWith("Quota exceeded for quota metric 'All requests' and limit 'All requests per day' of service 'photoslibrary.googleapis.com'", e.GetProperty("message").GetString());
        Assert.Equal("RATE_LIMIT_EXCEEDED", e.GetProperty("details")[0].GetProperty("reason").GetString());
    }

    [Fact]
    public async Task Html_fault_is_a_200_error_page()
    {
        await using var emu = await Emu.StartAsync(Emu.Small());
        await Faults(emu, new { target = "any", kind = "html" });
        using var res = await emu.Get("/v1/albums");
        Assert.Equal(HttpStatusCode.OK, res.StatusCode);
        Assert.Equal("text/html", res.Content.Headers.ContentType!.MediaType);
        Assert.Contains("<html", await res.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Counts_targets_and_order_are_respected()
    {
        await using var emu = await Emu.StartAsync(Emu.Small());
        await Faults(emu, new { target = "picker", kind = "500", count = 2 }, new { target = "library", kind = "503" }, new { target = "library", kind = "429" });
        await Emu.AssertError(await emu.Get("/v1/mediaItems"), 503, "UNAVAILABLE");
        await Emu.AssertError(await emu.Get("/v1/mediaItems"), 429, "RESOURCE_EXHAUSTED");
        await emu.Json(emu.Get("/v1/mediaItems"));
        await Emu.AssertError(await emu.Post("/v1/sessions"), 500, "INTERNAL");
        await Emu.AssertError(await emu.Post("/v1/sessions"), 500, "INTERNAL");
        await emu.Json(emu.Post("/v1/sessions"));

        await Faults(emu, new { target = "library", kind = "500", count = 5 });
        Assert.Single((await emu.Json(emu.Get("/__emulator/faults", null))).GetProperty("pending").EnumerateArray());
        using (var del = await emu.Send(HttpMethod.Delete, "/__emulator/faults", null)) Assert.Equal(HttpStatusCode.OK, del.StatusCode);
        await emu.Json(emu.Get("/v1/mediaItems"));

        using var bad = await emu.Send(HttpMethod.Post, "/__emulator/faults", null, new { rules = new[] { new { kind = "meteor" } } });
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
    }

    [Fact]
    public async Task Media_faults_can_target_one_item_and_are_plain()
    {
        await using var emu = await Emu.StartAsync(Emu.Small());
        var items = (await emu.ListAll()).Take(2).ToList();
        var target = items[1].GetProperty("id").GetString();
        await Faults(emu, new { target = "media", kind = "503", itemId = target });
        using (var other = await emu.Get(items[0].GetProperty("baseUrl").GetString() + "=d", null)) Assert.Equal(HttpStatusCode.OK, other.StatusCode);
        using var hit = await emu.Get(items[1].GetProperty("baseUrl").GetString() + "=d", null);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, hit.StatusCode);
        Assert.DoesNotContain("\"error\"", await hit.Content.ReadAsStringAsync());

        await Faults(emu, new { target = "media", kind = "expireUrl" });
        using var expired = await emu.Get(items[0].GetProperty("baseUrl").GetString() + "=d", null);
        Assert.Equal(HttpStatusCode.Forbidden, expired.StatusCode);
        Assert.DoesNotContain("application/json", expired.Content.Headers.ContentType?.ToString() ?? "");
    }

    [Theory]
    [InlineData("drop")]
    [InlineData("truncate")]
    public async Task Drop_and_truncate_cut_media_bodies(string kind)
    {
        await using var emu = await Emu.StartAsync(Emu.Small(o => o.PhotoSize = 400_000));
        var url = (await emu.FirstItem(i => i.GetProperty("mediaMetadata").TryGetProperty("photo", out _))).GetProperty("baseUrl").GetString() + "=d";
        await Faults(emu, new { target = "media", kind });
        using var res = await emu.Http.GetAsync(url, HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(HttpStatusCode.OK, res.StatusCode);
        Assert.Equal(400_000, res.Content.Headers.ContentLength);
        var stream = await res.Content.ReadAsStreamAsync();
        var buf = new byte[65536];
        long got = 0;
        var ex = await Record.ExceptionAsync(async () =>
        {
            int n;
            while ((n = await stream.ReadAsync(buf)) > 0) got += n;
        });
        Assert.NotNull(ex);
        Assert.True(got < 400_000, $"got {got}");
        // The next request is fine.
        using var ok = await emu.Get(url, null);
        Assert.Equal(400_000, (await ok.Content.ReadAsByteArrayAsync()).Length);
    }

    [Theory]
    [InlineData("drop")]
    [InlineData("truncate")]
    public async Task Drop_and_truncate_cut_json_bodies(string kind)
    {
        await using var emu = await Emu.StartAsync(Emu.Small());
        await Faults(emu, new { target = "library", kind });
        await Assert.ThrowsAnyAsync<HttpRequestException>(async () => await (await emu.Get("/v1/mediaItems")).Content.ReadAsStringAsync());
        await emu.Json(emu.Get("/v1/mediaItems"));
    }

    [Fact]
    public async Task Slow_delays_the_response()
    {
        await using var emu = await Emu.StartAsync(Emu.Small());
        await Faults(emu, new { target = "library", kind = "slow", delayMs = 300 });
        var sw = Stopwatch.StartNew();
        await emu.Json(emu.Get("/v1/mediaItems"));
        Assert.True(sw.ElapsedMilliseconds >= 290, $"{sw.ElapsedMilliseconds} ms");

        var url = (await emu.FirstItem(i => i.GetProperty("mediaMetadata").TryGetProperty("photo", out _))).GetProperty("baseUrl").GetString() + "=d";
        await Faults(emu, new { target = "media", kind = "slow", delayMs = 200 });
        sw.Restart();
        using var res = await emu.Get(url, null);
        Assert.Equal(20_000, (await res.Content.ReadAsByteArrayAsync()).Length);
        Assert.True(sw.ElapsedMilliseconds >= 350, $"{sw.ElapsedMilliseconds} ms (headers and body both stall)");
    }

    [Fact]
    public async Task Oauth_faults_use_oauth_errors()
    {
        await using var emu = await Emu.StartAsync(Emu.Small());
        await Faults(emu, new { target = "oauth", kind = "503" });
        using var res = await emu.Http.PostAsync("/token", new FormUrlEncodedContent(new Dictionary<string, string> { ["grant_type"] = "refresh_token", ["refresh_token"] = "x", ["client_id"] = "c" }));
        Assert.Equal(HttpStatusCode.ServiceUnavailable, res.StatusCode);
        Assert.True(JsonDocument.Parse(await res.Content.ReadAsStringAsync()).RootElement.TryGetProperty("error", out _));
    }

    [Fact]
    public async Task Random_faults_are_seeded_and_can_be_turned_off()
    {
        async Task<List<int>> Run()
        {
            await using var emu = await Emu.StartAsync(Emu.Small());
            await emu.Control("random-faults", new { seed = 42, probability = 0.3, kinds = new[] { "500", "503", "429" } });
            var codes = new List<int>();
            for (int i = 0; i < 40; i++)
                using (var r = await emu.Get("/v1/mediaItems?pageSize=1")) codes.Add((int)r.StatusCode);
            using (var off = await emu.Send(HttpMethod.Delete, "/__emulator/random-faults", null)) Assert.Equal(HttpStatusCode.OK, off.StatusCode);
            for (int i = 0; i < 10; i++) await emu.Json(emu.Get("/v1/mediaItems?pageSize=1"));
            return codes;
        }
        var a = await Run();
        var b = await Run();
        Assert.Equal(a, b);
        Assert.Contains(200, a);
        Assert.Contains(a, c => c != 200);
    }
}
