using System.Buffers.Binary;
using System.Numerics;
using System.Runtime.InteropServices;
using System.Security.Cryptography;

namespace GPhotos.Emulator.Media;

/// <summary>A virtual file: its bytes are computed on demand for any offset, never held in memory.</summary>
internal abstract class Blob
{
    public abstract long Length { get; }
    public abstract void Fill(long offset, Span<byte> dest);

    public byte[] ToArray()
    {
        if (Length > int.MaxValue) throw new InvalidOperationException("Too large to materialize.");
        var b = new byte[Length];
        Fill(0, b);
        return b;
    }

    public string Sha256Hex()
    {
        using var h = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buf = new byte[256 * 1024];
        for (long off = 0; off < Length;)
        {
            int n = (int)Math.Min(buf.Length, Length - off);
            Fill(off, buf.AsSpan(0, n));
            h.AppendData(buf, 0, n);
            off += n;
        }
        return Convert.ToHexStringLower(h.GetHashAndReset());
    }
}

internal sealed class BytesBlob : Blob
{
    private readonly byte[] _data;
    public BytesBlob(byte[] data) => _data = data;
    public override long Length => _data.Length;
    public override void Fill(long offset, Span<byte> dest) => _data.AsSpan((int)offset, dest.Length).CopyTo(dest);
}

/// <summary>Pseudo-random bytes: one precomputed 64 KiB block XOR a per-(item, 64 KiB chunk) 64-bit key. Several GB/s.</summary>
internal sealed class RandomBlob : Blob
{
    internal const int BlockSize = 1 << 16;
    private static readonly byte[] Block = MakeBlock();
    private readonly long _length;
    private readonly ulong _key;

    public RandomBlob(long length, ulong key)
    {
        _length = length;
        _key = key;
    }

    public override long Length => _length;

    private static byte[] MakeBlock()
    {
        var b = new byte[BlockSize];
        var rng = new SplitMix64(0xC0FFEE_5EED);
        var u = MemoryMarshal.Cast<byte, ulong>(b.AsSpan());
        for (int i = 0; i < u.Length; i++) u[i] = rng.NextULong();
        return b;
    }

    public override void Fill(long offset, Span<byte> dest) => FillKeyed(_key, offset, dest);

    internal static void FillKeyed(ulong key, long offset, Span<byte> dest)
    {
        while (dest.Length > 0)
        {
            long chunk = offset >> 16;
            int pos = (int)(offset & (BlockSize - 1));
            int n = Math.Min(dest.Length, BlockSize - pos);
            ulong k = SplitMix64.Mix(key + (ulong)chunk * 0x9E3779B97F4A7C15UL);
            XorInto(Block.AsSpan(pos, n), k, pos, dest[..n]);
            dest = dest[n..];
            offset += n;
        }
    }

    private static void XorInto(ReadOnlySpan<byte> src, ulong k, int pos, Span<byte> dest)
    {
        int i = 0;
        // Head: until the block position is 8-aligned.
        while (i < src.Length && ((pos + i) & 7) != 0)
        {
            dest[i] = (byte)(src[i] ^ (byte)(k >> (8 * ((pos + i) & 7))));
            i++;
        }
        ulong kw = BitConverter.IsLittleEndian ? k : BinaryPrimitives.ReverseEndianness(k);
        int vecBytes = Vector<byte>.Count;
        int vecs = (src.Length - i) / vecBytes;
        if (vecs > 0)
        {
            // Vector width is a multiple of 8, so the 8-byte key pattern stays aligned.
            var kv = new Vector<ulong>(kw);
            var s = MemoryMarshal.Cast<byte, Vector<ulong>>(src.Slice(i, vecs * vecBytes));
            var d = MemoryMarshal.Cast<byte, Vector<ulong>>(dest.Slice(i, vecs * vecBytes));
            for (int w = 0; w < s.Length; w++) d[w] = s[w] ^ kv;
            i += vecs * vecBytes;
        }
        int words = (src.Length - i) / 8;
        if (words > 0)
        {
            var s = MemoryMarshal.Cast<byte, ulong>(src.Slice(i, words * 8));
            var d = MemoryMarshal.Cast<byte, ulong>(dest.Slice(i, words * 8));
            for (int w = 0; w < s.Length; w++) d[w] = s[w] ^ kw;
            i += words * 8;
        }
        for (; i < src.Length; i++) dest[i] = (byte)(src[i] ^ (byte)(k >> (8 * ((pos + i) & 7))));
    }
}

/// <summary>Bytes that are all zero except the last one.</summary>
internal sealed class ZerosBlob : Blob
{
    private readonly long _length;
    private readonly byte _last;
    public ZerosBlob(long length, byte last) { _length = length; _last = last; }
    public override long Length => _length;
    public override void Fill(long offset, Span<byte> dest)
    {
        dest.Clear();
        if (offset + dest.Length == _length && dest.Length > 0) dest[^1] = _last;
    }
}

/// <summary>JPEG padding: 0-3 fill bytes 0xFF, then APP15 segments (FF EF len) with pseudo-random payloads.
/// Any length is representable, and every JPEG decoder skips it.</summary>
internal sealed class JpegPaddingBlob : Blob
{
    private const int SegMax = 65537; // 4 header bytes + 65533 payload
    private readonly long _length;
    private readonly ulong _key;
    private readonly int _fill;
    private readonly long _full;
    private readonly int _last; // size of the trailing short segment, 0 = none

    public JpegPaddingBlob(long length, ulong key)
    {
        _length = length;
        _key = key;
        if (length < 4) { _fill = (int)length; return; }
        _full = length / SegMax;
        long rem = length % SegMax;
        if (rem >= 4) _last = (int)rem;
        else _fill = (int)rem;
    }

    public override long Length => _length;

    public override void Fill(long offset, Span<byte> dest)
    {
        while (dest.Length > 0)
        {
            if (offset < _fill)
            {
                dest[0] = 0xFF;
                dest = dest[1..];
                offset++;
                continue;
            }
            long o = offset - _fill;
            long seg = o / SegMax;
            int within = (int)(o % SegMax);
            int segLen = seg < _full ? SegMax : _last;
            int n = Math.Min(dest.Length, segLen - within);
            int done = 0;
            while (within + done < 4 && done < n)
            {
                int p = within + done;
                dest[done] = p switch { 0 => 0xFF, 1 => 0xEF, 2 => (byte)((segLen - 2) >> 8), _ => (byte)((segLen - 2) & 0xFF) };
                done++;
            }
            if (done < n)
            {
                long payloadOffset = seg * (SegMax - 4) + (within + done - 4);
                RandomBlob.FillKeyed(_key, payloadOffset, dest.Slice(done, n - done));
            }
            dest = dest[n..];
            offset += n;
        }
    }
}

/// <summary>Concatenation of blobs.</summary>
internal sealed class CompositeBlob : Blob
{
    private readonly Blob[] _parts;
    private readonly long[] _starts;
    private readonly long _length;

    public CompositeBlob(params Blob[] parts)
    {
        _parts = parts.Where(p => p.Length > 0).ToArray();
        _starts = new long[_parts.Length];
        long s = 0;
        for (int i = 0; i < _parts.Length; i++) { _starts[i] = s; s += _parts[i].Length; }
        _length = s;
    }

    public override long Length => _length;

    public override void Fill(long offset, Span<byte> dest)
    {
        if (offset < 0 || offset + dest.Length > _length) throw new ArgumentOutOfRangeException(nameof(offset));
        int i = _parts.Length - 1;
        while (i > 0 && _starts[i] > offset) i--;
        while (dest.Length > 0)
        {
            long within = offset - _starts[i];
            int n = (int)Math.Min(dest.Length, _parts[i].Length - within);
            if (n <= 0) { i++; continue; }
            _parts[i].Fill(within, dest[..n]);
            dest = dest[n..];
            offset += n;
            i++;
        }
    }
}
