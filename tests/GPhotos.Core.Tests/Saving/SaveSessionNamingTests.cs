#nullable enable
using GPhotos.Model;
using GPhotos.Saving;
using Xunit;

namespace GPhotos.Core.Tests.Saving;

public class SaveSessionNamingTests
{
    [Fact]
    public void SameNameItemsNeverOverwriteAndTheirSuffixesDoNotDependOnOrder()
    {
        MediaItem a = Items.Photo("id-A"), b = Items.Photo("id-B"), c = Items.Photo("id-C");
        string suffixedA = FileNamer.AddSuffix("IMG_0001.JPG", "id-A");
        string suffixedB = FileNamer.AddSuffix("IMG_0001.JPG", "id-B");
        string suffixedC = FileNamer.AddSuffix("IMG_0001.JPG", "id-C");

        using var one = new TempFolder();
        var source = new FakeSource();
        var first = SessionKit.Save(one, source, [a, b, c]);
        Assert.Equal("IMG_0001.JPG", first.Single("id-A").RelativePath);
        Assert.Equal(suffixedB, first.Single("id-B").RelativePath);
        Assert.Equal(suffixedC, first.Single("id-C").RelativePath);
        Assert.Equal(3, one.UserVisibleFiles().Length);
        Assert.Equal(FakeSource.BytesFor("id-B", GPhotos.Sources.ContentVariant.Original), File.ReadAllBytes(first.Single("id-B").Path));

        using var two = new TempFolder();
        var reversed = SessionKit.Save(two, new FakeSource(), [c, b, a]);
        Assert.Equal("IMG_0001.JPG", reversed.Single("id-C").RelativePath);
        Assert.Equal(suffixedB, reversed.Single("id-B").RelativePath);
        Assert.Equal(suffixedA, reversed.Single("id-A").RelativePath);

        // Re-running in any order keeps every item where it is.
        var again = SessionKit.Save(one, source, [c, a, b]);
        Assert.All(again.Results(), r => Assert.Equal(SaveStatus.Skipped, r.Status));
        Assert.Equal("IMG_0001.JPG", again.Single("id-A").RelativePath);
        Assert.Equal(suffixedC, again.Single("id-C").RelativePath);
    }

    [Fact]
    public void NamesClashIgnoringCase()
    {
        using var folder = new TempFolder();
        var events = SessionKit.Save(folder, new FakeSource(), [Items.Photo("id-1", "img_0001.jpg"), Items.Photo("id-2", "IMG_0001.JPG")]);
        Assert.Equal("img_0001.jpg", events.Single("id-1").RelativePath);
        Assert.Equal(FileNamer.AddSuffix("IMG_0001.JPG", "id-2"), events.Single("id-2").RelativePath);
    }

    [Fact]
    public void NfdAndNfcSpellingsOfOneNameClash()
    {
        using var folder = new TempFolder();
        var events = SessionKit.Save(folder, new FakeSource(), [Items.Photo("id-1", "Cafe\u0301.jpg"), Items.Photo("id-2", "Caf\u00e9.jpg")]);
        Assert.Equal("Caf\u00e9.jpg", events.Single("id-1").RelativePath);
        Assert.Equal(FileNamer.AddSuffix("Caf\u00e9.jpg", "id-2"), events.Single("id-2").RelativePath);
    }

    [Theory]
    [InlineData("IMG_0001.JPG")]
    [InlineData("img_0001.jpg")] // another case: still the user's file (NTFS/APFS would say so)
    public void TheUsersOwnFileIsNeverOverwritten(string userFileName)
    {
        using var folder = new TempFolder();
        Directory.CreateDirectory(folder.Destination);
        string mine = Path.Combine(folder.Destination, userFileName);
        File.WriteAllText(mine, "my own file");

        var events = SessionKit.Save(folder, new FakeSource(), [Items.Photo("id-1")]);
        Assert.Equal(FileNamer.AddSuffix("IMG_0001.JPG", "id-1"), events.Single("id-1").RelativePath);
        Assert.Equal("my own file", File.ReadAllText(mine));

        // Not even with Force: Force only replaces files the index says are ours.
        var forced = SessionKit.Save(folder, new FakeSource { Generation = "2" }, [Items.Photo("id-1")], o => o.Force = true);
        Assert.Equal(SaveReason.Forced, forced.Single("id-1").Reason);
        Assert.Equal("my own file", File.ReadAllText(mine));
        Assert.Equal(FakeSource.BytesFor("id-1", GPhotos.Sources.ContentVariant.Original, "2"), File.ReadAllBytes(forced.Single("id-1").Path));
    }

    [Theory]
    [InlineData("../../evil.jpg")]
    [InlineData("..\\..\\evil.jpg")]
    [InlineData("/etc/evil.jpg")]
    [InlineData("C:\\Windows\\evil.jpg")]
    [InlineData("..")]
    [InlineData(".gphotos")]
    public void NothingIsWrittenOutsideTheDestination(string filename)
    {
        using var folder = new TempFolder();
        var events = SessionKit.Save(folder, new FakeSource(), [Items.Photo("id-1", filename)]);
        SaveResult result = events.Single("id-1");
        string prefix = folder.Destination + Path.DirectorySeparatorChar;
        Assert.StartsWith(prefix, result.Path);
        Assert.DoesNotContain(Path.DirectorySeparatorChar, result.RelativePath);
        Assert.False(result.RelativePath.Equals(".gphotos", StringComparison.OrdinalIgnoreCase));
        Assert.Equal(new[] { result.RelativePath }, folder.UserVisibleFiles());
        Assert.Single(Directory.GetFileSystemEntries(folder.Root)); // only dest/ below the test root
    }

    [Fact]
    public void AnIndexThatPointsOutsideIsIgnored()
    {
        using var folder = new TempFolder();
        Directory.CreateDirectory(folder.StateFolder);
        File.WriteAllLines(folder.IndexPath, [
            """{"id":"id-1","source":"Library","path":"../outside.jpg","size":5,"saved":"2024-01-01T00:00:00Z"}""",
            """{"id":"id-2","source":"Library","path":"/abs/outside.jpg","size":5,"saved":"2024-01-01T00:00:00Z"}""",
            """{"id":"id-3","source":"Library","path":"sub\\..\\..\\x.jpg","size":5,"saved":"2024-01-01T00:00:00Z"}""",
        ]);
        var events = SessionKit.Save(folder, new FakeSource(), [Items.Photo("id-1", "a.jpg"), Items.Photo("id-2", "b.jpg"), Items.Photo("id-3", "c.jpg")]);
        Assert.All(events.Results(), r => Assert.Equal(SaveReason.New, r.Reason));
        Assert.Equal(new[] { "a.jpg", "b.jpg", "c.jpg" }, folder.UserVisibleFiles());
        Assert.Single(Directory.GetFileSystemEntries(folder.Root));
    }

    [Fact]
    public void LayoutFoldersComeFromTheUtcCaptureTime()
    {
        using var folder = new TempFolder();
        MediaItem late = Items.Photo("id-1", "late.jpg", new DateTime(2023, 12, 31, 23, 59, 0, DateTimeKind.Utc));
        MediaItem noDate = Items.Photo("id-2", "nodate.jpg");
        noDate.CreationTime = null;
        noDate.MediaMetadata.CreationTime = null;
        var events = SessionKit.Save(folder, new FakeSource(), [late, noDate], o => o.Layout = FolderLayout.YearMonthDay);
        Assert.Equal(Path.Combine("2023", "12", "31", "late.jpg"), events.Single("id-1").RelativePath);
        Assert.Equal(Path.Combine("unknown-date", "nodate.jpg"), events.Single("id-2").RelativePath);
    }

    [Fact]
    public void PreviewCreatesNothingAndShowsDistinctPaths()
    {
        using var folder = new TempFolder();
        using (var session = new SaveSession(SessionKit.Options(folder, o => o.Layout = FolderLayout.Year), _ => new FakeSource()))
        {
            string a = session.PreviewPath(Items.Photo("id-A"));
            string b = session.PreviewPath(Items.Photo("id-B"));
            Assert.Equal(Path.Combine(folder.Destination, "2024", "IMG_0001.JPG"), a);
            Assert.Equal(Path.Combine(folder.Destination, "2024", FileNamer.AddSuffix("IMG_0001.JPG", "id-B")), b);
            Assert.Equal(a, session.PreviewPath(Items.Photo("id-A"))); // stable within the session
            Assert.False(session.IsStarted);
        }
        Assert.False(Directory.Exists(folder.Destination));
    }

    [Fact]
    public void PreviewReadsTheIndexOfAnEarlierRun()
    {
        using var folder = new TempFolder();
        SessionKit.Save(folder, new FakeSource(), [Items.Photo("id-A"), Items.Photo("id-B")]);
        // In the second run B comes first, but keeps its recorded (suffixed) path.
        using var session = new SaveSession(SessionKit.Options(folder), _ => new FakeSource());
        Assert.Equal(Path.Combine(folder.Destination, FileNamer.AddSuffix("IMG_0001.JPG", "id-B")), session.PreviewPath(Items.Photo("id-B")));
        Assert.Equal(Path.Combine(folder.Destination, FileNamer.AddSuffix("IMG_0001.JPG", "id-C")), session.PreviewPath(Items.Photo("id-C")));
        // Preview took no lock: another session may save meanwhile.
        using var other = new SaveSession(SessionKit.Options(folder), _ => new FakeSource());
        other.Start();
    }

    [Fact]
    public void EnqueueUsesThePathThePreviewShowed()
    {
        using var folder = new TempFolder();
        using var session = new SaveSession(SessionKit.Options(folder), _ => new FakeSource());
        string previewB = session.PreviewPath(Items.Photo("id-B"));
        string previewA = session.PreviewPath(Items.Photo("id-A"));
        var events = SessionKit.Run(session, [Items.Photo("id-A"), Items.Photo("id-B")]);
        Assert.Equal(previewA, events.Single("id-A").Path);
        Assert.Equal(previewB, events.Single("id-B").Path);
    }

    [Fact]
    public void AFileThatAppearsDuringTheDownloadIsNotOverwritten()
    {
        using var folder = new TempFolder();
        var source = new FakeSource();
        string intruder = Path.Combine(folder.Destination, "IMG_0001.JPG");
        source.Handler = (item, variant, attempt, ct) =>
        {
            File.WriteAllText(intruder, "the user's, written meanwhile");
            return source.Default(item, variant, attempt, ct);
        };
        var events = SessionKit.Save(folder, source, [Items.Photo("id-1")]);
        SaveEvent error = Assert.Single(events.Errors());
        Assert.Equal("WriteFailed", error.ErrorId);
        Assert.Contains("not overwritten", error.Message);
        Assert.Equal("the user's, written meanwhile", File.ReadAllText(intruder));
        Assert.Empty(folder.TempFiles());

        // The index line was reverted: the next run sees the user's file and saves beside it.
        var again = SessionKit.Save(folder, new FakeSource(), [Items.Photo("id-1")]);
        Assert.Equal(FileNamer.AddSuffix("IMG_0001.JPG", "id-1"), again.Single("id-1").RelativePath);
        Assert.Equal("the user's, written meanwhile", File.ReadAllText(intruder));
    }
}
