using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Text;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;

namespace GPhotos.Sources.Takeout
{
    /// <summary>
    /// The parts of a Takeout JSON file GPhotos uses: either a media sidecar or an album's metadata.
    /// Tolerant by design: unknown fields are ignored, numbers may come as strings, anything missing is null.
    /// </summary>
    internal sealed class TakeoutSidecar
    {
        public string Title;
        public string Description;
        public string Url;
        public string PhotoId;              // from Url: https://photos.google.com/photo/<id>
        public DateTime? PhotoTakenTime;    // UTC
        public DateTime? CreationTime;      // UTC (upload)
        public double? Latitude, Longitude, Altitude;
        public IReadOnlyList<string> People = Array.Empty<string>();
        public bool Favorited, Archived, Trashed;

        /// <summary>True when the JSON is an album's metadata.json (new form or the older "albumData" wrapper).</summary>
        public bool IsAlbumMetadata;
        public string AlbumTitle;

        /// <summary>True when the JSON carries anything a media sidecar has.</summary>
        public bool LooksLikeMediaSidecar;

        public const int MaxJsonBytes = 4 * 1024 * 1024;

        public static TakeoutSidecar Parse(Stream stream, bool nameSaysAlbum)
        {
            using (var reader = new StreamReader(stream, Encoding.UTF8, detectEncodingFromByteOrderMarks: true, bufferSize: 4096, leaveOpen: true))
            using (var json = new JsonTextReader(reader) { DateParseHandling = DateParseHandling.None, FloatParseHandling = FloatParseHandling.Double, MaxDepth = 64 })
            {
                var token = JToken.ReadFrom(json);
                if (!(token is JObject o)) throw new InvalidDataException("the JSON is not an object");
                return FromObject(o, nameSaysAlbum);
            }
        }

        public static TakeoutSidecar Parse(byte[] bytes, bool nameSaysAlbum)
        {
            using (var ms = new MemoryStream(bytes, writable: false)) return Parse(ms, nameSaysAlbum);
        }

        private static TakeoutSidecar FromObject(JObject o, bool nameSaysAlbum)
        {
            var s = new TakeoutSidecar();
            if (o["albumData"] is JObject album)
            {
                s.IsAlbumMetadata = true;
                s.AlbumTitle = Str(album["title"]);
                return s;
            }

            s.Title = Str(o["title"]);
            s.Description = Str(o["description"]);
            s.Url = Str(o["url"]);
            s.PhotoId = IdFromUrl(s.Url);
            s.PhotoTakenTime = Timestamp(o["photoTakenTime"]);
            s.CreationTime = Timestamp(o["creationTime"]);
            s.Favorited = Bool(o["favorited"]);
            s.Archived = Bool(o["archived"]);
            s.Trashed = Bool(o["trashed"]);

            ReadGeo(o["geoData"], out var lat, out var lon, out var alt);
            if (lat == null) ReadGeo(o["geoDataExif"], out lat, out lon, out alt);
            s.Latitude = lat;
            s.Longitude = lon;
            s.Altitude = alt;

            if (o["people"] is JArray people)
            {
                var names = new List<string>();
                foreach (var p in people)
                {
                    var name = p is JObject po ? Str(po["name"]) : Str(p);
                    if (!string.IsNullOrWhiteSpace(name) && !names.Contains(name)) names.Add(name);
                }
                s.People = names.ToArray();
            }

            s.LooksLikeMediaSidecar = s.Url != null || o["photoTakenTime"] != null || o["creationTime"] != null
                || o["geoData"] != null || o["imageViews"] != null || o["googlePhotosOrigin"] != null;

            // New album metadata: {title, description, access, date{timestamp}} and nothing a sidecar has.
            if (!s.LooksLikeMediaSidecar && (nameSaysAlbum || o["access"] != null || o["date"] != null))
            {
                s.IsAlbumMetadata = true;
                s.AlbumTitle = s.Title;
            }
            return s;
        }

        internal static string IdFromUrl(string url)
        {
            if (string.IsNullOrWhiteSpace(url)) return null;
            var u = url.Trim();
            var q = u.IndexOfAny(new[] { '?', '#' });
            if (q >= 0) u = u.Substring(0, q);
            u = u.TrimEnd('/');
            var marker = u.LastIndexOf("/photo/", StringComparison.OrdinalIgnoreCase);
            var id = marker >= 0 ? u.Substring(marker + 7) : u.Substring(u.LastIndexOf('/') + 1);
            if (id.Length == 0 || id.IndexOf('/') >= 0) return null;
            foreach (var c in id)
                if (!(char.IsLetterOrDigit(c) || c == '-' || c == '_')) return null;
            return id;
        }

        private static string Str(JToken t)
        {
            if (t == null || t.Type == JTokenType.Null || t.Type == JTokenType.Object || t.Type == JTokenType.Array) return null;
            return t.Type == JTokenType.String ? (string)t : Convert.ToString(((JValue)t).Value, CultureInfo.InvariantCulture);
        }

        private static bool Bool(JToken t)
        {
            if (t == null || t.Type == JTokenType.Null) return false;
            if (t.Type == JTokenType.Boolean) return (bool)t;
            var s = Str(t);
            if (s == null) return false;
            return s.Equals("true", StringComparison.OrdinalIgnoreCase) || s == "1";
        }

        private static double? Double(JToken t)
        {
            if (t == null) return null;
            if (t.Type == JTokenType.Float || t.Type == JTokenType.Integer) return Convert.ToDouble(((JValue)t).Value, CultureInfo.InvariantCulture);
            var s = Str(t);
            if (s != null && double.TryParse(s.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out var d)) return d;
            return null;
        }

        /// <summary>{"timestamp": "1615716900", "formatted": "..."} → UTC; a bare number or string works too.</summary>
        private static DateTime? Timestamp(JToken t)
        {
            if (t == null || t.Type == JTokenType.Null) return null;
            var v = t is JObject o ? o["timestamp"] : t;
            var d = Double(v);
            if (d == null || d.Value <= 0 || d.Value > 253402300799) return null;
            return new DateTime(1970, 1, 1, 0, 0, 0, DateTimeKind.Utc).AddSeconds(Math.Floor(d.Value));
        }

        private static void ReadGeo(JToken t, out double? lat, out double? lon, out double? alt)
        {
            lat = lon = alt = null;
            if (!(t is JObject g)) return;
            var la = Double(g["latitude"]);
            var lo = Double(g["longitude"]);
            if (la == null || lo == null) return;
            if (la.Value == 0 && lo.Value == 0) return; // Google writes 0/0 for "no location"
            if (Math.Abs(la.Value) > 90 || Math.Abs(lo.Value) > 180) return;
            lat = la;
            lon = lo;
            alt = Double(g["altitude"]);
        }
    }
}
