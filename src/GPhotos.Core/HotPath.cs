using System.Runtime.CompilerServices;

namespace GPhotos
{
    /// <summary>
    /// The one switch for code that runs once per item (100k-500k times a run), e.g. a re-run's skip path.
    /// <para>
    /// A nightly job is always a fresh process, and tiered compilation runs a method's first calls as unoptimized
    /// (tier-0, then instrumented) code until the process has been quiet for 100 ms, which a busy listing never is: in a
    /// profile of a 100k re-run, a quarter of Save's per-item time was spent in those versions. Marked methods are
    /// compiled optimized at their first call instead (MethodImplOptions.AggressiveOptimization; not in
    /// netstandard2.0, ignored by .NET Framework, whose JIT optimizes at once anyway). They give up dynamic PGO,
    /// which is why only the per-item path is marked, not whole classes.
    /// </para>
    /// </summary>
    internal static class HotPath
    {
        internal const MethodImplOptions Optimized = (MethodImplOptions)512;
    }
}
