using System.Diagnostics;
using System.Net;
using GPhotos.Emulator.Media;
using Xunit;
using Xunit.Abstractions;

namespace GPhotos.Emulator.Tests;

public class ScaleTests
{
    private readonly ITestOutputHelper _out;
    public ScaleTests(ITestOutputHelper output) => _out = output;

    [Fact]
    public async Task Hundred_thousand_items_generate_fast_without_media_in_memory()
    {
        long before = GC.GetTotalMemory(true);
        var sw = Stopwatch.StartNew();
        await using var emu = await Emu.StartAsync(new EmulatorOptions { Photos = 90_000, Videos = 9_000, MotionPhotos = 1_000, ProcessingVideos = 50, Albums = 10, PhotoSize = 3_000_000, VideoSize = 200_000_000 });
        var startup = sw.Elapsed;
        long after = GC.GetTotalMemory(true);
        _out.WriteLine($"100k items: startup {startup.TotalMilliseconds:F0} ms, managed heap +{(after - before) / 1048576.0:F0} MiB");
        Assert.Equal(100_000, emu.State.Library.Items.Count);
        Assert.True(startup < TimeSpan.FromSeconds(15), $"startup took {startup}");
        // 100k × (3 MB or 200 MB) would be terabytes; metadata only is well under 400 MB.
        Assert.True(after - before < 400L * 1024 * 1024, $"heap grew by {(after - before) / 1048576} MiB");

        // Paging the whole library stays fast (first and last pages).
        sw.Restart();
        var p1 = await emu.Json(emu.Get("/v1/mediaItems?pageSize=100"));
        Assert.Equal(100, p1.GetProperty("mediaItems").GetArrayLength());
        var s1 = await emu.Json(emu.Post("/v1/mediaItems:search", new { pageSize = 100, filters = new { mediaTypeFilter = new { mediaTypes = new[] { "VIDEO" } } } }));
        var s2 = await emu.Json(emu.Post("/v1/mediaItems:search", new { pageSize = 100, pageToken = s1.GetProperty("nextPageToken").GetString(), filters = new { mediaTypeFilter = new { mediaTypes = new[] { "VIDEO" } } } }));
        Assert.Equal(100, s2.GetProperty("mediaItems").GetArrayLength());
        _out.WriteLine($"3 pages: {sw.ElapsedMilliseconds} ms");
        Assert.True(sw.Elapsed < TimeSpan.FromSeconds(10));

        // A 200 MB video exists only virtually: HEAD reports its length, bytes come on demand.
        var video = emu.State.Library.Items.First(i => i.IsVideo && i.Status == VideoStatus.Ready);
        var url = (await emu.Json(emu.Get("/v1/mediaItems/" + video.Id))).GetProperty("baseUrl").GetString();
        using var head = await emu.Http.SendAsync(new HttpRequestMessage(HttpMethod.Head, url + "=dv"));
        Assert.Equal(200_000_000, head.Content.Headers.ContentLength);
    }

    [Fact]
    public void Byte_generation_is_much_faster_than_a_network()
    {
        var blob = MediaFactory.Mp4(256L * 1024 * 1024, 12345, DateTimeOffset.UnixEpoch);
        var buf = new byte[256 * 1024];
        var sw = Stopwatch.StartNew();
        for (long off = 0; off < blob.Length; off += buf.Length)
            blob.Fill(off, buf.AsSpan(0, (int)Math.Min(buf.Length, blob.Length - off)));
        double gbps = blob.Length / sw.Elapsed.TotalSeconds / 1e9;
        _out.WriteLine($"generator: {gbps:F2} GB/s");
        Assert.True(gbps > 0.5, $"generator only {gbps:F2} GB/s");
    }

    [Fact]
    public async Task Loopback_serving_is_fast()
    {
        await using var emu = await Emu.StartAsync(Emu.Small(o => o.VideoSize = 300_000_000));
        var video = emu.State.Library.Items.First(i => i.IsVideo && i.Status == VideoStatus.Ready);
        var url = (await emu.Json(emu.Get("/v1/mediaItems/" + video.Id))).GetProperty("baseUrl").GetString();
        var sw = Stopwatch.StartNew();
        using var res = await emu.Http.GetAsync(url + "=dv", HttpCompletionOption.ResponseHeadersRead);
        await using var s = await res.Content.ReadAsStreamAsync();
        var buf = new byte[1 << 20];
        long total = 0;
        int n;
        while ((n = await s.ReadAsync(buf)) > 0) total += n;
        double gbps = total / sw.Elapsed.TotalSeconds / 1e9;
        _out.WriteLine($"HTTP loopback: {gbps:F2} GB/s");
        Assert.Equal(300_000_000, total);
        Assert.Equal(300_000_000, emu.State.Counters.MediaBytesServed);
        Assert.True(gbps > 0.15, $"only {gbps:F2} GB/s"); // loose: shared 2-core CI; typically > 1 GB/s
    }
}
