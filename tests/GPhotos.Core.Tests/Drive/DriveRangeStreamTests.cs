using System.Diagnostics;
using System.IO.Compression;
using System.Security.Cryptography;
using GPhotos.Emulator.Drive;
using GPhotos.Sources.Drive;
using Xunit;

namespace GPhotos.Core.Tests.Drive;

/// <summary>The range stream a zip reader gets: in-place reads, and every way Drive can go wrong mid-read.</summary>
public sealed class DriveRangeStreamTests : DriveEmulatorTest
{
    private static readonly DriveRangeStreamOptions Small = new() { BlockSize = 16 * 1024, MaxReadAhead = 256 * 1024 };

    [Fact]
    public async Task A_ZipArchive_over_the_stream_reads_the_directory_and_one_entry_without_fetching_the_part()
    {
        var rec = Drive.AddExport(items: 600, parts: 1).Parts[0];
        var file = await ListedAsync(rec);
        using var stream = Client.OpenRead(file, Small);
        using var remote = new ZipArchive(stream, ZipArchiveMode.Read);
        using var local = ZipFile.OpenRead(rec.ContentPath);
        Assert.Equal(local.Entries.Select(e => e.FullName), remote.Entries.Select(e => e.FullName));
        var pick = local.Entries.Where(e => e.Length > 0).OrderBy(e => e.Length).Skip(local.Entries.Count / 2).First();
        using (var a = remote.GetEntry(pick.FullName)!.Open())
        using (var b = pick.Open())
            Assert.Equal(ReadAll(b), ReadAll(a));
        Assert.True(stream.BytesRequested < file.Size / 3, $"asked for {stream.BytesRequested} bytes of a {file.Size}-byte part");
        Assert.True(stream.RangeRequests <= 12, $"{stream.RangeRequests} range requests");
        Assert.Equal(stream.RangeRequests, Drive.Counters["drive.files.media"]);
    }

    [Fact]
    public async Task A_part_listed_by_the_catalog_opens_with_its_pinned_size_and_md5()
    {
        var rec = Drive.AddExport(items: 50, parts: 1, exportTime: DateTimeOffset.UtcNow.AddDays(-3)).Parts[0];
        var files = (await Client.ListTakeoutPartsAsync(default)).Select(TakeoutPartFile.FromDrive);
        var part = Assert.Single(TakeoutArchiveCatalog.Build(files, DateTimeOffset.UtcNow).Archives);
        Assert.True(part.IsComplete, part.Completeness);
        using var stream = Client.OpenRead(DriveFile.FromArchive(part), Small);
        using var md5 = System.Security.Cryptography.MD5.Create();
        Assert.Equal(part.Md5, Convert.ToHexString(md5.ComputeHash(stream)).ToLowerInvariant());
        Assert.Equal(rec.Size, stream.Length);
    }

    [Fact]
    public async Task Streams_sharing_a_block_cache_fetch_the_central_directory_once()
    {
        var file = await ListedAsync(Drive.AddExport(items: 600, parts: 1).Parts[0]);
        var shared = new DriveBlockCache(4L << 20);
        var options = new DriveRangeStreamOptions { BlockSize = 16 * 1024, MaxReadAhead = 256 * 1024, SharedCache = shared };
        using var first = Client.OpenRead(file, options);
        using (var zip = new ZipArchive(first, ZipArchiveMode.Read, leaveOpen: true)) Assert.NotEmpty(zip.Entries);
        using var second = Client.OpenRead(file, options);
        using (var zip = new ZipArchive(second, ZipArchiveMode.Read, leaveOpen: true)) Assert.NotEmpty(zip.Entries);
        Assert.True(first.RangeRequests >= 2);
        Assert.Equal(0, second.RangeRequests);
        Assert.True(shared.CachedBytes <= shared.CapacityBytes);
        var other = await ListedAsync(Drive.AddExport(items: 10, parts: 1).Parts[0]);
        Assert.Throws<ArgumentException>(() => Client.OpenRead(other, options));
    }

    [Fact]
    public async Task A_sequential_read_gives_the_exact_bytes_in_growing_ranges()
    {
        var rec = Drive.AddExport(items: 300, parts: 1).Parts[0];
        var file = await ListedAsync(rec);
        using var stream = Client.OpenRead(file, Small);
        using var md5 = MD5.Create();
        Assert.Equal(rec.Md5, Convert.ToHexString(md5.ComputeHash(stream)).ToLowerInvariant());
        Assert.Equal(file.Size, Client.Stats.BytesReceived);
        Assert.True(stream.RangeRequests <= 2 + file.Size!.Value / Small.MaxReadAhead + 6, $"{stream.RangeRequests} requests");
    }

    [Fact]
    public async Task A_hint_makes_the_next_fetch_exactly_that_range()
    {
        var file = await ListedAsync(Drive.AddExport(items: 200, parts: 1).Parts[0]);
        using var stream = Client.OpenRead(file, Small);
        stream.Hint(1000, 40_000);
        stream.Position = 1000;
        byte[] buffer = await ReadExactlyAsync(stream, 40_000);
        Assert.Equal(1, stream.RangeRequests);
        Assert.Equal(40_000, stream.BytesRequested);
        Assert.Equal(File.ReadAllBytes(Drive.Files.Single(f => f.Id == file.Id).ContentPath)[1000..41000], buffer);
    }

    [Fact]
    public async Task A_head_read_of_a_hinted_range_costs_one_block_and_the_next_reader_fetches_only_the_rest()
    {
        // What a new item costs: the media probe reads a head of the entry, then Save reads all of it.
        var file = await ListedAsync(Drive.AddExport(items: 400, parts: 1).Parts[0]);
        var shared = new DriveRangeStreamOptions { BlockSize = 16 * 1024, MaxReadAhead = 256 * 1024, SharedCache = new DriveBlockCache(1 << 20) };
        Drive.Counters.Clear();
        using (var probe = Client.OpenRead(file, shared))
        {
            probe.Hint(1000, 100_000);
            probe.Position = 1000;
            Assert.True(await probe.ReadAsync(new byte[4096], 0, 4096) > 0);
            Assert.Equal(16 * 1024, probe.BytesRequested);
        }
        using var save = Client.OpenRead(file, shared);
        save.Hint(1000, 100_000);
        save.Position = 1000;
        byte[] buffer = await ReadExactlyAsync(save, 100_000);
        Assert.Equal(1, save.RangeRequests);
        Assert.Equal(100_000 - 16 * 1024, save.BytesRequested);
        Assert.Equal(100_000, Drive.Counters.MediaBytesServed); // each byte once
        Assert.Equal(File.ReadAllBytes(Drive.Files.Single(f => f.Id == file.Id).ContentPath)[1000..101000], buffer);
    }

    [Fact]
    public async Task A_200_to_a_range_request_stops_at_once_with_RangeIgnored_and_reads_nothing_of_the_body()
    {
        var file = await ListedAsync(Drive.AddExport(items: 400, parts: 1).Parts[0]);
        Drive.AddFaults(new[] { new DriveFaultRule { Kind = "rangeIgnored", Target = "media" } });
        using var stream = Client.OpenRead(file, Small);
        var e = await Assert.ThrowsAsync<DriveApiException>(() => stream.ReadAsync(new byte[100], 0, 100));
        Assert.Equal(DriveErrorKind.RangeIgnored, e.Kind);
        Assert.Contains(file.Name, e.Message);
        Assert.Equal(0, Client.Stats.BytesReceived);
    }

    [Fact]
    public async Task A_part_replaced_with_another_size_mid_read_fails_as_PartChanged_never_mixing_versions()
    {
        var rec = Drive.AddExport(items: 300, parts: 1).Parts[0];
        var file = await ListedAsync(rec);
        using var stream = Client.OpenRead(file, Small);
        Assert.Equal(100, await stream.ReadAsync(new byte[100], 0, 100));
        Drive.Replace(rec.Id, append: 10);
        stream.Position = file.Size!.Value / 2;
        var e = await Assert.ThrowsAsync<DriveApiException>(() => stream.ReadAsync(new byte[100], 0, 100));
        Assert.Equal(DriveErrorKind.PartChanged, e.Kind);
        Assert.Contains(rec.Name, e.Message);
    }

    [Fact]
    public async Task A_part_replaced_with_the_same_size_is_caught_by_md5_when_opened_and_by_CheckUnchanged()
    {
        var rec = Drive.AddExport(items: 100, parts: 1).Parts[0];
        var file = await ListedAsync(rec);
        using var reading = Client.OpenRead(file, Small);
        Assert.Equal(10, await reading.ReadAsync(new byte[10], 0, 10));
        Drive.Replace(rec.Id);
        Assert.Equal(file.Size, rec.Size);
        var late = await Assert.ThrowsAsync<DriveApiException>(() => reading.CheckUnchangedAsync(default));
        Assert.Equal(DriveErrorKind.PartChanged, late.Kind);
        using var fresh = Client.OpenRead(file, Small);
        var e = await Assert.ThrowsAsync<DriveApiException>(() => fresh.ReadAsync(new byte[10], 0, 10));
        Assert.Equal(DriveErrorKind.PartChanged, e.Kind);
        Assert.Contains("md5", e.Message);
    }

    [Fact]
    public async Task A_part_deleted_mid_read_is_NotFound_naming_the_part()
    {
        var rec = Drive.AddExport(items: 300, parts: 1).Parts[0];
        var file = await ListedAsync(rec);
        using var stream = Client.OpenRead(file, Small);
        await stream.ReadAsync(new byte[10], 0, 10);
        Drive.AddFaults(new[] { new DriveFaultRule { Kind = "delete", Target = "media", FileId = rec.Id } });
        stream.Position = file.Size!.Value - 10;
        var e = await Assert.ThrowsAsync<DriveApiException>(() => stream.ReadAsync(new byte[10], 0, 10));
        Assert.Equal(DriveErrorKind.NotFound, e.Kind);
        Assert.Contains(rec.Name, e.Message);
    }

    [Fact]
    public async Task A_403_rate_limit_on_a_range_is_backed_off_and_the_bytes_are_right()
    {
        var rec = Drive.AddExport(items: 100, parts: 1).Parts[0];
        var file = await ListedAsync(rec);
        Drive.AddFaults(new[] { new DriveFaultRule { Kind = "userRateLimitExceeded", Target = "media", Count = 2 } });
        using var stream = Client.OpenRead(file, Small);
        var buffer = new byte[50];
        Assert.Equal(50, await stream.ReadAsync(buffer, 0, 50));
        Assert.Equal(File.ReadAllBytes(rec.ContentPath)[..50], buffer);
        Assert.Equal(3, Drive.Counters["drive.files.media"]);
    }

    [Fact]
    public async Task An_abusive_file_fails_clearly_unless_abuse_is_acknowledged()
    {
        var rec = Drive.AddExport(items: 50, parts: 1).Parts[0];
        var file = await ListedAsync(rec);
        Drive.SetFlags(rec.Id, abusive: true, trashed: null);
        using (var stream = Client.OpenRead(file, Small))
        {
            var e = await Assert.ThrowsAsync<DriveApiException>(() => stream.ReadAsync(new byte[10], 0, 10));
            Assert.Equal(DriveErrorKind.AbusiveFile, e.Kind);
            Assert.Contains("malware", e.Message);
        }
        using (var stream = Client.OpenRead(file, new DriveRangeStreamOptions { AcknowledgeAbuse = true }))
            Assert.Equal(10, await stream.ReadAsync(new byte[10], 0, 10));
    }

    [Fact]
    public async Task A_stalled_body_is_dropped_after_the_idle_timeout_and_the_rest_reopened()
    {
        var rec = Drive.AddExport(items: 400, parts: 1).Parts[0];
        var file = await ListedAsync(rec);
        Connection.Api.IdleReadTimeout = TimeSpan.FromMilliseconds(500);
        using var stream = Client.OpenRead(file, Small);
        stream.Hint(0, file.Size!.Value);
        Drive.AddFaults(new[] { new DriveFaultRule { Kind = "stall", Target = "media", DelayMs = 20_000 } });
        var clock = Stopwatch.StartNew();
        using var md5 = MD5.Create();
        // Reads of a block or more: the whole hinted range is one streamed body (the one that stalls).
        Assert.Equal(rec.Md5, Convert.ToHexString(md5.ComputeHash(new BufferedStream(stream, Small.BlockSize))).ToLowerInvariant());
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), clock.Elapsed.ToString());
        Assert.Equal(2, stream.RangeRequests);
    }

    [Fact]
    public async Task Cancellation_ends_a_stalled_read_within_a_second()
    {
        var file = await ListedAsync(Drive.AddExport(items: 400, parts: 1).Parts[0]);
        using var cts = new CancellationTokenSource();
        using var stream = Client.OpenRead(file, Small, cts.Token);
        stream.Hint(0, file.Size!.Value);
        Drive.AddFaults(new[] { new DriveFaultRule { Kind = "stall", Target = "media", DelayMs = 30_000 } });
        var buffer = new byte[1 << 20];
        var read = Task.Run(async () => { while (await stream.ReadAsync(buffer, 0, buffer.Length) > 0) { } });
        await Task.Delay(300);
        var clock = Stopwatch.StartNew();
        cts.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => read);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(1), clock.Elapsed.ToString());
    }

    private static async Task<byte[]> ReadExactlyAsync(Stream s, int count)
    {
        var buffer = new byte[count];
        int got = 0;
        while (got < count) got += await s.ReadAsync(buffer, got, count - got);
        return buffer;
    }

    private static byte[] ReadAll(Stream s)
    {
        using var m = new MemoryStream();
        s.CopyTo(m);
        return m.ToArray();
    }
}
