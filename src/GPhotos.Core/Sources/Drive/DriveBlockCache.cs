using System;
using System.Collections.Generic;

namespace GPhotos.Sources.Drive
{
    /// <summary>
    /// Bytes of one Drive file already fetched, most recently used first, bounded in bytes. Thread-safe, so several
    /// <see cref="DriveRangeStream"/>s over the same part can share one (a zip reader that opens an archive per
    /// parallel reader then fetches the central directory once, not once per reader). Bound to one file version.
    /// </summary>
    public sealed class DriveBlockCache
    {
        private readonly object _gate = new object();
        private readonly LinkedList<KeyValuePair<long, byte[]>> _blocks = new LinkedList<KeyValuePair<long, byte[]>>();
        private long _bytes;
        private string _boundTo;

        public DriveBlockCache(long capacityBytes)
        {
            if (capacityBytes <= 0) throw new ArgumentOutOfRangeException(nameof(capacityBytes));
            CapacityBytes = capacityBytes;
        }

        /// <summary>At most this many bytes are kept (the oldest blocks go first).</summary>
        public long CapacityBytes { get; }

        public long CachedBytes { get { lock (_gate) return _bytes; } }

        /// <summary>A cache holds one version of one file: another id, size or md5 is refused, so bytes of two versions never mix.</summary>
        internal void Bind(DriveFile file)
        {
            string key = file.Id + "|" + file.Size + "|" + file.Md5Checksum;
            lock (_gate)
            {
                if (_boundTo == null) _boundTo = key;
                else if (_boundTo != key) throw new ArgumentException($"This block cache holds another Drive file (or another version of {file.Name}).", nameof(file));
            }
        }

        /// <summary>Copies cached bytes at <paramref name="position"/>; 0 when none are cached there.</summary>
        internal int Read(long position, byte[] buffer, int offset, int count)
        {
            lock (_gate)
            {
                for (LinkedListNode<KeyValuePair<long, byte[]>> node = _blocks.First; node != null; node = node.Next)
                {
                    long start = node.Value.Key;
                    byte[] data = node.Value.Value;
                    if (position < start || position >= start + data.Length) continue;
                    int n = (int)Math.Min(count, start + data.Length - position);
                    Buffer.BlockCopy(data, (int)(position - start), buffer, offset, n);
                    if (node != _blocks.First) { _blocks.Remove(node); _blocks.AddFirst(node); }
                    return n;
                }
                return 0;
            }
        }

        internal void Add(long start, byte[] data)
        {
            lock (_gate)
            {
                _blocks.AddFirst(new KeyValuePair<long, byte[]>(start, data));
                _bytes += data.Length;
                while (_bytes > CapacityBytes && _blocks.Count > 1)
                {
                    _bytes -= _blocks.Last.Value.Value.Length;
                    _blocks.RemoveLast();
                }
            }
        }

        internal void Clear()
        {
            lock (_gate) { _blocks.Clear(); _bytes = 0; }
        }
    }
}
