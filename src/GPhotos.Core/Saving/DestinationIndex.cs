using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Text;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;

namespace GPhotos.Saving
{
    /// <summary>One saved item as the index records it. Paths are relative to the destination, '/'-separated, NFC.</summary>
    internal sealed class IndexEntry
    {
        public string Id { get; set; }
        public string Source { get; set; }
        public string Path { get; set; }
        public long Size { get; set; }
        public DateTime SavedUtc { get; set; }

        /// <summary>True once the motion video variant was asked for (whether or not there was one).</summary>
        public bool MotionChecked { get; set; }
        public string MotionPath { get; set; }
        public long? MotionSize { get; set; }
        public string MetadataPath { get; set; }

        public IndexEntry Clone() => (IndexEntry)MemberwiseClone();
    }

    /// <summary>
    /// <c>.gphotos/index.jsonl</c>: what this destination holds, one JSON object per line, appended and flushed to
    /// disk per item, last line per id wins:
    /// <code>
    /// {"id":"AF1Qip…","source":"Library","path":"2024/03/IMG_0001.JPG","size":2481123,"saved":"2026-05-01T02:03:04.0000000Z","motionChecked":true,"motion":"2024/03/IMG_0001.MP4","motionSize":912345,"metadata":"2024/03/IMG_0001.JPG.json"}
    /// {"id":"AF1Qip…","removed":true}
    /// </code>
    /// <c>motion*</c> and <c>metadata</c> are omitted when absent. A line that does not parse (a torn last line after
    /// a crash, or damage) is ignored, as is a line whose path is not a plain relative path below the destination.
    /// When superseded and unreadable lines outnumber the live ones (and exceed <see cref="CompactionThreshold"/>),
    /// the file is rewritten to a temp file and renamed over the old one.
    /// Thread-safe.
    /// </summary>
    internal sealed class DestinationIndex : IDisposable
    {
        public const string FileName = "index.jsonl";

        private readonly object _sync = new object();
        private readonly Dictionary<string, IndexEntry> _entries = new Dictionary<string, IndexEntry>(StringComparer.Ordinal);
        private readonly string _path;
        private FileStream _append;
        private bool _lineOpen;
        private int _lines;

        private DestinationIndex(string path) { _path = path; }

        /// <summary>Lines beyond the live entries tolerated before compaction.</summary>
        public int CompactionThreshold { get; set; } = 1000;

        public int LineCount { get { lock (_sync) return _lines; } }
        public int Count { get { lock (_sync) return _entries.Count; } }
        public int DeadLines { get { lock (_sync) return _lines - _entries.Count; } }
        public bool NeedsCompaction { get { lock (_sync) return _lines - _entries.Count > Math.Max(CompactionThreshold, _entries.Count); } }

        /// <summary>Reads the index (if the file exists) without creating or locking anything: for previews.</summary>
        public static DestinationIndex ReadOnly(string path)
        {
            var index = new DestinationIndex(path);
            index.Load();
            return index;
        }

        /// <summary>Reads the index and opens it for appending. Only under the destination lock.</summary>
        public static DestinationIndex Open(string path)
        {
            var index = new DestinationIndex(path);
            index.Load();
            index.OpenAppend();
            return index;
        }

        public bool TryGet(string id, out IndexEntry entry)
        {
            lock (_sync)
            {
                if (_entries.TryGetValue(id, out IndexEntry found))
                {
                    entry = found.Clone();
                    return true;
                }
                entry = null;
                return false;
            }
        }

        public List<IndexEntry> Snapshot()
        {
            lock (_sync)
            {
                var list = new List<IndexEntry>(_entries.Count);
                foreach (IndexEntry e in _entries.Values) list.Add(e.Clone());
                return list;
            }
        }

        /// <summary>Records an entry durably (written and flushed to disk before it returns).</summary>
        public void Append(IndexEntry entry)
        {
            string line = Serialize(entry);
            lock (_sync)
            {
                WriteLine(line);
                _entries[entry.Id] = entry.Clone();
                _lines++;
            }
        }

        /// <summary>Undoes <see cref="Append"/> after a failed rename: restores <paramref name="previous"/>, or forgets the id.</summary>
        public void Revert(string id, IndexEntry previous)
        {
            if (previous != null)
            {
                Append(previous);
                return;
            }
            var removal = new JObject { ["id"] = id, ["removed"] = true };
            lock (_sync)
            {
                WriteLine(removal.ToString(Formatting.None));
                _entries.Remove(id);
                _lines++;
            }
        }

        /// <summary>Rewrites the file with only the live entries (temp file in <paramref name="scratchFolder"/>, then rename).</summary>
        public void Compact(string scratchFolder)
        {
            lock (_sync)
            {
                var text = new StringBuilder();
                foreach (IndexEntry e in _entries.Values) text.Append(Serialize(e)).Append('\n');
                _append?.Dispose();
                _append = null;
                try
                {
                    AtomicFile.WriteAllBytes(_path, new UTF8Encoding(false).GetBytes(text.ToString()), scratchFolder, replace: true);
                    _lines = _entries.Count;
                }
                finally
                {
                    OpenAppend();
                }
            }
        }

        public void Dispose()
        {
            lock (_sync)
            {
                _append?.Dispose();
                _append = null;
            }
        }

        // ------------------------------------------------------------------------------------------------ file

        private void Load()
        {
            if (!File.Exists(_path)) return;
            using (var stream = new FileStream(_path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete))
            using (var reader = new StreamReader(stream, new UTF8Encoding(false), detectEncodingFromByteOrderMarks: true))
            {
                string line;
                while ((line = reader.ReadLine()) != null)
                {
                    if (line.Length == 0) continue;
                    _lines++;
                    JObject obj;
                    try
                    {
                        using (var json = new JsonTextReader(new StringReader(line)) { DateParseHandling = DateParseHandling.None })
                            obj = JObject.Load(json);
                    }
                    catch (JsonException)
                    {
                        continue; // torn or damaged: ignored (and dropped at the next compaction)
                    }
                    string id = obj.Value<string>("id");
                    if (string.IsNullOrEmpty(id)) continue;
                    if (obj.Value<bool?>("removed") == true)
                    {
                        _entries.Remove(id);
                        continue;
                    }
                    IndexEntry entry = Parse(obj, id);
                    if (entry != null) _entries[id] = entry;
                }
            }
        }

        private static IndexEntry Parse(JObject obj, string id)
        {
            try
            {
                string path = obj.Value<string>("path");
                long? size = obj.Value<long?>("size");
                if (!IsSafeRelativePath(path) || !size.HasValue || size < 0) return null;
                string motion = obj.Value<string>("motion");
                string metadata = obj.Value<string>("metadata");
                DateTime saved;
                DateTime.TryParse(obj.Value<string>("saved"), CultureInfo.InvariantCulture,
                    DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out saved);
                return new IndexEntry
                {
                    Id = id,
                    Source = obj.Value<string>("source"),
                    Path = path,
                    Size = size.Value,
                    SavedUtc = saved,
                    MotionChecked = obj.Value<bool?>("motionChecked") == true,
                    MotionPath = IsSafeRelativePath(motion) ? motion : null,
                    MotionSize = obj.Value<long?>("motionSize"),
                    MetadataPath = IsSafeRelativePath(metadata) ? metadata : null,
                };
            }
            catch (Exception ex) when (ex is FormatException || ex is InvalidCastException || ex is OverflowException || ex is JsonException)
            {
                return null;
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
                writer.WriteEndObject();
            }
            return sb.ToString();
        }

        private void OpenAppend()
        {
            bool needsNewline = false;
            if (File.Exists(_path))
            {
                using (var probe = new FileStream(_path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite))
                {
                    if (probe.Length > 0)
                    {
                        probe.Seek(-1, SeekOrigin.End);
                        needsNewline = probe.ReadByte() != '\n'; // a torn last line must not swallow the next entry
                    }
                }
            }
            _append = new FileStream(_path, FileMode.Append, FileAccess.Write, FileShare.Read, 4096);
            _lineOpen = needsNewline;
        }

        private void WriteLine(string line)
        {
            if (_append == null) throw new InvalidOperationException("The destination index is not open for writing.");
            byte[] bytes = new UTF8Encoding(false).GetBytes((_lineOpen ? "\n" : "") + line + "\n");
            try
            {
                _append.Write(bytes, 0, bytes.Length);
                _append.Flush(true);
                _lineOpen = false;
            }
            catch
            {
                _lineOpen = true; // part of the line may be on disk: start the next one on a fresh line
                throw;
            }
        }
    }
}
