#nullable enable
using GPhotos.Saving;
using Xunit;

namespace GPhotos.Core.Tests.Saving;

public class FolderLayoutTests
{
    private static readonly DateTime When = new(2024, 3, 5, 23, 30, 0, DateTimeKind.Utc);

    [Fact]
    public void NamedLayouts()
    {
        Assert.Equal("", FolderLayout.Flat.GetFolder(When));
        Assert.Equal("2024", FolderLayout.Year.GetFolder(When));
        Assert.Equal("2024/03", FolderLayout.YearMonth.GetFolder(When));
        Assert.Equal("2024/03/05", FolderLayout.YearMonthDay.GetFolder(When));
    }

    [Fact]
    public void MissingDateGoesToUnknownDate()
    {
        Assert.Equal("unknown-date", FolderLayout.YearMonth.GetFolder(null));
        Assert.Equal("", FolderLayout.Flat.GetFolder(null));
    }

    [Fact]
    public void TimesAreUtc()
    {
        // Unspecified is taken as UTC; a local time is converted to UTC first.
        Assert.Equal("2024/03/05", FolderLayout.YearMonthDay.GetFolder(DateTime.SpecifyKind(When, DateTimeKind.Unspecified)));
        Assert.Equal("2024/03/05", FolderLayout.YearMonthDay.GetFolder(When.ToLocalTime()));
    }

    [Theory]
    [InlineData("yyyy/MM", "2024/03")]
    [InlineData("yyyy/yyyy-MM-dd", "2024/2024-03-05")]
    [InlineData("'photos'/yyyy", "photos/2024")]
    [InlineData("HH:mm", "23_30")]
    public void CustomFormats(string format, string expected)
    {
        Assert.Equal(expected, FolderLayout.Custom(format).GetFolder(When));
    }

    [Theory]
    [InlineData("flat", "Flat")]
    [InlineData("YEAR", "Year")]
    [InlineData("yearmonth", "YearMonth")]
    [InlineData("YearMonthDay", "YearMonthDay")]
    [InlineData("yyyy/MM", "Custom")]
    public void Parse(string text, string name)
    {
        Assert.Equal(name, FolderLayout.Parse(text).Name);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("%")]
    [InlineData("'unterminated")]
    public void BadFormatsAreRejected(string format)
    {
        Assert.Throws<ArgumentException>(() => FolderLayout.Custom(format));
    }
}

public class FolderLayoutEscapeTests
{
    [Theory]
    [InlineData("'.gphotos'/yyyy")]
    [InlineData("'.GPhotos'")]
    [InlineData("'..'/yyyy")]
    [InlineData("yyyy/'..'/'..'/MM")]
    [InlineData("'/'yyyy")]
    public void LayoutsThatLeadIntoGPhotosOrOutsideArePathAreRefused(string format)
    {
        var error = Assert.Throws<ArgumentException>(() => FolderLayout.Custom(format));
        Assert.Contains(format, error.Message);
    }

    [Theory]
    [InlineData("yyyy/MM")]
    [InlineData("'gphotos'/yyyy")]
    [InlineData("yyyy/'.hidden'")]
    public void OrdinaryLayoutsStillWork(string format) => Assert.NotNull(FolderLayout.Custom(format));
}
