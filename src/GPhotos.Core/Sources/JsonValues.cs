using System;
using System.Globalization;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;

namespace GPhotos.Sources
{
    /// <summary>
    /// Tolerant readers for proto3 JSON: int64 may come as a string ("4032") or a number (Picker), durations as
    /// "0.008s", timestamps as RFC 3339. Unknown fields are ignored by simply never being read. Each reader works on a
    /// <see cref="JsonScalar"/>, so a field read from a JObject and the same field read straight from the response
    /// stream (<see cref="JsonStream"/>) convert by the same code.
    /// </summary>
    internal static class JsonValues
    {
        /// <summary>A field of an object; null when <paramref name="token"/> is not an object (a JArray or JValue indexer would throw).</summary>
        public static JToken Child(JToken token, string name) => token is JObject o ? o[name] : null;

        private static JsonScalar Field(JToken token, string name) => JsonScalar.Of(Child(token, name));

        public static string String(JToken token, string name) => Field(token, name).AsString();
        public static long? Int64(JToken token, string name) => Field(token, name).AsInt64();
        public static int? Int32(JToken token, string name) => Field(token, name).AsInt32();
        public static double? Double(JToken token, string name) => Field(token, name).AsDouble();
        public static bool Bool(JToken token, string name) => Field(token, name).AsBool();

        /// <summary>RFC 3339 timestamp to a UTC DateTime.</summary>
        public static DateTime? Timestamp(JToken token, string name) => Field(token, name).AsTimestamp();

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

    /// <summary>
    /// One field as a JObject would hold it: absent (<see cref="JTokenType.None"/>), a container (object, array,
    /// constructor: no value), or a JValue's type and value. Fields of the wrong JSON type count as absent.
    /// </summary>
    internal readonly struct JsonScalar
    {
        public readonly JTokenType Type;
        public readonly object Value;

        public JsonScalar(JTokenType type, object value)
        {
            Type = type;
            Value = value;
        }

        public static JsonScalar Of(JToken token) =>
            token == null ? default : token is JValue v ? new JsonScalar(v.Type, v.Value) : new JsonScalar(token.Type, null);

        /// <summary>The value the reader stands on, as <c>new JValue(reader.Value)</c> would type it (JObject.Load does that).</summary>
        public static JsonScalar Of(JsonReader reader)
        {
            switch (reader.TokenType)
            {
                case JsonToken.Integer: return new JsonScalar(JTokenType.Integer, reader.Value);
                case JsonToken.Float: return new JsonScalar(JTokenType.Float, reader.Value);
                case JsonToken.String: return new JsonScalar(JTokenType.String, reader.Value);
                case JsonToken.Boolean: return new JsonScalar(JTokenType.Boolean, reader.Value);
                case JsonToken.Null: return new JsonScalar(JTokenType.Null, null);
                case JsonToken.Undefined: return new JsonScalar(JTokenType.Undefined, null);
                case JsonToken.Date: return new JsonScalar(JTokenType.Date, reader.Value);
                case JsonToken.Bytes: return new JsonScalar(JTokenType.Bytes, reader.Value);
                case JsonToken.Raw: return new JsonScalar(JTokenType.Raw, reader.Value);
                case JsonToken.StartObject: return new JsonScalar(JTokenType.Object, null);
                case JsonToken.StartArray: return new JsonScalar(JTokenType.Array, null);
                default: return new JsonScalar(JTokenType.Constructor, null);
            }
        }

        public bool IsPresent => Type != JTokenType.None;

        /// <summary>A JValue (not absent, not a container), JSON null included.</summary>
        private bool IsValue => Type != JTokenType.None && Type != JTokenType.Object && Type != JTokenType.Array
            && Type != JTokenType.Constructor && Type != JTokenType.Property;

        private bool HasValue => IsValue && Type != JTokenType.Null;

        public string AsString() => HasValue ? Convert.ToString(Value, CultureInfo.InvariantCulture) : null;

        public long? AsInt64()
        {
            if (!HasValue) return null;
            switch (Type)
            {
                // Beyond int64 Json.NET holds a BigInteger, which Convert cannot cast: out of range is "absent".
                case JTokenType.Integer: return Value is long l64 ? l64 : (long?)null;
                case JTokenType.Float:
                    double d = Convert.ToDouble(Value, CultureInfo.InvariantCulture);
                    return d > -9.2e18 && d < 9.2e18 ? (long)Math.Round(d) : (long?)null;
                case JTokenType.String:
                    return long.TryParse((string)Value, NumberStyles.Integer, CultureInfo.InvariantCulture, out long l) ? l : (long?)null;
                default: return null;
            }
        }

        public int? AsInt32()
        {
            long? value = AsInt64();
            return value.HasValue && value.Value >= int.MinValue && value.Value <= int.MaxValue ? (int)value.Value : (int?)null;
        }

        public double? AsDouble()
        {
            if (!HasValue) return null;
            switch (Type)
            {
                case JTokenType.Integer:
                case JTokenType.Float:
                    return Value is System.Numerics.BigInteger big ? (double)big : Convert.ToDouble(Value, CultureInfo.InvariantCulture);
                case JTokenType.String:
                    return double.TryParse((string)Value, NumberStyles.Float, CultureInfo.InvariantCulture, out double d) ? d : (double?)null;
                default: return null;
            }
        }

        public bool AsBool()
        {
            if (!IsValue) return false;
            if (Type == JTokenType.Boolean) return (bool)Value;
            if (Type == JTokenType.String) return bool.TryParse((string)Value, out bool b) && b;
            return false;
        }

        /// <summary>RFC 3339 timestamp to a UTC DateTime.</summary>
        public DateTime? AsTimestamp()
        {
            if (!HasValue) return null;
            if (Type == JTokenType.Date) return ((DateTime)Value).ToUniversalTime();
            string s = Convert.ToString(Value, CultureInfo.InvariantCulture);
            return DateTimeOffset.TryParse(s, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out DateTimeOffset dto)
                ? dto.UtcDateTime
                : (DateTime?)null;
        }

        /// <summary>google-duration ("0.008s") to a TimeSpan.</summary>
        public TimeSpan? AsDuration() => JsonValues.ParseDuration(AsString());
    }
}
