using System.Diagnostics;
using System.Text.Json.Nodes;
using GPhotos.Auth;
using GPhotos.Http;
using GPhotos.Model;
using GPhotos.Sources;
using GPhotos.Sources.Library;
using GPhotos.Sources.Picker;
using Xunit;

namespace GPhotos.Core.Tests.Sources;

/// <summary>The API clients against the emulator's hostile faults (issue 12): each test pins one defect.</summary>
[Collection(EmulatorCollection.Name)]
public class HostileGoogleTests : IAsyncLifetime
{
    private readonly EmulatorFixture _emu;
    private string _token;

    public HostileGoogleTests(EmulatorFixture emu) => _emu = emu;

    public async Task InitializeAsync()
    {
        await _emu.PostAsync("reset", new { empty = true, pollIntervalSeconds = 1 });
        JsonNode token = await _emu.PostAsync("tokens", new { scopes = new[] { GPhotosScopes.LibraryReadAppCreated, GPhotosScopes.PickerReadOnly } });
        _token = (string)token["accessToken"];
    }

    public Task DisposeAsync() => Task.CompletedTask;

    /// <summary>Hands out the emulator token and counts refresh requests (a refresh would be a round trip to Google).</summary>
    private sealed class CountingTokens(string token) : IAccessTokenProvider
    {
        public int Refreshes;
        public Task<string> GetAccessTokenAsync(CancellationToken cancellationToken) => Task.FromResult(token);
        public Task<string> RefreshAccessTokenAsync(string rejectedToken, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref Refreshes);
            return Task.FromResult(token);
        }
    }

    private GoogleApiClient Client(CountingTokens tokens = null, int attempts = 6) =>
        new(_emu.Endpoints, tokens ?? new CountingTokens(_token), new RetryPolicy { DelayScale = 0, MaxAttempts = attempts });

    private Task Fault(object rule) => _emu.PostAsync("faults", new { rules = new[] { rule } });

    private async Task<string[]> AddPhotosAsync(int count)
    {
        var items = Enumerable.Range(1, count).Select(i => new { filename = $"IMG_{i:d4}.JPG", type = "PHOTO" }).ToArray();
        JsonNode created = await _emu.PostAsync("items", new { items });
        return created["items"].AsArray().Select(n => (string)n["id"]).ToArray();
    }

    private static async Task<List<MediaItem>> ListWithGuard(LibraryClient client)
    {
        var all = new List<MediaItem>();
        var guard = new PageGuard("Library");
        string token = null;
        do
        {
            MediaPage page = await client.GetPageAsync(null, token, default);
            all.AddRange(guard.Accept(page));
            token = page.NextPageToken;
        } while (token != null);
        return all;
    }

    // ------------------------------------------------------------------ redirects across hosts

    [Fact]
    public async Task A_base_url_redirected_to_a_foreign_host_gets_no_token_and_still_downloads()
    {
        await AddPhotosAsync(1);
        using var api = Client();
        MediaItem item = (await ListWithGuard(new LibraryClient(api))).Single();
        await Fault(new { target = "media", kind = "redirect" });
        await _emu.ClearCountersAsync();
        using MediaResponse response = await api.OpenMediaAsync(new Uri(item.BaseUrl + "=d"), sendToken: true, default);
        Assert.True(response.ContentLength > 0);
        JsonNode counters = await _emu.GetAsync("counters");
        Assert.Equal(1, (long)counters["requests"]["foreign"]);
        Assert.Equal(0, (long)counters["authorizationHeaders"]["foreign"]);
    }

    [Fact]
    public async Task A_401_from_a_foreign_host_does_not_force_a_token_refresh()
    {
        await AddPhotosAsync(1);
        var tokens = new CountingTokens(_token);
        using var api = Client(tokens);
        MediaItem item = (await ListWithGuard(new LibraryClient(api))).Single();
        await Fault(new { target = "media", kind = "redirect401" });
        var ex = await Assert.ThrowsAsync<GoogleApiException>(() => api.OpenMediaAsync(new Uri(item.BaseUrl + "=d"), sendToken: true, default));
        Assert.Equal(401, ex.HttpStatus);
        Assert.Equal(0, tokens.Refreshes);
    }

    // ------------------------------------------------------------------ paging

    [Fact]
    public async Task Empty_pages_with_a_token_are_followed_and_lose_nothing()
    {
        await AddPhotosAsync(150);
        using var api = Client();
        await Fault(new { target = "library", kind = "emptyPage", count = 3 });
        Assert.Equal(150, (await ListWithGuard(new LibraryClient(api))).Count);
    }

    [Fact]
    public async Task Endless_empty_pages_stop_with_a_clear_error()
    {
        await AddPhotosAsync(5);
        using var api = Client();
        await Fault(new { target = "library", kind = "emptyPage", count = PageGuard.MaxPagesWithoutNewItems + 5 });
        var ex = await Assert.ThrowsAsync<ListingStalledException>(() => ListWithGuard(new LibraryClient(api)));
        Assert.Contains("no new items", ex.Message);
        await _emu.DeleteAsync("faults");
    }

    [Fact]
    public async Task An_item_repeated_on_the_next_page_is_listed_once()
    {
        string[] ids = await AddPhotosAsync(150);
        using var api = Client();
        await Fault(new { target = "library", kind = "repeatItem" });
        List<MediaItem> all = await ListWithGuard(new LibraryClient(api));
        Assert.Equal(150, all.Count);
        Assert.Equal(ids.OrderBy(i => i), all.Select(i => i.Id).OrderBy(i => i));
    }

    // ------------------------------------------------------------------ batchGet

    [Fact]
    public async Task A_repeated_id_is_sent_once_and_answered_for_each_request()
    {
        string[] ids = await AddPhotosAsync(2);
        using var api = Client();
        await _emu.ClearCountersAsync();
        var asked = new[] { ids[0], ids[0], ids[1] };
        IReadOnlyList<BatchGetResult> results = await new LibraryClient(api).BatchGetAsync(asked, default);
        Assert.Equal(asked, results.Select(r => r.RequestedId));
        Assert.All(results, r => Assert.NotNull(r.Item));
        Assert.Equal(1, await _emu.CounterAsync("library.batchGet"));
    }

    [Fact]
    public async Task One_malformed_id_among_50_is_isolated_and_the_other_49_are_fetched()
    {
        string[] ids = await AddPhotosAsync(49);
        using var api = Client();
        var asked = ids.Take(20).Append("bad id/with spaces").Concat(ids.Skip(20)).ToList();
        await _emu.ClearCountersAsync();
        IReadOnlyList<BatchGetResult> results = await new LibraryClient(api).BatchGetAsync(asked, default);
        Assert.Equal(asked, results.Select(r => r.RequestedId));
        Assert.Equal(49, results.Count(r => r.Item != null));
        BatchGetResult bad = results.Single(r => r.Item == null);
        Assert.Equal(LibraryClient.InvalidArgumentCode, bad.StatusCode);
        Assert.Contains("invalid", bad.StatusMessage, StringComparison.OrdinalIgnoreCase);
        Assert.InRange(await _emu.CounterAsync("library.batchGet"), 2, 14); // bisection, not one request per id
    }

    // ------------------------------------------------------------------ error bodies, Retry-After

    [Fact]
    public async Task A_stalled_error_body_ends_within_the_error_body_timeout()
    {
        using var api = Client(attempts: 1);
        api.ErrorBodyTimeout = TimeSpan.FromSeconds(1);
        await Fault(new { target = "library", kind = "stallBody", delayMs = 60_000 });
        var clock = Stopwatch.StartNew();
        var ex = await Assert.ThrowsAsync<GoogleApiException>(() => new LibraryClient(api).GetPageAsync(null, null, default));
        Assert.Equal(503, ex.HttpStatus);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"took {clock.Elapsed}");
    }

    [Fact]
    public async Task Ctrl_C_during_a_stalled_error_body_ends_within_a_second()
    {
        using var api = Client(attempts: 1);
        api.ErrorBodyTimeout = TimeSpan.FromMinutes(5);
        await Fault(new { target = "library", kind = "stallBody", delayMs = 60_000 });
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(500));
        var clock = Stopwatch.StartNew();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => new LibraryClient(api).GetPageAsync(null, null, cts.Token));
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(1.5), $"took {clock.Elapsed}");
    }

    [Fact]
    public async Task A_styled_html_502_becomes_a_readable_message()
    {
        using var api = Client(attempts: 1);
        await Fault(new { target = "library", kind = "htmlError", status = 502 });
        var ex = await Assert.ThrowsAsync<GoogleApiException>(() => new LibraryClient(api).GetPageAsync(null, null, default));
        Assert.Equal(502, ex.HttpStatus);
        Assert.Contains("502. That’s an error.", ex.Message);
        Assert.DoesNotContain("margin", ex.Message);
        Assert.DoesNotContain("<", ex.Message);
    }

    [Theory]
    [InlineData("2147483647")]
    [InlineData("-5")]
    [InlineData("soon")]
    public async Task An_absurd_Retry_After_is_ignored_and_the_call_retried(string retryAfter)
    {
        await AddPhotosAsync(1);
        using var api = Client();
        await Fault(new { target = "library", kind = "429", retryAfter });
        MediaPage page = await new LibraryClient(api).GetPageAsync(null, null, default);
        Assert.Single(page.Items);
    }

    [Fact]
    public async Task A_Retry_After_date_hours_ahead_stops_with_resume_after()
    {
        using var api = Client();
        await Fault(new { target = "library", kind = "503", retryAfter = "date:+10800" });
        await _emu.ClearCountersAsync();
        var ex = await Assert.ThrowsAsync<RateLimitedException>(() => new LibraryClient(api).GetPageAsync(null, null, default));
        Assert.InRange((ex.ResumeAfter - DateTimeOffset.Now).TotalHours, 2.9, 3.1);
        Assert.Equal(1, await _emu.CounterAsync("library.list"));
    }

    // ------------------------------------------------------------------ Picker

    [Fact]
    public async Task Too_many_picker_sessions_is_an_immediate_clear_error()
    {
        using var api = Client();
        await Fault(new { target = "picker", kind = "tooManySessions", count = 10 });
        await _emu.ClearCountersAsync();
        var clock = Stopwatch.StartNew();
        var ex = await Assert.ThrowsAsync<TooManySessionsException>(() => new PickerClient(api).CreateSessionAsync(null, default));
        Assert.Contains("Remove-GPhotosPickerSession", ex.Message);
        Assert.Equal(1, await _emu.CounterAsync("picker.sessions.create"));
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5));
        await _emu.DeleteAsync("faults");
    }

    [Fact]
    public async Task A_picker_per_minute_quota_429_is_still_retried()
    {
        using var api = Client();
        await Fault(new { target = "picker", kind = "429", retryAfterSeconds = 0 });
        PickerSession session = await new PickerClient(api).CreateSessionAsync(null, default);
        Assert.NotNull(session.Id);
    }
}

/// <summary>Save against the emulator's base-URL 429 page (no "per day", no Retry-After): the run stops, it does not spin.</summary>
[Collection(EmulatorCollection.Name)]
public class HostileGoogleSaveTests(EmulatorFixture emu)
{
    [Fact]
    public async Task Media_429s_without_per_day_stop_the_run_with_an_estimate()
    {
        await emu.PostAsync("reset", new { empty = true });
        var items = Enumerable.Range(1, 30).Select(i => new { filename = $"IMG_{i:d4}.JPG", type = "PHOTO", size = 2000 }).ToArray();
        await emu.PostAsync("items", new { items });
        JsonNode token = await emu.PostAsync("tokens", new { scopes = new[] { GPhotosScopes.LibraryReadAppCreated } });
        using var connection = GPhotosConnection.FromAccessToken((string)token["accessToken"], emu.Endpoints);
        connection.Api.Retry.DelayScale = 0;
        List<MediaItem> listed = (await new LibraryClient(connection.Api).GetPageAsync(null, null, default)).Items.ToList();
        await emu.PostAsync("faults", new { rules = new[] { new { target = "media", kind = "429html", count = 1000 } } });
        await emu.ClearCountersAsync();
        using var folder = new GPhotos.Core.Tests.Saving.TempFolder();
        var source = new LibraryContentSource(connection.Api);
        using var session = new GPhotos.Saving.SaveSession(
            GPhotos.Core.Tests.Saving.SessionKit.Options(folder, o => { o.ThrottleLimit = 2; o.Retry = new RetryPolicy { DelayScale = 0, MaxAttempts = 6 }; }), _ => source);
        var events = GPhotos.Core.Tests.Saving.SessionKit.Run(session, listed, TimeSpan.FromSeconds(30));
        var fatal = Assert.Single(events, e => e.Kind == GPhotos.Saving.SaveEventKind.Fatal);
        var stop = Assert.IsType<RateLimitedException>(fatal.Error);
        // Library base URLs have a daily fetch quota: the estimate is Google's reset, midnight Pacific.
        Assert.Equal(GoogleApiClient.NextPacificMidnight(DateTimeOffset.UtcNow), stop.ResumeAfter);
        Assert.DoesNotContain("<", fatal.Message);
        Assert.InRange(await emu.CounterAsync("media"), GPhotos.Saving.SaveSession.Media429StreakLimit, GPhotos.Saving.SaveSession.Media429StreakLimit + 4);
        await emu.DeleteAsync("faults");
    }
}
