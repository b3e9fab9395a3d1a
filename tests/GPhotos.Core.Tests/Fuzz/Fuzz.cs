using Xunit;
using System.Diagnostics;
using Xunit.Sdk;

namespace GPhotos.Core.Tests.Fuzz;

/// <summary>
/// The one seeded fuzz harness of the suite: every parser of outside bytes is driven through it.
/// Inputs are valid samples, mutated (bit flips, byte swaps, interesting integers, cuts, splices, repeats) and
/// pure random bytes, all from one <see cref="Random"/> seeded by <c>GPHOTOS_FUZZ_SEED</c> (default fixed), so a
/// failure names the seed and the case number that replays it. <c>GPHOTOS_FUZZ_ITERATIONS</c> sets the cases per
/// target: a short run in <c>build.ps1 -Task Test</c>, a long one in <c>-Task Fuzz</c>.
/// Each case is also bounded in time and in bytes allocated, so a parser that loops or balloons on a crafted
/// input fails here, not on a user's machine.
/// </summary>
public static class Fuzz
{
    public const int DefaultSeed = 20261206;
    public const int DefaultIterations = 1500;

    /// <summary>Cases run in this process, per target (the Fuzz task prints it).</summary>
    public static readonly System.Collections.Concurrent.ConcurrentDictionary<string, long> CasesRun = new();

    public static int Seed => int.TryParse(Environment.GetEnvironmentVariable("GPHOTOS_FUZZ_SEED"), out int s) ? s : DefaultSeed;

    public static int Iterations(int scale = 1)
    {
        int n = int.TryParse(Environment.GetEnvironmentVariable("GPHOTOS_FUZZ_ITERATIONS"), out int i) && i > 0 ? i : DefaultIterations;
        return Math.Max(1, n * scale);
    }

    /// <summary>
    /// Runs <paramref name="property"/> on mutated <paramref name="samples"/>. The property throws (an xunit assert
    /// or the parser's own undocumented exception) to fail the case; <paramref name="allowed"/> says which exceptions
    /// are the parser's documented per-item error and therefore fine.
    /// </summary>
    public static void Bytes(string target, IReadOnlyList<byte[]> samples, Action<byte[]> property,
        Func<Exception, bool>? allowed = null, int iterations = 0, int maxLength = 1 << 16,
        TimeSpan? perCase = null, long maxAllocatedBytes = 64L << 20)
    {
        int seed = Seed;
        int count = iterations > 0 ? iterations : Iterations();
        var random = new Random(HashCode(target) ^ seed);
        TimeSpan limit = perCase ?? TimeSpan.FromSeconds(2);
        for (int i = 0; i < count; i++)
        {
            byte[] input = Next(random, samples, maxLength);
            RunCase(target, seed, i, input, property, allowed, limit, maxAllocatedBytes);
        }
        CasesRun.AddOrUpdate(target, count, (_, n) => n + count);
    }

    /// <summary>Like <see cref="Bytes"/> for text parsers: inputs are mutated strings (UTF-8 round trip of bytes
    /// plus structural mutations that keep the text mostly well-formed).</summary>
    public static void Text(string target, IReadOnlyList<string> samples, Action<string> property,
        Func<Exception, bool>? allowed = null, int iterations = 0, int maxLength = 1 << 14,
        TimeSpan? perCase = null, long maxAllocatedBytes = 64L << 20)
    {
        int seed = Seed;
        int count = iterations > 0 ? iterations : Iterations();
        var random = new Random(HashCode(target) ^ seed);
        TimeSpan limit = perCase ?? TimeSpan.FromSeconds(2);
        for (int i = 0; i < count; i++)
        {
            string input = NextText(random, samples, maxLength);
            RunCase(target, seed, i, input, property, allowed, limit, maxAllocatedBytes);
        }
        CasesRun.AddOrUpdate(target, count, (_, n) => n + count);
    }

    private static void RunCase<T>(string target, int seed, int index, T input, Action<T> property,
        Func<Exception, bool>? allowed, TimeSpan limit, long maxAllocatedBytes)
    {
        long before = GC.GetAllocatedBytesForCurrentThread();
        var clock = Stopwatch.StartNew();
        try
        {
            property(input);
        }
        catch (Exception ex) when (allowed != null && allowed(ex))
        {
        }
        catch (Exception ex)
        {
            throw new XunitException($"fuzz target '{target}' failed on case {index} (GPHOTOS_FUZZ_SEED={seed}): " +
                $"{ex.GetType().Name}: {ex.Message}\ninput ({Length(input)}): {Show(input)}\n{ex}");
        }
        clock.Stop();
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        // Generous bounds: they catch loops and blow-ups, not slowness (a loaded CI machine is still far inside them).
        if (clock.Elapsed > limit)
            throw new XunitException($"fuzz target '{target}' took {clock.Elapsed.TotalMilliseconds:F0} ms on case {index} (GPHOTOS_FUZZ_SEED={seed}); input: {Show(input)}");
        if (allocated > maxAllocatedBytes)
            throw new XunitException($"fuzz target '{target}' allocated {allocated:N0} bytes on case {index} (GPHOTOS_FUZZ_SEED={seed}); input: {Show(input)}");
    }

    private static readonly long[] Interesting =
    {
        0, 1, -1, 0x7F, 0x80, 0xFF, 0x7FFF, 0x8000, 0xFFFF, 0x7FFFFFFF, 0x80000000, 0xFFFFFFFF, int.MinValue,
        long.MaxValue, long.MinValue, 16, 32, 64, 100, 1000, 4096, 65536
    };

    /// <summary>One input: a mutated sample most of the time, sometimes random bytes or a splice of two samples.</summary>
    public static byte[] Next(Random random, IReadOnlyList<byte[]> samples, int maxLength)
    {
        int pick = random.Next(10);
        byte[] data;
        if (samples.Count == 0 || pick == 0)
        {
            data = new byte[random.Next(0, Math.Min(maxLength, 512) + 1)];
            random.NextBytes(data);
            return data;
        }
        data = (byte[])samples[random.Next(samples.Count)].Clone();
        int rounds = 1 + random.Next(random.Next(2) == 0 ? 2 : 8);
        for (int r = 0; r < rounds; r++) data = Mutate(random, data, samples, maxLength);
        return data;
    }

    public static byte[] Mutate(Random random, byte[] data, IReadOnlyList<byte[]> samples, int maxLength)
    {
        var list = new List<byte>(data);
        switch (random.Next(9))
        {
            case 0 when list.Count > 0: // bit flip
                { int at = random.Next(list.Count); list[at] ^= (byte)(1 << random.Next(8)); break; }
            case 1 when list.Count > 0: // random byte
                list[random.Next(list.Count)] = (byte)random.Next(256); break;
            case 2 when list.Count >= 4: // interesting integer, either endianness, width 1/2/4/8
                {
                    long v = Interesting[random.Next(Interesting.Length)];
                    int width = new[] { 1, 2, 4, 8 }[random.Next(4)];
                    int at = random.Next(Math.Max(1, list.Count - width + 1));
                    bool big = random.Next(2) == 0;
                    for (int b = 0; b < width && at + b < list.Count; b++)
                    {
                        int shift = 8 * (big ? width - 1 - b : b);
                        list[at + b] = (byte)(v >> shift);
                    }
                    break;
                }
            case 3 when list.Count > 0: // truncate
                { int keep = random.Next(list.Count); list.RemoveRange(keep, list.Count - keep); break; }
            case 4 when list.Count > 1: // delete a block
                { int at = random.Next(list.Count); int n = Math.Min(list.Count - at, 1 + random.Next(64)); list.RemoveRange(at, n); break; }
            case 5 when list.Count > 1: // duplicate a block
                {
                    int at = random.Next(list.Count); int n = Math.Min(list.Count - at, 1 + random.Next(256));
                    list.InsertRange(random.Next(list.Count + 1), list.GetRange(at, n)); break;
                }
            case 6: // insert random bytes
                { var extra = new byte[1 + random.Next(32)]; random.NextBytes(extra); list.InsertRange(random.Next(list.Count + 1), extra); break; }
            case 7 when samples.Count > 0: // splice with another sample
                {
                    byte[] other = samples[random.Next(samples.Count)];
                    int cut = random.Next(list.Count + 1), from = random.Next(other.Length + 1);
                    list.RemoveRange(cut, list.Count - cut);
                    list.AddRange(other.Skip(from));
                    break;
                }
            default: // overwrite a run with one value (0x00 / 0xFF runs find length fields)
                if (list.Count > 0)
                {
                    int at = random.Next(list.Count); int n = Math.Min(list.Count - at, 1 + random.Next(16));
                    byte v = random.Next(2) == 0 ? (byte)0 : (byte)0xFF;
                    for (int k = 0; k < n; k++) list[at + k] = v;
                }
                break;
        }
        if (list.Count > maxLength) list.RemoveRange(maxLength, list.Count - maxLength);
        return list.ToArray();
    }

    private static readonly string[] TextTokens =
    {
        "\"", "\\", "{", "}", "[", "]", ":", ",", "null", "true", "false", "NaN", "Infinity", "-Infinity", "1e20",
        "-1", "0", "99999999999999999999999", "1.5", "\"\"", "\u0000", "\uFFFD", "\u0663", "١٢٣", "𝟘", "9999",
        "-9223372036854775809", "\"NaN\"", "\"1e400\"", "{\"a\":", "]]]]", "\r\n", " ", "/", ".."
    };

    public static string NextText(Random random, IReadOnlyList<string> samples, int maxLength)
    {
        if (samples.Count == 0 || random.Next(12) == 0)
        {
            var b = new char[random.Next(64)];
            for (int i = 0; i < b.Length; i++) b[i] = (char)random.Next(32, 0x3000);
            return new string(b);
        }
        string s = samples[random.Next(samples.Count)];
        int rounds = 1 + random.Next(4);
        for (int r = 0; r < rounds; r++)
        {
            int at = s.Length == 0 ? 0 : random.Next(s.Length + 1);
            switch (random.Next(5))
            {
                case 0: s = s.Insert(at, TextTokens[random.Next(TextTokens.Length)]); break;
                case 1 when s.Length > 0:
                    { int from = Math.Min(at, s.Length - 1); s = s.Remove(from, Math.Min(s.Length - from, 1 + random.Next(8))); break; }
                case 2: // replace a token-sized run
                    {
                        string t = TextTokens[random.Next(TextTokens.Length)];
                        int from = Math.Min(at, s.Length), n = Math.Min(s.Length - from, t.Length);
                        s = s.Remove(from, n).Insert(from, t); break;
                    }
                case 3: s = s.Substring(0, Math.Min(at, s.Length)); break;
                default: // byte-level mutation of the UTF-8 form
                    s = System.Text.Encoding.UTF8.GetString(Mutate(random, System.Text.Encoding.UTF8.GetBytes(s), Array.Empty<byte[]>(), maxLength * 2));
                    break;
            }
        }
        return s.Length > maxLength ? s.Substring(0, maxLength) : s;
    }

    private static int HashCode(string s)
    {
        unchecked { int h = 17; foreach (char c in s) h = h * 31 + c; return h; }
    }

    private static int Length<T>(T input) => input is byte[] b ? b.Length : input is string s ? s.Length : 0;

    private static string Show<T>(T input)
    {
        if (input is byte[] b) return Convert.ToBase64String(b.Length > 4096 ? b.Take(4096).ToArray() : b);
        if (input is string s) return System.Text.Json.JsonSerializer.Serialize(s.Length > 2048 ? s.Substring(0, 2048) : s);
        return input?.ToString() ?? "null";
    }
}
