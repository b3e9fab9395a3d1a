using System.Buffers.Binary;
using System.Security.Cryptography;

namespace GPhotos.Emulator;

/// <summary>Everything the emulator knows, for direct access by in-process tests:
/// library, tokens, clock, counters, faults, picker sessions. All members are thread-safe.</summary>
public sealed class EmulatorState
{
    private readonly byte[] _key = RandomNumberGenerator.GetBytes(32);
    private volatile EmulatorOptions _options;
    private long _latencyTicks;
    private volatile string _oauthMode = "normal";

    internal EmulatorState(EmulatorOptions options)
    {
        _options = options.Clone();
        Clock = new EmulatorClock();
        Counters = new EmulatorCounters();
        Faults = new FaultStore();
        Library = new EmulatorLibrary();
        Tokens = new TokenStore(Clock, () => _options.AccessTokenLifetimeSeconds);
        Picker = new PickerStore(Clock);
        _latencyTicks = options.EffectiveLatency.Ticks;
        Library.Regenerate(_options);
    }

    public EmulatorOptions Options => _options.Clone();
    public EmulatorLibrary Library { get; }
    public TokenStore Tokens { get; }
    public EmulatorClock Clock { get; }
    public EmulatorCounters Counters { get; }
    public FaultStore Faults { get; }
    public PickerStore Picker { get; }

    /// <summary>Delay added to every non-control request.</summary>
    public TimeSpan Latency
    {
        get => TimeSpan.FromTicks(Interlocked.Read(ref _latencyTicks));
        set => Interlocked.Exchange(ref _latencyTicks, Math.Max(0, value.Ticks));
    }

    /// <summary>"normal" or "access_denied" (the user refuses consent).</summary>
    public string OAuthMode
    {
        get => _oauthMode;
        set => _oauthMode = value is "access_denied" ? "access_denied" : value is "normal" ? "normal" : throw new ArgumentException("mode must be normal or access_denied");
    }

    /// <summary>Regenerates the library from <paramref name="options"/> and clears sessions, tokens, faults, counters and the clock.
    /// (The port is not changed.)</summary>
    public void Reset(EmulatorOptions options)
    {
        var o = options.Clone();
        o.Port = _options.Port;
        _options = o;
        Picker.Clear();
        Tokens.Clear();
        Faults.Clear();
        Faults.ClearRandom();
        Counters.Clear();
        Clock.Reset();
        _oauthMode = "normal";
        Latency = o.EffectiveLatency;
        Library.Regenerate(o);
    }

    /// <summary>Mints an access token directly (no browser flow). Short scope names are accepted.</summary>
    public string MintAccessToken(params string[] scopes) => Tokens.Mint(scopes).AccessToken;

    // ------------------------------------------------------------ signed opaque tokens

    internal string Sign(ReadOnlySpan<byte> payload)
    {
        Span<byte> buf = stackalloc byte[payload.Length + 12];
        payload.CopyTo(buf);
        Span<byte> mac = stackalloc byte[32];
        HMACSHA256.HashData(_key, payload, mac);
        mac[..12].CopyTo(buf[payload.Length..]);
        return TokenStore.Base64Url(buf);
    }

    internal byte[] Verify(string token)
    {
        if (string.IsNullOrEmpty(token) || token.Length > 512) return null;
        byte[] raw;
        try
        {
            var s = token.Replace('-', '+').Replace('_', '/');
            s = s.PadRight(s.Length + (4 - s.Length % 4) % 4, '=');
            raw = Convert.FromBase64String(s);
        }
        catch (FormatException) { return null; }
        if (raw.Length < 13) return null;
        var payload = raw.AsSpan(0, raw.Length - 12);
        Span<byte> mac = stackalloc byte[32];
        HMACSHA256.HashData(_key, payload, mac);
        if (!CryptographicOperations.FixedTimeEquals(mac[..12], raw.AsSpan(raw.Length - 12))) return null;
        return payload.ToArray();
    }

    internal const byte BaseUrlLibrary = 1, BaseUrlPicker = 2;

    /// <summary>Mints a base URL path token: kind, generation, item index, issue time, picker session.</summary>
    internal string MintBaseUrlToken(byte kind, MediaItemRecord item, int sessionNumber, int generation)
    {
        Span<byte> p = stackalloc byte[22];
        p[0] = 0xB1;
        p[1] = kind;
        BinaryPrimitives.WriteInt32LittleEndian(p[2..], generation);
        BinaryPrimitives.WriteInt32LittleEndian(p[6..], item.Index);
        BinaryPrimitives.WriteInt64LittleEndian(p[10..], Clock.UtcNow.ToUnixTimeMilliseconds());
        BinaryPrimitives.WriteInt32LittleEndian(p[18..], sessionNumber);
        return Sign(p);
    }

    internal readonly record struct BaseUrlToken(byte Kind, int Generation, int ItemIndex, DateTimeOffset IssuedAt, int SessionNumber);

    internal BaseUrlToken? ReadBaseUrlToken(string token)
    {
        var p = Verify(token);
        if (p == null || p.Length != 22 || p[0] != 0xB1) return null;
        return new BaseUrlToken(p[1], BinaryPrimitives.ReadInt32LittleEndian(p.AsSpan(2)), BinaryPrimitives.ReadInt32LittleEndian(p.AsSpan(6)),
            DateTimeOffset.FromUnixTimeMilliseconds(BinaryPrimitives.ReadInt64LittleEndian(p.AsSpan(10))), BinaryPrimitives.ReadInt32LittleEndian(p.AsSpan(18)));
    }

    /// <summary>An opaque page token: what list it continues (fingerprint), in which generation, from which offset.</summary>
    internal string MintPageToken(byte kind, ulong fingerprint, int generation, int offset)
    {
        Span<byte> p = stackalloc byte[18];
        p[0] = 0xC7;
        p[1] = kind;
        BinaryPrimitives.WriteInt32LittleEndian(p[2..], generation);
        BinaryPrimitives.WriteInt32LittleEndian(p[6..], offset);
        BinaryPrimitives.WriteUInt64LittleEndian(p[10..], fingerprint);
        return Sign(p);
    }

    /// <summary>Offset encoded in a page token, or -1 when forged, stale or for another query.</summary>
    internal int ReadPageToken(string token, byte kind, ulong fingerprint, int generation)
    {
        var p = Verify(token);
        if (p == null || p.Length != 18 || p[0] != 0xC7 || p[1] != kind) return -1;
        if (BinaryPrimitives.ReadInt32LittleEndian(p.AsSpan(2)) != generation) return -1;
        if (BinaryPrimitives.ReadUInt64LittleEndian(p.AsSpan(10)) != fingerprint) return -1;
        return BinaryPrimitives.ReadInt32LittleEndian(p.AsSpan(6));
    }
}
