#nullable enable
using System.IO.Compression;
using GPhotos.Errors;
using GPhotos.Model;
using GPhotos.Reporting;
using GPhotos.Sources.Drive;
using GPhotos.Sources.Takeout;
using Xunit;

namespace GPhotos.Core.Tests.Errors;

/// <summary>
/// The Takeout reader reports through <see cref="IReporter"/> (issue 13): warnings with a catalog id, unreadable parts as
/// catalog errors (IReporter.Error), nothing dropped, and the old strict behaviour without a reporter.
/// </summary>
public sealed class TakeoutReportingTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "gphotos-takeout-reporting-" + Guid.NewGuid().ToString("N"));

    public TakeoutReportingTests() => Directory.CreateDirectory(_dir);

    public void Dispose() { try { Directory.Delete(_dir, true); } catch (IOException) { } }

    /// <summary>A part with one photo and one sidecar whose media file is missing (a warning), and a damaged part.</summary>
    private (string good, string bad) Parts()
    {
        string good = Path.Combine(_dir, "takeout-20261101T000000Z-001.zip");
        using (ZipArchive zip = ZipFile.Open(good, ZipArchiveMode.Create))
        {
            using (var w = new StreamWriter(zip.CreateEntry("Takeout/Google Photos/Trip/a.jpg").Open())) w.Write("not really a jpeg");
            using (var w = new StreamWriter(zip.CreateEntry("Takeout/Google Photos/Trip/lost.jpg.json").Open()))
                w.Write("{\"title\":\"lost.jpg\",\"photoTakenTime\":{\"timestamp\":\"1600000000\"}}");
        }
        string bad = Path.Combine(_dir, "takeout-20261101T000000Z-002.zip");
        File.WriteAllBytes(bad, new byte[] { (byte)'P', (byte)'K', 3, 4 }.Concat(Enumerable.Repeat((byte)0x5A, 5000)).ToArray());
        return (good, bad);
    }

    [Fact]
    public void Warnings_and_unreadable_parts_go_to_the_reporter_in_order_and_reading_goes_on()
    {
        var (good, bad) = Parts();
        var reporter = new QueueReporter();
        var reader = new TakeoutReader(new[] { good, bad }, new TakeoutReaderOptions { Reporter = reporter });
        var items = reader.ReadItems().ToList();

        Assert.Contains(items, i => i.Filename == "a.jpg");
        var reports = new List<Report>();
        while (reporter.TryTake(out Report r)) reports.Add(r);

        Report error = Assert.Single(reports, r => r.Kind == ReportKind.Error);
        Assert.Equal(ErrorCatalog.TakeoutArchiveUnreadable, error.Error.Id);
        Assert.Equal(GPhotosErrorCategory.ReadError, error.Error.Category);
        Assert.False(error.Error.StopsRun);
        Assert.Equal(bad, error.Target);
        Assert.Contains(bad, error.Message);

        List<Report> warnings = reports.Where(r => r.Kind == ReportKind.Warning).ToList();
        Assert.Contains(warnings, w => w.Message.Contains("lost.jpg.json"));
        Assert.All(warnings, w => Assert.Equal(ErrorCatalog.TakeoutEntrySkipped, w.WarningId));
        // Every warning the stats kept was reported too: none only in the stats.
        Assert.Equal(reader.Stats.Warnings.Count, warnings.Count);
        Assert.Equal(1, reader.Stats.FailedArchives);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Without_a_reporter_or_with_the_null_one_the_first_bad_part_is_thrown_not_dropped(bool nullReporter)
    {
        var (good, bad) = Parts();
        var options = new TakeoutReaderOptions { Reporter = nullReporter ? NullReporter.Instance : null };
        var reader = new TakeoutReader(new[] { good, bad }, options);
        var ex = Assert.Throws<TakeoutArchiveException>(() => reader.ReadItems().ToList());
        Assert.Equal(bad, ex.ArchivePath);
    }

    [Fact]
    public void Removal_reading_passes_warnings_on_and_keeps_an_unreadable_part_as_that_parts_verdict_not_a_second_error()
    {
        var (good, bad) = Parts();
        var parts = new[] { Part(good), Part(bad) };
        var reporter = new QueueReporter();
        TakeoutPartItems read = new TakeoutReaderPartItemSource().ReadItems(parts, reporter, CancellationToken.None);

        Assert.Contains(read.Items, i => i.Filename == "a.jpg");
        Exception why = Assert.Single(read.ReadErrors, e => ReferenceEquals(e.Key, parts[1])).Value;
        Assert.Equal(bad, Assert.IsType<TakeoutArchiveException>(why).ArchivePath);
        Assert.False(read.ReadErrors.ContainsKey(parts[0]));

        var reports = new List<Report>();
        while (reporter.TryTake(out Report r)) reports.Add(r);
        // Remove-GPhotosTakeoutArchive reports the part once, as why it was kept (TakeoutArchiveNotRemoved).
        Assert.DoesNotContain(reports, r => r.Kind == ReportKind.Error);
        Report warning = Assert.Single(reports, r => r.Kind == ReportKind.Warning);
        Assert.Equal(ErrorCatalog.TakeoutEntrySkipped, warning.WarningId);
        Assert.Contains("lost.jpg.json", warning.Message);
    }

    private static TakeoutArchive Part(string path) =>
        new(Path.GetFileName(path), new FileInfo(path).Length, null, 1, "zip", TakeoutArchiveLocation.Local, path, null, null, "takeout-x", null, 2, true, "complete");
}
