using System.Security.Cryptography;
using GPhotos.Model;
using GPhotos.Saving;
using GPhotos.Sources;
using Xunit;

namespace GPhotos.Core.Tests.Saving;

/// <summary>Issue 16 item 1 and the "longer or changed is kept" rule of item 2.</summary>
public class SaveHashTests
{
    private static string Sha(byte[] data) => Convert.ToHexString(SHA256.HashData(data)).ToLowerInvariant();

    private static List<SaveEvent> Warnings(List<SaveEvent> events) => events.Where(e => e.Kind == SaveEventKind.Warning).ToList();

    [Fact]
    public void Every_saved_file_and_motion_video_has_its_sha256_in_the_result_and_the_index()
    {
        using var folder = new TempFolder();
        var source = new FakeSource();
        source.MotionPhotos.Add("id-M");
        var events = SessionKit.Save(folder, source, [Items.Photo("id-A", "a.jpg"), Items.Photo("id-M", "m.jpg")], o => o.IncludeMotionVideo = true);
        SaveResult a = events.Single("id-A");
        Assert.Equal(Sha(FakeSource.BytesFor("id-A", ContentVariant.Original)), a.Sha256);
        Assert.Equal(Sha(File.ReadAllBytes(a.Path)), a.Sha256);

        using DestinationIndex index = DestinationIndex.ReadOnly(folder.IndexPath);
        Assert.True(index.TryGet("id-M", out IndexEntry m));
        Assert.Equal(Sha(FakeSource.BytesFor("id-M", ContentVariant.Original)), m.Sha256);
        Assert.Equal(Sha(FakeSource.BytesFor("id-M", ContentVariant.MotionVideo)), m.MotionSha256);
        Assert.Equal("m.jpg", m.Name);
        Assert.Equal("2024-03-05T10:20:30Z", m.Taken);
        Assert.Equal(4032, m.Width);
        Assert.Equal("Photo", m.MediaType);

        // A re-run's skipped result still carries the hash (from the index).
        var again = SessionKit.Save(folder, source, [Items.Photo("id-A", "a.jpg")]);
        Assert.Equal(a.Sha256, again.Single("id-A").Sha256);
    }

    [Fact]
    public void Index_lines_with_and_without_the_new_fields_read_both_ways()
    {
        // An old line (no hash) stays valid.
        Assert.True(DestinationIndex.TryParseLine("{\"id\":\"A\",\"source\":\"Library\",\"path\":\"a.jpg\",\"size\":5,\"saved\":\"2026-01-01T00:00:00Z\"}", out _, out _, out IndexEntry old));
        Assert.Null(old.Sha256);
        Assert.Null(old.Links);
        // A new line round-trips, and a bad hash is dropped rather than trusted.
        var e = new IndexEntry { Id = "B", Source = "Takeout", Path = "b.jpg", Size = 7, Sha256 = new string('a', 64), ContentChanged = true, Name = "b.jpg", Taken = "2024-01-01T00:00:00Z", Width = 3, Height = 4, MediaType = "Photo", Links = ["Albums/Trip/b.jpg"] };
        string line = DestinationIndex.Serialize(e);
        Assert.True(DestinationIndex.TryParseLine(line, out _, out _, out IndexEntry back));
        Assert.Equal(e.Sha256, back.Sha256);
        Assert.True(back.ContentChanged);
        Assert.Equal(["Albums/Trip/b.jpg"], back.Links!);
        Assert.Equal(4, back.Height);
        Assert.True(DestinationIndex.TryParseLine(line.Replace(new string('a', 64), "zz"), out _, out _, out IndexEntry bad));
        Assert.Null(bad.Sha256);
        // What an older version reads of a new line: the same id, path and size (it skips unknown names and arrays).
        Assert.Contains("\"path\":\"b.jpg\",\"size\":7", line);
        Assert.True(DestinationIndex.TryParseLine(line.Replace("\"links\"", "\"linksFromTheFuture\""), out _, out _, out IndexEntry future));
        Assert.Null(future.Links);
    }

    [Fact]
    public void A_longer_file_is_kept_and_named_in_a_warning_and_Force_replaces_it()
    {
        using var folder = new TempFolder();
        var source = new FakeSource();
        MediaItem[] items = [Items.Photo("id-L", "l.jpg")];
        string path = SessionKit.Save(folder, source, items).Single("id-L").Path;
        File.AppendAllText(path, "an edit");
        byte[] edited = File.ReadAllBytes(path);

        var second = SessionKit.Save(folder, source, items);
        Assert.Equal(SaveStatus.Skipped, second.Single("id-L").Status);
        Assert.Equal(SaveReason.ChangedKept, second.Single("id-L").Reason);
        SaveEvent warning = Assert.Single(Warnings(second));
        Assert.Equal(GPhotos.Errors.ErrorCatalog.ChangedFileKept, warning.ErrorId);
        Assert.Contains(path, warning.Message);
        Assert.Contains("-Force", warning.Message);
        Assert.Equal(edited, File.ReadAllBytes(path));
        Assert.Equal(1, source.Calls("id-L"));

        var forced = SessionKit.Save(folder, source, items, o => o.Force = true);
        Assert.Equal(SaveStatus.Saved, forced.Single("id-L").Status);
        Assert.Equal(FakeSource.BytesFor("id-L", ContentVariant.Original), File.ReadAllBytes(path));
        Assert.Contains(Warnings(forced), w => w.Message.Contains(path) && w.Message.Contains("replaced"));
    }

    [Fact]
    public void A_content_change_recorded_by_the_check_is_kept_until_Force()
    {
        using var folder = new TempFolder();
        var source = new FakeSource();
        MediaItem[] items = [Items.Photo("id-C", "c.jpg")];
        string path = SessionKit.Save(folder, source, items).Single("id-C").Path;
        byte[] rotten = File.ReadAllBytes(path);
        rotten[^1] ^= 0xFF; // one flipped byte: same size
        File.WriteAllBytes(path, rotten);

        var problems = new List<GPhotos.Verification.BackupProblem>();
        GPhotos.Verification.BackupVerifier.Run(folder.Destination, full: true, problems.Add);
        Assert.Equal(GPhotos.Verification.BackupProblemKind.ContentChanged, Assert.Single(problems).Kind);

        var second = SessionKit.Save(folder, source, items);
        Assert.Equal(SaveReason.ChangedKept, second.Single("id-C").Reason);
        Assert.Contains(Warnings(second), w => w.ErrorId == GPhotos.Errors.ErrorCatalog.ChangedFileKept && w.Message.Contains(path));
        Assert.Equal(rotten, File.ReadAllBytes(path));

        var forced = SessionKit.Save(folder, source, items, o => o.Force = true);
        Assert.Equal(SaveStatus.Saved, forced.Single("id-C").Status);
        var third = SessionKit.Save(folder, source, items);
        Assert.Equal(SaveReason.AlreadySaved, third.Single("id-C").Reason); // the mark went with the old copy
    }
}
