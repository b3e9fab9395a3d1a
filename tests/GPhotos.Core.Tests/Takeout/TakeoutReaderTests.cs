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

    [Theory]
    [InlineData("en", 3, false, false)]
    [InlineData("de", 4, true, false)]   // German names, zip + tgz parts
    [InlineData("fr", 2, false, true)]   // French names, extracted folders
    [InlineData("es", 1, true, false)]   // Spanish names, one zip part
    public void Read_MatchesManifest(string language, int parts, bool tgz, bool folders)
    {
        var m = _exports.Get(language, parts, tgz, folders);
        var reader = new TakeoutReader(TakeoutAssert.PartPaths(m));
        var items = reader.ReadItems().ToList();
        _out.WriteLine(reader.Stats.ToString());
        foreach (var w in reader.Stats.Warnings) _out.WriteLine("warning: " + w);
        TakeoutAssert.ItemsMatch(m, items);
        TakeoutAssert.StatsMatch(m, reader.Stats);
    }
}
