using System.Security.Cryptography;
using GPhotos.Model;
using GPhotos.Sources.Takeout;
using Xunit;

namespace GPhotos.Core.Tests.Takeout;

[Collection("Takeout")]
public sealed class TakeoutContentTests
{
    private readonly TakeoutExports _exports;

    public TakeoutContentTests(TakeoutExports exports) => _exports = exports;

    private static string Sha(Stream s) => Convert.ToHexString(SHA256.HashData(s)).ToLowerInvariant();

    [Fact]
    public void Opening_tgz_items_in_reading_order_decompresses_each_part_once()
    {
        var m = _exports.Get("en", 4, tgz: true, items: 300, seed: 21);
        var expected = m.Items.ToDictionary(i => i.Id);
        var items = new TakeoutReader(TakeoutAssert.PartPaths(m)).ReadItems()
            .Where(i => i.TakeoutArchive.EndsWith(".tgz", StringComparison.Ordinal)).ToList();
        Assert.True(items.Count > 100);
        TakeoutContent.ReleaseArchives();

        var before = TakeoutContent.TarPassesStarted;
        foreach (var item in items)
        {
            using var s = TakeoutContent.Open(item);
            Assert.Equal(expected[item.Id].Sha256, Sha(s));
        }
        var tgzParts = items.Select(i => i.TakeoutArchive).Distinct().Count();
        Assert.Equal(tgzParts, TakeoutContent.TarPassesStarted - before);

        // Going back costs a new pass from the start, and still gives the right bytes.
        using (var again = TakeoutContent.Open(items[0])) Assert.Equal(expected[items[0].Id].Sha256, Sha(again));
        Assert.Equal(tgzParts + 1, TakeoutContent.TarPassesStarted - before);

        // Reading only the start of an entry does not disturb the next one.
        TakeoutContent.ReleaseArchives();
        for (int i = 0; i < items.Count; i += 2)
        {
            using (var partial = TakeoutContent.Open(items[i])) partial.ReadByte();
            if (i + 1 < items.Count)
                using (var next = TakeoutContent.Open(items[i + 1])) Assert.Equal(expected[items[i + 1].Id].Sha256, Sha(next));
        }
        TakeoutContent.ReleaseArchives();
    }

    [Fact]
    public void Parallel_opens_of_zip_and_tgz_entries_give_the_right_bytes()
    {
        var m = _exports.Get("en", 4, tgz: true, items: 300, seed: 21);
        var expected = m.Items.ToDictionary(i => i.Id);
        var items = new TakeoutReader(TakeoutAssert.PartPaths(m)).ReadItems().ToList();
        var failures = new System.Collections.Concurrent.ConcurrentBag<string>();
        Parallel.ForEach(items, new ParallelOptions { MaxDegreeOfParallelism = 4 }, item =>
        {
            using var s = TakeoutContent.Open(item);
            if (Sha(s) != expected[item.Id].Sha256) failures.Add(item.TakeoutEntry);
        });
        Assert.Empty(failures);
        TakeoutContent.ReleaseArchives();
        Assert.Equal(0, TakeoutContent.IdleHandles);
    }

    [Fact]
    public void Idle_handles_close_themselves()
    {
        var m = _exports.Get();
        var item = new TakeoutReader(TakeoutAssert.PartPaths(m)).ReadItems().First(i => i.TakeoutArchive.EndsWith(".zip", StringComparison.Ordinal));
        var saved = TakeoutContent.IdleArchiveTimeout;
        TakeoutContent.IdleArchiveTimeout = TimeSpan.FromSeconds(1);
        try
        {
            TakeoutContent.ReleaseArchives();
            using (TakeoutContent.Open(item)) { }
            Assert.True(TakeoutContent.IdleHandles > 0);
            var deadline = DateTime.UtcNow.AddSeconds(10);
            while (TakeoutContent.IdleHandles > 0 && DateTime.UtcNow < deadline) Thread.Sleep(100);
            Assert.Equal(0, TakeoutContent.IdleHandles);
        }
        finally
        {
            TakeoutContent.IdleArchiveTimeout = saved;
        }
    }

    [Fact]
    public void A_damaged_part_fails_loudly_never_with_short_bytes()
    {
        var m = _exports.Get("en", 4, tgz: true, items: 300, seed: 21);
        var expected = m.Items.ToDictionary(i => i.Id);
        var dir = _exports.Scratch("damaged-entry");
        var items = new TakeoutReader(TakeoutAssert.PartPaths(m)).ReadItems().ToList();
        foreach (var part in items.GroupBy(i => i.TakeoutArchive).Take(2)) // one zip, one tgz
        {
            var copy = Path.Combine(dir, Path.GetFileName(part.Key));
            File.Copy(part.Key, copy);
            // Damage the middle of the part (zip: entry data, central directory intact; tgz: a cut).
            using (var f = new FileStream(copy, FileMode.Open))
            {
                if (copy.EndsWith(".tgz", StringComparison.Ordinal)) f.SetLength(f.Length / 2);
                else
                {
                    f.Position = f.Length / 3;
                    f.Write(Enumerable.Repeat((byte)0xAB, 4096).ToArray());
                }
            }
            int good = 0;
            TakeoutArchiveException failure = null;
            foreach (var item in part)
            {
                var moved = new MediaItem { Source = MediaSource.Takeout, TakeoutArchive = copy, TakeoutEntry = item.TakeoutEntry, Filename = item.Filename };
                try
                {
                    using var s = TakeoutContent.Open(moved);
                    var sha = Sha(s);
                    if (sha != expected[item.Id].Sha256)
                    {
                        // A stored (uncompressed) zip entry can be overwritten without any check failing while
                        // streaming; the CRC is only checked by some runtimes. Deflated data must fail, not differ.
                        Assert.EndsWith(".zip", copy);
                        continue;
                    }
                    good++;
                }
                catch (TakeoutArchiveException ex)
                {
                    failure = ex;
                    break;
                }
            }
            Assert.True(good > 0, "entries before the damage are read");
            Assert.NotNull(failure);
            Assert.Equal(copy, failure.ArchivePath);
            Assert.Contains(Path.GetFileName(copy), failure.Message);
        }
        TakeoutContent.ReleaseArchives();
    }
}

[Collection("Takeout")]
public sealed class TakeoutFolderInputTests
{
    private readonly TakeoutExports _exports;

    public TakeoutFolderInputTests(TakeoutExports exports) => _exports = exports;

    [Fact]
    public void Year_and_album_folders_can_be_given_directly()
    {
        var m = _exports.Get("fr", 1, folders: true);
        var photosRoot = Path.Combine(m.Directory, m.Parts[0], "Takeout", "Google Photos");
        var year = Path.Combine(photosRoot, "Photos de 2021") + Path.DirectorySeparatorChar;
        var album = Path.Combine(photosRoot, "Summer Trip");
        var items = new TakeoutReader(new[] { year, album }).ReadItems().ToList();

        var expected = m.Items.Where(i => !i.IsTrashed && (i.Entry.Contains("/Photos de 2021/") || (i.Albums.Contains("Summer Trip") && !i.Entry.Contains("/Photos de ")))).ToList();
        Assert.NotEmpty(expected);
        foreach (var e in m.Items.Where(i => !i.IsTrashed && i.Entry.Contains("/Photos de 2021/")))
        {
            var a = Assert.Single(items, i => i.Id == e.Id);
            Assert.Equal(e.Filename, a.Filename);
            Assert.Equal(e.CreationTime, a.CreationTime);
            // Only the album given is known here.
            Assert.Equal(e.Albums.Contains("Summer Trip") ? new[] { "Summer Trip" } : Array.Empty<string>(), a.Albums);
        }
        Assert.Equal(year.TrimEnd(Path.DirectorySeparatorChar), items.First(i => i.TakeoutEntry.StartsWith("IMG_0001", StringComparison.Ordinal)).TakeoutArchive);
    }
}
