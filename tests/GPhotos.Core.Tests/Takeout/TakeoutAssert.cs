using System.Text;
using GPhotos.Emulator.Takeout;
using GPhotos.Model;
using GPhotos.Sources.Takeout;
using Xunit;

namespace GPhotos.Core.Tests.Takeout;

internal static class TakeoutAssert
{
    public static string[] PartPaths(TakeoutManifest m) => m.Parts.Select(p => Path.Combine(m.Directory, p)).ToArray();

    /// <summary>Compares every item read with the manifest, field by field, and collects all differences in one failure.</summary>
    public static void ItemsMatch(TakeoutManifest m, IReadOnlyList<MediaItem> items, bool includeTrashed = false)
    {
        var problems = new StringBuilder();
        var expected = m.Items.Where(i => includeTrashed || !i.IsTrashed).ToList();
        var byId = new Dictionary<string, MediaItem>(StringComparer.Ordinal);
        foreach (var item in items)
        {
            if (!byId.TryAdd(item.Id, item)) problems.AppendLine($"duplicate id {item.Id} ({item.TakeoutEntry})");
        }
        foreach (var e in expected)
        {
            if (!byId.TryGetValue(e.Id, out var a))
            {
                problems.AppendLine($"[{e.Quirk}] missing {e.Id} {e.Entry}");
                continue;
            }
            void Check<T>(string what, T want, T got)
            {
                if (!EqualityComparer<T>.Default.Equals(want, got)) problems.AppendLine($"[{e.Quirk}] {e.Entry}: {what} want '{want}' got '{got}'");
            }
            Check("Source", MediaSource.Takeout, a.Source);
            Check("Filename", e.Filename, a.Filename);
            Check("MimeType", e.MimeType, a.MimeType);
            Check("MediaType", e.MediaType, a.MediaType.ToString());
            Check("CreationTime", e.CreationTime, a.CreationTime);
            Check("CreationTime.Kind", DateTimeKind.Utc, a.CreationTime?.Kind ?? DateTimeKind.Utc);
            Check("MediaMetadata.CreationTime", e.CreationTime, a.MediaMetadata.CreationTime);
            Check("Width", e.Width, a.Width);
            Check("Height", e.Height, a.Height);
            Check("Latitude", e.Latitude, a.Latitude);
            Check("Longitude", e.Longitude, a.Longitude);
            Check("Altitude", e.Altitude, a.Altitude);
            Check("Description", e.Description, a.Description);
            Check("People", string.Join("|", e.People), string.Join("|", a.People));
            Check("Albums", string.Join("|", e.Albums), string.Join("|", a.Albums));
            Check("IsFavorite", e.IsFavorite, a.IsFavorite);
            Check("IsArchived", e.IsArchived, a.IsArchived);
            Check("IsTrashed", e.IsTrashed, a.IsTrashed);
            Check("TakeoutArchive", Path.Combine(m.Directory, e.Archive), a.TakeoutArchive);
            Check("TakeoutEntry", e.Entry, a.TakeoutEntry);
            Check("Size", (long?)e.Size, a.Size);
            Check("MotionVideoEntry", e.MotionVideoEntry, a.MotionVideoEntry);
            Check("MotionVideoArchive", e.MotionVideoArchive == null ? null : Path.Combine(m.Directory, e.MotionVideoArchive), a.MotionVideoArchive);
            Check("Photo metadata", e.MediaType == "Photo", a.MediaMetadata.Photo != null);
            Check("Video metadata", e.MediaType == "Video", a.MediaMetadata.Video != null);
            if (a.MediaMetadata.Video != null) Check("Video status", VideoProcessingStatus.Ready, a.MediaMetadata.Video.Status);
        }
        foreach (var extra in items.Where(i => !expected.Any(e => e.Id == i.Id)))
            problems.AppendLine($"unexpected item {extra.Id} {extra.TakeoutEntry} ({extra.Filename})");
        Assert.True(problems.Length == 0, "Takeout items differ from the manifest:\n" + problems);
    }

    public static void StatsMatch(TakeoutManifest m, TakeoutReadStats s)
    {
        var want = m.Expected;
        var problems = new StringBuilder();
        void Check(string what, int w, int g) { if (w != g) problems.AppendLine($"{what}: want {w} got {g}"); }
        Check("Items", want.Items, s.Items);
        Check("TrashedSkipped", want.TrashedSkipped, s.TrashedSkipped);
        Check("WithoutSidecar", want.WithoutSidecar, s.WithoutSidecar);
        Check("DuplicatesMerged", want.DuplicatesMerged, s.DuplicatesMerged);
        Check("EditedCopies", want.EditedCopies, s.EditedCopies);
        Check("MotionCompanions", want.MotionCompanions, s.MotionCompanions);
        Check("OrphanSidecars", want.OrphanSidecars, s.OrphanSidecars);
        Check("FailedArchives", 0, s.FailedArchives);
        var orphanWarnings = s.Warnings.Count(w => w.Contains("has no media file", StringComparison.Ordinal));
        Check("orphan warnings", want.OrphanSidecars, orphanWarnings);
        Assert.True(problems.Length == 0, "Takeout stats differ from the manifest:\n" + problems + "warnings:\n" + string.Join("\n", s.Warnings));
    }
}
