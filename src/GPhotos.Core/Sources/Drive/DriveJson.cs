using System;
using System.Collections.Generic;
using System.Globalization;
using Newtonsoft.Json.Linq;

namespace GPhotos.Sources.Drive
{
    /// <summary>One Drive file as listed (the fields GPhotos asks for). Plain data; nothing here changes after listing.</summary>
    public sealed class DriveFile
    {
        public const string FolderMimeType = "application/vnd.google-apps.folder";

        public string Id { get; set; }
        public string Name { get; set; }
        public string MimeType { get; set; }
        /// <summary>Bytes (Drive sends an int64 string); null for folders and Google Docs.</summary>
        public long? Size { get; set; }
        /// <summary>MD5 of the whole file, lowercase hex; null when Drive has none.</summary>
        public string Md5Checksum { get; set; }
        public DateTimeOffset? CreatedTime { get; set; }
        public DateTimeOffset? ModifiedTime { get; set; }
        public IReadOnlyList<string> Parents { get; set; } = new string[0];
        public bool Trashed { get; set; }
        public bool IsFolder => MimeType == FolderMimeType;

        public override string ToString() => Name + " (" + Id + ")";

        /// <summary>The Drive file behind a listed part, with the size and md5 pinned at listing (what a range stream checks).</summary>
        public static DriveFile FromArchive(GPhotos.Model.TakeoutArchive part)
        {
            if (part == null) throw new ArgumentNullException(nameof(part));
            if (part.Location != GPhotos.Model.TakeoutArchiveLocation.Drive || string.IsNullOrEmpty(part.DriveFileId))
                throw new ArgumentException($"Takeout part {part.Name} is not in Google Drive.", nameof(part));
            return new DriveFile { Id = part.DriveFileId, Name = part.Name, Size = part.Size, Md5Checksum = part.Md5, ModifiedTime = part.ModifiedTime };
        }
    }

    /// <summary>One page of files.list.</summary>
    public sealed class DriveFilePage
    {
        public DriveFilePage(IReadOnlyList<DriveFile> files, string nextPageToken) { Files = files; NextPageToken = nextPageToken; }
        public IReadOnlyList<DriveFile> Files { get; }
        /// <summary>Null or absent ends the listing.</summary>
        public string NextPageToken { get; }
    }

    /// <summary>Drive JSON → <see cref="DriveFile"/>. A malformed answer is a <see cref="DriveApiException"/> (BadResponse), never a crash.</summary>
    public static class DriveJson
    {
        public const string FileFields = "id,name,mimeType,size,md5Checksum,createdTime,modifiedTime,parents,trashed";

        public static DriveFilePage ParsePage(JObject json)
        {
            var files = new List<DriveFile>();
            JToken list = json?["files"];
            if (list != null && list.Type != JTokenType.Array) throw Bad("'files' is not a list");
            if (list is JArray array)
                foreach (JToken f in array)
                    files.Add(ParseFile(f as JObject ?? throw Bad("a file entry is not an object")));
            JToken next = json?["nextPageToken"];
            if (next != null && next.Type != JTokenType.String && next.Type != JTokenType.Null) throw Bad("'nextPageToken' is not a string");
            string token = next?.Type == JTokenType.String ? (string)next : null;
            return new DriveFilePage(files, string.IsNullOrEmpty(token) ? null : token);
        }

        public static DriveFile ParseFile(JObject json)
        {
            if (json == null) throw Bad("no file");
            var f = new DriveFile
            {
                Id = Str(json, "id") ?? throw Bad("a file without an id"),
                Name = Str(json, "name") ?? "",
                MimeType = Str(json, "mimeType") ?? "",
                Md5Checksum = Str(json, "md5Checksum")?.ToLowerInvariant(),
                CreatedTime = Time(json, "createdTime"),
                ModifiedTime = Time(json, "modifiedTime"),
            };
            string size = Str(json, "size");
            if (size != null)
            {
                if (!long.TryParse(size, NumberStyles.None, CultureInfo.InvariantCulture, out long n)) throw Bad($"file {f.Id} has size '{Cut(size)}', not a byte count");
                f.Size = n;
            }
            JToken trashed = json["trashed"];
            if (trashed != null && trashed.Type != JTokenType.Boolean && trashed.Type != JTokenType.Null) throw Bad($"file {f.Id}: 'trashed' is not a boolean");
            f.Trashed = trashed?.Type == JTokenType.Boolean && (bool)trashed;
            if (json["parents"] is JArray parents)
            {
                var p = new List<string>();
                foreach (JToken t in parents) if (t.Type == JTokenType.String) p.Add((string)t);
                f.Parents = p;
            }
            return f;
        }

        private static string Str(JObject o, string name)
        {
            JToken t = o[name];
            if (t == null || t.Type == JTokenType.Null) return null;
            if (t.Type != JTokenType.String) throw Bad($"'{name}' is not a string");
            return (string)t;
        }

        private static DateTimeOffset? Time(JObject o, string name)
        {
            string s = Str(o, name);
            if (s == null) return null;
            if (!DateTimeOffset.TryParse(s, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out DateTimeOffset t))
                throw Bad($"'{name}' is '{Cut(s)}', not a time");
            return t;
        }

        private static string Cut(string s) => s.Length > 40 ? s.Substring(0, 40) + "…" : s;

        internal static DriveApiException Bad(string what) =>
            new DriveApiException(DriveErrorKind.BadResponse, 200, null, null, "Drive answered with something GPhotos cannot read: " + what + ".");
    }

    /// <summary>The Content-Range of a 206: <c>bytes first-last/total</c> (or <c>bytes */total</c> with a 416).</summary>
    public static class ContentRange
    {
        /// <summary>Strict parse; false for anything else. <paramref name="first"/> = -1 for <c>*/total</c>; total = -1 for <c>/*</c>.</summary>
        public static bool TryParse(string value, out long first, out long last, out long total)
        {
            first = last = total = -1;
            if (value == null) return false;
            string s = value.Trim();
            if (!s.StartsWith("bytes ", StringComparison.OrdinalIgnoreCase)) return false;
            s = s.Substring(6).Trim();
            int slash = s.IndexOf('/');
            if (slash < 0 || s.IndexOf('/', slash + 1) >= 0) return false;
            string range = s.Substring(0, slash), tot = s.Substring(slash + 1);
            if (tot != "*" && !long.TryParse(tot, NumberStyles.None, CultureInfo.InvariantCulture, out total)) return false;
            if (range == "*") return total >= 0;
            int dash = range.IndexOf('-');
            if (dash <= 0) return false;
            if (!long.TryParse(range.Substring(0, dash), NumberStyles.None, CultureInfo.InvariantCulture, out first)
                || !long.TryParse(range.Substring(dash + 1), NumberStyles.None, CultureInfo.InvariantCulture, out last))
            { first = last = total = -1; return false; }
            if (last < first || (total >= 0 && last >= total)) { first = last = total = -1; return false; }
            return true;
        }
    }
}
