using GPhotos.Http;
using Xunit;

namespace GPhotos.Core.Tests.Fuzz;

/// <summary>Retry-After values: parsing never throws, and no value makes a wait longer than the cap.</summary>
public class RetryAfterFuzzTests
{
    private static readonly string[] Samples =
    {
        "120", "0", "2147483647", "-5", "soon", "Sun, 06 Dec 2026 12:02:00 GMT", "Sunday, 06-Dec-26 12:02:00 GMT",
        "Sun Dec  6 12:02:00 2026", "86400", "1.5", "",
    };

    [Fact]
    public void Any_value_parses_to_nothing_or_a_wait_within_a_day_and_delays_stay_capped()
    {
        var now = new DateTimeOffset(2026, 12, 6, 12, 0, 0, TimeSpan.Zero);
        var policy = new RetryPolicy();
        Fuzz.Text("retry-after", Samples, value =>
        {
            TimeSpan? wait = RetryAfterHeader.Parse(value, now);
            if (wait.HasValue) Assert.InRange(wait.Value, TimeSpan.Zero, RetryAfterHeader.PlausibleUpTo);
            foreach (int status in new[] { 429, 503 })
            {
                var error = new GoogleApiException(status, null, null, "x", wait);
                Assert.InRange(policy.GetDelay(1, error), TimeSpan.Zero, RetryAfterHeader.HonouredUpTo);
                RateLimitedException stop = RetryPolicy.StopFor(error);
                if (stop != null) Assert.True(wait > RetryAfterHeader.HonouredUpTo);
            }
        }, maxLength: 256);
    }
}
