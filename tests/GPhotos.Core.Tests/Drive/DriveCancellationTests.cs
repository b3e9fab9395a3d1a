using System.Diagnostics;
using GPhotos.Emulator.Drive;
using GPhotos.Model;
using GPhotos.Sources.Drive;
using GPhotos.Sources.Takeout;
using Xunit;

namespace GPhotos.Core.Tests.Drive;

/// <summary>
/// Ctrl+C on the Drive read paths the Takeout reader and Save use (a zip opened through TakeoutPartSources, read
/// synchronously): the run's token reaches a stalled range read, and a stopped run leaves nothing behind for the next.
/// </summary>
[Collection("Takeout")]
public class DriveCancellationTests : DriveTakeoutTest
{
    private async Task<(List<MediaItem> Items, List<TakeoutArchive> Parts)> ListedExportAsync()
    {
        DriveExport export = Drive.AddExport(items: 40, parts: 2, seed: 5, exportTime: Server.State.Clock.UtcNow.AddHours(-2));
        var files = (await Client.ListTakeoutPartsAsync(default)).Where(f => export.Parts.Any(p => p.Id == f.Id)).Select(TakeoutPartFile.FromDrive);
        var parts = TakeoutArchiveCatalog.Build(files, Server.State.Clock.UtcNow).Archives.ToList();
        var keys = parts.Select(a => DriveTakeoutParts.Register(Client, a)).ToList();
        return (new TakeoutReader(keys, new TakeoutReaderOptions()).ReadItems().ToList(), parts);
    }

    private static byte[] Bytes(MediaItem item)
    {
        using var s = TakeoutContent.Open(item);
        using var m = new MemoryStream();
        s.CopyTo(m);
        return m.ToArray();
    }

    /// <summary>Runs <paramref name="read"/> under a run token against a stalled Drive, cancels, and times the stop.</summary>
    private async Task AssertStopsWithinASecond(Action read)
    {
        Drive.AddFaults(new[] { new DriveFaultRule { Kind = "stall", Target = "media", Count = 1000, DelayMs = 30_000 } });
        using var cts = new CancellationTokenSource();
        Task task = Task.Run(() => { using (DriveTakeoutParts.UseCancellation(cts.Token)) read(); });
        // Stalled: a stalled body was served and the read is still waiting for it (bounded wait on a loaded machine).
        for (var wait = Stopwatch.StartNew(); Drive.Counters.FaultsInjected.Values.Sum() == 0 && !task.IsCompleted && wait.Elapsed < TimeSpan.FromSeconds(20);)
            await Task.Delay(50);
        await Task.Delay(300);
        Assert.False(task.IsCompleted, "the read did not stall: " + task.Exception);
        Assert.True(Drive.Counters.FaultsInjected.Values.Sum() >= 1, "no stalled body was served");
        var clock = Stopwatch.StartNew();
        cts.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => task);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(1), "stopped after " + clock.Elapsed);
        Drive.ClearFaults();
    }

    [Fact]
    public async Task Ctrl_C_ends_a_stalled_Save_read_of_an_item_within_a_second_and_the_next_run_reads_it()
    {
        var (items, parts) = await ListedExportAsync();
        foreach (TakeoutArchive a in parts) DriveTakeoutParts.Register(Client, a); // a later run: no cached blocks
        MediaItem victim = items.First(i => i.Size > 0);
        await AssertStopsWithinASecond(() => Bytes(victim));

        // The stopped run's token stays with that run: a pooled reader it left is not poisoned for the next one.
        Assert.Equal(victim.Size, Bytes(victim).LongLength);
    }

    [Fact]
    public async Task Ctrl_C_ends_a_stalled_listing_of_a_Drive_part_within_a_second()
    {
        var (_, parts) = await ListedExportAsync();
        var keys = parts.Select(a => DriveTakeoutParts.Register(Client, a)).ToList();
        Environment.SetEnvironmentVariable("GPHOTOS_TAKEOUT_CACHE", "off");
        await AssertStopsWithinASecond(() => new TakeoutReader(keys, new TakeoutReaderOptions()).ReadItems().ToList());
    }

    [Fact]
    public void Outside_a_run_no_token_applies_and_a_scope_restores_the_previous_one()
    {
        Assert.False(DriveTakeoutParts.CurrentCancellation.CanBeCanceled);
        using var outer = new CancellationTokenSource();
        using var inner = new CancellationTokenSource();
        using (DriveTakeoutParts.UseCancellation(outer.Token))
        {
            using (DriveTakeoutParts.UseCancellation(inner.Token)) Assert.Equal(inner.Token, DriveTakeoutParts.CurrentCancellation);
            Assert.Equal(outer.Token, DriveTakeoutParts.CurrentCancellation);
        }
        Assert.False(DriveTakeoutParts.CurrentCancellation.CanBeCanceled);
    }
}
