#nullable enable
using GPhotos.Model;
using GPhotos.Reporting;
using GPhotos.Saving;
using GPhotos.Sources;
using Xunit;

namespace GPhotos.Core.Tests.Saving;

/// <summary>The save engine's parts, each on its own: namer, planner, reporting, source choice.</summary>
public class SavePartsTests
{
    private static SaveRun Run(TempFolder folder, QueueReporter? reporter = null, Action<SaveOptions>? configure = null) =>
        new(SessionKit.Options(folder, configure).Snapshot(), new SaveEvents(reporter ?? new QueueReporter()), default);

    private static SaveNamer Namer(SaveRun run) => new(run.Options, Path.Combine(run.Options.Destination, ".gphotos", "index.jsonl"));

    private static List<SaveEvent> Events(SaveRun run)
    {
        var list = new List<SaveEvent>();
        while (run.Events.TryTake(out SaveEvent? e)) list.Add(e!);
        return list;
    }

    [Fact]
    public void The_namer_gives_each_item_one_main_path_and_suffixes_the_second_of_a_name()
    {
        using var folder = new TempFolder();
        SaveNamer namer = Namer(Run(folder));
        namer.EnsureLoaded();
        string a = namer.MainPath(Items.Photo("id-A"));
        string b = namer.MainPath(Items.Photo("id-B"));
        Assert.Equal("IMG_0001.JPG", a);
        Assert.Equal(FileNamer.AddSuffix("IMG_0001.JPG", "id-B"), b);
        Assert.Equal(a, namer.MainPath(Items.Photo("id-A")));
    }

    [Fact]
    public void The_namer_pairs_the_motion_video_by_stem_and_refuses_a_users_file_as_sidecar()
    {
        using var folder = new TempFolder();
        Directory.CreateDirectory(folder.Destination);
        File.WriteAllText(Path.Combine(folder.Destination, "IMG_0001.JPG.json"), "the user's");
        SaveNamer namer = Namer(Run(folder));
        namer.EnsureLoaded();
        MediaItem item = Items.Photo("id-A");
        var plan = new SavePlan { Item = item, RelativePath = namer.MainPath(item), FullPath = "unused" };
        Assert.Equal("IMG_0001.MOV", namer.MotionPath(plan, "video/quicktime"));
        Assert.Null(namer.ClaimSidecar(item, plan.RelativePath, null, out string? taken));
        Assert.Equal(Path.Combine(folder.Destination, "IMG_0001.JPG.json"), taken);
    }

    [Fact]
    public void The_planner_decides_new_and_duplicate_and_unprocessed_video_without_a_worker()
    {
        using var folder = new TempFolder();
        var reporter = new QueueReporter();
        SaveRun run = Run(folder, reporter, o => o.WriteMetadata = true);
        SaveNamer namer = Namer(run);
        lock (namer.Sync) namer.EnsureLoaded();
        var planner = new SavePlanner(run, namer, new AlbumLinker(run, namer, new DestinationStore(run)));

        SavePlan? plan = planner.Plan(Items.Photo("id-A"));
        Assert.NotNull(plan);
        Assert.True(plan!.NeedOriginal);
        Assert.Equal(SaveReason.New, plan.Reason);
        Assert.Equal(Path.Combine(folder.Destination, "IMG_0001.JPG"), plan.FullPath);
        Assert.Equal("IMG_0001.JPG.json", plan.MetadataPath);

        Assert.Null(planner.Plan(Items.Photo("id-A")));
        SaveEvent duplicate = Assert.Single(Events(run));
        Assert.Equal(SaveReason.Duplicate, duplicate.Result.Reason);

        Assert.Null(planner.Plan(Items.Video("id-V", status: VideoProcessingStatus.Processing)));
        Assert.Empty(Events(run)); // a warning, not an event: it went to the reporter
        Assert.True(reporter.TryTake(out Report? warning));
        Assert.Equal(ReportKind.Warning, warning!.Kind);
        Assert.Equal("VideoNotReady", warning.WarningId);
        Assert.Contains("VID_0001.MP4", warning.Message);
        Assert.False(Directory.Exists(folder.Destination)); // planning writes nothing
    }

    [Fact]
    public void With_a_reporter_messages_and_warnings_leave_through_it_in_order_and_none_as_events()
    {
        using var folder = new TempFolder();
        SessionKit.Save(folder, new FakeSource(), [Items.Photo("id-A")]);
        File.Delete(Path.Combine(folder.Destination, "IMG_0001.JPG"));
        var reporter = new QueueReporter();
        using var session = new SaveSession(SessionKit.Options(folder), _ => new FakeSource(), reporter, default);
        List<SaveEvent> events = SessionKit.Run(session, [Items.Photo("id-A")]);
        Assert.DoesNotContain(events, e => e.Kind == SaveEventKind.Warning || e.Kind == SaveEventKind.Verbose);
        Assert.Equal(SaveReason.Missing, events.Single("id-A").Reason);
        var reports = new List<Report>();
        while (reporter.TryTake(out Report? r)) reports.Add(r!);
        Assert.Contains(reports, r => r.Kind == ReportKind.Verbose && r.Message.StartsWith("Saving to ", StringComparison.Ordinal));
        Report repaired = Assert.Single(reports, r => r.Kind == ReportKind.Warning);
        Assert.Equal("FileRepaired", repaired.WarningId);
        Assert.Contains("IMG_0001.JPG", repaired.Message);
        Assert.Same(session.Reporter, reporter);
    }

    [Fact]
    public void A_shown_path_another_save_took_before_the_start_is_an_error_for_the_item_not_a_silent_rename()
    {
        using var folder = new TempFolder();
        using var session = new SaveSession(SessionKit.Options(folder), _ => new FakeSource());
        string shown = session.PreviewPath(Items.Photo("id-A"));
        Assert.Equal(Path.Combine(folder.Destination, "IMG_0001.JPG"), shown);
        // Another run saves a different item under that very name between the confirmation and the start.
        SessionKit.Save(folder, new FakeSource(), [Items.Photo("id-X")]);

        List<SaveEvent> events = SessionKit.Run(session, [Items.Photo("id-A")]);
        SaveEvent error = Assert.Single(events.Errors());
        Assert.Contains("IMG_0001.JPG", error.Message);
        Assert.Contains(shown, error.Message);
        Assert.Empty(events.Results());
        Assert.Equal(["IMG_0001.JPG"], folder.UserVisibleFiles()); // id-X's file only: nothing written elsewhere
    }

    [Fact]
    public void The_core_picks_the_source_by_the_items_origin()
    {
        var sources = new ContentSources();
        var takeout = new MediaItem { Id = "t", Source = MediaSource.Takeout };
        var library = new MediaItem { Id = "l", Source = MediaSource.Library };
        var picker = new MediaItem { Id = "p", Source = MediaSource.Picker };
        Assert.Same(TakeoutContentSource.Instance, sources.For(takeout));
        Assert.False(ContentSources.NeedsApi(takeout));
        Assert.True(ContentSources.NeedsApi(library));
        Assert.Contains("Connect-GPhotos", Assert.Throws<InvalidOperationException>(() => sources.For(library)).Message);
        Assert.Contains("Picker", Assert.Throws<InvalidOperationException>(() => sources.For(picker)).Message);
    }

    [Fact]
    public void CreationTime_width_and_height_are_stored_once_in_the_metadata()
    {
        var item = new MediaItem { CreationTime = Items.Taken, Width = 10, Height = 20 };
        Assert.Equal(Items.Taken, item.MediaMetadata.CreationTime);
        Assert.Equal(10, item.MediaMetadata.Width);
        item.MediaMetadata.Height = 30;
        Assert.Equal(30, item.Height);
        item.MediaMetadata = null;
        Assert.Null(item.CreationTime);
        item.Width = 5; // recreates the nesting rather than losing the value
        Assert.Equal(5, item.MediaMetadata!.Width);
    }

    [Fact]
    public void A_fatal_error_stops_the_run_before_it_is_reported_and_also_for_a_worker_whose_error_came_second()
    {
        // A worker that returns from SetFatal takes its next item unless the run is stopped. Here the first caller is
        // held while it reports (the event lock is taken by a stand-in for a busy pipeline thread): the stop must
        // already be visible, and a second caller must not return to an unstopped run. Before the fix the second
        // worker of the 429-streak test went on asking Google, item after item (17-18 calls instead of 8-9).
        using var folder = new TempFolder();
        SaveRun run = Run(folder);
        using var holding = new ManualResetEventSlim();
        using var release = new ManualResetEventSlim();
        Task holder = Task.Run(() => run.Events.WaitForEvent(TimeSpan.FromSeconds(10), _ =>
        {
            holding.Set();
            release.Wait(TimeSpan.FromSeconds(10)); // inside the event lock
            return true;
        }));
        Assert.True(holding.Wait(TimeSpan.FromSeconds(10)));
        Task? first = null;
        try
        {
            first = Task.Run(() => run.SetFatal(new InvalidOperationException("first"), null));
            Assert.True(SpinWait.SpinUntil(() => run.IsStopped, TimeSpan.FromSeconds(5)), "the first fatal error did not stop the run before reporting");
            run.SetFatal(new InvalidOperationException("second"), null);
            Assert.True(run.IsStopped);
            Assert.False(first.IsCompleted); // still waiting to report: the stop did not wait for it
        }
        finally
        {
            release.Set();
        }
        Assert.True(holder.Wait(TimeSpan.FromSeconds(10)));
        Assert.True(first!.Wait(TimeSpan.FromSeconds(10)));
        SaveEvent fatal = Assert.Single(Events(run), e => e.Kind == SaveEventKind.Fatal); // reported once, the first error
        Assert.Equal("first", fatal.Error?.Message ?? run.FatalError!.Message);
    }

    [Theory]
    [InlineData(2021, 3, 14, 10, 15, 9, DateTimeKind.Utc)]
    [InlineData(1, 1, 1, 0, 0, 0, DateTimeKind.Utc)]
    [InlineData(9999, 12, 31, 23, 59, 59, DateTimeKind.Utc)]
    [InlineData(1999, 12, 31, 23, 59, 59, DateTimeKind.Local)]
    [InlineData(2024, 2, 29, 12, 0, 0, DateTimeKind.Unspecified)]
    public void The_same_photo_key_time_is_the_UTC_second_as_the_format_string_gave_it(int y, int mo, int d, int h, int mi, int s, DateTimeKind kind)
    {
        // Formatted by hand for speed (several times per saved item); the index holds keys written the old way.
        var time = new DateTime(y, mo, d, h, mi, s, kind).AddTicks(9_999_999 - 1);
        Assert.Equal(time.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture), SameMedia.Taken(time));
        Assert.Null(SameMedia.Taken(null));
    }
}
