using GPhotos.Core.Tests.Auth;
using GPhotos.Core.Tests.Takeout;
using GPhotos.Model;
using GPhotos.Reporting;
using GPhotos.Sources.Drive;
using GPhotos.Sources.Takeout;
using Xunit;

namespace GPhotos.Core.Tests.Drive;

/// <summary>Which Takeout parts Remove-GPhotosTakeoutArchive may delete: every media entry saved, indexed, and on disk with its size.</summary>
public class TakeoutRemovalTests : IDisposable
{
    private readonly TempFolder _temp = new();
    private string Dest => _temp.Sub("dest");

    public void Dispose() => _temp.Dispose();

    private static TakeoutArchive Part(string name, string path = null, string driveId = null) =>
        new(name, 100, null, 1, "zip", driveId != null ? TakeoutArchiveLocation.Drive : TakeoutArchiveLocation.Local,
            path, driveId, null, "takeout-x", null, 1, true, "complete");

    private static MediaItem Item(string id, string archive, long size, string motionArchive = null) =>
        new() { Id = id, Filename = id + ".jpg", TakeoutArchive = archive, TakeoutEntry = "Takeout/Google Photos/" + id + ".jpg", Size = size,
                MotionVideoArchive = motionArchive, MotionVideoEntry = motionArchive == null ? null : "Takeout/Google Photos/" + id + ".mp4" };

    /// <summary>Saves files and index lines the way Save-GPhotosMediaItem leaves them (raw JSONL, so the test pins the format).</summary>
    private void Saved(params (string Id, string Path, long Size, string? Motion, long MotionSize)[] entries)
    {
        Directory.CreateDirectory(Path.Combine(Dest, ".gphotos"));
        var lines = new List<string>();
        foreach (var e in entries)
        {
            File.WriteAllBytes(Path.Combine(Dest, e.Path), new byte[e.Size]);
            string motion = "";
            if (e.Motion != null)
            {
                File.WriteAllBytes(Path.Combine(Dest, e.Motion), new byte[e.MotionSize]);
                motion = $",\"motionChecked\":true,\"motion\":\"{e.Motion}\",\"motionSize\":{e.MotionSize}";
            }
            lines.Add($"{{\"id\":\"{e.Id}\",\"source\":\"Takeout\",\"path\":\"{e.Path}\",\"size\":{e.Size},\"saved\":\"2026-01-01T00:00:00.0000000Z\"{motion}}}");
        }
        File.AppendAllLines(TakeoutRemoval.IndexPath(Dest), lines);
    }

    private List<TakeoutPartVerdict> Verify(IReadOnlyList<TakeoutArchive> parts, params MediaItem[] items) =>
        TakeoutRemoval.Verify(parts, items, new Dictionary<TakeoutArchive, Exception>(), Dest, CancellationToken.None);

    [Fact]
    public void A_part_whose_every_entry_is_saved_with_its_size_may_go()
    {
        Saved(("a", "a.jpg", 10, null, 0), ("b", "b.jpg", 20, null, 0));
        var p = Part("takeout-x-001.zip", driveId: "F1");
        var v = Verify(new[] { p }, Item("a", "F1", 10), Item("b", "F1", 20)).Single();
        Assert.True(v.CanRemove, v.Reason);
        Assert.Equal(2, v.Verified);
        Assert.Equal(2, v.MediaEntries);
    }

    [Fact]
    public void Each_unsaved_entry_is_named_with_what_is_wrong()
    {
        Saved(("a", "a.jpg", 10, null, 0), ("b", "b.jpg", 20, null, 0), ("c", "c.jpg", 30, null, 0));
        File.Delete(Path.Combine(Dest, "b.jpg"));
        File.WriteAllBytes(Path.Combine(Dest, "c.jpg"), new byte[3]); // truncated after the save
        var p = Part("takeout-x-001.zip", driveId: "F1");
        var v = Verify(new[] { p }, Item("a", "F1", 10), Item("b", "F1", 20), Item("c", "F1", 30), Item("d", "F1", 40), Item("a2", "F1", 11)).Single();
        Assert.False(v.CanRemove);
        Assert.Equal(1, v.Verified);
        var problems = v.NotSaved.ToDictionary(i => i.Id, i => i.Problem);
        Assert.Equal(TakeoutItemProblem.FileMissing, problems["b"]);
        Assert.Equal(TakeoutItemProblem.FileSizeDiffers, problems["c"]);
        Assert.Equal(TakeoutItemProblem.NotInIndex, problems["d"]);
        Assert.False(problems.ContainsKey("a"));
        Assert.Contains("4 of 5", v.Reason);
        Assert.All(v.NotSaved, i => Assert.Equal("takeout-x-001.zip", i.Part));
    }

    [Fact]
    public void An_indexed_copy_of_another_size_than_the_export_does_not_count()
    {
        Saved(("a", "a.jpg", 10, null, 0));
        var v = Verify(new[] { Part("p1.zip", driveId: "F1") }, Item("a", "F1", 12)).Single();
        Assert.Equal(TakeoutItemProblem.SavedSizeDiffers, Assert.Single(v.NotSaved).Problem);
    }

    [Fact]
    public void A_motion_video_counts_in_the_part_that_holds_it()
    {
        Saved(("a", "a.jpg", 10, null, 0));
        var p1 = Part("takeout-x-001.zip", driveId: "F1");
        var p2 = Part("takeout-x-002.zip", driveId: "F2");
        var v = Verify(new[] { p1, p2 }, Item("a", "F1", 10, motionArchive: "F2"));
        Assert.True(v[0].CanRemove, v[0].Reason);
        Assert.Equal(TakeoutItemProblem.MotionVideoNotSaved, Assert.Single(v[1].NotSaved).Problem);
    }

    [Fact]
    public void A_part_that_failed_to_read_is_never_removable()
    {
        Saved(("a", "a.jpg", 10, null, 0));
        var p1 = Part("p1.zip", driveId: "F1");
        var v = TakeoutRemoval.Verify(new[] { p1 }, new[] { Item("a", "F1", 10) },
            new Dictionary<TakeoutArchive, Exception> { [p1] = new IOException("central directory damaged") }, Dest, CancellationToken.None).Single();
        Assert.False(v.CanRemove);
        Assert.Contains("central directory damaged", v.Reason);
    }

    [Fact]
    public void A_metadata_only_part_stays_while_another_part_is_refused_and_goes_with_the_rest()
    {
        Saved(("a", "a.jpg", 10, null, 0));
        var media = Part("p1.zip", driveId: "F1");
        var sidecars = Part("p2.zip", driveId: "F2");
        var refused = Verify(new[] { media, sidecars }, Item("a", "F1", 10), Item("b", "F1", 5));
        Assert.False(refused[1].CanRemove);
        Assert.Contains("only metadata", refused[1].Reason);
        var allowed = Verify(new[] { media, sidecars }, Item("a", "F1", 10));
        Assert.True(allowed[1].CanRemove, allowed[1].Reason);
    }

    [Fact]
    public void Items_the_reader_attributes_to_no_given_part_block_every_part()
    {
        // A reader naming parts in a way FindPart does not know would otherwise make every part look empty.
        Saved(("a", "a.jpg", 10, null, 0));
        var v = Verify(new[] { Part("p1.zip", driveId: "F1") }, Item("a", "somewhere-else", 10)).Single();
        Assert.False(v.CanRemove);
        Assert.Contains("could not be matched", v.Reason);
    }

    [Fact]
    public void Parts_are_found_by_local_path_drive_id_or_unique_name()
    {
        string path = _temp.Sub("takeout-x-001.zip");
        var local = Part("takeout-x-001.zip", path: path);
        var drive = Part("takeout-y-001.zip", driveId: "F9");
        var parts = new[] { local, drive };
        Assert.Same(local, TakeoutRemoval.FindPart(parts, path));
        Assert.Same(drive, TakeoutRemoval.FindPart(parts, "F9"));
        Assert.Same(drive, TakeoutRemoval.FindPart(new[] { drive, Part("takeout-y-001.zip", driveId: "F10") }, "drive:F9/takeout-y-001.zip"));
        Assert.Same(drive, TakeoutRemoval.FindPart(parts, "drive:Takeout/takeout-y-001.zip"));
        Assert.Null(TakeoutRemoval.FindPart(parts, "other.zip"));
        Assert.Null(TakeoutRemoval.FindPart(new[] { drive, Part("takeout-y-001.zip", driveId: "F10") }, "takeout-y-001.zip"));
    }

    [Fact]
    public void Local_parts_are_read_together_so_a_sidecar_in_another_part_still_matches()
    {
        string p1 = TakeoutFixtures.Zip(_temp.Sub("takeout-20260101T000000Z-001.zip"),
            (TakeoutFixtures.Year + "IMG_1.jpg", TakeoutFixtures.Jpeg(payload: 100)));
        string p2 = TakeoutFixtures.Zip(_temp.Sub("takeout-20260101T000000Z-002.zip"),
            (TakeoutFixtures.Year + "IMG_1.jpg.json", TakeoutFixtures.Utf8(TakeoutFixtures.Sidecar("IMG_1.jpg", id: "AF1QipX"))));
        var parts = new[] { Part(Path.GetFileName(p1), path: p1), Part(Path.GetFileName(p2), path: p2) };
        TakeoutPartItems read = new TakeoutReaderPartItemSource().ReadItems(parts, new QueueReporter(), CancellationToken.None);
        IReadOnlyList<MediaItem> items = read.Items;
        IReadOnlyDictionary<TakeoutArchive, Exception> errors = read.ReadErrors;
        MediaItem item = Assert.Single(items);
        Assert.Empty(errors);
        Assert.Same(parts[0], TakeoutRemoval.FindPart(parts, item.TakeoutArchive));

        Directory.CreateDirectory(Dest);
        var before = TakeoutRemoval.Verify(parts, items, errors, Dest, CancellationToken.None);
        Assert.Equal(TakeoutItemProblem.NotInIndex, Assert.Single(before[0].NotSaved).Problem);
        Saved((item.Id, "IMG_1.jpg", item.Size!.Value, null, 0));
        var after = TakeoutRemoval.Verify(parts, items, errors, Dest, CancellationToken.None);
        Assert.True(after[0].CanRemove, after[0].Reason);
        Assert.True(after[1].CanRemove, after[1].Reason);
    }

    [Fact]
    public void A_damaged_local_part_is_reported_as_failed()
    {
        string bad = _temp.Sub("takeout-20260101T000000Z-001.zip");
        File.WriteAllBytes(bad, new byte[200]);
        var parts = new[] { Part(Path.GetFileName(bad), path: bad) };
        var reporter = new QueueReporter();
        TakeoutPartItems read = new TakeoutReaderPartItemSource().ReadItems(parts, reporter, CancellationToken.None);
        Assert.Equal(bad, Assert.IsType<TakeoutArchiveException>(read.ReadErrors[parts[0]]).ArchivePath);
        Assert.True(reporter.IsEmpty); // the part's verdict says it, once
    }
}
