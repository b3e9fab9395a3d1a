#nullable enable
using GPhotos.Model;
using GPhotos.Saving;
using Xunit;

namespace GPhotos.Core.Tests.Saving;

/// <summary>
/// Issue 12's class of defect in Save: one bad input must not end the run, and nothing may be skipped, repaired or
/// lost without a word (a result with a Status saying so, or a warning naming the item).
/// </summary>
public class SaveSessionNoSilenceTests
{
    private static List<SaveEvent> Warnings(List<SaveEvent> events) => events.Where(e => e.Kind == SaveEventKind.Warning).ToList();

    [Fact]
    public void AMaximalNameWithMetadataGetsASidecarTheIndexKeeps_SoReRunsAreQuiet()
    {
        using var folder = new TempFolder();
        var source = new FakeSource();
        string name = new string('n', FileNamer.MaxNameLength - 4) + ".jpg"; // 250 characters
        MediaItem[] items = [Items.Photo("id-long", name)];

        var first = SessionKit.Save(folder, source, items, o => o.WriteMetadata = true);
        SaveResult saved = first.Single("id-long");
        Assert.NotNull(saved.MetadataPath);
        Assert.True(FileNamer.IsSafeName(Path.GetFileName(saved.MetadataPath)));
        Assert.EndsWith(".jpg.json", saved.MetadataPath);

        var second = SessionKit.Save(folder, source, items, o => o.WriteMetadata = true);
        Assert.Empty(Warnings(second));
        Assert.Equal(SaveReason.AlreadySaved, second.Single("id-long").Reason);
        Assert.Equal(saved.MetadataPath, second.Single("id-long").MetadataPath);
    }

    [Fact]
    public void ShortNamesKeepTheirSidecarName()
    {
        Assert.Equal("2024/IMG_0001.JPG.json", MetadataSidecar.PathFor("2024/IMG_0001.JPG"));
        Assert.Equal("a b.json", MetadataSidecar.PathFor("a b"));
    }

    [Fact]
    public void AFileThatWentMissingOrWasTruncatedIsRestoredWithAWarningNamingIt()
    {
        using var folder = new TempFolder();
        var source = new FakeSource();
        MediaItem[] items = [Items.Photo("id-A", "a.jpg"), Items.Photo("id-B", "b.jpg"), Items.Photo("id-C", "c.jpg")];
        var first = SessionKit.Save(folder, source, items);
        File.Delete(first.Single("id-A").Path);
        using (var f = new FileStream(first.Single("id-B").Path, FileMode.Open)) f.SetLength(100);

        var second = SessionKit.Save(folder, source, items);
        List<SaveEvent> warnings = Warnings(second);
        Assert.Equal(2, warnings.Count);
        Assert.All(warnings, w => Assert.Equal("FileRepaired", w.ErrorId));
        Assert.Contains(warnings, w => w.Item!.Id == "id-A" && w.Message.Contains(first.Single("id-A").Path) && w.Message.Contains("missing"));
        Assert.Contains(warnings, w => w.Item!.Id == "id-B" && w.Message.Contains(first.Single("id-B").Path) && w.Message.Contains("replaced"));
        Assert.Equal(SaveReason.AlreadySaved, second.Single("id-C").Reason);
    }

    [Fact]
    public void AMissingSidecarIsWrittenAgainWithAWarning()
    {
        using var folder = new TempFolder();
        var source = new FakeSource();
        MediaItem[] items = [Items.Photo("id-M", "m.jpg")];
        var first = SessionKit.Save(folder, source, items, o => o.WriteMetadata = true);
        File.Delete(first.Single("id-M").MetadataPath!);
        var second = SessionKit.Save(folder, source, items, o => o.WriteMetadata = true);
        SaveEvent warning = Assert.Single(Warnings(second));
        Assert.Contains(first.Single("id-M").MetadataPath!, warning.Message);
        Assert.True(File.Exists(first.Single("id-M").MetadataPath));
    }

    [Fact]
    public void AnItemThatComesTwiceGetsAResultSayingSo()
    {
        using var folder = new TempFolder();
        var source = new FakeSource();
        MediaItem item = Items.Photo("id-D", "d.jpg");
        var events = SessionKit.Save(folder, source, [item, item]);
        List<SaveResult> results = events.Results().Where(r => r.Id == "id-D").ToList();
        Assert.Equal(2, results.Count);
        SaveResult duplicate = Assert.Single(results, r => r.Reason == SaveReason.Duplicate);
        Assert.Equal(SaveStatus.Skipped, duplicate.Status);
        Assert.Equal(results.Single(r => r.Reason == SaveReason.New).Path, duplicate.Path);
        Assert.Equal(1, source.Calls("id-D"));
    }

    [Fact]
    public void DamagedIndexLinesAreReportedOnceAndTheRunGoesOn()
    {
        using var folder = new TempFolder();
        var source = new FakeSource();
        MediaItem[] items = [Items.Photo("id-1", "a.jpg"), Items.Photo("id-2", "b.jpg")];
        SessionKit.Save(folder, source, items);
        string[] lines = File.ReadAllLines(folder.IndexPath);
        File.WriteAllLines(folder.IndexPath, [lines[0], "{\"id\":\"torn", lines[1], "\u0000garbage"]);

        var second = SessionKit.Save(folder, source, items);
        SaveEvent warning = Assert.Single(Warnings(second));
        Assert.Equal("IndexLinesUnreadable", warning.ErrorId);
        Assert.Contains("line 2, 4", warning.Message);
        Assert.Contains(folder.IndexPath, warning.Message);
        Assert.All(second.Results(), r => Assert.Equal(SaveReason.AlreadySaved, r.Reason)); // valid lines kept

        var third = SessionKit.Save(folder, source, items);
        Assert.Empty(Warnings(third)); // compacted away after the one warning
    }

    [Fact]
    public void IndexLinesOfAnUnknownShapeAreReportedAndKept()
    {
        using var folder = new TempFolder();
        var source = new FakeSource();
        SessionKit.Save(folder, source, [Items.Photo("id-1", "a.jpg")]);
        const string future = "{\"id\":\"id-9\",\"v\":3,\"location\":{\"p\":\"x/y.jpg\"}}";
        File.AppendAllText(folder.IndexPath, future + "\n");

        var second = SessionKit.Save(folder, source, [Items.Photo("id-1", "a.jpg")]);
        SaveEvent warning = Assert.Single(Warnings(second));
        Assert.Contains("newer GPhotos", warning.Message);
        Assert.Contains(future, File.ReadAllLines(folder.IndexPath));
    }

    [Fact]
    public void AnItemWithoutANameOrWithANameThatCleansToNothingIsSavedUnderItsId()
    {
        using var folder = new TempFolder();
        var source = new FakeSource();
        var events = SessionKit.Save(folder, source, [Items.Photo("id-none", null), Items.Photo("id-bad", "  . .. ")]);
        Assert.Empty(events.Errors());
        Assert.StartsWith("id-none", Path.GetFileName(events.Single("id-none").Path));
        Assert.StartsWith("id-bad", Path.GetFileName(events.Single("id-bad").Path));
    }

    [Fact]
    public void AnItemTheSourceCannotOpenIsOneErrorNamingIt_AndTheRunGoesOn()
    {
        using var folder = new TempFolder();
        var source = new FakeSource();
        source.Handler = (item, variant, attempt, ct) => item.Id == "id-x" ? throw new IOException("the archive entry is damaged") : source.Default(item, variant, attempt, ct);
        var events = SessionKit.Save(folder, source, [Items.Photo("id-x", "x.jpg"), Items.Photo("id-y", "y.jpg")]);
        SaveEvent error = Assert.Single(events.Errors());
        Assert.Equal("id-x", error.Item!.Id);
        Assert.NotNull(error.Entry);
        Assert.Equal(SaveStatus.Saved, events.Single("id-y").Status);
    }
}
