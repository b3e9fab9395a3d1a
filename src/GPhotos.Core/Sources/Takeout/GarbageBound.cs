using System;

namespace GPhotos.Sources.Takeout
{
    /// <summary>
    /// Keeps the garbage made between two collections small while a read holds its index: a collection of the youngest
    /// generation is asked for once this many bytes were allocated since the last one.
    /// </summary>
    /// <remarks>
    /// The runtime sizes that allowance from the processor's cache (about 20–40 MB on a 48 MB L3) and lets it grow while
    /// little survives, and every page it touches stays in the working set: at 100k items that was a fifth of the
    /// listing's peak above idle. A young collection costs about what its survivors cost to copy, which the index pays
    /// once either way. No setting is asked of the user (the runtime's own knobs are process-wide and read at start).
    /// </remarks>
    internal sealed class GarbageBound
    {
        private readonly long _bytes;
        private long _base;
        private int _collections;
        private int _ticks;

        public GarbageBound(long bytes)
        {
            _bytes = bytes;
            Reset();
        }

        private void Reset()
        {
            _collections = GC.CollectionCount(0);
            _base = GC.GetTotalMemory(false);
        }

        /// <summary>Called per entry or item of a loop that allocates: looks at the heap every 64 calls.</summary>
        public void Tick()
        {
            if (_bytes <= 0 || (++_ticks & 63) != 0) return;
            if (GC.CollectionCount(0) != _collections) { Reset(); return; } // the runtime collected on its own
            // A young collection also scans what the old generations point into it from, so its cost grows with the
            // heap: the allowance grows with it (a sixteenth of the heap, at least the bound), which keeps the count of
            // collections, and so their CPU, about what the runtime's own would be on a big index (measured at 500k
            // items: a fixed 8 MiB made 1,002 young collections instead of 376 and cost 30% more CPU).
            if (GC.GetTotalMemory(false) - _base < Math.Max(_bytes, _base / 16)) return;
            GC.Collect(0, GCCollectionMode.Forced, blocking: true);
            Reset();
        }
    }
}
