using System;
using System.Globalization;
using Newtonsoft.Json.Linq;

namespace GPhotos.Sources
{
    /// <summary>
    /// Tolerant readers for proto3 JSON: int64 may come as a string ("4032") or a number (Picker), durations as
    /// "0.008s", timestamps as RFC 3339. Unknown fields are ignored by simply never being read.
    /// </summary>
    internal static class JsonValues
    {
        /// <summary>A field of an object; null when <paramref name="token"/> is not an object (a JArray or JValue indexer would throw).</summary>
        public static JToken Child(JToken token, string name) => token is JObject o ? o[name] : null;

        public static string String(JToken token, string name) => Child(token, name) is JValue v && v.Type != JTokenType.Null ? Convert.ToString(v.Value, CultureInfo.InvariantCulture) : null;

        public static long? Int64(JToken token, string name)
        {
            if (!(Child(token, name) is JValue v) || v.Type == JTokenType.Null) return null;
            switch (v.Type)
            {
                // Beyond int64 Json.NET holds a BigInteger, which Convert cannot cast: out of range is "absent".
                case JTokenType.Integer: return v.Value is long l64 ? l64 : (long?)null;
                case JTokenType.Float:
                    double d = Convert.ToDouble(v.Value, CultureInfo.InvariantCulture);
                    return d > -9.2e18 && d < 9.2e18 ? (long)Math.Round(d) : (long?)null;
                case JTokenType.String:
                    return long.TryParse((string)v.Value, NumberStyles.Integer, CultureInfo.InvariantCulture, out long l) ? l : (long?)null;
                default: return null;
            }
        }

        public static int? Int32(JToken token, string name)
        {
            long? value = Int64(token, name);
            return value.HasValue && value.Value >= int.MinValue && value.Value <= int.MaxValue ? (int)value.Value : (int?)null;
        }

        public static double? Double(JToken token, string name)
        {
            if (!(Child(token, name) is JValue v) || v.Type == JTokenType.Null) return null;
            switch (v.Type)
            {
                case JTokenType.Integer:
                case JTokenType.Float:
                    return v.Value is System.Numerics.BigInteger big ? (double)big : Convert.ToDouble(v.Value, CultureInfo.InvariantCulture);
                case JTokenType.String:
                    return double.TryParse((string)v.Value, NumberStyles.Float, CultureInfo.InvariantCulture, out double d) ? d : (double?)null;
                default: return null;
            }
        }

        public static bool Bool(JToken token, string name)
        {
            if (!(Child(token, name) is JValue v)) return false;
            if (v.Type == JTokenType.Boolean) return (bool)v.Value;
            if (v.Type == JTokenType.String) return bool.TryParse((string)v.Value, out bool b) && b;
            return false;
        }

        /// <summary>RFC 3339 timestamp to a UTC DateTime.</summary>
        public static DateTime? Timestamp(JToken token, string name)
        {
            if (!(Child(token, name) is JValue v) || v.Type == JTokenType.Null) return null;
            if (v.Type == JTokenType.Date) return ((DateTime)v.Value).ToUniversalTime();
            string s = Convert.ToString(v.Value, CultureInfo.InvariantCulture);
            return DateTimeOffset.TryParse(s, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out DateTimeOffset dto)
                ? dto.UtcDateTime
                : (DateTime?)null;
        }

        /// <summary>google-duration ("0.008s", "5s", "1800s") to a TimeSpan.</summary>
        public static TimeSpan? Duration(JToken token, string name) => ParseDuration(String(token, name));

        public static TimeSpan? ParseDuration(string s)
        {
            if (string.IsNullOrWhiteSpace(s)) return null;
            s = s.Trim();
            if (s.EndsWith("s", StringComparison.Ordinal)) s = s.Substring(0, s.Length - 1);
            return double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out double seconds) && seconds >= 0 && seconds < TimeSpan.MaxValue.TotalSeconds
                ? TimeSpan.FromTicks((long)Math.Round(seconds * TimeSpan.TicksPerSecond))
                : (TimeSpan?)null;
        }
    }
}
