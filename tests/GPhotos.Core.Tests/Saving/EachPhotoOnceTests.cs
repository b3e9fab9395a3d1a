#nullable enable
using GPhotos.Model;
using GPhotos.Saving;
using GPhotos.Sources;
using Xunit;

namespace GPhotos.Core.Tests.Saving;

/// <summary>Issue 16 item 4: each photo once across sources, and the Takeout original upgrades a Picker/Library copy.</summary>
public class EachPhotoOnceTests
{
    private static MediaItem From(MediaSource source, string id, string name = "IMG_0001.JPG", DateTime? taken = null)
    {
        MediaItem item = Items.Photo(id, name, taken);
        item.Source = source;
        return item;
    }

    [Fact]
    public void The_Takeout_original_replaces_a_Picker_copy_in_place_and_the_copy_is_not_saved_again()
    {
        using var folder = new TempFolder();
        var source = new FakeSource();
        SaveResult picked = SessionKit.Save(folder, source, [From(MediaSource.Picker, "picker-1")]).Single("picker-1");

        var second = SessionKit.Save(folder, source, [From(MediaSource.Takeout, "takeout-1")]);
        SaveResult up = second.Single("takeout-1");
        Assert.Equal(SaveStatus.Upgraded, up.Status);
        Assert.Equal(SaveReason.Upgraded, up.Reason);
        Assert.Equal(picked.Path, up.Path);
        Assert.Equal(FakeSource.BytesFor("takeout-1", ContentVariant.Original), File.ReadAllBytes(up.Path));
        Assert.Single(Directory.GetFiles(folder.Destination));
        using (DestinationIndex index = DestinationIndex.ReadOnly(folder.IndexPath))
        {
            Assert.False(index.TryGet("picker-1", out _));
            Assert.True(index.TryGet("takeout-1", out IndexEntry e));
            Assert.Equal("Takeout", e.Source);
            Assert.Equal(up.Sha256, e.Sha256);
        }

        // The Picker copy (or the Library item) comes again: recognised, not downloaded, not saved beside it.
        var third = SessionKit.Save(folder, source, [From(MediaSource.Picker, "picker-1"), From(MediaSource.Library, "lib-1")]);
        Assert.All(new[] { third.Single("picker-1"), third.Single("lib-1") }, r =>
        {
            Assert.Equal(SaveStatus.Skipped, r.Status);
            Assert.Equal(SaveReason.SavedFromOtherSource, r.Reason);
            Assert.Equal(up.Path, r.Path);
        });
        Assert.Equal(1, source.Calls("picker-1"));
        Assert.Equal(0, source.Calls("lib-1"));
        Assert.Single(Directory.GetFiles(folder.Destination));
    }

    [Fact]
    public void A_photo_from_Takeout_first_is_not_saved_again_from_the_Library()
    {
        using var folder = new TempFolder();
        var source = new FakeSource();
        string path = SessionKit.Save(folder, source, [From(MediaSource.Takeout, "t-1")]).Single("t-1").Path;
        SaveResult lib = SessionKit.Save(folder, source, [From(MediaSource.Library, "l-1")]).Single("l-1");
        Assert.Equal(SaveReason.SavedFromOtherSource, lib.Reason);
        Assert.Equal(path, lib.Path);
        Assert.Equal(0, source.Calls("l-1"));
    }

    [Theory]
    [InlineData("other name")]
    [InlineData("case")]
    [InlineData("second")]
    [InlineData("width")]
    [InlineData("no dimensions")]
    [InlineData("video")]
    public void Anything_short_of_a_full_match_is_saved_separately(string differs)
    {
        using var folder = new TempFolder();
        var source = new FakeSource();
        SessionKit.Save(folder, source, [From(MediaSource.Picker, "p-1")]);
        MediaItem takeout = From(MediaSource.Takeout, "t-1");
        switch (differs)
        {
            case "other name": takeout.Filename = "IMG_0002.JPG"; break;
            case "case": takeout.Filename = "img_0001.jpg"; break;
            case "second": takeout.CreationTime = Items.Taken.AddSeconds(1); break;
            case "width": takeout.Width = 4000; break;
            case "no dimensions": takeout.Width = null; takeout.Height = null; break;
            case "video": takeout.MediaType = MediaType.Video; takeout.MimeType = "video/mp4"; break;
        }
        SaveResult r = SessionKit.Save(folder, source, [takeout]).Single("t-1");
        Assert.Equal(SaveStatus.Saved, r.Status);
        Assert.Equal(SaveReason.New, r.Reason);
        Assert.Equal(2, Directory.GetFiles(folder.Destination).Length);
    }

    [Fact]
    public void A_failed_upgrade_loses_nothing()
    {
        using var folder = new TempFolder();
        var source = new FakeSource();
        SaveResult picked = SessionKit.Save(folder, source, [From(MediaSource.Picker, "p-1")]).Single("p-1");
        byte[] before = File.ReadAllBytes(picked.Path);
        source.Handler = (item, v, n, ct) => Task.FromResult<MediaContent?>(FakeSource.Content(new byte[] { 0xFF, 0xD8, 0xFF, 1, 2 }, "image/jpeg", length: 50));

        var failed = SessionKit.Save(folder, source, [From(MediaSource.Takeout, "t-1")]);
        Assert.Single(failed.Errors());
        Assert.Equal(before, File.ReadAllBytes(picked.Path));
        using DestinationIndex index = DestinationIndex.ReadOnly(folder.IndexPath);
        Assert.True(index.TryGet("p-1", out IndexEntry e));
        Assert.Equal(before.Length, e.Size);
        Assert.False(index.TryGet("t-1", out _));
    }

    [Fact]
    public void An_edited_copy_is_not_upgraded_over()
    {
        using var folder = new TempFolder();
        var source = new FakeSource();
        string path = SessionKit.Save(folder, source, [From(MediaSource.Library, "l-1")]).Single("l-1").Path;
        File.AppendAllText(path, "edit");
        var second = SessionKit.Save(folder, source, [From(MediaSource.Takeout, "t-1")]);
        Assert.Equal(SaveReason.ChangedKept, second.Single("t-1").Reason);
        Assert.EndsWith("edit", File.ReadAllText(path));
        Assert.Contains(second, e => e.Kind == SaveEventKind.Warning && e.ErrorId == GPhotos.Errors.ErrorCatalog.ChangedFileKept);
    }

    [Fact]
    public void The_same_id_from_Takeout_upgrades_too()
    {
        using var folder = new TempFolder();
        var source = new FakeSource();
        string path = SessionKit.Save(folder, source, [From(MediaSource.Library, "same")]).Single("same").Path;
        source.Generation = "takeout";
        SaveResult up = SessionKit.Save(folder, source, [From(MediaSource.Takeout, "same")]).Single("same");
        Assert.Equal(SaveStatus.Upgraded, up.Status);
        Assert.Equal(path, up.Path);
        Assert.Equal(FakeSource.BytesFor("same", ContentVariant.Original, "takeout"), File.ReadAllBytes(path));
        Assert.Equal(SaveReason.AlreadySaved, SessionKit.Save(folder, source, [From(MediaSource.Takeout, "same")]).Single("same").Reason);
    }
}
