using System;
using System.Collections.Concurrent;
using System.IO;
using System.Text;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;

namespace GPhotos.Sources.Takeout
{
    /// <summary>
    /// What GPhotos read of Takeout entries in Drive, kept on this computer so the next export does not fetch it again:
    /// the JSON sidecars' bytes and the media headers' probe, keyed by entry path, size and CRC-32 (all three from the
    /// zip's central directory). Each export repeats the whole library; with this, a re-read of an unchanged item costs
    /// its directory record only, and ids, dates, GPS and albums stay exactly those a full read gives.
    /// </summary>
    /// <remarks>
    /// One JSON-lines file, appended to; loaded once per process. A line that cannot be parsed is ignored (the entry
    /// is fetched again). Local parts do not use it (reading them is cheap). <c>GPHOTOS_TAKEOUT_CACHE</c>: a folder to
    /// use instead, or <c>off</c>.
    /// </remarks>
    internal static class TakeoutEntryCache
    {
        /// <summary>Past this size the file is neither loaded nor grown (bounded memory; the read still works, uncached).</summary>
        private const long MaxFileBytes = 512L * 1024 * 1024;

        private static readonly object Gate = new object();
        private static ConcurrentDictionary<string, JObject> _entries;
        private static string _file;

        /// <summary>The zip CRC-32 of <paramref name="data"/> (the same checksum the zip directory reader checks).</summary>
        internal static uint Crc32Of(byte[] data)
        {
            var sum = new ICSharpCode.SharpZipLib.Checksum.Crc32();
            sum.Update(data);
            return (uint)sum.Value;
        }

        internal static string Key(IndexedEntry e) =>
            e.Crc.HasValue && e.Archive != null && TakeoutPartSources.IsRegistered(e.Archive.Path)
                ? e.EntryPath + "|" + e.Size.ToString(System.Globalization.CultureInfo.InvariantCulture) + "|" + e.Crc.Value.ToString("x8", System.Globalization.CultureInfo.InvariantCulture)
                : null;

        internal static string Folder()
        {
            string env = Environment.GetEnvironmentVariable("GPHOTOS_TAKEOUT_CACHE");
            if (string.Equals(env, "off", StringComparison.OrdinalIgnoreCase)) return null;
            if (!string.IsNullOrWhiteSpace(env) && Path.IsPathRooted(env)) return env;
            if (Path.DirectorySeparatorChar == '\\')
            {
                string local = Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData);
                return string.IsNullOrEmpty(local) ? null : Path.Combine(local, "GPhotos", "takeout-cache");
            }
            string xdg = Environment.GetEnvironmentVariable("XDG_CACHE_HOME");
            if (!string.IsNullOrWhiteSpace(xdg) && Path.IsPathRooted(xdg)) return Path.Combine(xdg, "gphotos", "takeout-cache");
            string home = Environment.GetEnvironmentVariable("HOME");
            return string.IsNullOrWhiteSpace(home) ? null : Path.Combine(home, ".cache", "gphotos", "takeout-cache");
        }

        private static ConcurrentDictionary<string, JObject> Entries()
        {
            lock (Gate)
            {
                string folder = Folder();
                string file = folder == null ? null : Path.Combine(folder, "entries.jsonl");
                if (_entries != null && file == _file) return _entries;
                _file = file;
                _entries = new ConcurrentDictionary<string, JObject>(StringComparer.Ordinal);
                if (file == null) return _entries;
                try
                {
                    var info = new FileInfo(file);
                    if (!info.Exists || info.Length > MaxFileBytes) return _entries;
                    foreach (string line in File.ReadLines(file, Encoding.UTF8))
                    {
                        try
                        {
                            JObject o = JObject.Parse(line);
                            // A damaged or hostile line ("k" not a string) is skipped like a torn one, never fails the run.
                            if (o["k"]?.Type == JTokenType.String) _entries[(string)o["k"]] = o;
                        }
                        catch (JsonException) { } // a torn last line: that entry is fetched again
                    }
                }
                catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException) { }
                return _entries;
            }
        }

        internal static byte[] GetJson(IndexedEntry e)
        {
            string k = Key(e);
            if (k == null || !Entries().TryGetValue(k, out JObject o) || o["j"]?.Type != JTokenType.String) return null;
            byte[] bytes;
            try { bytes = Convert.FromBase64String((string)o["j"]); }
            catch (FormatException) { return null; }
            // The key's CRC-32 is the directory's: bytes that do not match it (a damaged or edited cache) are fetched again
            // instead of giving an item another item's dates, GPS or albums.
            return bytes.Length == e.Size && Crc32Of(bytes) == e.Crc ? bytes : null;
        }

        internal static void PutJson(IndexedEntry e, byte[] bytes)
        {
            string k = Key(e);
            if (k != null) Append(new JObject { ["k"] = k, ["j"] = Convert.ToBase64String(bytes) });
        }

        internal static MediaProbeResult GetProbe(IndexedEntry e)
        {
            string k = Key(e);
            if (k == null || !Entries().TryGetValue(k, out JObject o) || !(o["p"] is JObject p)) return null;
            try { return p.ToObject<MediaProbeResult>(); }
            catch (Exception ex) when (ex is JsonException || ex is ArgumentException || ex is InvalidCastException || ex is FormatException || ex is OverflowException) { return null; }
        }

        internal static void PutProbe(IndexedEntry e, MediaProbeResult probe)
        {
            string k = Key(e);
            if (k != null && probe != null) Append(new JObject { ["k"] = k, ["p"] = JObject.FromObject(probe) });
        }

        private static void Append(JObject o)
        {
            ConcurrentDictionary<string, JObject> entries = Entries();
            entries[(string)o["k"]] = o;
            lock (Gate)
            {
                if (_file == null) return;
                try
                {
                    Directory.CreateDirectory(Path.GetDirectoryName(_file));
                    var info = new FileInfo(_file);
                    if (info.Exists && info.Length > MaxFileBytes) return;
                    // A cache: a failed write only means the entry is fetched again next time.
                    File.AppendAllText(_file, o.ToString(Formatting.None) + "\n", new UTF8Encoding(false));
                }
                catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException) { }
            }
        }
    }
}
