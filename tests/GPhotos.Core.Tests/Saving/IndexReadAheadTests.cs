#nullable enable
using System.Diagnostics;
using System.Text;
using GPhotos.Model;
using GPhotos.Saving;
using Xunit;

namespace GPhotos.Core.Tests.Saving;

/// <summary>The destination index read ahead (issue 15): while the upstream lists, read-only, reused only if unchanged.</summary>
public class IndexReadAheadTests
{
    [Fact]
    public void A_rerun_that_read_its_index_ahead_skips_every_saved_item()
    {
        using var folder = new TempFolder();
        var source = new FakeSource();
        MediaItem[] items = [Items.Photo("id-1", "a.jpg"), Items.Photo("id-2", "b.jpg")];
        SessionKit.Save(folder, source, items);
        int calls = source.TotalCalls;

        using var session = new SaveSession(SessionKit.Options(folder), _ => source);
        session.ReadIndexAhead();
        Assert.True(session.IndexReadAhead!.Wait(TimeSpan.FromSeconds(10)));
        Assert.Equal(Path.Combine(folder.Destination, "a.jpg"), session.PreviewPath(items[0]));
        Assert.Null(session.IndexReadAhead); // taken by the preview
        List<SaveEvent> events = SessionKit.Run(session, items);
        Assert.Equal(calls, source.TotalCalls);
        Assert.All(events.Where(e => e.Kind == SaveEventKind.Result), e => Assert.Equal(SaveReason.AlreadySaved, e.Result!.Reason));
    }

    [Theory]
    [InlineData(false)] // after the read ahead, before this run's first item: the preview must already see it
    [InlineData(true)]  // after this run's preview (the name shown and reserved), before its lock: read again under the lock
    public void An_index_another_run_wrote_after_the_read_ahead_is_read_again(bool previewFirst)
    {
        using var folder = new TempFolder();
        var source = new FakeSource();
        MediaItem photo = Items.Photo("id-1", "a.jpg");
        SessionKit.Save(folder, source, [Items.Photo("id-0", "z.jpg")]);

        using var session = new SaveSession(SessionKit.Options(folder), _ => source);
        session.ReadIndexAhead();
        Assert.True(session.IndexReadAhead!.Wait(TimeSpan.FromSeconds(10)));
        string stalePath = Path.Combine(folder.Destination, "a.jpg");
        if (previewFirst) Assert.Equal(stalePath, session.PreviewPath(photo));
        // Another run saves the item, under another layout (so a stale index would place it elsewhere, as new).
        string saved = SessionKit.Save(folder, source, [photo], o => o.Layout = FolderLayout.Year).Single("id-1").Path;
        Assert.Equal(Path.Combine(folder.Destination, "2024", "a.jpg"), saved);
        if (!previewFirst) Assert.Equal(saved, session.PreviewPath(photo));

        SaveResult result = Assert.Single(SessionKit.Run(session, [photo]), e => e.Kind == SaveEventKind.Result).Result!;
        Assert.Equal(SaveStatus.Skipped, result.Status);
        Assert.Equal(saved, result.Path);
        Assert.False(File.Exists(stalePath));
        Assert.Single(File.ReadAllLines(folder.IndexPath), l => l.Contains("\"id-1\""));
    }

    [Fact]
    public void A_read_ahead_creates_nothing_and_a_dispose_without_items_stops_it_promptly()
    {
        using var folder = new TempFolder();
        Directory.CreateDirectory(folder.StateFolder);
        WriteIndex(folder.IndexPath, 200_000); // long enough to be still reading when disposed
        var session = new SaveSession(SessionKit.Options(folder), _ => new FakeSource());
        session.ReadIndexAhead();
        Task readAhead = session.IndexReadAhead!;
        var clock = Stopwatch.StartNew();
        session.Dispose();
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(2), $"Dispose took {clock.Elapsed}");
        // Dispose waited for it (cancelled between lines, or done): no read is left running behind the session.
        Assert.True(readAhead.IsCompleted, $"the read ahead is still {readAhead.Status}");
        Assert.Equal(["index.jsonl"], Directory.GetFileSystemEntries(folder.StateFolder).Select(Path.GetFileName));
        Assert.False(File.Exists(Path.Combine(folder.StateFolder, "lock")));
    }

    [Fact]
    public void A_read_ahead_of_a_destination_that_does_not_exist_creates_nothing()
    {
        using var folder = new TempFolder();
        using (var session = new SaveSession(SessionKit.Options(folder), _ => new FakeSource()))
        {
            session.ReadIndexAhead();
            Assert.Equal(Path.Combine(folder.Destination, "a.jpg"), session.PreviewPath(Items.Photo("id-1", "a.jpg")));
        }
        Assert.False(Directory.Exists(folder.Destination));
    }

    [Fact]
    public void Ctrl_C_while_waiting_for_the_read_ahead_ends_the_preview()
    {
        using var folder = new TempFolder();
        Directory.CreateDirectory(folder.StateFolder);
        WriteIndex(folder.IndexPath, 300_000);
        using var cancel = new CancellationTokenSource();
        using var session = new SaveSession(SessionKit.Options(folder), _ => new FakeSource(), cancel.Token);
        session.ReadIndexAhead();
        cancel.CancelAfter(TimeSpan.FromMilliseconds(20));
        var clock = Stopwatch.StartNew();
        try
        {
            session.PreviewPath(Items.Photo("id-new", "new.jpg"));
            // The read may have finished within 20 ms on a fast machine: then there was nothing to wait for.
        }
        catch (OperationCanceledException) { }
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(1.5), $"the wait took {clock.Elapsed}");
    }

    private static void WriteIndex(string path, int lines)
    {
        var text = new StringBuilder();
        for (int i = 0; i < lines; i++)
            text.Append("{\"id\":\"id-").Append(i).Append("\",\"source\":\"Library\",\"path\":\"f").Append(i)
                .Append(".jpg\",\"size\":10,\"saved\":\"2026-01-02T03:04:05.0000000Z\"}\n");
        File.WriteAllText(path, text.ToString());
    }
}
