using System;
using System.Collections.Generic;
using System.Globalization;

namespace GPhotos.Saving
{
    /// <summary>
    /// Which folder below the destination an item goes to, from its capture time in UTC (UTC, not local time, so
    /// the same library lays out the same way on every machine and across daylight-saving changes).
    /// <see cref="Flat"/> (default), <see cref="Year"/> (<c>2024</c>), <see cref="YearMonth"/> (<c>2024/03</c>),
    /// <see cref="YearMonthDay"/> (<c>2024/03/15</c>) or any .NET custom date format (<c>yyyy/MM</c>,
    /// <c>yyyy/yyyy-MM-dd</c>), where <c>/</c> separates folders. Items without a capture time go to
    /// <see cref="UnknownDateFolder"/> (or the destination itself for <see cref="Flat"/>).
    /// </summary>
    public sealed class FolderLayout
    {
        /// <summary>The folder for items without a capture time.</summary>
        public const string UnknownDateFolder = "unknown-date";

        private FolderLayout(string name, string format)
        {
            Name = name;
            Format = format;
        }

        public static FolderLayout Flat { get; } = new FolderLayout("Flat", null);
        public static FolderLayout Year { get; } = new FolderLayout("Year", "yyyy");
        public static FolderLayout YearMonth { get; } = new FolderLayout("YearMonth", "yyyy/MM");
        public static FolderLayout YearMonthDay { get; } = new FolderLayout("YearMonthDay", "yyyy/MM/dd");

        /// <summary>Flat, Year, YearMonth, YearMonthDay or Custom.</summary>
        public string Name { get; }

        /// <summary>The .NET date format (invariant culture) the folders come from; null for <see cref="Flat"/>.</summary>
        public string Format { get; }

        public bool IsFlat => Format == null;

        /// <summary>A layout from a custom .NET date format such as <c>yyyy/MM</c>. Throws <see cref="ArgumentException"/> when unusable.</summary>
        public static FolderLayout Custom(string format)
        {
            if (string.IsNullOrWhiteSpace(format))
                throw new ArgumentException("The folder layout format is empty. Use Flat, Year, YearMonth, YearMonthDay or a date format such as 'yyyy/MM'.", nameof(format));
            var layout = new FolderLayout("Custom", format);
            try
            {
                if (layout.GetFolder(new DateTime(2024, 3, 15, 10, 30, 0, DateTimeKind.Utc)).Length == 0)
                    throw new FormatException("it names no folder");
            }
            catch (FormatException ex)
            {
                throw new ArgumentException(
                    $"'{format}' is not a usable folder layout ({ex.Message}). Use Flat, Year, YearMonth, YearMonthDay or a .NET date format such as 'yyyy/MM' (/ separates folders).",
                    nameof(format), ex);
            }
            string escape = FindEscape(format);
            if (escape != null)
                throw new ArgumentException(
                    $"'{format}' is not a usable folder layout: {escape} Nothing was written. Use a date format that names folders below -Path, such as 'yyyy/MM'.",
                    nameof(format));
            return layout;
        }

        /// <summary>
        /// Why the folders of <paramref name="format"/> would not stay in the user's part of -Path, or null. Checked once,
        /// over a date in every month and weekday (month and day names are the only text a date puts in), so the per-item
        /// <see cref="GetFolder"/> stays a plain format: '.gphotos' (the index and lock: files there would be deleted as
        /// temp files or taken for GPhotos's own), and '.', '..' or a leading separator (which GetFolder would silently
        /// rename or drop: refused instead, so the user sees the layout is not what they meant).
        /// </summary>
        private static string FindEscape(string format)
        {
            for (int month = 1; month <= 12; month++)
            {
                var date = new DateTime(2024, month, month + 7, 10, 30, 0, DateTimeKind.Utc);
                string text = date.ToString(format, CultureInfo.InvariantCulture);
                if (text.Length > 0 && (text[0] == '/' || text[0] == '\\'))
                    return $"it starts with a folder separator ('{text}'), which would point outside -Path.";
                string[] raw = text.Split(new[] { '/', '\\' }, StringSplitOptions.RemoveEmptyEntries);
                foreach (string part in raw)
                {
                    string trimmed = part.Trim();
                    if (trimmed == "." || trimmed == "..")
                        return $"it gives the folder '{text}', and '{trimmed}' would point outside -Path.";
                }
                string folder = new FolderLayout("Custom", format).GetFolder(date);
                int slash = folder.IndexOf('/');
                string top = slash < 0 ? folder : folder.Substring(0, slash);
                if (string.Equals(top, DestinationStore.StateFolderName, StringComparison.OrdinalIgnoreCase))
                    return $"it gives the folder '{text}', inside '{DestinationStore.StateFolderName}', where GPhotos keeps its index, lock and temp files.";
            }
            return null;
        }

        /// <summary>A named layout (case-insensitive) or else a custom format. What PowerShell calls when it converts a string.</summary>
        public static FolderLayout Parse(string text)
        {
            string value = text?.Trim();
            foreach (FolderLayout known in new[] { Flat, Year, YearMonth, YearMonthDay })
                if (string.Equals(known.Name, value, StringComparison.OrdinalIgnoreCase)) return known;
            return Custom(text);
        }

        /// <summary>
        /// The folder, relative to the destination, '/'-separated, each segment a safe name; "" for the destination
        /// itself. A capture time of unspecified kind is taken as UTC, a local one converted to UTC.
        /// </summary>
        public string GetFolder(DateTime? creationTime)
        {
            if (IsFlat) return "";
            if (!creationTime.HasValue) return UnknownDateFolder;
            DateTime utc = creationTime.Value.Kind == DateTimeKind.Local
                ? creationTime.Value.ToUniversalTime()
                : DateTime.SpecifyKind(creationTime.Value, DateTimeKind.Utc);
            string text = utc.ToString(Format, CultureInfo.InvariantCulture);
            var segments = new List<string>();
            foreach (string part in text.Split(new[] { '/', '\\' }, StringSplitOptions.RemoveEmptyEntries))
            {
                if (part.Trim().Length == 0) continue;
                segments.Add(FileNamer.MakeSafeSegment(part));
            }
            return string.Join("/", segments);
        }

        public override string ToString() => Format == null || Name != "Custom" ? Name : Format;
    }
}
