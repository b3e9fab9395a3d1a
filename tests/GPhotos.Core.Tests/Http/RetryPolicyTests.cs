using System.IO;
using System.Net.Http;
using GPhotos.Http;
using Xunit;

namespace GPhotos.Core.Tests.Http;

public class RetryPolicyTests
{
    private static GoogleApiException Status(int code, System.TimeSpan? retryAfter = null) =>
        new GoogleApiException(code, null, null, "x", retryAfter);

    [Fact]
    public void A_429_waits_for_Retry_After_when_given()
        => Assert.Equal(System.TimeSpan.FromSeconds(7), new RetryPolicy().GetDelay(1, Status(429, System.TimeSpan.FromSeconds(7))));

    [Fact]
    public void A_429_without_Retry_After_waits_at_least_30_seconds_as_Google_asks()
    {
        var p = new RetryPolicy();
        Assert.True(p.GetDelay(1, Status(429)) >= System.TimeSpan.FromSeconds(30));
        Assert.True(p.GetDelay(3, Status(429)) >= p.GetDelay(1, Status(429)));
    }

    [Fact]
    public void Server_errors_back_off_exponentially_from_one_second_with_jitter_and_a_cap()
    {
        var p = new RetryPolicy();
        for (int attempt = 1; attempt <= 10; attempt++)
        {
            double step = System.Math.Min(1000 * System.Math.Pow(2, attempt - 1), p.MaxDelay.TotalMilliseconds);
            for (int i = 0; i < 50; i++)
            {
                // Jitter only upwards: Google asks for the first 5xx retry no sooner than 1 s (issue 12).
                double ms = p.GetDelay(attempt, Status(503)).TotalMilliseconds;
                Assert.InRange(ms, step, step * 1.5);
            }
        }
    }

    [Fact]
    public void The_delay_scale_shrinks_every_wait()
        => Assert.Equal(System.TimeSpan.FromSeconds(0.3), new RetryPolicy { DelayScale = 0.01 }.GetDelay(1, Status(429)));

    [Theory]
    [InlineData(500, true)]
    [InlineData(503, true)]
    [InlineData(429, true)]
    [InlineData(400, false)]
    [InlineData(403, false)]
    [InlineData(404, false)]
    public void Transient_statuses(int code, bool transient) => Assert.Equal(transient, RetryPolicy.IsTransient(Status(code), default));

    [Fact]
    public void A_spent_daily_quota_is_never_retried()
        => Assert.False(RetryPolicy.IsTransient(new QuotaExhaustedException("per day", System.DateTimeOffset.UtcNow), default));

    [Fact]
    public void Dropped_connections_are_retried_but_marked_permanent_failures_are_not()
    {
        Assert.True(RetryPolicy.IsTransient(new IOException("reset"), default));
        Assert.True(RetryPolicy.IsTransient(new HttpRequestException("reset"), default));
        var permanent = new IOException("damaged entry");
        permanent.Data[RetryPolicy.PermanentFailureKey] = true;
        Assert.False(RetryPolicy.IsTransient(permanent, default));
        Assert.False(RetryPolicy.IsTransient(new FileNotFoundException("gone"), default));
    }

    [Fact]
    public async Task ExecuteAsync_retries_transient_failures_then_returns()
    {
        var waits = new List<System.TimeSpan>();
        var p = new RetryPolicy { Delay = (d, ct) => { waits.Add(d); return Task.CompletedTask; } };
        int calls = 0;
        int result = await Pacer.For(p).ExecuteAsync(new PaceRules(QuotaGroup.LibraryApi), ct => ++calls < 3 ? throw Status(503) : Task.FromResult(42), default);
        Assert.Equal(42, result);
        Assert.Equal(3, calls);
        Assert.Equal(2, waits.Count);
    }

    [Fact]
    public async Task ExecuteAsync_gives_up_after_MaxAttempts_with_the_last_error()
    {
        var p = new RetryPolicy { MaxAttempts = 4, Delay = (d, ct) => Task.CompletedTask };
        int calls = 0;
        var ex = await Assert.ThrowsAsync<GoogleApiException>(() => Pacer.For(p).ExecuteAsync<int>(new PaceRules(QuotaGroup.LibraryApi), ct => { calls++; throw Status(500); }, default));
        Assert.Equal(500, ex.HttpStatus);
        Assert.Equal(4, calls);
    }

    [Fact]
    public void Daily_quota_resumes_after_the_next_midnight_in_California()
    {
        var now = new System.DateTimeOffset(2026, 7, 1, 12, 0, 0, System.TimeSpan.Zero); // 05:00 PDT
        var resume = GoogleApiClient.NextPacificMidnight(now);
        Assert.Equal(new System.DateTimeOffset(2026, 7, 2, 7, 0, 0, System.TimeSpan.Zero), resume.ToUniversalTime());
    }
}
