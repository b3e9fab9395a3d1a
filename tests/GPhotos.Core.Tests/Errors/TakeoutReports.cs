#nullable enable
using GPhotos.Errors;
using GPhotos.Reporting;
using GPhotos.Sources.Takeout;
using Xunit;

namespace GPhotos.Core.Tests;

/// <summary>
/// The reporter Takeout reader tests pass (<see cref="TakeoutReaderOptions.Reporter"/>, the reader's one way to report):
/// it checks every report as the user would get it, then hands the test what it asserts on. An unreadable part must
/// come as <see cref="ErrorCatalog.TakeoutArchiveUnreadable"/> (ReadError, goes on) with the part's path as target and
/// in the message; a warning as <see cref="ErrorCatalog.TakeoutEntrySkipped"/>.
/// </summary>
public sealed class TakeoutReports : IReporter
{
    private readonly List<TakeoutArchiveException>? _errors;
    private readonly List<string>? _warnings;

    private TakeoutReports(List<TakeoutArchiveException>? errors, List<string>? warnings)
    {
        _errors = errors;
        _warnings = warnings;
    }

    /// <summary>A reporter that adds each unreadable part's exception to <paramref name="errors"/> and each warning's text to <paramref name="warnings"/>.</summary>
    public static TakeoutReports Into(List<TakeoutArchiveException>? errors, List<string>? warnings = null) => new(errors, warnings);

    public void Error(ErrorEntry error, object? target = null)
    {
        Assert.Equal(ErrorCatalog.TakeoutArchiveUnreadable, error.Id);
        Assert.Equal(GPhotosErrorCategory.ReadError, error.Category);
        Assert.False(error.StopsRun);
        var archive = Assert.IsType<TakeoutArchiveException>(error.Exception);
        Assert.Equal(archive.ArchivePath, Assert.IsType<string>(target));
        Assert.Contains(archive.ArchivePath, error.Message);
        lock (this) _errors?.Add(archive);
    }

    public void Warning(string message, string? warningId = null, object? target = null)
    {
        Assert.Equal(ErrorCatalog.TakeoutEntrySkipped, warningId);
        Assert.False(string.IsNullOrWhiteSpace(message));
        lock (this) _warnings?.Add(message);
    }

    public void Verbose(string message) { }

    public void Progress(ProgressReport progress) { }
}
