using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text.RegularExpressions;
using GPhotos.Model;

namespace GPhotos.Sources.Drive
{
    /// <summary>A part file as found (Drive or local), before grouping into exports.</summary>
    public sealed class TakeoutPartFile
    {
        public string Name { get; set; }
        public long Size { get; set; }
        public DateTimeOffset? ModifiedTime { get; set; }
        public TakeoutArchiveLocation Location { get; set; }
        public string Path { get; set; }
        public string DriveFileId { get; set; }
        public string Md5 { get; set; }

        public static TakeoutPartFile FromDrive(DriveFile f) => new TakeoutPartFile
        {
            Name = f.Name, Size = f.Size ?? 0, ModifiedTime = f.ModifiedTime ?? f.CreatedTime, Location = TakeoutArchiveLocation.Drive,
            DriveFileId = f.Id, Md5 = f.Md5Checksum,
        };
    }

    /// <summary>A warning about one export (<see cref="ExportId"/>) or about a file that is not a part (ExportId null).</summary>
    public sealed class TakeoutCatalogWarning
    {
        public TakeoutCatalogWarning(string exportId, string message) { ExportId = exportId; Message = message; }
        public string ExportId { get; }
        public string Message { get; }
        public override string ToString() => Message;
    }

    /// <summary>The result of grouping parts: the archives (newest export first, parts in order) and what to warn about.</summary>
    public sealed class TakeoutCatalog
    {
        public TakeoutCatalog(IReadOnlyList<TakeoutArchive> archives, IReadOnlyList<TakeoutCatalogWarning> warnings) { Archives = archives; Warnings = warnings; }
        public IReadOnlyList<TakeoutArchive> Archives { get; }
        public IReadOnlyList<TakeoutCatalogWarning> Warnings { get; }
    }

    /// <summary>
    /// Groups Takeout part files into exports and decides when an export is complete enough to read.
    /// </summary>
    /// <remarks>
    /// Complete = part numbers 1..N each present exactly once, and no part changed within <see cref="SettleTime"/>. Takeout
    /// delivers parts one by one and nothing says how many there will be, so a part that changed recently means more may
    /// follow; a sidecar may sit in a later part than its photo (google-photos-api.md §7), so reading before the export is
    /// complete could give items without their metadata.
    /// </remarks>
    public static class TakeoutArchiveCatalog
    {
        /// <summary>How long every part must have been unchanged before an export counts as complete.</summary>
        public static readonly TimeSpan SettleTime = TimeSpan.FromHours(1);

        /// <summary>Scheduled exports come every 2 months; older than this, the schedule has probably ended (it runs one year).</summary>
        public static readonly TimeSpan StaleAfter = TimeSpan.FromDays(70);

        private static readonly Regex PartName = new Regex(@"^(takeout-([0-9]{8}T[0-9]{6}Z))-([0-9]{1,4})\.(zip|tgz|tar\.gz)$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant);

        /// <summary>Parses takeout-&lt;yyyyMMddTHHmmssZ&gt;-NNN.zip|.tgz. False for other names.</summary>
        public static bool TryParseName(string name, out string exportId, out DateTimeOffset exportTime, out int part, out string format)
        {
            exportId = null; exportTime = default(DateTimeOffset); part = 0; format = null;
            Match m = name == null ? Match.Empty : PartName.Match(name);
            if (!m.Success) return false;
            if (!DateTimeOffset.TryParseExact(m.Groups[2].Value, "yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture,
                DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out exportTime)) return false;
            part = int.Parse(m.Groups[3].Value, CultureInfo.InvariantCulture);
            if (part < 1) return false;
            exportId = m.Groups[1].Value.ToLowerInvariant();
            format = m.Groups[4].Value.ToLowerInvariant() == "zip" ? "zip" : "tgz";
            return true;
        }

        public static TakeoutCatalog Build(IEnumerable<TakeoutPartFile> files, DateTimeOffset now)
        {
            var warnings = new List<TakeoutCatalogWarning>();
            var parsed = new List<(TakeoutPartFile File, string Export, DateTimeOffset Time, int Part, string Format)>();
            foreach (TakeoutPartFile f in files)
            {
                if (TryParseName(f.Name, out string export, out DateTimeOffset time, out int part, out string format)) parsed.Add((f, export, time, part, format));
                else warnings.Add(new TakeoutCatalogWarning(null, $"'{Where(f)}' is not named like a Takeout part (takeout-<yyyyMMddTHHmmssZ>-001.zip) and is not listed; read it with Get-GPhotosMediaItem -TakeoutPath."));
            }
            var archives = new List<TakeoutArchive>();
            foreach (var export in parsed.GroupBy(p => p.Export).OrderByDescending(g => g.First().Time).ThenByDescending(g => g.Key, StringComparer.Ordinal))
            {
                var parts = export.OrderBy(p => p.Part).ThenBy(p => p.File.Name, StringComparer.Ordinal).ToList();
                string why = Completeness(parts.Select(p => (p.Part, p.File)).ToList(), now);
                bool complete = why == null;
                int count = parts.Select(p => p.Part).Distinct().Count();
                if (!complete) warnings.Add(new TakeoutCatalogWarning(export.Key, $"Takeout export {export.Key} is not complete yet: {why}. Reading it now could give items without their JSON metadata (a sidecar may be in a part still to come); wait until its parts show IsComplete."));
                foreach (var p in parts)
                    archives.Add(new TakeoutArchive(p.File.Name, p.File.Size, p.Time, p.Part, p.Format, p.File.Location, p.File.Path, p.File.DriveFileId, p.File.Md5,
                        export.Key, p.File.ModifiedTime, count, complete, complete ? "complete" : why));
            }
            return new TakeoutCatalog(archives, warnings);
        }

        /// <summary>Null when complete, else why not.</summary>
        private static string Completeness(IReadOnlyList<(int Part, TakeoutPartFile File)> parts, DateTimeOffset now)
        {
            var reasons = new List<string>();
            int max = parts.Max(p => p.Part);
            var numbers = new HashSet<int>(parts.Select(p => p.Part));
            var missing = Enumerable.Range(1, max).Where(n => !numbers.Contains(n)).ToList();
            if (missing.Count > 0) reasons.Add("part" + (missing.Count > 1 ? "s " : " ") + string.Join(", ", missing.Take(10)) + (missing.Count > 10 ? ", …" : "") + " missing");
            foreach (var dup in parts.GroupBy(p => p.Part).Where(g => g.Count() > 1))
                reasons.Add($"part {dup.Key} is there {dup.Count()} times ({string.Join(", ", dup.Select(d => Where(d.File)))})");
            DateTimeOffset? newest = parts.Max(p => p.File.ModifiedTime);
            if (newest.HasValue && now - newest.Value < SettleTime)
                reasons.Add($"a part changed {Math.Max(0, (now - newest.Value).TotalMinutes):0} minutes ago (parts may still be arriving; complete once nothing changed for {SettleTime.TotalMinutes:0} minutes)");
            return reasons.Count == 0 ? null : string.Join("; ", reasons);
        }

        /// <summary>A warning when the newest export is older than a 2-month schedule allows; null when fine.</summary>
        public static string StaleWarning(IReadOnlyList<TakeoutArchive> archives, DateTimeOffset now)
        {
            TakeoutArchive newest = archives.Where(a => a.ExportTime.HasValue).OrderByDescending(a => a.ExportTime).FirstOrDefault();
            if (newest == null || now - newest.ExportTime.Value <= StaleAfter) return null;
            return $"The newest Takeout export ({newest.ExportId}) is {(now - newest.ExportTime.Value).TotalDays:0} days old: a scheduled export comes every 2 months, " +
                "so the schedule has probably ended (Google runs it for one year). Schedule a new one at https://takeout.google.com: Google Photos only, " +
                "delivery \"Add to Drive\", frequency \"Export every 2 months for 1 year\", file type .zip, size 50 GB.";
        }

        private static string Where(TakeoutPartFile f) => f.Location == TakeoutArchiveLocation.Local ? f.Path : "Drive: Takeout/" + f.Name;
    }
}
