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

    // The errors the cmdlets used to make by hand (issue 13): same ids and categories as before they moved.
    public static TheoryData<string, ErrorEntry, string, GPhotosErrorCategory, bool> CommandErrors => new()
    {
        { "emulator host", ErrorCatalog.ForInvalidEmulatorHost(new ArgumentException("x")), "InvalidEmulatorHost", GPhotosErrorCategory.InvalidArgument, true },
        { "client secret", ErrorCatalog.ForInvalidClientSecret(new FileNotFoundException("x")), "InvalidClientSecret", GPhotosErrorCategory.InvalidArgument, true },
        { "scope", ErrorCatalog.ForInvalidScope(new ArgumentException("x")), "InvalidScope", GPhotosErrorCategory.InvalidArgument, true },
        { "secret", ErrorCatalog.ForInvalidSecret("AccessToken"), "InvalidSecret", GPhotosErrorCategory.InvalidArgument, true },
        { "path", ErrorCatalog.ForInvalidPath(new ArgumentException("x")), "InvalidPath", GPhotosErrorCategory.InvalidArgument, true },
        { "date format", ErrorCatalog.ForInvalidDateFormat(new ArgumentException("x")), "InvalidDateFormat", GPhotosErrorCategory.InvalidArgument, true },
        { "album folder", ErrorCatalog.ForInvalidAlbumFolder(new ArgumentException("x")), "InvalidAlbumFolder", GPhotosErrorCategory.InvalidArgument, true },
        { "takeout path", ErrorCatalog.ForTakeoutPathNotFound(new FileNotFoundException("x")), "TakeoutPathNotFound", GPhotosErrorCategory.ObjectNotFound, false },
        { "takeout part", ErrorCatalog.ForUnreadableArchive(new IOException("x")), "TakeoutArchiveUnreadable", GPhotosErrorCategory.ReadError, false },
        { "drive read", ErrorCatalog.ForDriveAccessMissing("/c.json"), "DriveAccessMissing", GPhotosErrorCategory.PermissionDenied, true },
        { "drive write", ErrorCatalog.ForDriveWriteAccessMissing(null), "DriveWriteAccessMissing", GPhotosErrorCategory.PermissionDenied, true },
        { "not a backup", ErrorCatalog.ForDestinationNotABackup("/d", "/d/.gphotos/index.jsonl"), "DestinationNotABackup", GPhotosErrorCategory.ObjectNotFound, true },
        { "no folder", ErrorCatalog.ForBackupCheck(new DirectoryNotFoundException("x"))!, "BackupFolderNotFound", GPhotosErrorCategory.ObjectNotFound, true },
        { "no index", ErrorCatalog.ForBackupCheck(new GPhotos.Verification.BackupIndexNotFoundException("/d", "x"))!, "BackupIndexNotFound", GPhotosErrorCategory.ObjectNotFound, true },
        { "backup locked", ErrorCatalog.ForBackupCheck(new DestinationLockedException("/d", "process 1"))!, "DestinationLocked", GPhotosErrorCategory.ResourceBusy, true },
        { "backup unreadable", ErrorCatalog.ForBackupCheck(new UnauthorizedAccessException("x"))!, "BackupNotReadable", GPhotosErrorCategory.ReadError, true },
        { "save start", ErrorCatalog.ForSaveStart(new IOException("x")), "DestinationNotWritable", GPhotosErrorCategory.WriteError, true },
        { "save start locked", ErrorCatalog.ForSaveStart(new DestinationLockedException("/d", "process 1")), "DestinationLocked", GPhotosErrorCategory.ResourceBusy, true },
        { "part not saved", ErrorCatalog.ForTakeoutPartNotRemoved("p.zip", "2 not saved.", 2, "/d", null), "TakeoutArchiveNotFullySaved", GPhotosErrorCategory.ResourceUnavailable, false },
        { "part unreadable", ErrorCatalog.ForTakeoutPartNotRemoved("p.zip", "bad.", 0, "/d", new IOException("x")), "TakeoutArchiveUnreadable", GPhotosErrorCategory.ReadError, false },
        { "delete failed", ErrorCatalog.ForTakeoutPartDeleteFailed(new IOException("x"), null), "TakeoutArchiveDeleteFailed", GPhotosErrorCategory.WriteError, false },
        { "delete denied", ErrorCatalog.ForTakeoutPartDeleteFailed(new GPhotos.Sources.Drive.DriveApiException(GPhotos.Sources.Drive.DriveErrorKind.InsufficientPermissions, 403, "insufficientPermissions", "no", "no"), null), "DriveWriteAccessMissing", GPhotosErrorCategory.PermissionDenied, false },
        { "drive list 429", ErrorCatalog.ForDriveListing(new GPhotos.Sources.Drive.DriveApiException(GPhotos.Sources.Drive.DriveErrorKind.RateLimited, 429, "rateLimitExceeded", "slow", "slow")), "DriveRateLimited", GPhotosErrorCategory.LimitsExceeded, true },
        { "drive list 404", ErrorCatalog.ForDriveListing(new GPhotos.Sources.Drive.DriveApiException(GPhotos.Sources.Drive.DriveErrorKind.NotFound, 404, "notFound", "gone", "gone")), "DriveNotFound", GPhotosErrorCategory.ReadError, true },
        { "drive list other", ErrorCatalog.ForDriveListing(new InvalidOperationException("?")), "DriveListingFailed", GPhotosErrorCategory.NotSpecified, false },
    };

    [Theory]
    [MemberData(nameof(CommandErrors))]
    public void Command_errors_keep_their_ids_and_categories(string what, ErrorEntry entry, string id, GPhotosErrorCategory category, bool stops)
    {
        Assert.Equal((id, category, stops), (entry.Id, entry.Category, entry.StopsRun));
        Assert.False(string.IsNullOrEmpty(entry.Message), what);
        Assert.NotNull(entry.Exception);
    }

    [Fact]
    public void Backup_check_leaves_other_errors_to_the_caller()
    {
        Assert.Null(ErrorCatalog.ForBackupCheck(new InvalidOperationException("a bug")));
        Assert.Null(ErrorCatalog.ForBackupCheck(new OperationCanceledException()));
    }

    [Fact]
    public void Messages_that_moved_say_what_to_do()
    {
        Assert.Contains("Connect-GPhotos -ClientSecretPath '/home/a''s/c.json' -DriveWrite", ErrorCatalog.ForDriveWriteAccessMissing("/home/a's/c.json").Message);
        Assert.Contains("-AccessToken must be a SecureString", ErrorCatalog.ForInvalidSecret("AccessToken").Message);
        string notSaved = ErrorCatalog.ForTakeoutPartNotRemoved("takeout-001.zip", "2 items are not saved.", 2, "/backup", null).Message;
        Assert.Contains("'takeout-001.zip'", notSaved);
        Assert.Contains("Save-GPhotosMediaItem -Destination '/backup'", notSaved);
        Assert.Contains("/d/.gphotos/index.jsonl", ErrorCatalog.ForDestinationNotABackup("/d", "/d/.gphotos/index.jsonl").Message);
    }
}
