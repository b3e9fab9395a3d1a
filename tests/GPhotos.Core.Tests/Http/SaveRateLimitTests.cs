using GPhotos.Core.Tests.Saving;
using GPhotos.Http;
using GPhotos.Model;
using GPhotos.Saving;
using Xunit;

namespace GPhotos.Core.Tests.Http;

/// <summary>Save's retry and shared 429 pause against hostile rate limits (issue 12, B1 and B4).</summary>
public class SaveRateLimitTests
{
    private static List<MediaItem> Photos(int n) => Enumerable.Range(0, n).Select(i => Items.Photo($"id-{i}", $"p{i}.jpg")).ToList();

    [Fact]
    public void A_streak_of_media_429s_without_per_day_stops_the_run_with_resume_after()
    {
        const int workers = 2;
        using var folder = new Saving.TempFolder();
        var source = new FakeSource
        {
            // Base URLs' 429 page: no quota wording, no Retry-After.
            Handler = (_, _, _, _) => throw new GoogleApiException(429, null, "We're sorry, but you have sent too many requests to us recently.", "429 Too Many Requests"),
        };
        var events = SessionKit.Save(folder, source, Photos(40), o => { o.ThrottleLimit = workers; o.Retry = new RetryPolicy { DelayScale = 0, MaxAttempts = 6 }; });
        SaveEvent fatal = Assert.Single(events, e => e.Kind == SaveEventKind.Fatal);
        Assert.IsType<RateLimitedException>(fatal.Error);
        Assert.Contains("Resume after", fatal.Message);
        Assert.Contains("429", fatal.Message);
        // Stopped after the streak, not after 40 items × 6 attempts (240 calls). Exactly what the design allows: the
        // call that makes the streak reach the limit stops the run, and each other worker can have at most one call
        // in flight then (its 429 comes back past the limit and stops it too, whoever reported first). 17-18 calls were
        // once seen under load: the stop was raised only after the first worker's event was queued, and the second
        // worker, finding the run not yet stopped, took item after item (SaveRun.SetFatal now stops before reporting).
        Assert.InRange(source.TotalCalls, SaveSession.Media429StreakLimit, SaveSession.Media429StreakLimit + workers - 1);
    }

    [Fact]
    public void A_success_resets_the_streak()
    {
        using var folder = new Saving.TempFolder();
        var source = new FakeSource();
        source.Handler = (item, variant, attempt, ct) => attempt == 1
            ? throw new GoogleApiException(429, null, null, "429")
            : source.Default(item, variant, attempt, ct);
        var events = SessionKit.Save(folder, source, Photos(30), o => o.ThrottleLimit = 1);
        Assert.DoesNotContain(events, e => e.Kind == SaveEventKind.Fatal);
        Assert.Equal(30, events.Results().Count);
    }

    [Fact]
    public void A_huge_Retry_After_neither_crashes_the_wait_nor_poisons_later_items()
    {
        using var folder = new Saving.TempFolder();
        var source = new FakeSource();
        source.Handler = (item, variant, attempt, ct) => item.Id == "id-0" && attempt == 1
            // What a Retry-After of 2147483647 seconds used to become: far more milliseconds than Task.Delay takes.
            ? throw new GoogleApiException(429, "RESOURCE_EXHAUSTED", null, "429", TimeSpan.FromSeconds(int.MaxValue))
            : source.Default(item, variant, attempt, ct);
        var waits = new List<TimeSpan>();
        var events = SessionKit.Save(folder, source, Photos(5), o =>
        {
            o.ThrottleLimit = 1;
            o.Retry = new RetryPolicy { MaxAttempts = 4, Delay = (d, _) => { lock (waits) waits.Add(d); return Task.CompletedTask; } };
        });
        Assert.Empty(events.Errors());
        Assert.Equal(5, events.Results().Count);
        Assert.All(waits, w => Assert.True(w <= RetryAfterHeader.HonouredUpTo, w.ToString()));
    }

    [Fact]
    public void A_Retry_After_of_three_hours_stops_the_run_at_once()
    {
        using var folder = new Saving.TempFolder();
        var source = new FakeSource
        {
            Handler = (_, _, _, _) => throw new GoogleApiException(503, null, null, "503", TimeSpan.FromHours(3)),
        };
        var events = SessionKit.Save(folder, source, Photos(10), o => o.ThrottleLimit = 1);
        SaveEvent fatal = Assert.Single(events, e => e.Kind == SaveEventKind.Fatal);
        Assert.Equal("RateLimited", fatal.ErrorId); // a long Retry-After is not the daily quota
        Assert.Contains("Resume after", fatal.Message);
        Assert.Equal(1, source.TotalCalls);
    }
}
