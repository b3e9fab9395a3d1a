using GPhotos.Core.Tests.Drive;
using GPhotos.Emulator.Drive;
using GPhotos.Model;
using GPhotos.Sources.Drive;
using GPhotos.Sources.Takeout;
using Xunit;

namespace GPhotos.Core.Tests.Takeout;

/// <summary>
/// A zip entry in Drive is read with one exact range (its local header and data), not 64 KB blocks: what makes the
/// issue-14 byte target reachable. The central directory is read once per part and shared by every open.
/// </summary>
[Collection("Takeout")]
public sealed class TakeoutDriveRangeTests : DriveEmulatorTest, IDisposable
{
    public TakeoutDriveRangeTests() => Environment.SetEnvironmentVariable("GPHOTOS_TAKEOUT_CACHE", "off");

    public void Dispose() => Environment.SetEnvironmentVariable("GPHOTOS_TAKEOUT_CACHE", null);

    [Fact]
    public async Task An_entry_costs_one_range_of_its_own_bytes_and_the_directory_is_read_once()
    {
        DriveExport export = Drive.AddExport(items: 400, parts: 1, format: "zip", seed: 5, exportTime: Server.State.Clock.UtcNow.AddHours(-2));
        var files = (await Client.ListTakeoutPartsAsync(default)).Where(f => export.Parts.Any(p => p.Id == f.Id)).Select(TakeoutPartFile.FromDrive);
        var parts = TakeoutArchiveCatalog.Build(files, Server.State.Clock.UtcNow).Archives;
        var keys = parts.Select(a => DriveTakeoutParts.Register(Client, a)).ToList();
        List<MediaItem> items = new TakeoutReader(keys, new TakeoutReaderOptions { ReadMediaHeaders = false }).ReadItems().ToList();
        Assert.NotEmpty(items);

        // A later Save of one item: fresh registration (no cached blocks), so the directory is read again, once.
        foreach (var a in parts) DriveTakeoutParts.Register(Client, a);
        var part = items.GroupBy(i => i.TakeoutArchive).OrderByDescending(g => g.Count()).First().ToList();
        Drive.Counters.Clear();
        long before = Client.Stats.BytesReceived;
        Assert.Equal(part[0].Size, ReadAll(part[0]));
        long firstRequests = Drive.Counters.TotalRequests, firstBytes = Client.Stats.BytesReceived - before;

        // Every further entry of that part: one request for exactly its bytes.
        long moreRequests = 0, moreBytes = 0, expected = 0;
        foreach (var item in part.Skip(1).Take(10))
        {
            Drive.Counters.Clear();
            before = Client.Stats.BytesReceived;
            Assert.Equal(item.Size, ReadAll(item));
            moreRequests += Drive.Counters.TotalRequests;
            moreBytes += Client.Stats.BytesReceived - before;
            // Local header (30 + name), slack for a longer local extra field (256), and the (stored or deflated) data.
            expected += item.Size.Value + 30 + 2 * System.Text.Encoding.UTF8.GetByteCount(item.TakeoutEntry) + 256 + 64;
        }
        int n = Math.Min(10, part.Count - 1);
        string seen = $"first open {firstRequests} requests, {firstBytes:N0} bytes; next {n} opens {moreRequests} requests, {moreBytes:N0} bytes (bound {expected:N0})";
        Console.WriteLine(seen);
        Assert.True(firstRequests <= 4, seen); // metadata check, end records, directory, entry
        Assert.True(firstBytes < export.Parts[0].Size / 2, seen);
        Assert.True(moreRequests <= n, seen);
        Assert.True(moreBytes <= expected, seen);
        TakeoutContent.ReleaseArchives();
    }

    private static long ReadAll(MediaItem item)
    {
        using var s = TakeoutContent.Open(item);
        long total = 0;
        var buffer = new byte[8192];
        int got;
        while ((got = s.Read(buffer, 0, buffer.Length)) > 0) total += got;
        return total;
    }
}
