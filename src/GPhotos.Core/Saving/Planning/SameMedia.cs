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

        /// <summary>
        /// yyyy-MM-ddTHH:mm:ssZ (UTC, to the second). Written by hand: a custom format string is parsed on every
        /// call, and this runs several times per saved item (preview, plan, index line, index key).
        /// </summary>
        internal static string Taken(DateTime? time)
        {
            if (!time.HasValue) return null;
            DateTime t = time.Value.ToUniversalTime();
            var c = new char[20];
            int at = 0;
            foreach ((int value, int width, char after) in new[] { (t.Year, 4, '-'), (t.Month, 2, '-'), (t.Day, 2, 'T'), (t.Hour, 2, ':'), (t.Minute, 2, ':'), (t.Second, 2, 'Z') })
            {
                for (int i = at + width - 1, v = value; i >= at; i--, v /= 10) c[i] = (char)('0' + v % 10);
                c[at + width] = after;
                at += width + 1;
            }
            return new string(c);
        }

        /// <summary>Copies without GPS (Picker, Library) give way to the Takeout original; nothing else is replaced.</summary>
        public static bool IsUpgrade(string savedSource, MediaSource incoming) =>
            incoming == MediaSource.Takeout
            && (savedSource == nameof(MediaSource.Picker) || savedSource == nameof(MediaSource.Library));
    }
}
