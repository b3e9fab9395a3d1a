using System.Diagnostics;
using System.IO.Compression;
using System.Text;
using GPhotos.Sources.Takeout;
using ICSharpCode.SharpZipLib.Tar;
using Xunit;
using Xunit.Abstractions;

namespace GPhotos.Core.Tests.Takeout;

/// <summary>Ctrl+C within a second while a tgz pass decompresses past a multi-GB entry (issue 12).</summary>
[Collection("Takeout")]
public sealed class TakeoutCancellationTests
{
    private readonly TakeoutExports _exports;
    private readonly ITestOutputHelper _out;

    public TakeoutCancellationTests(TakeoutExports exports, ITestOutputHelper output)
    {
        _exports = exports;
        _out = output;
    }

    /// <summary>
    /// A tgz holding one 3 GB video of zeros, then a photo: small on disk (gzip members of 64 MB of zeros, repeated),
    /// but seconds of decompression to get past. Made in well under a second.
    /// </summary>
    private string BigTgz()
    {
        const int chunk = 64 << 20, chunks = 48;
        static byte[] Gzip(byte[] data)
        {
            var ms = new MemoryStream();
            using (var gz = new GZipStream(ms, CompressionLevel.Fastest, leaveOpen: true)) gz.Write(data);
            return ms.ToArray();
        }
        static byte[] Header(string name, long size)
        {
            var h = new TarHeader { Name = name, Size = size, Mode = Convert.ToInt32("644", 8), ModTime = new DateTime(2021, 3, 14), TypeFlag = TarHeader.LF_NORMAL };
            var block = new byte[512];
            h.WriteHeader(block, Encoding.UTF8);
            return block;
        }
        var photo = TakeoutFixtures.Jpeg();
        var path = Path.Combine(_exports.Scratch("cancel"), "takeout-001.tgz");
        using (var f = File.Create(path))
        {
            f.Write(Gzip(Header(TakeoutFixtures.Year + "BIG.mp4", (long)chunk * chunks)));
            var zeros = Gzip(new byte[chunk]);
            for (int i = 0; i < chunks; i++) f.Write(zeros);
            var tail = new MemoryStream();
            tail.Write(Header(TakeoutFixtures.Year + "AFTER.jpg", photo.Length));
            tail.Write(photo);
            tail.Write(new byte[512 - photo.Length % 512 + 1024]);
            f.Write(Gzip(tail.ToArray()));
        }
        return path;
    }

    private TimeSpan TimeToCancel(Action<CancellationToken> run)
    {
        using var cts = new CancellationTokenSource();
        var task = Task.Run(() => run(cts.Token));
        Thread.Sleep(300);
        Assert.False(task.IsCompleted, "the pass must still be running when Ctrl+C comes");
        var clock = Stopwatch.StartNew();
        cts.Cancel();
        var ex = Record.Exception(() => task.Wait(TimeSpan.FromSeconds(30)));
        clock.Stop();
        _out.WriteLine($"stopped {clock.ElapsedMilliseconds} ms after the cancel: {ex?.GetBaseException().GetType().Name}");
        Assert.IsAssignableFrom<OperationCanceledException>(ex?.GetBaseException());
        return clock.Elapsed;
    }

    [Fact]
    public void Indexing_a_tgz_stops_within_a_second_of_the_cancel()
    {
        var tgz = BigTgz();
        var elapsed = TimeToCancel(ct => new TakeoutReader(tgz).ReadItems(ct).ToList());
        Assert.True(elapsed < TimeSpan.FromSeconds(1), $"took {elapsed.TotalMilliseconds:F0} ms");
    }

    [Fact]
    public void Opening_an_entry_behind_a_big_one_in_a_tgz_stops_within_a_second_of_the_cancel()
    {
        var tgz = BigTgz();
        var elapsed = TimeToCancel(ct => TakeoutContent.Open(tgz, TakeoutFixtures.Year + "AFTER.jpg", ct).Dispose());
        Assert.True(elapsed < TimeSpan.FromSeconds(1), $"took {elapsed.TotalMilliseconds:F0} ms");
    }
}
