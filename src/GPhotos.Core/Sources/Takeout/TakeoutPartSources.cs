using System;
using System.Collections.Concurrent;
using System.IO;

namespace GPhotos.Sources.Takeout
{
    /// <summary>
    /// Parts that are not local files (a Takeout part read in place in Google Drive), by the name items carry in
    /// <c>MediaItem.TakeoutArchive</c>. The reader and <see cref="TakeoutContent"/> open such a part through its stream
    /// factory (a new seekable stream per call, each with its own read position) instead of a FileStream, so Save needs no
    /// change to stream bytes from Drive. Process-wide: items listed in a session can be saved later in that session.
    /// </summary>
    public static class TakeoutPartSources
    {
        private sealed class Source
        {
            public TakeoutInputKind Kind;
            public Func<Stream> Open;
        }

        private static readonly ConcurrentDictionary<string, Source> Sources = new ConcurrentDictionary<string, Source>(StringComparer.Ordinal);

        /// <summary>The name a Drive part goes by: "drive:&lt;file id&gt;/&lt;file name&gt;" (ids keep two folders' same-named parts apart).</summary>
        public static string DriveKey(string fileId, string name) => "drive:" + fileId + "/" + name;

        /// <summary>The Drive file id in a key made by <see cref="DriveKey"/>; null for other keys.</summary>
        public static string DriveFileId(string key)
        {
            if (key == null || !key.StartsWith("drive:", StringComparison.Ordinal) || !IsRegistered(key)) return null;
            int slash = key.IndexOf('/', 6);
            return slash > 6 ? key.Substring(6, slash - 6) : null;
        }

        /// <summary>Registers (or replaces: a part listed again may be a new version) how to open <paramref name="key"/>.</summary>
        public static void Register(string key, TakeoutInputKind kind, Func<Stream> open)
        {
            if (string.IsNullOrEmpty(key)) throw new ArgumentNullException(nameof(key));
            if (kind != TakeoutInputKind.Zip && kind != TakeoutInputKind.TarGz && kind != TakeoutInputKind.Tar)
                throw new ArgumentException("Only zip, tgz and tar parts can be opened from a stream.", nameof(kind));
            Sources[key] = new Source { Kind = kind, Open = open ?? throw new ArgumentNullException(nameof(open)) };
            TakeoutContent.ReleaseArchives(key); // pooled readers of an earlier version must not be reused
        }

        public static bool IsRegistered(string key) => key != null && Sources.ContainsKey(key);

        /// <summary>A registered key as it is; a local path made full (the key pools and items use).</summary>
        internal static string Key(string path) => IsRegistered(path) ? path : Path.GetFullPath(path);

        internal static bool TryGetKind(string key, out TakeoutInputKind kind)
        {
            kind = TakeoutInputKind.Unknown;
            if (key == null || !Sources.TryGetValue(key, out Source s)) return false;
            kind = s.Kind;
            return true;
        }

        /// <summary>
        /// The part-level failure inside <paramref name="ex"/> (a zip reader wraps what its stream threw, e.g. "Central
        /// Directory corrupt" around "the part changed in Drive"), or null: the user must see the real cause.
        /// </summary>
        internal static TakeoutArchiveException PartFailure(Exception ex)
        {
            for (Exception e = ex; e != null; e = e.InnerException)
                if (e is TakeoutArchiveException t && t.Data.Contains(GPhotos.Http.RetryPolicy.PermanentFailureKey)) return t;
            return null;
        }

        /// <summary>The part-level failure for one entry: names item and part, stays permanent (not retried).</summary>
        internal static TakeoutArchiveException ForEntry(TakeoutArchiveException part, string key, string entryPath)
        {
            var e = new TakeoutArchiveException(key, entryPath, $"'{entryPath}' cannot be read: {part.Message}", part);
            e.Data[GPhotos.Http.RetryPolicy.PermanentFailureKey] = true;
            return e;
        }

        /// <summary>A stream over the part: the registered factory's, else the local file.</summary>
        internal static Stream OpenRead(string key, bool sequential)
        {
            if (key != null && Sources.TryGetValue(key, out Source s)) return s.Open();
            return new FileStream(key, FileMode.Open, FileAccess.Read, FileShare.Read, sequential ? 1 << 16 : 4096,
                sequential ? FileOptions.SequentialScan : FileOptions.RandomAccess);
        }
    }
}
