#nullable enable
using GPhotos.Errors;
using GPhotos.Model;
using GPhotos.Reporting;
using GPhotos.Saving;
using Xunit;

namespace GPhotos.Core.Tests.Errors;

/// <summary>
/// One reporting interface (issue 13): <see cref="IReporter.Error"/> is part of every reporter, so a save made without a
/// host reporter turns a per-input error into an Error event with the catalog's id instead of losing it.
/// </summary>
public class ReporterErrorTests
{
    [Fact]
    public void A_save_without_a_reporter_turns_a_reported_error_into_an_Error_event_with_the_catalog_entry()
    {
        var events = new SaveEvents(null);
        var item = new MediaItem { Id = "id-1", Filename = "a.jpg" };
        ErrorEntry entry = ErrorCatalog.ForMotionVideoFailed(new IOException("connection reset"));

        events.Reporter.Error(entry, item);

        Assert.True(events.TryTake(out SaveEvent e));
        Assert.Equal(SaveEventKind.Error, e.Kind);
        Assert.Same(item, e.Item);
        Assert.Same(entry, e.Entry);
        Assert.Equal(ErrorCatalog.MotionVideoFailed, e.ErrorId);
        Assert.Equal(GPhotosErrorCategory.ConnectionError, e.Entry.Category);
        Assert.False(e.Entry.StopsRun);
    }

    [Fact]
    public void The_queue_reporter_keeps_an_error_in_order_with_the_warnings()
    {
        var reporter = new QueueReporter();
        reporter.Warning("w", ErrorCatalog.TakeoutEntrySkipped);
        reporter.Error(ErrorCatalog.ForUnreadableArchive(new IOException("bad")), "/x/part.zip");
        Assert.True(reporter.TryTake(out Report first));
        Assert.Equal(ReportKind.Warning, first.Kind);
        Assert.True(reporter.TryTake(out Report second));
        Assert.Equal(ReportKind.Error, second.Kind);
        Assert.Equal(ErrorCatalog.TakeoutArchiveUnreadable, second.Error.Id);
        Assert.Equal("/x/part.zip", second.Target);
    }
}
