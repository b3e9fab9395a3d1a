using Xunit;
namespace GPhotos.Core.Tests.Fuzz;

/// <summary>The harness itself: deterministic for a seed, and it does report a failing parser.</summary>
public class FuzzHarnessTests
{
    [Fact]
    public void Same_seed_gives_the_same_inputs()
    {
        var samples = new[] { new byte[] { 1, 2, 3, 4, 5, 6, 7, 8 } };
        var a = new Random(7); var b = new Random(7);
        for (int i = 0; i < 200; i++) Assert.Equal(Fuzz.Next(a, samples, 1024), Fuzz.Next(b, samples, 1024));
    }

    [Fact]
    public void A_parser_that_throws_fails_the_target_with_the_seed()
    {
        var ex = Assert.ThrowsAny<Exception>(() => Fuzz.Bytes("harness-self-test", new[] { new byte[] { 0, 0, 0, 0 } },
            bytes => { if (bytes.Length != 4 || bytes[0] != 0) throw new IndexOutOfRangeException("boom"); }, iterations: 500));
        Assert.Contains("GPHOTOS_FUZZ_SEED", ex.Message);
    }

    [Fact]
    public void Documented_errors_are_allowed()
    {
        Fuzz.Bytes("harness-allowed", new[] { new byte[] { 1 } },
            _ => throw new FormatException("documented"), allowed: e => e is FormatException, iterations: 50);
    }

    [Fact]
    public void Text_mutations_stay_deterministic_and_bounded()
    {
        var samples = new[] { "{\"title\":\"IMG_0001.JPG\",\"photoTakenTime\":{\"timestamp\":\"1600000000\"}}" };
        var a = new Random(3); var b = new Random(3);
        for (int i = 0; i < 500; i++)
        {
            string x = Fuzz.NextText(a, samples, 256);
            Assert.Equal(x, Fuzz.NextText(b, samples, 256));
            Assert.True(x.Length <= 256);
        }
    }
}
