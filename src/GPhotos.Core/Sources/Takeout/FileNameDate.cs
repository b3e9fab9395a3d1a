using System;
using System.Globalization;
using System.Text.RegularExpressions;

namespace GPhotos.Sources.Takeout
{
    /// <summary>
    /// The last resort for a capture time: a date written in the file name by the camera or app
    /// (IMG_20210314_101500, PXL_20210314_101500123, VID_…, Screenshot_20210314-101500, Screenshot_2021-03-14-10-15-00,
    /// IMG-20210314-WA0001, signal-2021-03-14-101500, photo_2021-03-14_10-15-00 (Telegram),
    /// Screen Recording 2021-03-14 at 10.15.00, WhatsApp Image 2021-03-14 at 10.15.00).
    /// The wall clock in the name is taken as UTC, like an EXIF time without offset.
    /// </summary>
    /// <remarks>
    /// Digits are matched as [0-9], never \d: \d also matches Arabic-Indic and other digits that int.Parse refuses
    /// (a FormatException out of one file name ended a read). Every part is range-checked before a DateTime is made.
    /// </remarks>
    internal static class FileNameDate
    {
        // 20210314_101500, 20210314-101500, 20210314101500 (not part of a longer number)
        private static readonly Regex Compact = new Regex(
            @"(?<![0-9])(?<y>(19|20)[0-9]{2})(?<mo>[0-9]{2})(?<d>[0-9]{2})[_\-T ]?(?<h>[0-9]{2})(?<mi>[0-9]{2})(?<s>[0-9]{2})",
            RegexOptions.CultureInvariant);

        // 2021-03-14 10.15.00, 2021-03-14_10-15-00, 2021-03-14 at 10.15.00, 2021_03_14 10:15:00
        private static readonly Regex Separated = new Regex(
            @"(?<![0-9])(?<y>(19|20)[0-9]{2})[-_.](?<mo>[0-9]{2})[-_.](?<d>[0-9]{2})(?:[ _\-T]|\s+at\s+|\s+um\s+|\s+à\s+)(?<h>[0-9]{2})[.:\-_](?<mi>[0-9]{2})[.:\-_](?<s>[0-9]{2})",
            RegexOptions.CultureInvariant);

        // Separated date, compact time: signal-2021-03-14-101500, Screen_Recording_2021-03-14_101500
        private static readonly Regex SeparatedCompactTime = new Regex(
            @"(?<![0-9])(?<y>(19|20)[0-9]{2})[-_.](?<mo>[0-9]{2})[-_.](?<d>[0-9]{2})[ _\-T](?<h>[0-9]{2})(?<mi>[0-9]{2})(?<s>[0-9]{2})",
            RegexOptions.CultureInvariant);

        // Date only: IMG-20210314-WA0001, 2021-03-14
        private static readonly Regex DateOnly = new Regex(
            @"(?<![0-9])(?<y>(19|20)[0-9]{2})[-_.]?(?<mo>[0-9]{2})[-_.]?(?<d>[0-9]{2})(?![0-9])",
            RegexOptions.CultureInvariant);

        private static readonly Regex[] WithTime = { Compact, Separated, SeparatedCompactTime };

        public static DateTime? Parse(string fileName)
        {
            if (string.IsNullOrEmpty(fileName)) return null;
            foreach (var re in WithTime)
            {
                foreach (Match m in re.Matches(fileName))
                {
                    var dt = Build(m, withTime: true);
                    if (dt != null) return dt;
                }
            }
            foreach (Match m in DateOnly.Matches(fileName))
            {
                var dt = Build(m, withTime: false);
                if (dt != null) return dt;
            }
            return null;
        }

        private static DateTime? Build(Match m, bool withTime)
        {
            int? I(string g) => int.TryParse(m.Groups[g].Value, NumberStyles.None, CultureInfo.InvariantCulture, out var v) ? v : (int?)null;
            int? y = I("y"), mo = I("mo"), d = I("d");
            int? h = withTime ? I("h") : 0, mi = withTime ? I("mi") : 0, s = withTime ? I("s") : 0;
            if (y == null || mo == null || d == null || h == null || mi == null || s == null) return null;
            if (y < 1900 || y > 2099 || mo < 1 || mo > 12 || d < 1 || d > DateTime.DaysInMonth(y.Value, mo.Value) || h > 23 || mi > 59 || s > 59) return null;
            var dt = new DateTime(y.Value, mo.Value, d.Value, h.Value, mi.Value, s.Value, DateTimeKind.Utc);
            if (dt > DateTime.UtcNow.AddDays(2)) return null;
            return dt;
        }
    }
}
