using System.Diagnostics;
using System.Net;
using System.Text.Json;
using Xunit;

namespace GPhotos.Emulator.Tests;

/// <summary>The faults Google really sends that clients mishandle (issue 12): each selectable through /__emulator/faults.</summary>
public class GoogleFaultTests
{
    private static Task Faults(Emu emu, params object[] rules) => emu.Control("faults", new { rules });

    private static async Task<JsonElement> Counters(Emu emu) => await emu.Json(emu.Get("/__emulator/counters", null));

    [Theory]
    [InlineData("redirect", 200)]
    [InlineData("redirect401", 401)]
    public async Task Media_redirect_goes_to_another_host_name_which_counts_bearers_apart(string kind, int farStatus)
    {
        await using var emu = await Emu.StartAsync(Emu.Small());
        var item = await emu.FirstItem(i => i.GetProperty("mimeType").GetString() == "image/jpeg");
        string url = item.GetProperty("baseUrl").GetString() + "=d";
        await Faults(emu, new { target = "media", kind });
        using var res = await emu.Get(url, token: null);
        Assert.Equal(HttpStatusCode.Found, res.StatusCode);
        var location = res.Headers.Location!;
        Assert.Equal("localhost", location.Host);
        Assert.Equal(emu.Server.BaseAddress.Port, location.Port);
        using var far = await emu.Get(location.ToString()); // with a bearer: the counter must see it
        Assert.Equal(farStatus, (int)far.StatusCode);
        var c = await Counters(emu);
        Assert.Equal(1, c.GetProperty("authorizationHeaders").GetProperty("foreign").GetInt32());
        Assert.Equal(1, c.GetProperty("requests").GetProperty("foreign").GetInt32());
        if (farStatus == 200) Assert.Equal(20_000, (await far.Content.ReadAsByteArrayAsync()).Length);
    }

    [Fact]
    public async Task Empty_pages_keep_a_next_page_token_and_lose_nothing()
    {
        await using var emu = await Emu.StartAsync(Emu.Small());
        int total = (await emu.ListAll()).Count;
        await Faults(emu, new { target = "library", kind = "emptyPage", count = 3 });
        var first = await emu.Json(emu.Get("/v1/mediaItems?pageSize=10"));
        Assert.False(first.TryGetProperty("mediaItems", out _));
        Assert.True(first.TryGetProperty("nextPageToken", out _));
        await Faults(emu, new { target = "library", kind = "emptyPage", count = 2 });
        Assert.Equal(total, (await emu.ListAll("/v1/mediaItems?pageSize=10")).Count);
    }

    [Fact]
    public async Task Repeat_item_starts_the_next_page_with_the_last_item_again()
    {
        await using var emu = await Emu.StartAsync(Emu.Small());
        var ids = (await emu.ListAll("/v1/mediaItems?pageSize=10")).Select(i => i.GetProperty("id").GetString()).ToList();
        await Faults(emu, new { target = "library", kind = "repeatItem" });
        var withRepeat = (await emu.ListAll("/v1/mediaItems?pageSize=10")).Select(i => i.GetProperty("id").GetString()).ToList();
        Assert.Equal(ids.Count + 1, withRepeat.Count);
        Assert.Equal(withRepeat[9], withRepeat[10]);
        Assert.Equal(ids, withRepeat.Distinct().ToList());
    }

    [Theory]
    [InlineData("a,a")]
    [InlineData("not an id!")]
    public async Task BatchGet_fails_whole_on_a_repeated_or_malformed_id(string bad)
    {
        await using var emu = await Emu.StartAsync(Emu.Small());
        var good = (await emu.FirstItem()).GetProperty("id").GetString();
        string query = string.Join("&", new[] { good }.Concat(bad.Split(',')).Select(i => "mediaItemIds=" + Uri.EscapeDataString(i)));
        await Emu.AssertError(await emu.Get("/v1/mediaItems:batchGet?" + query), 400, "INVALID_ARGUMENT");
        // Well-formed but unknown ids still get a per-id NOT_FOUND.
        var ok = await emu.Json(emu.Get($"/v1/mediaItems:batchGet?mediaItemIds={good}&mediaItemIds=AF1QipUnknown"));
        Assert.Equal(5, ok.GetProperty("mediaItemResults")[1].GetProperty("status").GetProperty("code").GetInt32());
    }

    [Fact]
    public async Task Html_error_page_has_a_style_block()
    {
        await using var emu = await Emu.StartAsync(Emu.Small());
        await Faults(emu, new { target = "library", kind = "htmlError", status = 503 });
        using var res = await emu.Get("/v1/mediaItems");
        Assert.Equal(503, (int)res.StatusCode);
        string text = await res.Content.ReadAsStringAsync();
        Assert.Contains("<style>", text);
        Assert.Contains("503.", text);
    }

    [Fact]
    public async Task Media_429html_never_says_per_day()
    {
        await using var emu = await Emu.StartAsync(Emu.Small());
        var item = await emu.FirstItem();
        await Faults(emu, new { target = "media", kind = "429html" });
        using var res = await emu.Get(item.GetProperty("baseUrl").GetString() + "=d", token: null);
        Assert.Equal(429, (int)res.StatusCode);
        string text = await res.Content.ReadAsStringAsync();
        Assert.DoesNotContain("per day", text, StringComparison.OrdinalIgnoreCase);
        Assert.Null(res.Headers.RetryAfter);
    }

    [Theory]
    [InlineData("2147483647")]
    [InlineData("-5")]
    [InlineData("soon")]
    public async Task Retry_after_is_sent_verbatim(string value)
    {
        await using var emu = await Emu.StartAsync(Emu.Small());
        await Faults(emu, new { target = "library", kind = "429", retryAfter = value });
        using var res = await emu.Get("/v1/mediaItems");
        Assert.Equal(429, (int)res.StatusCode);
        Assert.Equal(value, string.Join(",", res.Headers.GetValues("Retry-After")));
    }

    [Fact]
    public async Task Retry_after_as_an_http_date()
    {
        await using var emu = await Emu.StartAsync(Emu.Small());
        await Faults(emu, new { target = "library", kind = "503", retryAfter = "date:+120" });
        using var res = await emu.Get("/v1/mediaItems");
        var date = res.Headers.RetryAfter!.Date!.Value;
        Assert.InRange((date - DateTimeOffset.UtcNow).TotalSeconds, 100, 125);
    }

    [Fact]
    public async Task Stalled_error_body_sends_headers_then_waits()
    {
        await using var emu = await Emu.StartAsync(Emu.Small());
        await Faults(emu, new { target = "library", kind = "stallBody", delayMs = 5000 });
        var sw = Stopwatch.StartNew();
        using var res = await emu.Http.SendAsync(emu.Request(HttpMethod.Get, "/v1/mediaItems"), HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(503, (int)res.StatusCode);
        Assert.True(sw.Elapsed < TimeSpan.FromSeconds(3), "headers come at once");
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(500));
        var body = await res.Content.ReadAsStreamAsync();
        var buffer = new byte[4096];
        int first = await body.ReadAsync(buffer, cts.Token);
        Assert.True(first > 0);
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => { while (await body.ReadAsync(buffer, cts.Token) > 0) { } });
    }

    [Fact]
    public async Task Picker_too_many_sessions_is_resource_exhausted()
    {
        await using var emu = await Emu.StartAsync(Emu.Small());
        await Faults(emu, new { target = "picker", kind = "tooManySessions" });
        var e = await Emu.AssertError(await emu.Post("/v1/sessions"), 429, "RESOURCE_EXHAUSTED");
        Assert.Contains("Too many active sessions", e.GetProperty("message").GetString());
        Assert.Null((await emu.Post("/v1/sessions")).Headers.RetryAfter);
    }
}
