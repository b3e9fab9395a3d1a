using System.Collections.Generic;
using System.IO;
using System.Threading;
using System.Threading.Tasks;
using GPhotos.Http;
using Xunit;

namespace GPhotos.Core.Tests.Http;

/// <summary>The connection's pacer: one gate per quota group, 429 streaks, budgets, and the seam Save's whole-download attempts use.</summary>
public class PacerTests
{
    private static GoogleApiException Status(int code, TimeSpan? retryAfter = null) => new(code, "X", null, "HTTP " + code, retryAfter);

    /// <summary>A pacer whose clock only moves when it "waits", recording every wait.</summary>
    private static (Pacer Pacer, List<TimeSpan> Waits) Fake(int maxAttempts = 6)
    {
        var waits = new List<TimeSpan>();
        var now = new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc);
        var policy = new RetryPolicy { MaxAttempts = maxAttempts };
        var pacer = new Pacer(policy) { UtcNow = () => now };
        policy.Delay = (d, ct) => { ct.ThrowIfCancellationRequested(); waits.Add(d); now += d; return Task.CompletedTask; };
        return (pacer, waits);
    }

    [Fact]
    public void One_policy_instance_means_one_pacer()
    {
        var policy = new RetryPolicy();
        Assert.Same(Pacer.For(policy), Pacer.For(policy));
        Assert.NotSame(Pacer.For(policy), Pacer.For(new RetryPolicy()));
    }

    [Fact]
    public async Task A_429_pauses_its_own_group_only()
    {
        var (pacer, waits) = Fake();
        int calls = 0;
        int result = await pacer.ExecuteAsync(new PaceRules(QuotaGroup.Media), _ => ++calls == 1 ? throw Status(429) : Task.FromResult(7), default);
        Assert.Equal(7, result);
        Assert.Equal(new[] { TimeSpan.FromSeconds(30) }, waits);

        // The pause was set at the 429 and the clock moved by the retry's wait; another Media request set the same
        // moment waits nothing more, but a fresh 429 pause is honoured by the next Media request, not by Library's.
        pacer.Pause(QuotaGroup.Media, TimeSpan.FromSeconds(20));
        waits.Clear();
        await pacer.WaitTurnAsync(QuotaGroup.LibraryApi, default);
        Assert.Empty(waits);
        await pacer.WaitTurnAsync(QuotaGroup.Media, default);
        Assert.Equal(new[] { TimeSpan.FromSeconds(20) }, waits);
    }

    [Fact]
    public void A_poisoned_pause_is_bounded_by_an_hour()
    {
        var (pacer, waits) = Fake();
        pacer.Pause(QuotaGroup.Drive, TimeSpan.FromDays(30));
        pacer.WaitTurnAsync(QuotaGroup.Drive, default).GetAwaiter().GetResult();
        Assert.Equal(new[] { RetryAfterHeader.HonouredUpTo }, waits);
    }

    [Fact]
    public async Task Ctrl_C_ends_the_wait_on_the_gate()
    {
        var policy = new RetryPolicy(); // the real Task.Delay
        var pacer = new Pacer(policy);
        pacer.Pause(QuotaGroup.LibraryApi, TimeSpan.FromMinutes(10));
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(100));
        var sw = System.Diagnostics.Stopwatch.StartNew();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => pacer.WaitTurnAsync(QuotaGroup.LibraryApi, cts.Token));
        Assert.True(sw.Elapsed < TimeSpan.FromSeconds(1), sw.Elapsed.ToString());
    }

    [Fact]
    public async Task A_streak_of_429s_stops_the_run_with_the_rules_resume_estimate()
    {
        var (pacer, _) = Fake(maxAttempts: 100);
        var resume = DateTimeOffset.Now.AddHours(5);
        var rules = new PaceRules(QuotaGroup.Media)
        {
            StreakLimit = 3,
            StreakStop = (api, streak) => new RateLimitedException(api, resume, $"{streak} in a row on 'IMG_1.JPG'"),
        };
        int calls = 0;
        var ex = await Assert.ThrowsAsync<RateLimitedException>(() => pacer.ExecuteAsync<int>(rules, _ => { calls++; throw Status(429); }, default));
        Assert.Equal(3, calls);
        Assert.Contains("3 in a row on 'IMG_1.JPG'", ex.Message);
        Assert.Equal(resume, ex.ResumeAfter);
        Assert.Equal(3, pacer.StreakOf(QuotaGroup.Media));
        Assert.Equal(0, pacer.StreakOf(QuotaGroup.LibraryApi));
    }

    [Fact]
    public async Task A_success_ends_the_groups_streak()
    {
        var (pacer, _) = Fake();
        int calls = 0;
        await pacer.ExecuteAsync(new PaceRules(QuotaGroup.PickerApi), _ => ++calls < 3 ? throw Status(429) : Task.FromResult(1), default);
        Assert.Equal(0, pacer.StreakOf(QuotaGroup.PickerApi));
    }

    [Fact]
    public async Task A_refiner_turns_the_error_before_retry_is_considered()
    {
        var (pacer, waits) = Fake();
        var rules = new PaceRules(QuotaGroup.PickerApi) { Refine = e => e is GoogleApiException { HttpStatus: 429 } ? new InvalidOperationException("too many sessions") : null };
        var ex = await Assert.ThrowsAsync<InvalidOperationException>(() => pacer.ExecuteAsync<int>(rules, _ => throw Status(429), default));
        Assert.Equal("too many sessions", ex.Message);
        Assert.Empty(waits);
    }

    [Fact]
    public async Task The_per_request_budget_gives_up_with_the_last_error()
    {
        var (pacer, waits) = Fake(maxAttempts: 100);
        pacer.Policy.MaxTotalWait = TimeSpan.FromSeconds(40);
        await Assert.ThrowsAsync<GoogleApiException>(() => pacer.ExecuteAsync<int>(new PaceRules(QuotaGroup.LibraryApi), _ => throw Status(503), default));
        Assert.True(waits.Sum(w => w.TotalSeconds) <= 40, string.Join(",", waits));
        Assert.NotEmpty(waits);
    }

    /// <summary>
    /// The seam Save uses: the caller makes each whole-download attempt itself and does what the verdict says. A fake
    /// attempt fails with a dropped connection, then a 429, then succeeds; the pacer retries both, pauses Media for the
    /// 429, and a custom classifier (Save's wrong-content limit) ends the item at once without touching the run.
    /// </summary>
    [Fact]
    public async Task Callers_attempts_follow_the_verdicts()
    {
        var (pacer, waits) = Fake();
        var failures = new Queue<Exception>(new Exception[] { new IOException("reset"), Status(429) });
        var rules = new PaceRules(QuotaGroup.Media) { StreakLimit = 8 };
        PacedAttempts attempts = pacer.Begin(rules);
        string saved = null;
        while (saved == null)
        {
            await attempts.WaitTurnAsync(default);
            try
            {
                if (failures.Count > 0) throw failures.Dequeue();
                saved = "IMG_1.JPG";
                attempts.Succeeded();
            }
            catch (Exception ex) when (saved == null)
            {
                PaceVerdict verdict = attempts.Judge(ex, default);
                Assert.Equal(PaceAction.Retry, verdict.Action);
                await attempts.WaitAsync(verdict, default);
            }
        }
        Assert.Equal(3, attempts.Attempt);
        Assert.Equal(2, waits.Count);
        Assert.Equal(TimeSpan.FromSeconds(60), waits[1]); // a 429 on the second attempt: 30 s x 2

        var picky = pacer.Begin(new PaceRules(QuotaGroup.Media) { IsRetryable = (e, n, ct) => !(e is InvalidDataException) && n < 2 });
        Assert.Equal(PaceAction.GiveUp, picky.Judge(new InvalidDataException("a thumbnail"), default).Action);
        PaceVerdict stop = picky.Judge(Status(503, TimeSpan.FromHours(2)), default);
        Assert.Equal(PaceAction.StopRun, stop.Action);
        Assert.IsType<RateLimitedException>(stop.Stop);
    }

    [Fact]
    public async Task Absurd_retry_after_is_ignored_not_obeyed()
    {
        var (pacer, waits) = Fake();
        int calls = 0;
        // RetryAfterHeader turns an absurd value into null before it reaches an exception; a hand-made one beyond a
        // day must still not be waited on.
        await pacer.ExecuteAsync(new PaceRules(QuotaGroup.LibraryApi), _ => ++calls == 1 ? throw Status(503, TimeSpan.FromDays(400)) : Task.FromResult(0), default);
        Assert.Single(waits);
        Assert.True(waits[0] < TimeSpan.FromMinutes(2), waits[0].ToString());
    }
}
