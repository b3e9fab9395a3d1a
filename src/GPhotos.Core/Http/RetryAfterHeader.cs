using System;
using System.Globalization;

namespace GPhotos.Http
{
    /// <summary>
    /// Reads Retry-After (RFC 9110: delta-seconds or an HTTP date) without trusting it. A server can send
    /// 2147483647 (68 years, and more milliseconds than Task.Delay accepts), a negative number, garbage or a date
    /// long past; none of that may hang a run or crash a wait.
    /// </summary>
    public static class RetryAfterHeader
    {
        /// <summary>Waits up to this long are honoured (issue 12: "up to a cap, say 1 hour").</summary>
        public static readonly TimeSpan HonouredUpTo = TimeSpan.FromHours(1);

        /// <summary>Longer waits up to this one are believed, but stop the run with "resume after"; beyond it the value is absurd.</summary>
        public static readonly TimeSpan PlausibleUpTo = TimeSpan.FromDays(1);

        private static readonly string[] DateFormats =
        {
            "r", // RFC 1123: Sun, 06 Nov 1994 08:49:37 GMT (the preferred form)
            "dddd, dd-MMM-yy HH:mm:ss 'GMT'", // RFC 850
            "ddd MMM d HH:mm:ss yyyy", // asctime
            "ddd, d MMM yyyy HH:mm:ss 'GMT'",
        };

        /// <summary>
        /// The wait a Retry-After value asks for, or null when it is missing, unparsable, negative or absurd (beyond
        /// <see cref="PlausibleUpTo"/>): the caller then uses its own backoff. A date in the past means "now" (clocks differ).
        /// </summary>
        public static TimeSpan? Parse(string value, DateTimeOffset now)
        {
            if (value == null) return null;
            string v = value.Trim();
            if (v.Length == 0 || v.Length > 64) return null;
            if (v[0] >= '0' && v[0] <= '9')
            {
                // delta-seconds is 1*DIGIT; anything else ("1.5", "10s") is not the header's grammar.
                for (int i = 0; i < v.Length; i++)
                    if (v[i] < '0' || v[i] > '9') return null;
                if (v.Length > 12 || !long.TryParse(v, NumberStyles.None, CultureInfo.InvariantCulture, out long seconds)) return null;
                return seconds <= PlausibleUpTo.TotalSeconds ? TimeSpan.FromSeconds(seconds) : (TimeSpan?)null;
            }
            if (!DateTimeOffset.TryParseExact(v, DateFormats, CultureInfo.InvariantCulture,
                    DateTimeStyles.AssumeUniversal | DateTimeStyles.AllowInnerWhite, out DateTimeOffset date))
                return null;
            TimeSpan wait = date - now;
            if (wait < TimeSpan.Zero) return TimeSpan.Zero;
            return wait <= PlausibleUpTo ? wait : (TimeSpan?)null;
        }
    }
}
