#nullable enable
using System.Diagnostics;
using GPhotos.Model;
using GPhotos.Saving;
using GPhotos.Sources;
using Newtonsoft.Json.Linq;
using Xunit;

namespace GPhotos.Core.Tests.Saving;

public class SaveSessionIndexTests
{
    [Fact]
    public void ARerunSkipsSavedItemsWithoutAskingTheSource()
    {
        using var folder = new TempFolder();
        var source = new FakeSource();
        MediaItem[] items = [Items.Photo("id-1", "a.jpg"), Items.Photo("id-2", "b.jpg"), Items.Video("id-3")];
        var first = SessionKit.Save(folder, source, items);
        Assert.All(first.Results(), r => Assert.Equal(SaveStatus.Saved, r.Status));
        int calls = source.TotalCalls;

        var second = SessionKit.Save(folder, source, items);
        Assert.Equal(calls, source.TotalCalls);
        Assert.Equal(3, second.Results().Count);
        Assert.All(second.Results(), r =>
        {
            Assert.Equal(SaveStatus.Skipped, r.Status);
            Assert.Equal(SaveReason.AlreadySaved, r.Reason);
            Assert.True(File.Exists(r.Path));
            Assert.Equal(new FileInfo(r.Path).Length, r.Bytes);
        });
    }

    [Fact]
    public void IndexLinesRecordWhatWasSaved()
    {
        using var folder = new TempFolder();
        SessionKit.Save(folder, new FakeSource(), [Items.Photo("id-1", "a.jpg")], o => o.Layout = FolderLayout.YearMonth);
        string line = Assert.Single(File.ReadAllLines(folder.IndexPath));
        using var reader = new Newtonsoft.Json.JsonTextReader(new StringReader(line)) { DateParseHandling = Newtonsoft.Json.DateParseHandling.None };
        JObject entry = JObject.Load(reader);
        Assert.Equal("id-1", (string?)entry["id"]);
        Assert.Equal("Library", (string?)entry["source"]);
        Assert.Equal("2024/03/a.jpg", (string?)entry["path"]);
        Assert.Equal(FakeSource.BytesFor("id-1", ContentVariant.Original).Length, (long)entry["size"]!);
        Assert.EndsWith("Z", (string?)entry["saved"]);
    }

    [Fact]
    public void DeletedAndTruncatedFilesAreFetchedAgainToTheSamePath()
    {
        using var folder = new TempFolder();
        var source = new FakeSource();
        MediaItem[] items = [Items.Photo("id-A"), Items.Photo("id-B"), Items.Photo("id-C", "other.jpg")];
        var first = SessionKit.Save(folder, source, items);
        string pathA = first.Single("id-A").Path, pathB = first.Single("id-B").Path;
        File.Delete(pathA);                                  // the plain name is free now...
        File.WriteAllBytes(pathB, new byte[10]);             // ...and B is truncated

        var second = SessionKit.Save(folder, source, items.Reverse());
        Assert.Equal(pathA, second.Single("id-A").Path);     // ...but B does not take it: A gets it back
        Assert.Equal(SaveReason.Missing, second.Single("id-A").Reason);
        Assert.Equal(pathB, second.Single("id-B").Path);
        Assert.Equal(SaveReason.SizeMismatch, second.Single("id-B").Reason);
        Assert.Equal(SaveStatus.Skipped, second.Single("id-C").Status);
        Assert.Equal(FakeSource.BytesFor("id-B", ContentVariant.Original), File.ReadAllBytes(pathB));
        Assert.Equal(1, source.Calls("id-C"));
    }

    [Fact]
    public void ATornLastLineIsIgnoredAndDoesNotSwallowTheNextEntry()
    {
        using var folder = new TempFolder();
        SessionKit.Save(folder, new FakeSource(), [Items.Photo("id-1", "a.jpg")]);
        File.AppendAllText(folder.IndexPath, """{"id":"id-2","source":"Library","path":"b.jp""");   // crash mid-line

        var source = new FakeSource();
        var second = SessionKit.Save(folder, source, [Items.Photo("id-1", "a.jpg"), Items.Photo("id-2", "b.jpg")]);
        Assert.Equal(SaveStatus.Skipped, second.Single("id-1").Status);
        Assert.Equal(SaveStatus.Saved, second.Single("id-2").Status);

        var third = SessionKit.Save(folder, source, [Items.Photo("id-1", "a.jpg"), Items.Photo("id-2", "b.jpg")]);
        Assert.All(third.Results(), r => Assert.Equal(SaveStatus.Skipped, r.Status));
        Assert.Equal(1, source.Calls("id-2"));
    }

    [Fact]
    public void TheIndexIsCompactedWhenSupersededLinesPileUp()
    {
        using var folder = new TempFolder();
        MediaItem[] items = [Items.Photo("id-1", "a.jpg"), Items.Photo("id-2", "b.jpg")];
        for (int i = 0; i < 4; i++)
            SessionKit.Save(folder, new FakeSource(), items, o => o.Force = true);
        Assert.Equal(8, File.ReadAllLines(folder.IndexPath).Length);

        using (var session = new SaveSession(SessionKit.Options(folder), _ => new FakeSource()) { IndexCompactionThreshold = 2 })
        {
            var events = SessionKit.Run(session, items);
            Assert.Contains(events, e => e.Kind == SaveEventKind.Verbose && e.Message.Contains("Compacted"));
            Assert.All(events.Results(), r => Assert.Equal(SaveStatus.Skipped, r.Status));
        }
        string[] lines = File.ReadAllLines(folder.IndexPath);
        Assert.Equal(2, lines.Length);
        Assert.Empty(folder.TempFiles());
        var again = SessionKit.Save(folder, new FakeSource(), items);
        Assert.All(again.Results(), r => Assert.Equal(SaveStatus.Skipped, r.Status));
    }

    [Fact]
    public void ForceReplacesOurFileInPlace()
    {
        using var folder = new TempFolder();
        var first = SessionKit.Save(folder, new FakeSource(), [Items.Photo("id-1")]);
        var forced = SessionKit.Save(folder, new FakeSource { Generation = "2" }, [Items.Photo("id-1")], o => o.Force = true);
        SaveResult result = forced.Single("id-1");
        Assert.Equal(SaveStatus.Saved, result.Status);
        Assert.Equal(SaveReason.Forced, result.Reason);
        Assert.Equal(first.Single("id-1").Path, result.Path);
        Assert.Equal(FakeSource.BytesFor("id-1", ContentVariant.Original, "2"), File.ReadAllBytes(result.Path));
        Assert.Single(folder.UserVisibleFiles());
        Assert.Empty(folder.TempFiles());
    }

    [Fact]
    public void ASecondSessionOnTheSameFolderFailsClearly()
    {
        using var folder = new TempFolder();
        using var first = new SaveSession(SessionKit.Options(folder), _ => new FakeSource());
        first.Start();
        using var second = new SaveSession(SessionKit.Options(folder), _ => new FakeSource());
        var clock = Stopwatch.StartNew();
        var error = Assert.Throws<DestinationLockedException>(() => second.Enqueue(Items.Photo("id-1")));
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(3)); // fails at once (LockTimeout 0), no wait
        Assert.Contains(folder.Destination, error.Message);
        Assert.Contains("in use by another GPhotos save", error.Message);
        Assert.Equal(folder.Destination, error.Destination);
    }

    [Fact]
    public void LockTimeoutWaitsForTheOtherSaveToFinish()
    {
        using var folder = new TempFolder();
        var first = new SaveSession(SessionKit.Options(folder), _ => new FakeSource());
        first.Start();
        using var second = new SaveSession(SessionKit.Options(folder, o => o.LockTimeout = TimeSpan.FromSeconds(10)), _ => new FakeSource());
        var release = Task.Run(async () => { await Task.Delay(300); first.Dispose(); });
        var clock = Stopwatch.StartNew();
        second.Start();
        Assert.True(clock.Elapsed >= TimeSpan.FromMilliseconds(200));
        release.GetAwaiter().GetResult();
    }

    [Fact]
    public void LockTimeoutRunsOut()
    {
        using var folder = new TempFolder();
        using var first = new SaveSession(SessionKit.Options(folder), _ => new FakeSource());
        first.Start();
        using var second = new SaveSession(SessionKit.Options(folder, o => o.LockTimeout = TimeSpan.FromMilliseconds(300)), _ => new FakeSource());
        var clock = Stopwatch.StartNew();
        Assert.Throws<DestinationLockedException>(() => second.Start());
        Assert.InRange(clock.Elapsed, TimeSpan.FromMilliseconds(250), TimeSpan.FromSeconds(3));
    }

    [Fact]
    public void ALockHeldByAnotherProcessIsRespected()
    {
        // .NET takes an exclusive flock(2) for FileShare.None on Unix and a sharing lock on Windows; another
        // process is played by util-linux flock(1) (same lock as a second pwsh running GPhotos) or by Windows PowerShell.
        using var folder = new TempFolder();
        Directory.CreateDirectory(folder.StateFolder);
        string lockFile = Path.Combine(folder.StateFolder, "lock");
        File.WriteAllText(lockFile, "");
        var start = OperatingSystem.IsWindows()
            ? new ProcessStartInfo("powershell.exe", ["-NoProfile", "-Command",
                $"$f = [IO.File]::Open('{lockFile}', 'OpenOrCreate', 'ReadWrite', 'None'); 'locked'; Start-Sleep 30"])
            : new ProcessStartInfo("flock", ["-x", "-o", lockFile, "sh", "-c", "echo locked; sleep 30"]);
        start.RedirectStandardOutput = true;
        Process holder;
        try { holder = Process.Start(start)!; }
        catch (System.ComponentModel.Win32Exception) { return; } // no flock/powershell here: nothing to test with
        try
        {
            Assert.Equal("locked", holder.StandardOutput.ReadLine());
            using var session = new SaveSession(SessionKit.Options(folder), _ => new FakeSource());
            var error = Assert.Throws<DestinationLockedException>(() => session.Start());
            Assert.Contains("in use by another GPhotos save", error.Message);
            Assert.False(File.Exists(Path.Combine(folder.TempFolderPath, "x")));
        }
        finally
        {
            holder.Kill(entireProcessTree: true);
            holder.WaitForExit();
        }
        using var after = new SaveSession(SessionKit.Options(folder, o => o.LockTimeout = TimeSpan.FromSeconds(5)), _ => new FakeSource());
        after.Start(); // the OS released the lock with the process
    }

    [Fact]
    public void TempFilesOfACrashedRunAreDeletedWhenTheLockIsTaken()
    {
        using var folder = new TempFolder();
        Directory.CreateDirectory(folder.TempFolderPath);
        File.WriteAllText(Path.Combine(folder.TempFolderPath, "0123.part"), "half a photo");
        using var session = new SaveSession(SessionKit.Options(folder), _ => new FakeSource());
        session.Start();
        Assert.Empty(folder.TempFiles());
        var events = SessionKit.Run(session, []);
        Assert.Contains(events, e => e.Kind == SaveEventKind.Verbose && e.Message.Contains("interrupted run"));
    }

    [Fact]
    public void TheSameItemTwiceInOneRunIsSavedOnce()
    {
        using var folder = new TempFolder();
        var source = new FakeSource();
        var events = SessionKit.Save(folder, source, [Items.Photo("id-1"), Items.Photo("id-1")]);
        Assert.Single(events.Results(), r => r.Status == SaveStatus.Saved);
        Assert.Single(events.Results(), r => r.Reason == SaveReason.Duplicate); // the second copy is not silent
        Assert.Equal(1, source.Calls("id-1"));
        Assert.Single(folder.UserVisibleFiles());
    }
}
