using System.Globalization;
using GPhotos.Http;
using Xunit;

namespace GPhotos.Core.Tests.Http;

/// <summary>Retry-After never hangs a run nor crashes a wait (issue 12, B1/B2).</summary>
public class RetryAfterTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 6, 12, 0, 0, TimeSpan.Zero);

    [Theory]
    [InlineData("0", 0.0)]
    [InlineData("120", 120.0)]
    [InlineData(" 30 ", 30.0)]
    [InlineData("86400", 86400.0)]
    public void Delta_seconds_up_to_a_day_are_read(string value, double seconds)
        => Assert.Equal(TimeSpan.FromSeconds(seconds), RetryAfterHeader.Parse(value, Now));

    [Theory]
    [InlineData("2147483647")] // 68 years: issue 12's example
    [InlineData("86401")]
    [InlineData("99999999999999999999999")]
    [InlineData("-5")]
    [InlineData("1.5")]
    [InlineData("10s")]
    [InlineData("soon")]
    [InlineData("")]
    [InlineData(null)]
    [InlineData("Sun, 06 Nov 2094 08:49:37 GMT")] // a date 68 years ahead
    public void Absurd_negative_or_unparsable_values_count_as_absent(string value)
        => Assert.Null(RetryAfterHeader.Parse(value, Now));

    [Fact]
    public void Http_dates_in_all_three_forms_are_read()
    {
        DateTimeOffset at = Now.AddSeconds(90);
        Assert.Equal(TimeSpan.FromSeconds(90), RetryAfterHeader.Parse(at.ToString("r", CultureInfo.InvariantCulture), Now));
        Assert.Equal(TimeSpan.FromSeconds(90), RetryAfterHeader.Parse(at.ToString("dddd, dd-MMM-yy HH:mm:ss 'GMT'", CultureInfo.InvariantCulture), Now));
        Assert.Equal(TimeSpan.FromSeconds(90), RetryAfterHeader.Parse(at.ToString("ddd MMM d HH:mm:ss yyyy", CultureInfo.InvariantCulture), Now));
    }

    [Fact]
    public void A_date_in_the_past_means_now()
        => Assert.Equal(TimeSpan.Zero, RetryAfterHeader.Parse(Now.AddMinutes(-5).ToString("r", CultureInfo.InvariantCulture), Now));

    private static GoogleApiException Status(int code, TimeSpan? retryAfter) => new(code, "UNAVAILABLE", null, "x", retryAfter);

    [Fact]
    public void No_delay_ever_exceeds_the_one_hour_cap_so_Task_Delay_cannot_throw()
    {
        var p = new RetryPolicy();
        foreach (var ra in new TimeSpan?[] { TimeSpan.MaxValue, TimeSpan.FromDays(400), TimeSpan.FromHours(3) })
            foreach (int code in new[] { 429, 503 })
            {
                TimeSpan d = p.GetDelay(1, Status(code, ra));
                Assert.True(d <= RetryAfterHeader.HonouredUpTo, $"{code} {ra}: {d}");
                Assert.True(d.TotalMilliseconds <= int.MaxValue);
            }
    }

    [Fact]
    public void Up_to_an_hour_is_honoured()
        => Assert.Equal(TimeSpan.FromMinutes(50), new RetryPolicy().GetDelay(1, Status(503, TimeSpan.FromMinutes(50))));

    [Fact]
    public async Task A_plausible_wait_beyond_an_hour_stops_with_resume_after_at_once()
    {
        var p = new RetryPolicy { Delay = (_, _) => throw new InvalidOperationException("must not wait") };
        int calls = 0;
        var ex = await Assert.ThrowsAsync<RateLimitedException>(() => Pacer.For(p).ExecuteAsync<int>(new PaceRules(QuotaGroup.LibraryApi), _ => { calls++; throw Status(503, TimeSpan.FromHours(3)); }, default));
        Assert.Equal(1, calls);
        Assert.Contains("Resume after", ex.Message);
        Assert.InRange((ex.ResumeAfter - DateTimeOffset.Now).TotalHours, 2.9, 3.1);
        Assert.False(RetryPolicy.IsTransient(ex, default)); // a QuotaExhaustedException: Save stops the run on it
        Assert.IsAssignableFrom<QuotaExhaustedException>(ex);
    }

    [Fact]
    public async Task The_total_wait_budget_ends_retries_early()
    {
        var waits = new List<TimeSpan>();
        var p = new RetryPolicy { MaxAttempts = 100, MaxTotalWait = TimeSpan.FromSeconds(20), Delay = (d, _) => { waits.Add(d); return Task.CompletedTask; } };
        await Assert.ThrowsAsync<GoogleApiException>(() => Pacer.For(p).ExecuteAsync<int>(new PaceRules(QuotaGroup.LibraryApi), _ => throw Status(500, null), default));
        Assert.True(waits.Sum(w => w.TotalSeconds) <= 20, string.Join(",", waits));
        Assert.InRange(waits.Count, 2, 5);
    }

    [Fact]
    public void First_5xx_retry_waits_at_least_one_second()
    {
        var p = new RetryPolicy();
        for (int i = 0; i < 200; i++) Assert.True(p.GetDelay(1, Status(500, null)) >= TimeSpan.FromSeconds(1));
        // A Retry-After below the floor does not shorten it either.
        Assert.True(p.GetDelay(1, Status(503, TimeSpan.Zero)) >= TimeSpan.FromSeconds(1));
    }
}
