using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Runtime.CompilerServices;
using System.Text;
using Newtonsoft.Json;

namespace GPhotos.Saving
{
    /// <summary>The line format of <c>.gphotos/index.jsonl</c> (see the class summary in DestinationIndex.cs).</summary>
    internal sealed partial class DestinationIndex
    {
        /// <summary>
        /// One JSON line to an entry, token by token (no JObject per line: a 10,000-line index is read on every run).
        /// False when the line is not one complete JSON object.
        /// </summary>
        internal static bool TryParseLine(string line, out string id, out bool removed, out IndexEntry entry)
        {
            id = null;
            removed = false;
            entry = null;
            // The full JSON reader decides. The lines Save writes never get here when the index is loaded: the byte
            // reader (ByteLine) reads them in place and sends only the others (escapes, spaces, floats, nested
            // values, damage) here, decoded.
            var f = new LineFields();
            if (!TryReadJson(line, f)) return false;
            id = f.Id;
            removed = f.Removed;
            if (removed || string.IsNullOrEmpty(id)) return true;
            if (!IsSafeRelativePath(f.Path) || !f.Size.HasValue || f.Size < 0) return true; // unusable entry: ignored
            DateTime savedUtc;
            if (f.SavedUtc.HasValue) savedUtc = f.SavedUtc.Value;
            else DateTime.TryParse(f.Saved, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out savedUtc);
            entry = new IndexEntry
            {
                Id = id,
                Source = f.Source,
                Path = f.Path,
                Size = f.Size.Value,
                SavedUtc = savedUtc,
                MotionChecked = f.MotionChecked,
                MotionPath = IsSafeRelativePath(f.Motion) ? f.Motion : null,
                MotionSize = f.MotionSize,
                MetadataPath = IsSafeRelativePath(f.Metadata) ? f.Metadata : null,
                Sha256 = IsSha256(f.Sha) ? f.Sha : null,
                MotionSha256 = IsSha256(f.MotionSha) ? f.MotionSha : null,
                ContentChanged = f.ContentChanged,
                Name = f.Name != null && f.Name == f.Path ? f.Path : f.Name, // the flat layout: one string for both
                Taken = f.Taken,
                Width = f.Width,
                Height = f.Height,
                MediaType = f.Type,
                Links = f.Links?.FindAll(IsSafeRelativePath),
            };
            return true;
        }

        /// <summary>What one line says, field by field (last occurrence wins, unknown names ignored).</summary>
        private sealed class LineFields
        {
            public string Id, Source, Path, Motion, Metadata, Saved, Sha, MotionSha, Name, Taken, Type;
            public long? Size, MotionSize, Width, Height;
            public List<string> Links;
            public bool Removed, MotionChecked, ContentChanged;

            /// <summary>"saved" already read in place by the fast reader (then <see cref="Saved"/> is null).</summary>
            public DateTime? SavedUtc
            {
                get => _savedUtc;
                set { _savedUtc = value; Saved = null; }
            }
            private DateTime? _savedUtc;

            // Typed overloads: the fast reader boxes nothing.
            public void Set(string property, long v)
            {
                switch (property)
                {
                    case "size": Size = v; break;
                    case "motionSize": MotionSize = v; break;
                    case "width": Width = v; break;
                    case "height": Height = v; break;
                    default: Set(property, (object)v); break;
                }
            }

            public void Set(string property, bool v)
            {
                switch (property)
                {
                    case "removed": Removed = v; break;
                    case "motionChecked": MotionChecked = v; break;
                    case "contentChanged": ContentChanged = v; break;
                    default: Set(property, (object)v); break;
                }
            }

            public void Set(string property, object v)
            {
                switch (property)
                {
                    case "id": Id = v as string; break;
                    case "removed": Removed = v is bool rb && rb; break;
                    case "source": Source = v as string; break;
                    case "path": Path = v as string; break;
                    case "size": Size = ToInt64(v); break;
                    case "saved": _savedUtc = null; Saved = v as string; break;
                    case "motionChecked": MotionChecked = v is bool mb && mb; break;
                    case "motion": Motion = v as string; break;
                    case "motionSize": MotionSize = ToInt64(v); break;
                    case "metadata": Metadata = v as string; break;
                    case "sha256": Sha = v as string; break;
                    case "motionSha256": MotionSha = v as string; break;
                    case "contentChanged": ContentChanged = v is bool cb && cb; break;
                    case "name": Name = v as string; break;
                    case "taken": Taken = v as string; break;
                    case "width": Width = ToInt64(v); break;
                    case "height": Height = ToInt64(v); break;
                    case "type": Type = v as string; break;
                }
            }
        }

        /// <summary>Any JSON: false when the line is not one complete object.</summary>
        private static bool TryReadJson(string line, LineFields f)
        {
            bool complete = false;
            try
            {
                using (var r = new JsonTextReader(new StringReader(line)) { DateParseHandling = DateParseHandling.None, FloatParseHandling = FloatParseHandling.Double })
                {
                    if (!r.Read() || r.TokenType != JsonToken.StartObject) return false;
                    while (r.Read())
                    {
                        if (r.TokenType == JsonToken.EndObject) { complete = true; break; }
                        if (r.TokenType != JsonToken.PropertyName) return false;
                        string property = (string)r.Value;
                        if (!r.Read()) return false;
                        if (r.TokenType == JsonToken.StartArray && property == "links") { f.Links = ReadStrings(r); continue; }
                        if (r.TokenType == JsonToken.StartObject || r.TokenType == JsonToken.StartArray) { r.Skip(); continue; }
                        f.Set(property, r.Value);
                    }
                    if (!complete || r.Read()) return false; // torn, or trailing garbage
                }
            }
            catch (JsonException)
            {
                return false;
            }
            return true;
        }

        private static List<string> ReadStrings(JsonTextReader r)
        {
            var list = new List<string>();
            while (r.Read() && r.TokenType != JsonToken.EndArray)
            {
                if (r.TokenType == JsonToken.String) list.Add((string)r.Value);
                else if (r.TokenType == JsonToken.StartObject || r.TokenType == JsonToken.StartArray) r.Skip();
            }
            return list;
        }

        private static bool IsSha256(string hex)
        {
            if (hex == null || hex.Length != 64) return false;
            foreach (char c in hex)
                if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
            return true;
        }

        private static long? ToInt64(object v)
        {
            switch (v)
            {
                case long l: return l;
                case int i: return i;
                case double d when d >= long.MinValue && d <= long.MaxValue && Math.Floor(d) == d: return (long)d;
                case string s when long.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out long p): return p;
                default: return null;
            }
        }

        /// <summary>
        /// Only plain relative paths: '/'-separated safe names. An index edited (or planted) to say "../../x" or "C:\x"
        /// must never lead a write outside the destination.
        /// </summary>
        [MethodImpl(HotPath.Optimized)]
        internal static bool IsSafeRelativePath(string path)
        {
            if (string.IsNullOrEmpty(path)) return false;
            if (path.IndexOf('/') < 0) return FileNamer.IsSafeName(path); // one name (the flat layout): no split
            foreach (string segment in path.Split('/'))
                if (!FileNamer.IsSafeName(segment)) return false;
            return true;
        }

        /// <summary>
        /// One index line. Written by hand rather than through a JsonTextWriter (a writer, a StringWriter and a
        /// property call per field, under the index's hot path once per saved file); the same JSON, read back by
        /// <see cref="TryParseLine"/> and by older versions (Newtonsoft), as tests check.
        /// </summary>
        internal static string Serialize(IndexEntry e)
        {
            var sb = new StringBuilder(256 + (e.Path?.Length ?? 0) * 2);
            sb.Append('{');
            Field(sb, "id", e.Id, first: true);
            Field(sb, "source", e.Source);
            Field(sb, "path", e.Path);
            Number(sb, "size", e.Size);
            Field(sb, "saved", e.SavedUtc.ToUniversalTime().ToString("o", CultureInfo.InvariantCulture));
            if (e.MotionChecked) sb.Append(",\"motionChecked\":true");
            if (e.MotionPath != null)
            {
                Field(sb, "motion", e.MotionPath);
                Number(sb, "motionSize", e.MotionSize ?? 0);
            }
            if (e.MetadataPath != null) Field(sb, "metadata", e.MetadataPath);
            if (e.Sha256 != null) Field(sb, "sha256", e.Sha256);
            if (e.MotionPath != null && e.MotionSha256 != null) Field(sb, "motionSha256", e.MotionSha256);
            if (e.ContentChanged) sb.Append(",\"contentChanged\":true");
            if (e.Name != null) Field(sb, "name", e.Name);
            if (e.Taken != null) Field(sb, "taken", e.Taken);
            if (e.Width.HasValue) Number(sb, "width", e.Width.Value);
            if (e.Height.HasValue) Number(sb, "height", e.Height.Value);
            if (e.MediaType != null) Field(sb, "type", e.MediaType);
            if (e.Links != null && e.Links.Count > 0)
            {
                sb.Append(",\"links\":[");
                for (int i = 0; i < e.Links.Count; i++)
                {
                    if (i > 0) sb.Append(',');
                    Quoted(sb, e.Links[i]);
                }
                sb.Append(']');
            }
            return sb.Append('}').ToString();
        }

        private static void Field(StringBuilder sb, string name, string value, bool first = false)
        {
            if (!first) sb.Append(',');
            sb.Append('"').Append(name).Append("\":");
            if (value == null) sb.Append("null");
            else Quoted(sb, value);
        }

        private static void Number(StringBuilder sb, string name, long value) =>
            sb.Append(",\"").Append(name).Append("\":").Append(value.ToString(CultureInfo.InvariantCulture));

        /// <summary>A JSON string as Newtonsoft's default escaping writes it: quote, backslash, control characters and the JavaScript line separators escaped, the rest as is.</summary>
        private static void Quoted(StringBuilder sb, string value)
        {
            sb.Append('"');
            int run = 0;
            for (int i = 0; i < value.Length; i++)
            {
                char c = value[i];
                string escape;
                switch (c)
                {
                    case '"': escape = "\\\""; break;
                    case '\\': escape = "\\\\"; break;
                    case '\n': escape = "\\n"; break;
                    case '\r': escape = "\\r"; break;
                    case '\t': escape = "\\t"; break;
                    case '\b': escape = "\\b"; break;
                    case '\f': escape = "\\f"; break;
                    case '\u0085': escape = "\\u0085"; break;
                    case '\u2028': escape = "\\u2028"; break;
                    case '\u2029': escape = "\\u2029"; break;
                    default:
                        escape = c < ' ' ? "\\u" + ((int)c).ToString("x4", CultureInfo.InvariantCulture) : null;
                        break;
                }
                if (escape == null) continue;
                sb.Append(value, run, i - run).Append(escape);
                run = i + 1;
            }
            sb.Append(value, run, value.Length - run).Append('"');
        }
    }
}
