using GPhotos.Model;
using GPhotos.Sources.Drive;
using Xunit;

namespace GPhotos.Core.Tests.Drive;

/// <summary>Grouping parts into exports, completeness, and the staleness warning.</summary>
public class TakeoutArchiveCatalogTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 6, 12, 0, 0, TimeSpan.Zero);

    private static TakeoutPartFile Part(string name, double minutesAgo = 600, long size = 100) =>
        new() { Name = name, Size = size, ModifiedTime = Now.AddMinutes(-minutesAgo), Location = TakeoutArchiveLocation.Drive, DriveFileId = "id-" + name };

    [Theory]
    [InlineData("takeout-20261120T101500Z-001.zip", "takeout-20261120t101500z", 1, "zip")]
    [InlineData("takeout-20261120T101500Z-012.tgz", "takeout-20261120t101500z", 12, "tgz")]
    [InlineData("Takeout-20261120T101500Z-3.tar.gz", "takeout-20261120t101500z", 3, "tgz")]
    public void Part_names_give_export_time_and_number(string name, string export, int part, string format)
    {
        Assert.True(TakeoutArchiveCatalog.TryParseName(name, out string id, out DateTimeOffset time, out int n, out string f));
        Assert.Equal((export, part, format), (id, n, f));
        Assert.Equal(new DateTimeOffset(2026, 11, 20, 10, 15, 0, TimeSpan.Zero), time);
    }

    [Theory]
    [InlineData("takeout-20261120T101500Z-000.zip")]
    [InlineData("takeout-20261320T101500Z-001.zip")]
    [InlineData("takeout-20261120T101500Z-001.zip.crdownload")]
    [InlineData("photos.zip")]
    [InlineData(null)]
    public void Other_names_are_not_parts(string name) => Assert.False(TakeoutArchiveCatalog.TryParseName(name, out _, out _, out _, out _));

    [Fact]
    public void Exports_come_newest_first_with_parts_in_order_and_a_shared_export_id()
    {
        var c = TakeoutArchiveCatalog.Build(new[]
        {
            Part("takeout-20260901T000000Z-002.zip"), Part("takeout-20261101T000000Z-002.zip"), Part("takeout-20261101T000000Z-001.zip"), Part("takeout-20260901T000000Z-001.zip"),
        }, Now);
        Assert.Equal(new[] { "takeout-20261101T000000Z-001.zip", "takeout-20261101T000000Z-002.zip", "takeout-20260901T000000Z-001.zip", "takeout-20260901T000000Z-002.zip" },
            c.Archives.Select(a => a.Name));
        Assert.All(c.Archives, a => Assert.True(a.IsComplete, a.Completeness));
        Assert.All(c.Archives, a => Assert.Equal(2, a.PartCount));
        Assert.Equal("takeout-20261101t000000z", c.Archives[0].ExportId);
        Assert.Empty(c.Warnings);
    }

    [Fact]
    public void A_missing_part_makes_the_export_incomplete_with_a_warning_naming_it()
    {
        var c = TakeoutArchiveCatalog.Build(new[] { Part("takeout-20261101T000000Z-001.zip"), Part("takeout-20261101T000000Z-003.zip") }, Now);
        Assert.All(c.Archives, a => Assert.False(a.IsComplete));
        Assert.Contains("part 2 missing", c.Archives[0].Completeness);
        Assert.Contains(c.Warnings, w => w.ExportId == "takeout-20261101t000000z" && w.Message.Contains("part 2 missing"));
    }

    [Fact]
    public void A_part_changed_within_the_settle_time_means_parts_may_still_be_arriving()
    {
        var c = TakeoutArchiveCatalog.Build(new[] { Part("takeout-20261101T000000Z-001.zip"), Part("takeout-20261101T000000Z-002.zip", minutesAgo: 5) }, Now);
        Assert.All(c.Archives, a => Assert.False(a.IsComplete));
        Assert.Contains("still be arriving", c.Archives[0].Completeness);
        var settled = TakeoutArchiveCatalog.Build(new[] { Part("takeout-20261101T000000Z-001.zip"), Part("takeout-20261101T000000Z-002.zip", minutesAgo: 61) }, Now);
        Assert.All(settled.Archives, a => Assert.True(a.IsComplete));
    }

    [Fact]
    public void The_same_part_twice_is_not_complete_and_a_foreign_name_is_warned_about_not_dropped_silently()
    {
        var c = TakeoutArchiveCatalog.Build(new[] { Part("takeout-20261101T000000Z-001.zip"), Part("takeout-20261101T000000Z-001.zip"), Part("holiday.zip") }, Now);
        Assert.Equal(2, c.Archives.Count);
        Assert.Contains("part 1 is there 2 times", c.Archives[0].Completeness);
        Assert.Contains(c.Warnings, w => w.ExportId == null && w.Message.Contains("holiday.zip") && w.Message.Contains("not named like a Takeout part"));
    }

    [Fact]
    public void An_export_older_than_the_two_month_schedule_warns_with_what_to_do()
    {
        var old = TakeoutArchiveCatalog.Build(new[] { Part("takeout-20260801T000000Z-001.zip") }, Now);
        string w = TakeoutArchiveCatalog.StaleWarning(old.Archives, Now);
        Assert.Contains("takeout-20260801t000000z", w);
        Assert.Contains("takeout.google.com", w);
        Assert.Contains("every 2 months", w);
        var recent = TakeoutArchiveCatalog.Build(new[] { Part("takeout-20261001T000000Z-001.zip") }, Now);
        Assert.Null(TakeoutArchiveCatalog.StaleWarning(recent.Archives, Now));
        Assert.Null(TakeoutArchiveCatalog.StaleWarning(Array.Empty<TakeoutArchive>(), Now));
    }
}
