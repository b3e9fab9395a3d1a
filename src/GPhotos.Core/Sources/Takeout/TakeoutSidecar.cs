using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Text;
using Newtonsoft.Json;

namespace GPhotos.Sources.Takeout
{
    /// <summary>
    /// The parts of a Takeout JSON file GPhotos uses: either a media sidecar or an album's metadata.
    /// Tolerant by design: unknown fields are ignored, numbers may come as strings, anything missing is null.
    /// </summary>
    internal class TakeoutSidecar
    {
        // One is kept per sidecar until the read ends (sidecars are matched across parts): only what an item uses, in
        // few bytes. The url is rebuilt from the id when it has Google's usual form; times are ticks (0 = absent) and
        // coordinates NaN when absent, instead of nullable fields. The photo id is packed in the object (PackedId: 41 B
        // instead of a 112-B string), and the fields most sidecars do not have (an id outside Google's alphabet, an
        // unusual url, a description, people, a title that is not the file name, album fields, a tar/folder path) in one
        // side object made only when one of them is set: seven references fewer per sidecar.
        private const string UrlPrefix = "https://photos.google.com/photo/";
        private long _taken, _created;
        private double _lat = double.NaN, _lon = double.NaN, _alt = double.NaN;
        private PackedId _id;
        private Rare _rare;

        /// <summary>The fields few sidecars have (see above).</summary>
        private sealed class Rare
        {
            public string Id, Url, Title, Description, AlbumTitle, Path;
            public IReadOnlyList<string> People;

            public bool IsEmpty => Id == null && Url == null && Title == null && Description == null && AlbumTitle == null && Path == null && People == null;
        }

        private Rare R => _rare ?? (_rare = new Rare());

        /// <summary>Drops the side object once nothing is left in it.</summary>
        private void TrimRare()
        {
            if (_rare != null && _rare.IsEmpty) _rare = null;
        }

        public string Title
        {
            get => _rare?.Title;
            set { if (value != null || _rare != null) { R.Title = value; TrimRare(); } }
        }

        public string Description
        {
            get => _rare?.Description;
            set { if (value != null || _rare != null) { R.Description = value; TrimRare(); } }
        }

        public string AlbumTitle
        {
            get => _rare?.AlbumTitle;
            set { if (value != null || _rare != null) { R.AlbumTitle = value; TrimRare(); } }
        }

        /// <summary>Tar and folder inputs: where a kept sidecar is (a zip sidecar is its directory slot).</summary>
        protected string StoredPath
        {
            get => _rare?.Path;
            set { if (value != null || _rare != null) { R.Path = value; TrimRare(); } }
        }

        public IReadOnlyList<string> People
        {
            get => _rare?.People ?? (IReadOnlyList<string>)Array.Empty<string>();
            set
            {
                var people = value == null || value.Count == 0 ? null : value;
                if (people != null || _rare != null) { R.People = people; TrimRare(); }
            }
        }

        /// <summary>From Url: https://photos.google.com/photo/&lt;id&gt;. Made as a string each time it is asked (grouping, emission).</summary>
        public string PhotoId
        {
            get => _id.Length > 0 ? _id.ToString() : _rare?.Id;
            set
            {
                string odd = null;
                if (!PackedId.TryPack(value, out _id)) odd = value;
                if (odd != null || _rare != null) { R.Id = odd; TrimRare(); }
            }
        }

        private bool HasId => _id.Length > 0 || _rare?.Id != null;

        public string Url
        {
            get => _rare?.Url ?? (HasId ? UrlPrefix + PhotoId : null);
            set
            {
                var id = IdFromUrl(value);
                PhotoId = id;
                var odd = id != null && IsUsualUrl(value, id) ? null : value;
                if (odd != null || _rare != null) { R.Url = odd; TrimRare(); }
            }
        }

        /// <summary>UTC.</summary>
        public DateTime? PhotoTakenTime { get => FromTicks(_taken); set => _taken = value?.Ticks ?? 0; }
        /// <summary>UTC (upload).</summary>
        public DateTime? CreationTime { get => FromTicks(_created); set => _created = value?.Ticks ?? 0; }
        public double? Latitude { get => FromNaN(_lat); set => _lat = value ?? double.NaN; }
        public double? Longitude { get => FromNaN(_lon); set => _lon = value ?? double.NaN; }
        public double? Altitude { get => FromNaN(_alt); set => _alt = value ?? double.NaN; }
        public bool Favorited, Archived, Trashed;

        private static DateTime? FromTicks(long t) => t == 0 ? (DateTime?)null : new DateTime(t, DateTimeKind.Utc);
        private static double? FromNaN(double d) => double.IsNaN(d) ? (double?)null : d;

        private static bool IsUsualUrl(string url, string id)
            => url.Length == UrlPrefix.Length + id.Length && url.StartsWith(UrlPrefix, StringComparison.Ordinal)
               && string.CompareOrdinal(url, UrlPrefix.Length, id, 0, id.Length) == 0;

        /// <summary>True when the JSON is an album's metadata.json (new form or the older "albumData" wrapper).</summary>
        public bool IsAlbumMetadata;

        /// <summary>True when the JSON carries anything a media sidecar has.</summary>
        public bool LooksLikeMediaSidecar;

        public const int MaxJsonBytes = 4 * 1024 * 1024;

        /// <summary>Takes over every field of <paramref name="o"/> (a <see cref="SidecarFile"/> is its parsed sidecar: one object, not two).</summary>
        protected void CopyFrom(TakeoutSidecar o)
        {
            _taken = o._taken; _created = o._created; _lat = o._lat; _lon = o._lon; _alt = o._alt; _id = o._id;
            _rare = o._rare == null ? null : new Rare { Id = o._rare.Id, Url = o._rare.Url, Title = o._rare.Title, Description = o._rare.Description, AlbumTitle = o._rare.AlbumTitle, Path = o._rare.Path, People = o._rare.People };
            Favorited = o.Favorited; Archived = o.Archived; Trashed = o.Trashed;
            IsAlbumMetadata = o.IsAlbumMetadata; LooksLikeMediaSidecar = o.LooksLikeMediaSidecar;
        }

        public static TakeoutSidecar Parse(Stream stream, bool nameSaysAlbum)
        {
            // One sidecar per item is parsed: buffers sized to the JSON (a 4 KB reader buffer and its 8 KB of chars were
            // most of the garbage of a 100k-item listing), and the parser's char buffer reused.
            int bufferSize = stream.CanSeek ? (int)Math.Max(128, Math.Min(4096, stream.Length - stream.Position)) : 4096;
            using (var reader = new StreamReader(stream, Encoding.UTF8, detectEncodingFromByteOrderMarks: true, bufferSize: bufferSize, leaveOpen: true))
            using (var json = new JsonTextReader(reader) { DateParseHandling = DateParseHandling.None, FloatParseHandling = FloatParseHandling.Double, MaxDepth = 64, ArrayPool = ReusedChars.Instance })
            {
                return Read(json, nameSaysAlbum);
            }
        }

        /// <summary>Keeps one returned buffer per thread for the next parse (the parser rents a few KB per document).</summary>
        private sealed class ReusedChars : IArrayPool<char>
        {
            public static readonly ReusedChars Instance = new ReusedChars();
            [ThreadStatic] private static char[] _kept;

            public char[] Rent(int minimumLength)
            {
                var kept = _kept;
                if (kept != null && kept.Length >= minimumLength) { _kept = null; return kept; }
                return new char[minimumLength];
            }

            public void Return(char[] array)
            {
                if (array != null && array.Length <= 64 * 1024 && (_kept == null || array.Length > _kept.Length)) _kept = array;
            }
        }

        public static TakeoutSidecar Parse(byte[] bytes, bool nameSaysAlbum)
        {
            using (var ms = new MemoryStream(bytes, writable: false)) return Parse(ms, nameSaysAlbum);
        }

        /// <summary>
        /// A streaming read of the few fields used (no JSON tree: a big export has one sidecar per item, and the
        /// tree cost more than opening the zip entry). Anything else is skipped, whatever its shape.
        /// </summary>
        private static TakeoutSidecar Read(JsonTextReader r, bool nameSaysAlbum)
        {
            if (!r.Read() || r.TokenType != JsonToken.StartObject) throw new InvalidDataException("the JSON is not an object");
            var s = new TakeoutSidecar();
            bool sawAccessOrDate = false, sawMediaField = false, sawTaken = false;
            (double? Lat, double? Lon, double? Alt) geo = (null, null, null), geoExif = (null, null, null);
            bool albumData = false;
            string albumDataTitle = null, url = null;

            while (NextProperty(r, out var name))
            {
                switch (name)
                {
                    case "title": s.Title = ReadScalar(r); break;
                    case "description": s.Description = ReadScalar(r); break;
                    case "url": url = ReadScalar(r); sawMediaField = true; break;
                    case "photoTakenTime": s.PhotoTakenTime = ReadTimestamp(r); sawMediaField = sawTaken = true; break;
                    case "creationTime": s.CreationTime = ReadTimestamp(r); sawMediaField = true; break;
                    case "geoData": geo = ReadGeo(r); sawMediaField = true; break;
                    case "geoDataExif": geoExif = ReadGeo(r); break;
                    case "people": s.People = ReadPeople(r); break;
                    case "favorited": s.Favorited = ToBool(ReadScalar(r)); break;
                    case "archived": s.Archived = ToBool(ReadScalar(r)); break;
                    case "trashed": s.Trashed = ToBool(ReadScalar(r)); break;
                    case "imageViews":
                    case "googlePhotosOrigin": sawMediaField = true; Skip(r); break;
                    case "access":
                    case "date": sawAccessOrDate = true; Skip(r); break;
                    case "albumData": albumData = true; albumDataTitle = ReadAlbumDataTitle(r); break;
                    default: Skip(r); break;
                }
            }

            if (albumData)
            {
                return new TakeoutSidecar { IsAlbumMetadata = true, AlbumTitle = albumDataTitle };
            }

            s.Url = url;
            if (s.Description != null && s.Description.Length == 0) s.Description = null; // what an item shows for "" too; one string less per sidecar
            var g = geo.Lat != null ? geo : geoExif;
            s.Latitude = g.Lat;
            s.Longitude = g.Lon;
            s.Altitude = g.Alt;
            s.LooksLikeMediaSidecar = sawMediaField || sawTaken;
            // New album metadata: {title, description, access, date{timestamp}} and nothing a sidecar has.
            if (!s.LooksLikeMediaSidecar && (nameSaysAlbum || sawAccessOrDate))
            {
                s.IsAlbumMetadata = true;
                s.AlbumTitle = s.Title;
            }
            return s;
        }

        /// <summary>Moves to the next property of the current object; false at its end.</summary>
        private static bool NextProperty(JsonTextReader r, out string name)
        {
            name = null;
            if (!r.Read()) throw new InvalidDataException("the JSON ends inside an object");
            if (r.TokenType == JsonToken.EndObject) return false;
            if (r.TokenType != JsonToken.PropertyName) throw new InvalidDataException("unexpected " + r.TokenType + " in a JSON object");
            name = (string)r.Value;
            return true;
        }

        /// <summary>Skips the value after a property name, whatever it is.</summary>
        private static void Skip(JsonTextReader r)
        {
            if (!r.Read()) throw new InvalidDataException("the JSON ends after a property name");
            r.Skip();
        }

        /// <summary>The value after a property name as a string (numbers and booleans too); null for null, objects and arrays.</summary>
        private static string ReadScalar(JsonTextReader r)
        {
            if (!r.Read()) throw new InvalidDataException("the JSON ends after a property name");
            switch (r.TokenType)
            {
                case JsonToken.String: return (string)r.Value;
                case JsonToken.Integer:
                case JsonToken.Float:
                case JsonToken.Boolean: return Convert.ToString(r.Value, CultureInfo.InvariantCulture);
                case JsonToken.StartObject:
                case JsonToken.StartArray: r.Skip(); return null;
                default: return null;
            }
        }

        /// <summary>{"timestamp": "1615716900", "formatted": "..."} → UTC; a bare number or string works too.</summary>
        private static DateTime? ReadTimestamp(JsonTextReader r)
        {
            if (!r.Read()) throw new InvalidDataException("the JSON ends after a property name");
            string value = null;
            if (r.TokenType == JsonToken.StartObject)
            {
                while (NextProperty(r, out var name))
                {
                    if (name == "timestamp") value = ReadScalar(r);
                    else Skip(r);
                }
            }
            else if (r.TokenType == JsonToken.String || r.TokenType == JsonToken.Integer || r.TokenType == JsonToken.Float)
                value = Convert.ToString(r.Value, CultureInfo.InvariantCulture);
            else r.Skip();
            var d = ToDouble(value);
            // "NaN" parses as a double and compares false both ways: it became 1970-01-01. Absent instead.
            if (d == null || d.Value <= 0 || d.Value > 253402300799) return null;
            return new DateTime(1970, 1, 1, 0, 0, 0, DateTimeKind.Utc).AddSeconds(Math.Floor(d.Value));
        }

        private static (double? Lat, double? Lon, double? Alt) ReadGeo(JsonTextReader r)
        {
            if (!r.Read()) throw new InvalidDataException("the JSON ends after a property name");
            if (r.TokenType != JsonToken.StartObject) { r.Skip(); return (null, null, null); }
            double? la = null, lo = null, al = null;
            while (NextProperty(r, out var name))
            {
                switch (name)
                {
                    case "latitude": la = ReadDouble(r); break;
                    case "longitude": lo = ReadDouble(r); break;
                    case "altitude": al = ReadDouble(r); break;
                    default: Skip(r); break;
                }
            }
            if (la == null || lo == null) return (null, null, null);
            if (la.Value == 0 && lo.Value == 0) return (null, null, null); // Google writes 0/0 for "no location"
            if (Math.Abs(la.Value) > 90 || Math.Abs(lo.Value) > 180) return (null, null, null);
            return (la, lo, al);
        }

        private static IReadOnlyList<string> ReadPeople(JsonTextReader r)
        {
            if (!r.Read()) throw new InvalidDataException("the JSON ends after a property name");
            if (r.TokenType != JsonToken.StartArray) { r.Skip(); return Array.Empty<string>(); }
            var names = new List<string>();
            while (r.Read() && r.TokenType != JsonToken.EndArray)
            {
                string name = null;
                if (r.TokenType == JsonToken.StartObject)
                {
                    while (NextProperty(r, out var p))
                    {
                        if (p == "name") name = ReadScalar(r);
                        else Skip(r);
                    }
                }
                else if (r.TokenType == JsonToken.String) name = (string)r.Value;
                else r.Skip();
                if (!string.IsNullOrWhiteSpace(name) && !names.Contains(name)) names.Add(name);
            }
            return names.Count == 0 ? (IReadOnlyList<string>)Array.Empty<string>() : names.ToArray();
        }

        private static string ReadAlbumDataTitle(JsonTextReader r)
        {
            if (!r.Read()) throw new InvalidDataException("the JSON ends after a property name");
            if (r.TokenType != JsonToken.StartObject) { r.Skip(); return null; }
            string title = null;
            while (NextProperty(r, out var name))
            {
                if (name == "title") title = ReadScalar(r);
                else Skip(r);
            }
            return title;
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

        /// <summary>A finite number, or a string holding one (no string round trip for real numbers: .NET Framework prints 15 digits).</summary>
        private static double? ReadDouble(JsonTextReader r)
        {
            if (!r.Read()) throw new InvalidDataException("the JSON ends after a property name");
            switch (r.TokenType)
            {
                // An integer too large for a long comes as a BigInteger, which Convert.ToDouble refuses
                // (InvalidCastException: one such sidecar lost a whole zip): go through its invariant text.
                case JsonToken.Float: return r.Value is double f && !double.IsNaN(f) && !double.IsInfinity(f) ? f : (double?)null;
                case JsonToken.Integer: return ToDouble(Convert.ToString(r.Value, CultureInfo.InvariantCulture));
                case JsonToken.String: return ToDouble((string)r.Value);
                case JsonToken.StartObject:
                case JsonToken.StartArray: r.Skip(); return null;
                default: return null;
            }
        }

        private static bool ToBool(string s)
            => s != null && (s.Equals("true", StringComparison.OrdinalIgnoreCase) || s == "1");

        /// <summary>A finite number, or null: NaN and infinities (which TryParse accepts, and a huge integer becomes) are absent values.</summary>
        private static double? ToDouble(string s)
            => s != null && double.TryParse(s.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out var d) && !double.IsNaN(d) && !double.IsInfinity(d)
                ? d : (double?)null;
    }
}
