#nullable enable
using System.Text;
using GPhotos.Http;
using GPhotos.Model;
using GPhotos.Saving;
using GPhotos.Sources;
using Newtonsoft.Json.Linq;
using Xunit;

namespace GPhotos.Core.Tests.Saving;

public class SaveSessionContentTests
{
    private static GoogleApiException Unavailable() => new(503, "UNAVAILABLE", "busy", "503 UNAVAILABLE: busy");

    [Fact]
    public void TransientErrorsAreRetried()
    {
        using var folder = new TempFolder();
        var source = new FakeSource();
        source.Handler = (item, variant, attempt, ct) =>
            attempt <= 2 ? throw Unavailable() : source.Default(item, variant, attempt, ct);
        var events = SessionKit.Save(folder, source, [Items.Photo("id-1")]);
        Assert.Equal(SaveStatus.Saved, events.Single("id-1").Status);
        Assert.Equal(3, source.Calls("id-1"));
        Assert.Equal(2, events.Count(e => e.Kind == SaveEventKind.Verbose && e.Message.Contains("retrying")));
        Assert.Empty(events.Errors());
    }

    [Fact]
    public void RetriesGiveUpAfterMaxAttemptsWithOneError()
    {
        using var folder = new TempFolder();
        var source = new FakeSource { Handler = (_, _, _, _) => throw Unavailable() };
        var events = SessionKit.Save(folder, source, [Items.Photo("id-1")]);
        SaveEvent error = Assert.Single(events.Errors());
        Assert.Equal("DownloadFailed", error.ErrorId);
        Assert.Equal("id-1", error.Item.Id);
        Assert.IsType<GoogleApiException>(error.Error);
        Assert.Equal(4, source.Calls("id-1"));
        Assert.Empty(folder.UserVisibleFiles());
        Assert.Empty(folder.TempFiles());
        Assert.Empty(File.ReadAllText(folder.IndexPath));
    }

    [Fact]
    public void AShortBodyIsAFailureAndRetried()
    {
        using var folder = new TempFolder();
        var source = new FakeSource();
        source.Handler = (item, variant, attempt, ct) =>
        {
            byte[] data = FakeSource.BytesFor(item.Id, variant);
            return Task.FromResult<MediaContent?>(attempt == 1
                ? FakeSource.Content(data[..(data.Length / 2)], "image/jpeg", length: data.Length) // connection dropped half-way
                : FakeSource.Content(data, "image/jpeg"));
        };
        var events = SessionKit.Save(folder, source, [Items.Photo("id-1")]);
        Assert.Equal(SaveStatus.Saved, events.Single("id-1").Status);
        Assert.Equal(2, source.Calls("id-1"));

        using var other = new TempFolder();
        var alwaysShort = new FakeSource { Handler = (item, variant, _, _) => Task.FromResult<MediaContent?>(FakeSource.Content(new byte[100], "image/jpeg", length: 1000)) };
        var failed = SessionKit.Save(other, alwaysShort, [Items.Photo("id-1")]);
        SaveEvent error = Assert.Single(failed.Errors());
        Assert.Equal("ContentTruncated", error.ErrorId);
        Assert.Equal(4, alwaysShort.Calls("id-1"));
        Assert.Empty(other.UserVisibleFiles());
        Assert.Empty(other.TempFiles());
    }

    [Fact]
    public void AJpegServedForAVideoIsAFailureNotAnMp4()
    {
        using var folder = new TempFolder();
        var source = new FakeSource
        {
            // =d on a video: a JPEG thumbnail, even labelled video/mp4
            Handler = (item, variant, _, _) => Task.FromResult<MediaContent?>(FakeSource.Content(FakeSource.BytesFor(item.Id, ContentVariant.Original), "video/mp4")),
        };
        var events = SessionKit.Save(folder, source, [Items.Video("id-1")]);
        SaveEvent error = Assert.Single(events.Errors());
        Assert.Equal("ThumbnailInsteadOfVideo", error.ErrorId);
        Assert.Contains("Google served a thumbnail instead of the video", error.Message);
        Assert.InRange(source.Calls("id-1"), 1, 2);
        Assert.Empty(folder.UserVisibleFiles());
        Assert.Empty(folder.TempFiles());
        Assert.Empty(events.Results());
    }

    [Fact]
    public void AnImageContentTypeForAVideoIsAFailure()
    {
        using var folder = new TempFolder();
        var source = new FakeSource
        {
            Handler = (item, _, _, _) => Task.FromResult<MediaContent?>(FakeSource.Content(FakeSource.VideoBytes(item.Id), "image/jpeg")),
        };
        var events = SessionKit.Save(folder, source, [Items.Video("id-1")]);
        Assert.Equal("ThumbnailInsteadOfVideo", Assert.Single(events.Errors()).ErrorId);
        Assert.InRange(source.Calls("id-1"), 1, 2);
        Assert.Empty(folder.UserVisibleFiles());
    }

    [Fact]
    public void ARealVideoIsSaved()
    {
        using var folder = new TempFolder();
        var source = new FakeSource
        {
            Handler = (item, _, _, _) => Task.FromResult<MediaContent?>(FakeSource.Content(FakeSource.VideoBytes(item.Id), "video/mp4")),
        };
        var events = SessionKit.Save(folder, source, [Items.Video("id-1", "clip.mp4")]);
        Assert.Equal(FakeSource.VideoBytes("id-1"), File.ReadAllBytes(events.Single("id-1").Path));
    }

    [Theory]
    [InlineData("text/html; charset=utf-8", "<p>error</p>")]
    [InlineData("image/jpeg", "<!DOCTYPE html><html><body>Sign in</body></html>")]
    [InlineData(null, "\r\n  <HTML><body>quota</body></HTML>")]
    public void AnHtmlPageIsAFailure(string? contentType, string body)
    {
        using var folder = new TempFolder();
        var source = new FakeSource { Handler = (_, _, _, _) => Task.FromResult<MediaContent?>(FakeSource.Content(Encoding.UTF8.GetBytes(body), contentType)) };
        var events = SessionKit.Save(folder, source, [Items.Photo("id-1")]);
        Assert.Equal("HtmlInsteadOfMedia", Assert.Single(events.Errors()).ErrorId);
        Assert.InRange(source.Calls("id-1"), 1, 2);
        Assert.Empty(folder.UserVisibleFiles());
        Assert.Empty(folder.TempFiles());
    }

    [Fact]
    public void AnEmptyBodyIsAFailure()
    {
        using var folder = new TempFolder();
        var source = new FakeSource { Handler = (_, _, _, _) => Task.FromResult<MediaContent?>(FakeSource.Content([], "image/jpeg", length: null)) };
        var events = SessionKit.Save(folder, source, [Items.Photo("id-1")]);
        Assert.Equal("EmptyContent", Assert.Single(events.Errors()).ErrorId);
        Assert.InRange(source.Calls("id-1"), 1, 2);
        Assert.Empty(folder.UserVisibleFiles());
    }

    [Fact]
    public void NoContentAtAllIsAFailureWithoutRetry()
    {
        using var folder = new TempFolder();
        var source = new FakeSource { Handler = (_, _, _, _) => Task.FromResult<MediaContent?>(null) };
        var events = SessionKit.Save(folder, source, [Items.Photo("id-1")]);
        Assert.Equal("NoContent", Assert.Single(events.Errors()).ErrorId);
        Assert.Equal(1, source.Calls("id-1"));
    }

    [Theory]
    [InlineData(VideoProcessingStatus.Processing, "VideoNotReady")]
    [InlineData(VideoProcessingStatus.Failed, "VideoProcessingFailed")]
    public void VideosThatAreNotReadyAreSkippedWithAWarning(VideoProcessingStatus status, string errorId)
    {
        using var folder = new TempFolder();
        var source = new FakeSource();
        var events = SessionKit.Save(folder, source, [Items.Video("id-1", status: status)]);
        SaveEvent warning = Assert.Single(events, e => e.Kind == SaveEventKind.Warning);
        Assert.Equal(errorId, warning.ErrorId);
        Assert.Equal("id-1", warning.Item.Id);
        Assert.Empty(events.Results());
        Assert.Empty(events.Errors());
        Assert.Equal(0, source.TotalCalls);
        Assert.Empty(folder.UserVisibleFiles());
    }

    [Fact]
    public void AnUnspecifiedVideoStatusIsTried()
    {
        using var folder = new TempFolder();
        var source = new FakeSource { Handler = (item, _, _, _) => Task.FromResult<MediaContent?>(FakeSource.Content(FakeSource.VideoBytes(item.Id), "video/mp4")) };
        var events = SessionKit.Save(folder, source, [Items.Video("id-1", status: VideoProcessingStatus.Unspecified)]);
        Assert.Equal(SaveStatus.Saved, events.Single("id-1").Status);
    }

    [Fact]
    public void ASpentQuotaStopsTheWholeRunOnce()
    {
        using var folder = new TempFolder();
        var resume = new DateTimeOffset(2026, 5, 2, 0, 0, 0, TimeSpan.FromHours(-7));
        var source = new FakeSource();
        source.Handler = async (item, variant, attempt, ct) =>
        {
            int n = int.Parse(item.Id[3..]);
            if (n >= 6) throw new QuotaExhaustedException("Quota exceeded for quota metric 'per day'", resume);
            if (n >= 3) // in flight when the quota runs out: must be aborted and leave no temp file
            {
                byte[] data = FakeSource.BytesFor(item.Id, variant);
                return new MediaContent(new ScriptedStream(data, stallAfter: 1000), data.Length, "image/jpeg");
            }
            return await source.Default(item, variant, attempt, ct);
        };
        var items = Enumerable.Range(0, 40).Select(i => Items.Photo($"id-{i}", $"p{i}.jpg")).ToList();
        using var session = new SaveSession(SessionKit.Options(folder, o => o.ThrottleLimit = 4), _ => source);
        var events = new List<SaveEvent>();
        var stopped = false;
        foreach (MediaItem item in items)
        {
            if (!session.Enqueue(item)) { stopped = true; break; }
            SessionKit.Drain(session, events);
        }
        Assert.Equal(EnqueueResult.Stopped, session.TryEnqueue(Items.Photo("late"), TimeSpan.Zero));
        session.CompleteAdding();
        SessionKit.DrainToEnd(session, events, TimeSpan.FromSeconds(10));

        SaveEvent fatal = Assert.Single(events, e => e.Kind == SaveEventKind.Fatal);
        Assert.Equal("DailyQuotaExhausted", fatal.ErrorId); // the id users see (was "QuotaExhausted", which the cmdlet dropped)
        Assert.Contains("resume after", fatal.Message);
        Assert.IsType<QuotaExhaustedException>(session.FatalError);
        Assert.True(stopped); // Enqueue said so instead of blocking forever
        Assert.Empty(events.Errors());                      // not one error per remaining item
        Assert.Empty(folder.TempFiles());
        var saved = events.Results();
        Assert.All(saved, r => Assert.True(File.Exists(r.Path)));
        Assert.DoesNotContain(saved, r => int.Parse(r.Id[3..]) >= 3);
        Assert.True(saved.Count < items.Count);
        Assert.Equal(saved.Count, File.ReadAllLines(folder.IndexPath).Length);
    }

    public static TheoryData<Exception, string> RunStoppers => new()
    {
        { new AuthenticationExpiredException("The sign-in expired: run Connect-GPhotos again."), "AuthenticationExpired" },
        { new DestinationWriteException("Writing failed", "/x", new IOException("No space left on device", OperatingSystem.IsWindows() ? unchecked((int)0x80070070) : 28)), "DiskFull" },
        // EDQUOT (the user's disk quota) is a full disk too: every further item would fail the same way.
        { new DestinationWriteException("Writing failed", "/x", new IOException("Disk quota exceeded", OperatingSystem.IsWindows() ? unchecked((int)0x80070027) : OperatingSystem.IsMacOS() ? 69 : 122)), "DiskFull" },
    };

    [Theory]
    [MemberData(nameof(RunStoppers))]
    public void ErrorsEveryItemWouldHitStopTheRun(Exception error, string errorId)
    {
        using var folder = new TempFolder();
        var source = new FakeSource();
        source.Handler = (item, variant, attempt, ct) => item.Id == "id-2" ? throw error : source.Default(item, variant, attempt, ct);
        var events = SessionKit.Save(folder, source, Enumerable.Range(0, 6).Select(i => Items.Photo($"id-{i}", $"p{i}.jpg")), o => o.ThrottleLimit = 1);
        SaveEvent fatal = Assert.Single(events, e => e.Kind == SaveEventKind.Fatal);
        Assert.Equal(errorId, fatal.ErrorId);
        Assert.Same(error, fatal.Error);
        Assert.Empty(events.Errors());
        Assert.Equal(new[] { "id-0", "id-1" }, events.Results().Select(r => r.Id).OrderBy(i => i));
        Assert.Equal(1, source.Calls("id-2"));
        Assert.Equal(0, source.Calls("id-3"));
    }

    [Fact]
    public void DiskFullIsRecognisedAndSaysWhatToDo()
    {
        var full = new DestinationWriteException("Writing 'a.jpg' failed", "/mnt/usb/a.jpg",
            new IOException("No space left on device", OperatingSystem.IsWindows() ? unchecked((int)0x80070070) : 28));
        Assert.True(full.IsDiskFull);
        Assert.StartsWith("The disk that holds '/mnt/usb/a.jpg' is full", full.Message);
        Assert.False(new DestinationWriteException("x", "/y", new IOException("Permission denied", 13)).IsDiskFull);
        Assert.False(new DestinationWriteException("x", "/y", null!).IsDiskFull);
    }

    [Fact]
    public void MotionPhotosGetTheirVideoBeside()
    {
        using var folder = new TempFolder();
        var source = new FakeSource();
        source.MotionPhotos.Add("id-1");
        var events = SessionKit.Save(folder, source, [Items.Photo("id-1", "PXL_1.jpg"), Items.Photo("id-2", "still.jpg")], o => o.IncludeMotionVideo = true);
        SaveResult motion = events.Single("id-1");
        Assert.Equal(Path.Combine(folder.Destination, "PXL_1.MP4"), motion.MotionVideoPath);
        Assert.Equal(FakeSource.BytesFor("id-1", ContentVariant.MotionVideo), File.ReadAllBytes(motion.MotionVideoPath!));
        Assert.Null(events.Single("id-2").MotionVideoPath);
        Assert.Equal(new[] { "PXL_1.MP4", "PXL_1.jpg", "still.jpg" }, folder.UserVisibleFiles());

        // Rerun: nothing asked again, not even "is there a motion video?"
        int calls = source.TotalCalls;
        var again = SessionKit.Save(folder, source, [Items.Photo("id-1", "PXL_1.jpg"), Items.Photo("id-2", "still.jpg")], o => o.IncludeMotionVideo = true);
        Assert.Equal(calls, source.TotalCalls);
        Assert.Equal(motion.MotionVideoPath, again.Single("id-1").MotionVideoPath);
    }

    [Fact]
    public void MotionVideoNamesDoNotClashWithARealVideo()
    {
        using var folder = new TempFolder();
        var source = new FakeSource();
        source.MotionPhotos.Add("id-photo");
        MediaItem video = Items.Video("id-video", "IMG_0001.MP4");
        source.Handler = (item, variant, attempt, ct) => item.IsVideo
            ? Task.FromResult<MediaContent?>(FakeSource.Content(FakeSource.VideoBytes(item.Id), "video/mp4"))
            : source.Default(item, variant, attempt, ct);
        var events = SessionKit.Save(folder, source, [video, Items.Photo("id-photo", "IMG_0001.JPG")], o => o.IncludeMotionVideo = true);
        Assert.Equal("IMG_0001.MP4", events.Single("id-video").RelativePath);
        Assert.Equal(Path.Combine(folder.Destination, FileNamer.AddSuffix("IMG_0001.MP4", "id-photo")), events.Single("id-photo").MotionVideoPath);
        Assert.Equal(FakeSource.VideoBytes("id-video"), File.ReadAllBytes(events.Single("id-video").Path));
    }

    [Fact]
    public void AFailedMotionVideoKeepsThePhotoAndIsFetchedNextRun()
    {
        using var folder = new TempFolder();
        var source = new FakeSource();
        source.MotionPhotos.Add("id-1");
        bool broken = true;
        source.Handler = (item, variant, attempt, ct) => variant == ContentVariant.MotionVideo && broken
            ? Task.FromResult<MediaContent?>(FakeSource.Content(FakeSource.BytesFor(item.Id, ContentVariant.Original), "image/jpeg")) // a still, again
            : source.Default(item, variant, attempt, ct);
        var events = SessionKit.Save(folder, source, [Items.Photo("id-1")], o => o.IncludeMotionVideo = true);
        Assert.Equal(SaveStatus.Saved, events.Single("id-1").Status);
        Assert.Null(events.Single("id-1").MotionVideoPath);
        SaveEvent error = Assert.Single(events.Errors());
        Assert.Equal("MotionVideoFailed", error.ErrorId);
        Assert.IsType<UnexpectedContentException>(error.Error);

        broken = false;
        int originals = source.Calls("id-1");
        var again = SessionKit.Save(folder, source, [Items.Photo("id-1")], o => o.IncludeMotionVideo = true);
        SaveResult result = again.Single("id-1");
        Assert.Equal(SaveReason.MotionVideoAdded, result.Reason);
        Assert.Equal(originals, source.Calls("id-1"));
        Assert.True(File.Exists(result.MotionVideoPath));
    }

    [Fact]
    public void MetadataSidecarHasEverythingButTheBaseUrl()
    {
        using var folder = new TempFolder();
        MediaItem item = Items.Photo("id-1", "a.jpg");
        item.Description = "Grandma's birthday";
        item.People = ["Ann", "Bob"];
        var events = SessionKit.Save(folder, new FakeSource(), [item], o => o.WriteMetadata = true);
        SaveResult result = events.Single("id-1");
        Assert.Equal(result.Path + ".json", result.MetadataPath);
        JObject json = JObject.Parse(File.ReadAllText(result.MetadataPath!));
        Assert.Equal("id-1", (string?)json["id"]);
        Assert.Equal("a.jpg", (string?)json["filename"]);
        Assert.Equal("Library", (string?)json["source"]);
        Assert.Equal("Photo", (string?)json["mediaType"]);
        Assert.Equal("Grandma's birthday", (string?)json["description"]);
        Assert.Equal(new[] { "Ann", "Bob" }, json["people"]!.Select(t => (string)t!));
        Assert.Equal("Google", (string?)json["mediaMetadata"]!["photo"]!["cameraMake"]);
        Assert.Equal(4.2, (double)json["mediaMetadata"]!["photo"]!["focalLength"]!);
        Assert.Equal(Items.Taken, ((DateTime)json["creationTime"]!).ToUniversalTime());
        Assert.Null(json["baseUrl"]);
        Assert.DoesNotContain("secret-id-1", File.ReadAllText(result.MetadataPath!));

        // Deleted sidecar: rewritten without downloading the photo again.
        File.Delete(result.MetadataPath!);
        var source = new FakeSource();
        var again = SessionKit.Save(folder, source, [item], o => o.WriteMetadata = true);
        Assert.Equal(0, source.TotalCalls);
        Assert.True(File.Exists(again.Single("id-1").MetadataPath));
    }

    [Fact]
    public void FileTimesComeFromTheCaptureTime()
    {
        using var folder = new TempFolder();
        var events = SessionKit.Save(folder, new FakeSource(), [Items.Photo("id-1")]);
        Assert.Equal(Items.Taken, File.GetLastWriteTimeUtc(events.Single("id-1").Path));
    }

    [Fact]
    public void ProgressCountsItemsAndBytes()
    {
        using var folder = new TempFolder();
        using var session = new SaveSession(SessionKit.Options(folder), _ => new FakeSource());
        SessionKit.Run(session, [Items.Photo("id-1", "a.jpg"), Items.Photo("id-2", "b.jpg"), Items.Video("id-3", status: VideoProcessingStatus.Processing)]);
        SaveProgress progress = session.GetProgress();
        Assert.Equal(3, progress.Total);
        Assert.Equal(2, progress.Saved);
        Assert.Equal(1, progress.Skipped);
        Assert.Equal(0, progress.InProgress);
        Assert.Equal(100, progress.PercentComplete);
        long expected = FakeSource.BytesFor("id-1", ContentVariant.Original).Length + FakeSource.BytesFor("id-2", ContentVariant.Original).Length;
        Assert.Equal(expected, progress.BytesSaved);
        Assert.Equal(expected, progress.BytesDownloaded);
        Assert.True(progress.BytesPerSecond > 0);
    }
}
