using System.Security.Cryptography;
using GPhotos.Emulator.Drive;
using GPhotos.Sources.Drive;
using Xunit;

namespace GPhotos.Core.Tests.Drive;

/// <summary>DriveClient against the emulator over loopback: listing, metadata, delete, and the error classification.</summary>
public sealed class DriveClientTests : DriveEmulatorTest
{
    [Fact]
    public async Task Lists_every_part_of_the_Takeout_folder_over_short_pages_with_pinned_size_and_md5()
    {
        var export = Drive.AddExport(parts: 5);
        Drive.MaxPageItems = 2;
        var parts = await Client.ListTakeoutPartsAsync(default);
        Assert.Equal(export.Parts.Select(p => p.Name).OrderBy(n => n), parts.Select(p => p.Name).OrderBy(n => n));
        foreach (var p in parts)
        {
            var rec = export.Parts.Single(r => r.Id == p.Id);
            Assert.Equal(rec.Size, p.Size);
            Assert.Equal(rec.Md5, p.Md5Checksum);
            Assert.NotNull(p.ModifiedTime);
        }
        Assert.True(Drive.Counters["drive.files.list"] >= 4, "the parts took 3 pages after the folder's one");
    }

    [Fact]
    public async Task No_Takeout_folder_lists_nothing()
    {
        Assert.Empty(await Client.ListTakeoutPartsAsync(default));
    }

    [Theory]
    [InlineData("userRateLimitExceeded")]
    [InlineData("rateLimitExceeded")]
    [InlineData("429")]
    [InlineData("503")]
    public async Task Rate_limits_and_5xx_are_backed_off_and_retried_not_reported(string kind)
    {
        Drive.AddExport(parts: 1);
        Drive.AddFaults(new[] { new DriveFaultRule { Kind = kind, Target = "list", Count = 2 } });
        var retries = new List<Exception>();
        Connection.Api.Pacer.Observer = n => retries.Add(n.Cause);
        Assert.Single(await Client.ListTakeoutPartsAsync(default));
        Assert.Equal(2, retries.Count);
        Assert.All(retries, e => Assert.True(((DriveApiException)e).IsRetryable));
    }

    [Fact]
    public async Task A_rate_limit_that_does_not_end_fails_as_a_rate_limit_after_the_policys_attempts()
    {
        Drive.AddExport(parts: 1);
        Drive.AddFaults(new[] { new DriveFaultRule { Kind = "userRateLimitExceeded", Target = "list", Count = 100 } });
        var e = await Assert.ThrowsAsync<DriveApiException>(() => Client.ListTakeoutPartsAsync(default));
        Assert.Equal(DriveErrorKind.RateLimited, e.Kind);
        Assert.Equal("userRateLimitExceeded", e.Reason);
        Assert.False(e.IsInsufficientScopes);
        Assert.Equal(Connection.Api.Retry.MaxAttempts, Drive.Counters["drive.files.list"]);
    }

    [Fact]
    public async Task A_sign_in_without_a_Drive_scope_is_InsufficientPermissions_with_the_connect_command()
    {
        Connect("photospicker.mediaitems.readonly");
        var e = await Assert.ThrowsAsync<DriveApiException>(() => Client.ListTakeoutPartsAsync(default));
        Assert.Equal(DriveErrorKind.InsufficientPermissions, e.Kind);
        Assert.True(e.IsInsufficientScopes);
        Assert.Contains("Connect-GPhotos -ClientSecretPath <path> -Drive", e.Message);
    }

    [Fact]
    public async Task Delete_needs_the_full_drive_scope_and_a_deleted_part_is_NotFound()
    {
        var part = Drive.AddExport(parts: 2).Parts[0];
        var readOnly = await Assert.ThrowsAsync<DriveApiException>(() => Client.DeleteAsync(part.Id, default));
        Assert.Equal(DriveErrorKind.InsufficientPermissions, readOnly.Kind);
        Connect(FullScope);
        await Client.DeleteAsync(part.Id, default);
        var gone = await Assert.ThrowsAsync<DriveApiException>(() => Client.GetAsync(part.Id, default));
        Assert.Equal(DriveErrorKind.NotFound, gone.Kind);
        Assert.Contains(part.Id, gone.Message);
        Assert.Single(await Client.ListTakeoutPartsAsync(default));
    }

    [Fact]
    public async Task DownloadQuotaExceeded_is_a_per_file_error_and_is_not_retried()
    {
        var rec = Drive.AddExport(parts: 1).Parts[0];
        var file = await ListedAsync(rec);
        Drive.AddFaults(new[] { new DriveFaultRule { Kind = "downloadQuotaExceeded", Target = "media", Count = 5 } });
        var e = await Assert.ThrowsAsync<DriveApiException>(async () => { using var s = Client.OpenRead(file); await s.ReadAsync(new byte[10], 0, 10); });
        Assert.Equal(DriveErrorKind.DownloadQuotaExceeded, e.Kind);
        Assert.Contains(rec.Name, e.Message);
        Assert.Equal(1, Drive.Counters["drive.files.media"]);
    }

    [Fact]
    public async Task The_query_escapes_quotes_and_backslashes()
    {
        Assert.Equal("it\\'s a \\\\ b", DriveClient.Escape("it's a \\ b"));
        var md5 = Convert.ToHexString(MD5.HashData(File.ReadAllBytes(Drive.AddExport(parts: 1).Parts[0].ContentPath))).ToLowerInvariant();
        Assert.Equal(md5, (await Client.ListTakeoutPartsAsync(default))[0].Md5Checksum);
    }
}
