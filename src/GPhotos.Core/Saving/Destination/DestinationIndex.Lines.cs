using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
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
            string source = null, path = null, motion = null, metadata = null, saved = null;
            string sha = null, motionSha = null, name = null, taken = null, type = null;
            long? size = null, motionSize = null, width = null, height = null;
            List<string> links = null;
            bool motionChecked = false, complete = false, contentChanged = false;
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
                        if (r.TokenType == JsonToken.StartArray && property == "links") { links = ReadStrings(r); continue; }
                        if (r.TokenType == JsonToken.StartObject || r.TokenType == JsonToken.StartArray) { r.Skip(); continue; }
                        object v = r.Value;
                        switch (property)
                        {
                            case "id": id = v as string; break;
                            case "removed": removed = v is bool rb && rb; break;
                            case "source": source = v as string; break;
                            case "path": path = v as string; break;
                            case "size": size = ToInt64(v); break;
                            case "saved": saved = v as string; break;
                            case "motionChecked": motionChecked = v is bool mb && mb; break;
                            case "motion": motion = v as string; break;
                            case "motionSize": motionSize = ToInt64(v); break;
                            case "metadata": metadata = v as string; break;
                            case "sha256": sha = v as string; break;
                            case "motionSha256": motionSha = v as string; break;
                            case "contentChanged": contentChanged = v is bool cb && cb; break;
                            case "name": name = v as string; break;
                            case "taken": taken = v as string; break;
                            case "width": width = ToInt64(v); break;
                            case "height": height = ToInt64(v); break;
                            case "type": type = v as string; break;
                        }
                    }
                    if (!complete || r.Read()) return false; // torn, or trailing garbage
                }
            }
            catch (JsonException)
            {
                return false;
            }
            if (removed || string.IsNullOrEmpty(id)) return true;
            if (!IsSafeRelativePath(path) || !size.HasValue || size < 0) return true; // unusable entry: ignored
            DateTime.TryParse(saved, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out DateTime savedUtc);
            entry = new IndexEntry
            {
                Id = id,
                Source = source,
                Path = path,
                Size = size.Value,
                SavedUtc = savedUtc,
                MotionChecked = motionChecked,
                MotionPath = IsSafeRelativePath(motion) ? motion : null,
                MotionSize = motionSize,
                MetadataPath = IsSafeRelativePath(metadata) ? metadata : null,
                Sha256 = IsSha256(sha) ? sha : null,
                MotionSha256 = IsSha256(motionSha) ? motionSha : null,
                ContentChanged = contentChanged,
                Name = name,
                Taken = taken,
                Width = width,
                Height = height,
                MediaType = type,
                Links = links?.FindAll(IsSafeRelativePath),
            };
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
        internal static bool IsSafeRelativePath(string path)
        {
            if (string.IsNullOrEmpty(path)) return false;
            foreach (string segment in path.Split('/'))
                if (!FileNamer.IsSafeName(segment)) return false;
            return true;
        }

        internal static string Serialize(IndexEntry e)
        {
            var sb = new StringBuilder(256);
            using (var writer = new JsonTextWriter(new StringWriter(sb, CultureInfo.InvariantCulture)) { Formatting = Formatting.None })
            {
                writer.WriteStartObject();
                writer.WritePropertyName("id"); writer.WriteValue(e.Id);
                writer.WritePropertyName("source"); writer.WriteValue(e.Source);
                writer.WritePropertyName("path"); writer.WriteValue(e.Path);
                writer.WritePropertyName("size"); writer.WriteValue(e.Size);
                writer.WritePropertyName("saved"); writer.WriteValue(e.SavedUtc.ToUniversalTime().ToString("o", CultureInfo.InvariantCulture));
                if (e.MotionChecked) { writer.WritePropertyName("motionChecked"); writer.WriteValue(true); }
                if (e.MotionPath != null)
                {
                    writer.WritePropertyName("motion"); writer.WriteValue(e.MotionPath);
                    writer.WritePropertyName("motionSize"); writer.WriteValue(e.MotionSize ?? 0);
                }
                if (e.MetadataPath != null) { writer.WritePropertyName("metadata"); writer.WriteValue(e.MetadataPath); }
                Optional(writer, "sha256", e.Sha256);
                if (e.MotionPath != null) Optional(writer, "motionSha256", e.MotionSha256);
                if (e.ContentChanged) { writer.WritePropertyName("contentChanged"); writer.WriteValue(true); }
                Optional(writer, "name", e.Name);
                Optional(writer, "taken", e.Taken);
                if (e.Width.HasValue) { writer.WritePropertyName("width"); writer.WriteValue(e.Width.Value); }
                if (e.Height.HasValue) { writer.WritePropertyName("height"); writer.WriteValue(e.Height.Value); }
                Optional(writer, "type", e.MediaType);
                if (e.Links != null && e.Links.Count > 0)
                {
                    writer.WritePropertyName("links");
                    writer.WriteStartArray();
                    foreach (string link in e.Links) writer.WriteValue(link);
                    writer.WriteEndArray();
                }
                writer.WriteEndObject();
            }
            return sb.ToString();
        }

        private static void Optional(JsonTextWriter writer, string name, string value)
        {
            if (value == null) return;
            writer.WritePropertyName(name);
            writer.WriteValue(value);
        }
    }
}
