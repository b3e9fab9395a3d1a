using System;
using System.Globalization;
using GPhotos.Model;

namespace GPhotos.Saving
{
    /// <summary>
    /// "Each photo once": Google gives the Picker, the Library and Takeout no shared id, so the same photo from two
    /// sources is recognised by what it is, conservatively: original file name (ordinal, case-sensitive), capture
    /// time to the second (UTC), width, height and media type, all present and all equal. Anything missing means
    /// no match (the photo is saved again rather than risk losing one).
    /// </summary>
    internal static class SameMedia
    {
        /// <summary>Writes the item's key fields into an index entry (every save records them).</summary>
        public static void Record(IndexEntry entry, MediaItem item)
        {
            entry.Name = item.Filename;
            entry.Taken = Taken(item.CreationTime);
            entry.Width = item.Width;
            entry.Height = item.Height;
            entry.MediaType = item.MediaType.ToString();
        }

        /// <summary>The lookup key, or null when the item lacks any part of it.</summary>
        public static string KeyOf(MediaItem item) =>
            Key(item.Filename, Taken(item.CreationTime), item.Width, item.Height, item.MediaType.ToString());

        public static string KeyOf(IndexEntry entry) => Key(entry.Name, entry.Taken, entry.Width, entry.Height, entry.MediaType);

        private static string Key(string name, string taken, long? width, long? height, string type)
        {
            if (string.IsNullOrEmpty(name) || taken == null || !width.HasValue || !height.HasValue || width <= 0 || height <= 0
                || string.IsNullOrEmpty(type) || type == nameof(Model.MediaType.Unspecified))
                return null;
            return string.Join("\u001f", name, taken, width.Value.ToString(CultureInfo.InvariantCulture), height.Value.ToString(CultureInfo.InvariantCulture), type);
        }

        private static string Taken(DateTime? time) =>
            time?.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

        /// <summary>Copies without GPS (Picker, Library) give way to the Takeout original; nothing else is replaced.</summary>
        public static bool IsUpgrade(string savedSource, MediaSource incoming) =>
            incoming == MediaSource.Takeout
            && (savedSource == nameof(MediaSource.Picker) || savedSource == nameof(MediaSource.Library));
    }
}
