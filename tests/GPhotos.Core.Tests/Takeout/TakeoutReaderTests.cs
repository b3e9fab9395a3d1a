using System.Diagnostics;
using System.Security.Cryptography;
using GPhotos.Emulator.Takeout;
using GPhotos.Model;
using GPhotos.Sources.Takeout;
using Xunit;
using Xunit.Abstractions;

namespace GPhotos.Core.Tests.Takeout;

[Collection("Takeout")]
public sealed class TakeoutReaderTests
{
    private readonly TakeoutExports _exports;
    private readonly ITestOutputHelper _out;

    public TakeoutReaderTests(TakeoutExports exports, ITestOutputHelper output)
    {
        _exports = exports;
        _out = output;
    }

    private List<MediaItem> Read(TakeoutReader reader)
    {
        var items = reader.ReadItems().ToList();
        _out.WriteLine(reader.Stats.ToString());
        foreach (var w in reader.Stats.Warnings) _out.WriteLine("warning: " + w);
        return items;
    }

    [Theory]
    [InlineData("en", 3, false, false)]
    [InlineData("de", 4, true, false)]   // German names, zip + tgz parts
    [InlineData("fr", 2, false, true)]   // French names, extracted folders
    [InlineData("es", 1, true, false)]   // Spanish names, one zip part
    public void Read_matches_the_manifest(string language, int parts, bool tgz, bool folders)
    {
        var m = _exports.Get(language, parts, tgz, folders);
        var reader = new TakeoutReader(TakeoutAssert.PartPaths(m));
        var items = Read(reader);
        TakeoutAssert.ItemsMatch(m, items);
        TakeoutAssert.StatsMatch(m, reader.Stats);
    }

    [Fact]
    public void Parts_given_in_any_order_give_the_same_items()
    {
        var m = _exports.Get("de", 4, tgz: true);
        var items = Read(new TakeoutReader(TakeoutAssert.PartPaths(m).Reverse()));
        TakeoutAssert.ItemsMatch(m, items);
    }

    [Fact]
    public void The_generated_export_really_has_every_quirk()
    {
        var m = _exports.Get("de", 4, tgz: true);
        var quirks = m.Items.Select(i => i.Quirk).ToHashSet();
        foreach (var q in new[]
        {
            "new-sidecar", "old-sidecar", "cut-suffix-27", "cut-suffix-44", "cut-suffix-45", "cut-suffix-46", "truncated-47",
            "truncated-60", "truncated-60-old", "duplicate-name-1", "duplicate-name-old-1", "edited", "no-extension-sidecar",
            "motion-pixel", "motion-live", "live-own-sidecar-video", "no-sidecar-exif", "no-sidecar-filename-date", "trashed",
            "nfd-media", "nfd-sidecar", "string-numbers", "geo-exif-only", "no-geo", "creation-fallback", "magic-mismatch",
            "album-only", "album-empty-title", "sidecar-other-part",
        })
            Assert.Contains(q, quirks);

        TakeoutManifestItem Q(string quirk) => m.Items.Single(i => i.Quirk == quirk);
        Assert.EndsWith(".jpg.supplemental-metad.json", Q("cut-suffix-27").SidecarEntry);
        Assert.EndsWith(".jpg.s.json", Q("cut-suffix-44").SidecarEntry);
        Assert.EndsWith(".jpg..json", Q("cut-suffix-45").SidecarEntry);
        Assert.Matches(@"_x+\.jpg\.json$", Q("cut-suffix-46").SidecarEntry);
        Assert.EndsWith(".jp.json", Q("truncated-47").SidecarEntry);
        Assert.Equal(47 + 4, Path.GetFileName(Q("truncated-60").Entry).Length);
        Assert.EndsWith("/IMG_0001(1).JPG", Q("duplicate-name-1").Entry);
        Assert.EndsWith("/IMG_0001.JPG.supplemental-metadata(1).json", Q("duplicate-name-1").SidecarEntry);
        Assert.EndsWith("/DSC_0002.JPG(1).json", Q("duplicate-name-old-1").SidecarEntry);
        Assert.EndsWith("/IMG_0200.json", Q("no-extension-sidecar").SidecarEntry);
        Assert.NotEqual(Q("sidecar-other-part").Archive, Q("sidecar-other-part").SidecarArchive);
        Assert.NotEqual(Q("motion-live").Archive, Q("motion-live").MotionVideoArchive);
        Assert.Contains(m.Parts, p => p.EndsWith(".tgz", StringComparison.Ordinal));
        Assert.Contains(m.Parts, p => p.EndsWith(".zip", StringComparison.Ordinal));
        Assert.Contains(m.Items, i => i.Copies > 1 && i.Albums.Count > 1);
        Assert.Contains("/Google Fotos/Fotos von 20", Q("new-sidecar").Entry);
    }

    [Fact]
    public void Trashed_items_are_skipped_unless_asked_for()
    {
        var m = _exports.Get();
        var reader = new TakeoutReader(TakeoutAssert.PartPaths(m), new TakeoutReaderOptions { IncludeTrashed = true });
        var items = Read(reader);
        TakeoutAssert.ItemsMatch(m, items, includeTrashed: true);
        Assert.Equal(0, reader.Stats.TrashedSkipped);
        Assert.Contains(items, i => i.IsTrashed);
    }

    [Theory]
    [InlineData("de", 4, true, false)]
    [InlineData("fr", 2, false, true)]
    public void Content_is_the_archive_bytes(string language, int parts, bool tgz, bool folders)
    {
        var m = _exports.Get(language, parts, tgz, folders);
        var items = Read(new TakeoutReader(TakeoutAssert.PartPaths(m)));
        var expected = m.Items.ToDictionary(i => i.Id);
        foreach (var item in items)
        {
            var e = expected[item.Id];
            using (var s = TakeoutContent.Open(item))
            {
                Assert.Equal(e.Size, s.Length);
                Assert.Equal(e.Sha256, Convert.ToHexString(SHA256.HashData(s)).ToLowerInvariant());
            }
            if (e.MotionVideoEntry != null)
            {
                using var v = TakeoutContent.OpenMotionVideo(item);
                Assert.Equal(e.MotionVideoSize, v.Length);
                Assert.Equal(e.MotionVideoSha256, Convert.ToHexString(SHA256.HashData(v)).ToLowerInvariant());
            }
        }

        // The batch API: each tgz read once, every file exactly as in the manifest.
        int seen = 0;
        foreach (var c in TakeoutContent.OpenMany(items))
        {
            Assert.Null(c.Error);
            var e = expected[c.Item.Id];
            var want = c.Variant == GPhotos.Sources.ContentVariant.Original ? e.Sha256 : e.MotionVideoSha256;
            Assert.Equal(want, Convert.ToHexString(SHA256.HashData(c.Stream)).ToLowerInvariant());
            seen++;
        }
        Assert.Equal(items.Count + items.Count(i => i.MotionVideoEntry != null), seen);
        TakeoutContent.ReleaseArchives();
    }

    [Fact]
    public void A_damaged_part_is_reported_by_name_and_the_others_are_still_read()
    {
        var m = _exports.Get();
        var bad = Path.Combine(_exports.Scratch("garbage"), "takeout-20261101T000000Z-009.zip");
        File.WriteAllBytes(bad, new byte[] { (byte)'P', (byte)'K', 3, 4 }.Concat(Enumerable.Repeat((byte)0x5A, 5000)).ToArray());
        var errors = new List<TakeoutArchiveException>();
        var reader = new TakeoutReader(TakeoutAssert.PartPaths(m).Append(bad), new TakeoutReaderOptions { Reporter = TakeoutReports.Into(errors) });
        var items = Read(reader);

        var error = Assert.Single(errors);
        Assert.Equal(bad, error.ArchivePath);
        Assert.Contains(bad, error.Message);
        Assert.Contains("not a readable zip", error.Message);
        Assert.Equal(1, reader.Stats.FailedArchives);
        TakeoutAssert.ItemsMatch(m, items);

        // Without a reporter (TakeoutReaderOptions.Reporter null) the same problem stops the read with the same clear exception.
        var strict = new TakeoutReader(TakeoutAssert.PartPaths(m).Append(bad));
        var ex = Assert.Throws<TakeoutArchiveException>(() => strict.ReadItems().ToList());
        Assert.Equal(bad, ex.ArchivePath);
    }

    [Fact]
    public void A_truncated_zip_loses_only_its_own_files()
    {
        var m = _exports.Get();
        var dir = _exports.Scratch("truncated-zip");
        var paths = TakeoutAssert.PartPaths(m).Select(p => { var c = Path.Combine(dir, Path.GetFileName(p)); File.Copy(p, c); return c; }).ToArray();
        var victim = paths[1];
        using (var f = new FileStream(victim, FileMode.Open)) f.SetLength(f.Length / 2);
        var errors = new List<TakeoutArchiveException>();
        var items = Read(new TakeoutReader(paths, new TakeoutReaderOptions { Reporter = TakeoutReports.Into(errors) }));

        Assert.Equal(victim, Assert.Single(errors).ArchivePath);
        var entries = items.Select(i => i.TakeoutEntry).ToHashSet();
        var mustSurvive = m.Items.Where(i => !i.IsTrashed && i.Archive != m.Parts[1]).ToList();
        Assert.NotEmpty(mustSurvive);
        foreach (var e in mustSurvive) Assert.Contains(e.Entry, entries);
    }

    [Fact]
    public void A_truncated_tgz_keeps_the_entries_before_the_damage()
    {
        var m = _exports.Get("de", 4, tgz: true);
        var dir = _exports.Scratch("truncated-tgz");
        var paths = TakeoutAssert.PartPaths(m).Select(p => { var c = Path.Combine(dir, Path.GetFileName(p)); File.Copy(p, c); return c; }).ToArray();
        var victim = paths[1];
        Assert.EndsWith(".tgz", victim);
        using (var f = new FileStream(victim, FileMode.Open)) f.SetLength(f.Length * 6 / 10);
        var errors = new List<TakeoutArchiveException>();
        var items = Read(new TakeoutReader(paths, new TakeoutReaderOptions { Reporter = TakeoutReports.Into(errors) }));

        var error = Assert.Single(errors);
        Assert.Equal(victim, error.ArchivePath);
        Assert.Contains("truncated", error.Message);
        Assert.True(error.EntriesKept > 0, "entries before the damage are kept");
        var fromVictim = items.Where(i => i.TakeoutArchive == victim).ToList();
        Assert.NotEmpty(fromVictim);
        // What was kept is whole: its bytes are the generator's.
        var bySha = m.Items.ToDictionary(i => i.Entry, i => i.Sha256);
        foreach (var item in fromVictim)
        {
            using var s = TakeoutContent.Open(item);
            Assert.Equal(bySha[item.TakeoutEntry], Convert.ToHexString(SHA256.HashData(s)).ToLowerInvariant());
        }
        foreach (var e in m.Items.Where(i => !i.IsTrashed && i.Archive != m.Parts[1] && i.SidecarArchive != m.Parts[1]))
            Assert.Contains(items, i => i.TakeoutEntry == e.Entry);
    }

    [Fact]
    public void Missing_and_foreign_inputs_are_reported_clearly()
    {
        var m = _exports.Get();
        var dir = _exports.Scratch("foreign");
        var missing = Path.Combine(dir, "takeout-missing-001.zip");
        var text = Path.Combine(dir, "notes.txt");
        File.WriteAllText(text, "hello");
        var errors = new List<TakeoutArchiveException>();
        var items = Read(new TakeoutReader(TakeoutAssert.PartPaths(m).Append(missing).Append(text), new TakeoutReaderOptions { Reporter = TakeoutReports.Into(errors) }));
        Assert.Equal(2, errors.Count);
        Assert.Contains("does not exist", errors.Single(e => e.ArchivePath == missing).Message);
        Assert.Contains("neither a zip", errors.Single(e => e.ArchivePath == text).Message);
        TakeoutAssert.ItemsMatch(m, items);
    }

    [Fact]
    public void Content_of_a_missing_entry_is_a_clear_error()
    {
        var m = _exports.Get();
        var item = new MediaItem { Source = MediaSource.Takeout, TakeoutArchive = Path.Combine(m.Directory, m.Parts[0]), TakeoutEntry = "Takeout/nope.jpg", Filename = "nope.jpg" };
        var ex = Assert.Throws<TakeoutArchiveException>(() => TakeoutContent.Open(item));
        Assert.Contains("nope.jpg", ex.Message);
        Assert.Throws<ArgumentException>(() => TakeoutContent.Open(new MediaItem { Source = MediaSource.Library, Id = "x" }));
        Assert.Throws<InvalidOperationException>(() => TakeoutContent.OpenMotionVideo(item));
    }

    [Fact]
    public void Without_media_headers_types_come_from_extensions()
    {
        var m = _exports.Get();
        var items = Read(new TakeoutReader(TakeoutAssert.PartPaths(m), new TakeoutReaderOptions { ReadMediaHeaders = false }));
        var byQuirk = m.Items.Where(i => !i.IsTrashed).ToDictionary(i => i.Id, i => i.Quirk);
        var mismatch = items.Single(i => byQuirk[i.Id] == "magic-mismatch");
        Assert.Equal("image/jpeg", mismatch.MimeType);
        Assert.Null(mismatch.Width);
        var exifOnly = items.Single(i => byQuirk[i.Id] == "no-sidecar-exif");
        Assert.Null(exifOnly.CreationTime);
        var byName = items.Single(i => byQuirk[i.Id] == "no-sidecar-filename-date");
        Assert.Equal(new DateTime(2023, 3, 14, 10, 15, 0, DateTimeKind.Utc), byName.CreationTime);
    }

    [Fact]
    public void Enumeration_is_lazy_and_cancellable()
    {
        var m = _exports.Get();
        var reader = new TakeoutReader(TakeoutAssert.PartPaths(m));
        var first = reader.ReadItems().First();
        Assert.NotNull(first.Id);
        Assert.Equal(1, reader.Stats.Items);
        using var cts = new CancellationTokenSource();
        cts.Cancel();
        Assert.ThrowsAny<OperationCanceledException>(() => reader.ReadItems(cts.Token).ToList());
    }

    [Fact]
    public void Progress_is_reported_for_each_phase()
    {
        var m = _exports.Get();
        var reports = new List<TakeoutReadProgress>();
        var items = Read(new TakeoutReader(TakeoutAssert.PartPaths(m), new TakeoutReaderOptions { Progress = new SyncProgress<TakeoutReadProgress>(reports.Add) }));
        Assert.Contains(reports, r => r.Phase == TakeoutReadPhase.Indexing && r.Archive != null);
        Assert.Contains(reports, r => r.Phase == TakeoutReadPhase.Matching);
        var last = reports.Last();
        Assert.Equal(TakeoutReadPhase.Emitting, last.Phase);
        Assert.Equal(items.Count, last.ItemsEmitted);
        Assert.Equal(m.Parts.Count, last.ArchivesTotal);
    }

    [Fact]
    public void Reading_many_items_is_fast()
    {
        const int n = 5000;
        var sw = Stopwatch.StartNew();
        var m = _exports.Get("en", 4, tgz: true, items: n, seed: 11);
        var generated = sw.Elapsed;
        sw.Restart();
        var reader = new TakeoutReader(TakeoutAssert.PartPaths(m));
        var items = reader.ReadItems().ToList();
        var read = sw.Elapsed;
        _out.WriteLine($"{m.Items.Count} items: generated in {generated.TotalSeconds:F1} s; indexed+matched in {reader.Stats.IndexTime.TotalSeconds:F2} s, read in {read.TotalSeconds:F2} s ({reader.Stats})");
        TakeoutAssert.ItemsMatch(m, items);
        TakeoutAssert.StatsMatch(m, reader.Stats);
        Assert.True(read < TimeSpan.FromSeconds(60), $"reading {m.Items.Count} items took {read}");
    }

    [LargeFact]
    public void A_zip64_entry_over_4_GB_is_read_and_streamed()
    {
        var m = _exports.Get("en", 2, large: true, seed: 3);
        var items = Read(new TakeoutReader(TakeoutAssert.PartPaths(m)));
        TakeoutAssert.ItemsMatch(m, items);
        var e = m.Items.Single(i => i.Quirk == "large-zip64");
        var item = items.Single(i => i.Id == e.Id);
        Assert.True(item.Size > uint.MaxValue);
        using var s = TakeoutContent.Open(item);
        Assert.Equal(e.Size, s.Length);
        Assert.Equal(e.Sha256, Convert.ToHexString(SHA256.HashData(s)).ToLowerInvariant());
    }

    private sealed class SyncProgress<T> : IProgress<T>
    {
        private readonly Action<T> _a;
        public SyncProgress(Action<T> a) { _a = a; }
        public void Report(T value) => _a(value);
    }
}

/// <summary>Runs only with GPHOTOS_TEST_LARGE=1: writes and reads a 4 GB zip (about 15 s).</summary>
public sealed class LargeFactAttribute : FactAttribute
{
    public LargeFactAttribute()
    {
        if (Environment.GetEnvironmentVariable("GPHOTOS_TEST_LARGE") != "1")
            Skip = "Set GPHOTOS_TEST_LARGE=1 to write and read a 4 GiB zip64 entry (about 15 s, 4 GB of disk).";
    }
}
