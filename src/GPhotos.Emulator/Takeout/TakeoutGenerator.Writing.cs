#nullable enable
using System.Formats.Tar;
using System.Globalization;
using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace GPhotos.Emulator.Takeout;

public static partial class TakeoutGenerator
{
    // Writing the planned files: zip, tgz or folder parts, media payloads made while writing, sidecar and album JSON.
    private sealed partial class Plan
    {
        public void Write(string dir)
        {
            for (int p = 0; p < _partNames.Count; p++)
            {
                var files = _files.Where(f => f.Part == p).ToList();
                var path = Path.Combine(dir, _partNames[p]);
                if (_o.Folders) WriteFolder(path, files);
                else if (path.EndsWith(".tgz", StringComparison.Ordinal)) WriteTgz(path, files);
                else WriteZip(path, files);
            }
        }

        private static void WriteZip(string path, List<FileOut> files)
        {
            using var fs = new FileStream(path, FileMode.Create, FileAccess.ReadWrite, FileShare.None);
            using var zip = new ZipArchive(fs, ZipArchiveMode.Create, leaveOpen: false, entryNameEncoding: Encoding.UTF8);
            foreach (var f in files)
            {
                var level = f.LargeSize > 0 ? CompressionLevel.NoCompression : CompressionLevel.Fastest;
                var e = zip.CreateEntry(f.Path, level);
                e.LastWriteTime = EntryTime;
                using var s = e.Open();
                WriteContent(f, s);
            }
        }

        private static void WriteTgz(string path, List<FileOut> files)
        {
            using var fs = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None);
            using var gz = new GZipStream(fs, CompressionLevel.Fastest);
            using var tar = new TarWriter(gz, TarEntryFormat.Pax, leaveOpen: false);
            foreach (var f in files)
            {
                var e = new PaxTarEntry(TarEntryType.RegularFile, f.Path) { ModificationTime = EntryTime, Mode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead };
                // A tar header needs the length first: the content is made in memory, one file at a time.
                var data = new MemoryStream();
                WriteContent(f, data);
                data.Position = 0;
                e.DataStream = data;
                tar.WriteEntry(e);
            }
        }

        private static void WriteFolder(string root, List<FileOut> files)
        {
            foreach (var f in files)
            {
                var full = Path.Combine(root, f.Path.Replace('/', Path.DirectorySeparatorChar));
                Directory.CreateDirectory(Path.GetDirectoryName(full)!);
                using var s = new FileStream(full, FileMode.Create, FileAccess.Write, FileShare.None);
                WriteContent(f, s);
            }
        }

        private static void WriteContent(FileOut f, Stream s)
        {
            using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            byte[] bytes = f.Bytes ?? SidecarJson(f.SidecarOf!);
            s.Write(bytes);
            sha.AppendData(bytes);
            if (f.Fill is { } fill)
            {
                SyntheticMedia.WriteFill(s, sha, fill.Seed, fill.Length);
                s.Write(fill.Tail);
                sha.AppendData(fill.Tail);
            }
            if (f.LargeSize > 0)
            {
                var zeros = new byte[1 << 20];
                for (long left = f.LargeSize - f.Bytes!.Length; left > 0; left -= zeros.Length)
                {
                    int n = (int)Math.Min(left, zeros.Length);
                    s.Write(zeros, 0, n);
                    sha.AppendData(zeros, 0, n);
                }
            }
            f.Sha256 = Convert.ToHexString(sha.GetHashAndReset()).ToLowerInvariant();
        }

        // ------------------------------------------------------------------------------------------------

        private static byte[] SidecarJson(Item it)
        {
            var ms = new MemoryStream();
            using (var w = new Utf8JsonWriter(ms, new JsonWriterOptions { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
            {
                void Time(string name, long? t)
                {
                    if (t == null) return;
                    w.WriteStartObject(name);
                    if (it.StringNumbers) w.WriteNumber("timestamp", t.Value); else w.WriteString("timestamp", t.Value.ToString(CultureInfo.InvariantCulture));
                    w.WriteString("formatted", DateTime.UnixEpoch.AddSeconds(t.Value).ToString("d MMM yyyy, HH:mm:ss 'UTC'", CultureInfo.InvariantCulture));
                    w.WriteEndObject();
                }
                void Geo(string name, double? lat, double? lon, double? alt)
                {
                    w.WriteStartObject(name);
                    if (it.StringNumbers && lat != null)
                    {
                        w.WriteString("latitude", lat.Value.ToString("R", CultureInfo.InvariantCulture));
                        w.WriteString("longitude", lon!.Value.ToString("R", CultureInfo.InvariantCulture));
                        w.WriteString("altitude", (alt ?? 0).ToString("R", CultureInfo.InvariantCulture));
                    }
                    else
                    {
                        w.WriteNumber("latitude", lat ?? 0.0);
                        w.WriteNumber("longitude", lon ?? 0.0);
                        w.WriteNumber("altitude", alt ?? 0.0);
                    }
                    w.WriteNumber("latitudeSpan", 0.0);
                    w.WriteNumber("longitudeSpan", 0.0);
                    w.WriteEndObject();
                }
                w.WriteStartObject();
                w.WriteString("title", it.Title);
                w.WriteString("description", it.Description ?? "");
                w.WriteString("imageViews", "7");
                Time("creationTime", it.Created);
                if (!it.NoTakenTime) Time("photoTakenTime", it.Taken);
                Geo("geoData", it.Lat, it.Lon, it.Alt);
                Geo("geoDataExif", it.ExifLat ?? it.Lat, it.ExifLon ?? it.Lon, it.ExifAlt ?? it.Alt);
                if (it.People.Count > 0)
                {
                    w.WriteStartArray("people");
                    foreach (var p in it.People) { w.WriteStartObject(); w.WriteString("name", p); w.WriteEndObject(); }
                    w.WriteEndArray();
                }
                w.WriteString("url", "https://photos.google.com/photo/" + it.UrlId);
                w.WriteStartObject("googlePhotosOrigin");
                w.WriteStartObject("mobileUpload");
                w.WriteStartObject("deviceFolder"); w.WriteString("localFolderName", ""); w.WriteEndObject();
                w.WriteString("deviceType", "ANDROID_PHONE");
                w.WriteEndObject();
                w.WriteEndObject();
                if (it.Fav) w.WriteBoolean("favorited", true);
                if (it.Arch) w.WriteBoolean("archived", true);
                if (it.Trash) w.WriteBoolean("trashed", true);
                w.WriteString("appSource", "synthetic");
                w.WriteEndObject();
            }
            return ms.ToArray();
        }

        private static byte[] AlbumJson(Album a)
        {
            var ms = new MemoryStream();
            using (var w = new Utf8JsonWriter(ms, new JsonWriterOptions { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
            {
                w.WriteStartObject();
                if (a.AlbumDataForm) w.WriteStartObject("albumData");
                w.WriteString("title", a.MetaTitle);
                w.WriteString("description", "");
                w.WriteString("access", "protected");
                w.WriteStartObject("date");
                w.WriteString("timestamp", "1625400000");
                w.WriteString("formatted", "4 Jul 2021, 12:00:00 UTC");
                w.WriteEndObject();
                if (a.AlbumDataForm) w.WriteEndObject();
                w.WriteEndObject();
            }
            return ms.ToArray();
        }
    }
}
