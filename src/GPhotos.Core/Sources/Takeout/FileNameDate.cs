using System;
using System.Globalization;
using System.Text.RegularExpressions;

namespace GPhotos.Sources.Takeout
{
    /// <summary>
    /// The last resort for a capture time: a date written in the file name by the camera or app
    /// (IMG_20210314_101500, PXL_20210314_101500123, VID_…, Screenshot_2021-03-14-10-15-00, IMG-20210314-WA0001).
    /// The wall clock in the name is taken as UTC, like an EXIF time without offset.
    /// </summary>
    internal static class FileNameDate
    {
        // 20210314_101500, 20210314-101500, 20210314101500 (not part of a longer number)
        private static readonly Regex Compact = new Regex(
            @"(?<!\d)(?<y>(19|20)\d{2})(?<mo>\d{2})(?<d>\d{2})[_\-T ]?(?<h>\d{2})(?<mi>\d{2})(?<s>\d{2})",
            RegexOptions.CultureInvariant);

        // 2021-03-14 10.15.00, 2021-03-14_10-15-00, 2021-03-14 at 10.15.00, 2021_03_14 10:15:00
        private static readonly Regex Separated = new Regex(
            @"(?<!\d)(?<y>(19|20)\d{2})[-_.](?<mo>\d{2})[-_.](?<d>\d{2})(?:[ _\-T]|\s+at\s+|\s+um\s+|\s+à\s+)(?<h>\d{2})[.:\-_](?<mi>\d{2})[.:\-_](?<s>\d{2})",
            RegexOptions.CultureInvariant);

        // Date only: IMG-20210314-WA0001, 2021-03-14
        private static readonly Regex DateOnly = new Regex(
            @"(?<!\d)(?<y>(19|20)\d{2})[-_.]?(?<mo>\d{2})[-_.]?(?<d>\d{2})(?!\d)",
            RegexOptions.CultureInvariant);

        public static DateTime? Parse(string fileName)
        {
            if (string.IsNullOrEmpty(fileName)) return null;
            foreach (var re in new[] { Compact, Separated })
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
            int I(string g) => int.Parse(m.Groups[g].Value, CultureInfo.InvariantCulture);
            int y = I("y"), mo = I("mo"), d = I("d");
            int h = withTime ? I("h") : 0, mi = withTime ? I("mi") : 0, s = withTime ? I("s") : 0;
            if (mo < 1 || mo > 12 || d < 1 || d > DateTime.DaysInMonth(y, mo) || h > 23 || mi > 59 || s > 59) return null;
            var dt = new DateTime(y, mo, d, h, mi, s, DateTimeKind.Utc);
            if (dt > DateTime.UtcNow.AddDays(2)) return null;
            return dt;
        }
    }
}
