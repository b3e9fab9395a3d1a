using System.Security.Cryptography;
using System.Text.Json;
using GPhotos.Emulator.Takeout;
using Xunit;

namespace GPhotos.Core.Tests.Takeout;

[Collection("Takeout")]
public sealed class TakeoutGeneratorTests
{
    private readonly TakeoutExports _exports;

    public TakeoutGeneratorTests(TakeoutExports exports) => _exports = exports;

    private static Dictionary<string, string> Hashes(string dir)
        => Directory.GetFiles(dir).ToDictionary(Path.GetFileName, f => Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(f)))!);

    [Fact]
    public void Same_seed_same_bytes_other_seed_other_bytes()
    {
        TakeoutManifest Make(int seed) => TakeoutGenerator.Generate(new TakeoutGeneratorOptions { OutputDirectory = _exports.Scratch("seed" + seed), Seed = seed, Parts = 2, Tgz = true });
        var a = Make(5);
        var b = Make(5);
        var c = Make(6);
        Assert.Equal(Hashes(a.Directory).Where(kv => kv.Key != "manifest.json"), Hashes(b.Directory).Where(kv => kv.Key != "manifest.json"));
        Assert.NotEqual(Hashes(a.Directory)[a.Parts[0]], Hashes(c.Directory)[c.Parts[0]]);
        Assert.Equal(a.Items.Select(i => i.Id), b.Items.Select(i => i.Id));
    }

    [Fact]
    public void The_takeout_verb_writes_parts_and_a_manifest()
    {
        var dir = _exports.Scratch("cli");
        var code = TakeoutGenerator.Run(new[] { "takeout", "--out", dir, "--seed", "4", "--parts", "3", "--tgz", "--items", "60" });
        Assert.Equal(0, code);
        var manifest = JsonSerializer.Deserialize<TakeoutManifest>(File.ReadAllText(Path.Combine(dir, "manifest.json")), TakeoutGenerator.ManifestJson)!;
        Assert.True(manifest.Items.Count >= 60);
        Assert.Equal(3, manifest.Parts.Count);
        Assert.EndsWith(".tgz", manifest.Parts[1]);
        foreach (var p in manifest.Parts) Assert.True(File.Exists(Path.Combine(dir, p)), p);
        // The verb may be passed on or already stripped by the emulator's Program.
        Assert.Equal(0, TakeoutGenerator.Run(new[] { "--out", _exports.Scratch("cli2"), "--lang", "de", "--folders" }));
    }

    [Theory]
    [InlineData("")]
    [InlineData("takeout --out")]
    [InlineData("takeout --out x --bogus")]
    [InlineData("takeout --out x --lang xx")]
    [InlineData("takeout --out x --parts many")]
    public void Bad_usage_returns_2(string commandLine)
        => Assert.Equal(2, TakeoutGenerator.Run(commandLine.Split(' ', StringSplitOptions.RemoveEmptyEntries)));
}
