using GPhotos.Core.Tests.Saving;
using GPhotos.Model;
using GPhotos.Saving;
using GPhotos.Verification;
using Xunit;

namespace GPhotos.Core.Tests.Verification;

/// <summary>Issue 16 item 2: Test-GPhotosBackup's engine.</summary>
public class BackupVerifierTests
{
    private static (BackupSummary Summary, List<BackupProblem> Problems) Check(TempFolder folder, bool full)
    {
        var problems = new List<BackupProblem>();
        BackupSummary summary = BackupVerifier.Run(folder.Destination, full, problems.Add);
        return (summary, problems);
    }

    private static List<SaveEvent> SaveThree(TempFolder folder, FakeSource source) =>
        SessionKit.Save(folder, source, [Items.Photo("id-A", "a.jpg"), Items.Photo("id-B", "b.jpg"), Items.Photo("id-C", "c.jpg")], o => o.WriteMetadata = true);

    [Fact]
    public void A_fresh_backup_is_healthy_quick_and_full()
    {
        using var folder = new TempFolder();
        SaveThree(folder, new FakeSource());
        var (quick, none) = Check(folder, full: false);
        Assert.Empty(none);
        Assert.True(quick.Healthy);
        Assert.Equal(6, quick.Files); // three photos, three sidecars
        var (full, none2) = Check(folder, full: true);
        Assert.Empty(none2);
        Assert.Equal(3, full.Hashed);
        Assert.True(full.Bytes > 0);
    }

    [Fact]
    public void Each_kind_of_damage_is_one_object_naming_the_file_and_the_item()
    {
        using var folder = new TempFolder();
        var events = SaveThree(folder, new FakeSource());
        File.Delete(events.Single("id-A").Path);
        File.AppendAllText(events.Single("id-B").Path, "longer");
        byte[] c = File.ReadAllBytes(events.Single("id-C").Path);
        c[100] ^= 1;
        File.WriteAllBytes(events.Single("id-C").Path, c);
        File.WriteAllText(Path.Combine(folder.Destination, "mine.txt"), "user's");
        File.AppendAllText(folder.IndexPath, "{\"id\":\"torn\n");

        var (quick, problems) = Check(folder, full: false);
        Assert.Contains(problems, p => p.Kind == BackupProblemKind.Missing && p.Id == "id-A" && p.Path == events.Single("id-A").Path);
        Assert.Contains(problems, p => p.Kind == BackupProblemKind.SizeChanged && p.Id == "id-B" && p.ActualBytes > p.ExpectedBytes);
        Assert.Contains(problems, p => p.Kind == BackupProblemKind.Unindexed && p.Path.EndsWith("mine.txt"));
        Assert.Contains(problems, p => p.Kind == BackupProblemKind.IndexDamaged && p.Message.Contains("Line "));
        Assert.DoesNotContain(problems, p => p.Kind == BackupProblemKind.ContentChanged); // only -Full reads content
        Assert.Equal(4, quick.Problems);
        Assert.False(quick.Healthy);

        var (full, fullProblems) = Check(folder, full: true);
        BackupProblem changed = Assert.Single(fullProblems, p => p.Kind == BackupProblemKind.ContentChanged);
        Assert.Equal("id-C", changed.Id);
        Assert.NotEqual(changed.ExpectedSha256, changed.ActualSha256);
        Assert.Equal(1, full.ContentChanged);
    }

    [Fact]
    public void A_missing_folder_or_index_and_a_running_save_are_clear_errors()
    {
        using var folder = new TempFolder();
        Assert.Throws<DirectoryNotFoundException>(() => BackupVerifier.Run(folder.Destination, false, _ => { }));
        Directory.CreateDirectory(folder.Destination);
        var noIndex = Assert.Throws<BackupIndexNotFoundException>(() => BackupVerifier.Run(folder.Destination, false, _ => { }));
        Assert.Contains(folder.Destination, noIndex.Message);

        SaveThree(folder, new FakeSource());
        using var running = new SaveSession(SessionKit.Options(folder), _ => new FakeSource());
        running.Start();
        var locked = Assert.Throws<DestinationLockedException>(() => BackupVerifier.Run(folder.Destination, false, _ => { }));
        Assert.Contains(folder.Destination, locked.Message);
    }

    [Fact]
    public void A_full_check_stops_promptly_on_cancellation_and_releases_the_lock()
    {
        using var folder = new TempFolder();
        var big = new byte[6 << 20];
        big[0] = 0xFF; big[1] = 0xD8; big[2] = 0xFF;
        var source = new FakeSource { Handler = (item, v, n, ct) => Task.FromResult<GPhotos.Sources.MediaContent?>(FakeSource.Content(big, "image/jpeg")) };
        SessionKit.Save(folder, source, Enumerable.Range(0, 4).Select(i => Items.Photo("id-" + i, i + ".jpg")));

        BackupSummary s = BackupVerifier.Run(folder.Destination, true, _ => { });
        Assert.Equal(4, s.Hashed);
        Assert.Equal(4L * big.Length, s.Bytes);

        File.Delete(Path.Combine(folder.Destination, "0.jpg")); // the first problem: "Ctrl+C" there
        using var cts = new CancellationTokenSource();
        var clock = System.Diagnostics.Stopwatch.StartNew();
        Assert.ThrowsAny<OperationCanceledException>(() => BackupVerifier.Run(folder.Destination, true, _ => cts.Cancel(), null, cts.Token));
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5));
        // The lock was released: a save can start.
        using var after = new SaveSession(SessionKit.Options(folder), _ => new FakeSource());
        after.Start();
    }

    private static List<SaveEvent> SaveInAlbums(TempFolder folder, bool copies)
    {
        MediaItem a = Items.Photo("id-A", "a.jpg"), b = Items.Photo("id-B", "b.jpg");
        a.Albums = ["Trip"];
        b.Albums = ["Trip", "Best"];
        using var session = new SaveSession(SessionKit.Options(folder, o => { o.AlbumFolder = "Albums"; o.AlbumLinkFallback = AlbumLinkFallback.Copy; }), _ => new FakeSource());
        if (copies) session.Albums.Link = (_, _) => (LinkOutcome.Unsupported, "errno 1");
        return SessionKit.Run(session, [a, b]);
    }

    private static void FlipByte(string path)
    {
        byte[] bytes = File.ReadAllBytes(path);
        bytes[bytes.Length / 2] ^= 1;
        File.WriteAllBytes(path, bytes);
    }

    [Fact]
    public void A_full_check_reads_album_copies_and_names_a_damaged_one()
    {
        // Where hard links are impossible (FAT/exFAT) the album folder holds copies; a copy can rot on its own.
        using var folder = new TempFolder();
        var events = SaveInAlbums(folder, copies: true);
        string copy = Path.Combine(folder.Destination, "Albums", "Best", "b.jpg");
        Assert.True(File.Exists(copy));
        var (healthy, none) = Check(folder, full: true);
        Assert.Empty(none);
        Assert.Equal(5, healthy.Hashed); // two photos, three album copies

        FlipByte(copy);
        var (quick, quickProblems) = Check(folder, full: false);
        Assert.Empty(quickProblems); // same size: only -Full can tell
        var (full, problems) = Check(folder, full: true);
        BackupProblem p = Assert.Single(problems);
        Assert.Equal(BackupProblemKind.AlbumLinkBroken, p.Kind);
        Assert.Equal("id-B", p.Id);
        Assert.Equal("AlbumLink", p.Role);
        Assert.Equal(copy, p.Path);
        Assert.Equal(events.Single("id-B").Sha256, p.ExpectedSha256);
        Assert.NotEqual(p.ExpectedSha256, p.ActualSha256);
        Assert.Contains("next save with the album folder makes it again", p.Message);
        Assert.False(full.Healthy);
        Assert.Equal(1, full.AlbumLinkBroken);
        Assert.Equal(0, full.ContentChanged); // the photo itself is fine

        // As the message says: delete it, and the next save makes the copy again.
        File.Delete(copy);
        SaveInAlbums(folder, copies: true);
        Assert.Empty(Check(folder, full: true).Problems);
    }

    [Fact]
    public void A_damaged_photo_with_hard_linked_albums_is_named_once_on_the_photo()
    {
        using var folder = new TempFolder();
        var events = SaveInAlbums(folder, copies: false);
        string link = Path.Combine(folder.Destination, "Albums", "Best", "b.jpg");
        FlipByte(link); // the same file as the photo: both change
        Assert.Equal(File.ReadAllBytes(events.Single("id-B").Path), File.ReadAllBytes(link));

        var (full, problems) = Check(folder, full: true);
        BackupProblem p = Assert.Single(problems);
        Assert.Equal(BackupProblemKind.ContentChanged, p.Kind);
        Assert.Equal(events.Single("id-B").Path, p.Path);
        Assert.Equal(1, full.Problems);
    }

    [Fact]
    public void An_album_copy_is_written_beside_the_temp_files_and_moved_in_whole()
    {
        using var folder = new TempFolder();
        var events = SaveInAlbums(folder, copies: true);
        string temp = Path.Combine(folder.Destination, SaveSession.StateFolderName, SaveSession.TempFolderName);
        Assert.Empty(Directory.GetFiles(temp));
        foreach (string copy in events.Results().SelectMany(r => r.AlbumLinks))
            Assert.Equal(File.ReadAllBytes(events.Results().Single(r => r.AlbumLinks.Contains(copy)).Path), File.ReadAllBytes(copy));
    }
}
