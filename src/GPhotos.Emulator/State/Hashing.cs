using System.Security.Cryptography;
using System.Text;

namespace GPhotos.Emulator;

/// <summary>Small deterministic PRNG (SplitMix64): identical sequences on every platform and .NET version.</summary>
internal struct SplitMix64
{
    private ulong _state;
    public SplitMix64(ulong seed) => _state = seed;

    public ulong NextULong()
    {
        ulong z = _state += 0x9E3779B97F4A7C15UL;
        return Mix(z);
    }

    public int Next(int maxExclusive) => maxExclusive <= 0 ? 0 : (int)(NextULong() % (ulong)maxExclusive);
    public long NextLong(long maxExclusive) => maxExclusive <= 0 ? 0 : (long)(NextULong() % (ulong)maxExclusive);
    public double NextDouble() => (NextULong() >> 11) * (1.0 / (1UL << 53));

    public static ulong Mix(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}

internal static class Hashing
{
    public static ulong Fnv1a(string s)
    {
        ulong h = 14695981039346656037UL;
        foreach (char c in s)
        {
            h ^= c;
            h *= 1099511628211UL;
        }
        return h;
    }

    public static ulong ContentKey(int seed, string id) => SplitMix64.Mix(Fnv1a(id) ^ SplitMix64.Mix((ulong)(uint)seed + 0x51ED));

    /// <summary>A Google-looking opaque id ("AF1Qip..." + base64url) derived from seed and a label.</summary>
    public static string MakeId(string prefix, int seed, string label, int bytes = 32)
    {
        var digest = SHA256.HashData(Encoding.UTF8.GetBytes(seed.ToString(System.Globalization.CultureInfo.InvariantCulture) + "|" + label));
        return prefix + TokenStore.Base64Url(digest.AsSpan(0, Math.Min(bytes, digest.Length)));
    }
}
