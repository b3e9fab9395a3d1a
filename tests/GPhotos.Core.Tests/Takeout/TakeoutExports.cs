using System.Collections.Concurrent;
using GPhotos.Emulator.Takeout;
using Xunit;

namespace GPhotos.Core.Tests.Takeout;

/// <summary>Generated exports, made once per configuration for the whole Takeout collection and deleted afterwards.</summary>
public sealed class TakeoutExports : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "gphotos-takeout-tests-" + Guid.NewGuid().ToString("N")[..8]);
    private readonly ConcurrentDictionary<string, Lazy<TakeoutManifest>> _made = new();

    public TakeoutManifest Get(string language = "en", int parts = 3, bool tgz = false, bool folders = false, int seed = 7, int items = 0, bool large = false)
    {
        var key = $"{language}-p{parts}-{(tgz ? "tgz" : folders ? "dir" : "zip")}-s{seed}-i{items}{(large ? "-large" : "")}";
        return _made.GetOrAdd(key, k => new Lazy<TakeoutManifest>(() => TakeoutGenerator.Generate(new TakeoutGeneratorOptions
        {
            OutputDirectory = Path.Combine(_root, k),
            Language = language,
            Parts = parts,
            Tgz = tgz,
            Folders = folders,
            Seed = seed,
            Items = items,
            Large = large,
        }))).Value;
    }

    /// <summary>A fresh, private folder for tests that damage or add files.</summary>
    public string Scratch(string name)
    {
        var dir = Path.Combine(_root, "scratch-" + name + "-" + Guid.NewGuid().ToString("N")[..6]);
        Directory.CreateDirectory(dir);
        return dir;
    }

    public void Dispose()
    {
        GPhotos.Sources.Takeout.TakeoutContent.ReleaseArchives();
        try { Directory.Delete(_root, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}

[CollectionDefinition("Takeout")]
public sealed class TakeoutCollection : ICollectionFixture<TakeoutExports>
{
}
