#nullable enable
using GPhotos.Auth;
using GPhotos.Errors;
using GPhotos.Http;
using GPhotos.Saving;
using Xunit;

namespace GPhotos.Core.Tests.Errors;

/// <summary>The one catalog: exception → id, category, stop-or-go-on. The cmdlets translate it and nothing else.</summary>
public class ErrorCatalogTests
{
    private static IOException Errno(int linux, int windowsHResult) =>
        new("write failed", OperatingSystem.IsWindows() ? windowsHResult : linux);

    [Theory]
    [InlineData(28, unchecked((int)0x80070070))]  // ENOSPC / ERROR_DISK_FULL
    [InlineData(122, unchecked((int)0x80070027))] // EDQUOT (Linux) / ERROR_HANDLE_DISK_FULL
    public void AFullDiskOrSpentDiskQuotaIsDiskFullAndStopsTheRun(int errno, int hresult)
    {
        if (OperatingSystem.IsMacOS() && errno == 122) errno = 69;
        var error = new DestinationWriteException("Writing 'a.jpg' failed", "/mnt/a.jpg", Errno(errno, hresult));
        ErrorEntry entry = ErrorCatalog.Classify(error, "SaveStopped");
        Assert.Equal("DiskFull", entry.Id);
        Assert.Equal(GPhotosErrorCategory.WriteError, entry.Category);
        Assert.True(entry.StopsRun);
        Assert.StartsWith("The disk that holds '/mnt/a.jpg' is full", entry.Message);
    }

    [Fact]
    public void OtherWriteErrorsAreOneItemsFailure()
    {
        var denied = new DestinationWriteException("Cannot write 'x'", "/x", new IOException("Permission denied", 13));
        Assert.False(ErrorCatalog.StopsRun(denied));
        Assert.Equal("WriteFailed", ErrorCatalog.ClassifyItemFailure(denied).Id);
        var tooLong = new DestinationWriteException("Cannot write 'x'", "/x", new PathTooLongException("too long"));
        Assert.Equal("PathTooLong", ErrorCatalog.ClassifyItemFailure(tooLong).Id);
        Assert.False(ErrorCatalog.ClassifyItemFailure(tooLong).StopsRun);
    }

    public static TheoryData<Exception, string, GPhotosErrorCategory, bool> Known => new()
    {
        { new QuotaExhaustedException("Spent; resume after 09:00.", DateTimeOffset.UtcNow), "DailyQuotaExhausted", GPhotosErrorCategory.LimitsExceeded, true },
        { new AuthenticationExpiredException("Run Connect-GPhotos."), "AuthenticationExpired", GPhotosErrorCategory.AuthenticationError, true },
        { new InteractiveLoginRequiredException(default, "Run Connect-GPhotos at the keyboard."), "InteractiveLoginRequired", GPhotosErrorCategory.AuthenticationError, true },
        { new DestinationLockedException("/d", "process 1"), "DestinationLocked", GPhotosErrorCategory.ResourceBusy, false },
        { new UnexpectedContentException(UnexpectedContentKind.ThumbnailInsteadOfVideo, "a thumbnail"), "ThumbnailInsteadOfVideo", GPhotosErrorCategory.InvalidData, false },
        { new GPhotos.Sources.Picker.PickingTimeoutException("s1", TimeSpan.FromMinutes(1)), "PickingTimedOut", GPhotosErrorCategory.OperationTimeout, false },
        { new ArgumentException("bad"), "InvalidArgument", GPhotosErrorCategory.InvalidArgument, false },
    };

    [Theory]
    [MemberData(nameof(Known))]
    public void KnownFailuresHaveStableIds(Exception error, string id, GPhotosErrorCategory category, bool stops)
    {
        ErrorEntry entry = ErrorCatalog.Classify(error, "Fallback");
        Assert.Equal(id, entry.Id);
        Assert.Equal(category, entry.Category);
        Assert.Equal(stops, entry.StopsRun);
        Assert.Equal(stops, ErrorCatalog.StopsRun(error));
    }

    [Fact]
    public void ADownloadThatFoundNothingIsMediaItemNotFound()
    {
        var gone = new GoogleApiException(404, "NOT_FOUND", "gone", "The item was not found.", null);
        ErrorEntry entry = ErrorCatalog.ClassifyItemFailure(gone);
        Assert.Equal("MediaItemNotFound", entry.Id);
        Assert.Equal(GPhotosErrorCategory.ObjectNotFound, entry.Category);
        Assert.Equal("DownloadFailed", ErrorCatalog.ClassifyItemFailure(new IOException("connection reset")).Id);
        Assert.Equal("SaveFailed", ErrorCatalog.ClassifyItemFailure(new InvalidOperationException("?")).Id);
        ErrorEntry damaged = ErrorCatalog.ClassifyItemFailure(new GPhotos.Sources.Takeout.TakeoutArchiveException("/t/takeout-001.zip", "Photos/a.jpg", "The entry is damaged."));
        Assert.Equal("TakeoutArchiveUnreadable", damaged.Id);
        Assert.Equal(GPhotosErrorCategory.ReadError, damaged.Category);
    }

    [Fact]
    public void ABare401FromOneItemsMediaHostDoesNotStopASave()
    {
        var foreign = new GoogleApiException(401, null, null, "401 from the media host", null);
        Assert.True(ErrorCatalog.StopsRun(foreign));   // a listing that gets it cannot go on
        Assert.False(ErrorCatalog.StopsSave(foreign)); // one item's download can: the others are not concerned
        ErrorEntry entry = ErrorCatalog.ClassifyItemFailure(foreign);
        Assert.False(entry.StopsRun);
        Assert.Equal(GPhotosErrorCategory.AuthenticationError, entry.Category);
        Assert.True(ErrorCatalog.StopsSave(new AuthenticationExpiredException("Run Connect-GPhotos.")));
    }

    [Fact]
    public void UnknownErrorsTakeTheCallersFallbackAndNeverThrow()
    {
        Assert.Equal("BatchGetFailed", ErrorCatalog.Classify(new InvalidOperationException("?"), "BatchGetFailed").Id);
        Assert.NotNull(ErrorCatalog.Classify(null!, "X").Exception);
    }

    [Fact]
    public void A_long_Retry_After_stop_is_RateLimited_not_the_daily_quota()
    {
        var api = new GoogleApiException(503, null, null, "503", TimeSpan.FromHours(3));
        ErrorEntry entry = ErrorCatalog.Classify(RetryPolicy.StopFor(api)!);
        Assert.Equal("RateLimited", entry.Id);
        Assert.Equal(GPhotosErrorCategory.LimitsExceeded, entry.Category);
        Assert.True(entry.StopsRun);
        Assert.Equal("DailyQuotaExhausted", ErrorCatalog.Classify(new QuotaExhaustedException("per day", DateTimeOffset.Now)).Id);
    }

    [Fact]
    public void A_batchGet_miss_is_InvalidMediaItemId_for_status_3_and_MediaItemNotFound_otherwise()
    {
        ErrorEntry invalid = ErrorCatalog.ForBatchGetMiss("bad id!", 3, "Invalid media item ID: bad id!");
        Assert.Equal("InvalidMediaItemId", invalid.Id);
        Assert.Equal(GPhotosErrorCategory.InvalidArgument, invalid.Category);
        Assert.Contains("'bad id!'", invalid.Message);
        Assert.False(invalid.StopsRun);
        ErrorEntry missing = ErrorCatalog.ForBatchGetMiss("gone", 5, "Requested entity was not found.");
        Assert.Equal("MediaItemNotFound", missing.Id);
        Assert.Equal(GPhotosErrorCategory.ObjectNotFound, missing.Category);
        Assert.Contains("'gone'", missing.Message);
    }

    [Fact]
    public void Picker_and_listing_refusals_have_their_own_ids()
    {
        ErrorEntry tooMany = ErrorCatalog.Classify(new GPhotos.Sources.Picker.TooManySessionsException(new GoogleApiException(429, "RESOURCE_EXHAUSTED", "too many", "429")));
        Assert.Equal(("TooManyPickerSessions", GPhotosErrorCategory.LimitsExceeded), (tooMany.Id, tooMany.Category));
        ErrorEntry stalled = ErrorCatalog.Classify(new GPhotos.Sources.ListingStalledException("Albums", 5));
        Assert.Equal(("ListingStalled", GPhotosErrorCategory.ProtocolError), (stalled.Id, stalled.Category));
    }
}
