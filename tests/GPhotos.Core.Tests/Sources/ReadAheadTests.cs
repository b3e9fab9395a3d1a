using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using GPhotos.Errors;
using GPhotos.Reporting;
using GPhotos.Sources;
using GPhotos.Sources.Takeout;
using Xunit;

namespace GPhotos.Core.Tests.Sources;

/// <summary>
/// The Takeout listing's read-ahead (issue 15): the source runs on its own thread, at most a bounded number of items
/// ahead; its reports stay in order with its items; its error comes after everything before it; every wait ends.
/// </summary>
public sealed class ReadAheadTests
{
    /// <summary>Writes the reports it gets into the same log the test writes the items it takes into.</summary>
    private sealed class LogReporter : IReporter
    {
        public readonly List<string> Log = new();
        public void Verbose(string message) => Log.Add("verbose " + message);
        public void Warning(string message, string warningId = null, object target = null) => Log.Add($"warning {warningId} {message} {target}");
        public void Progress(ProgressReport progress) => Log.Add("progress " + progress.Status + " " + progress.PercentComplete);
        public void Error(ErrorEntry error, object target = null) => Log.Add($"error {error.Id} {target}");
    }

    [Theory]
    [InlineData(1, 1)]
    [InlineData(4, 2)]
    [InlineData(512, 3)]
    public void Reports_and_items_reach_the_taker_in_the_order_the_source_made_them(int capacity, int seed)
    {
        // The source interleaves items with every kind of report, at random, with random pauses on both sides, so
        // batches of every size cross (seeded: a failure is reproducible).
        var rng = new Random(seed);
        var script = new List<string>();
        for (int i = 0; i < 3000; i++)
        {
            int r = rng.Next(10);
            script.Add(r switch
            {
                0 => "warning",
                1 => "error",
                2 => "verbose",
                3 => "progress",
                _ => "item",
            } + " " + i);
        }
        var downstream = new LogReporter();
        using var ahead = new ReadAhead<string>(downstream, CancellationToken.None, capacity);
        var sourceRng = new Random(seed + 100);
        IEnumerable<string> Source(CancellationToken ct)
        {
            foreach (string step in script)
            {
                if (sourceRng.Next(200) == 0) Thread.Sleep(sourceRng.Next(3));
                string[] p = step.Split(' ');
                switch (p[0])
                {
                    case "warning": ahead.Reporter.Warning("w" + p[1], ErrorCatalog.TakeoutEntrySkipped, "t" + p[1]); break;
                    case "error": ahead.Reporter.Error(ErrorCatalog.ForUnreadableArchive(new TakeoutArchiveException("part" + p[1], "damaged")), "part" + p[1]); break;
                    case "verbose": ahead.Reporter.Verbose("v" + p[1]); break;
                    case "progress": ahead.Reporter.Progress(new ProgressReport { Status = "s" + p[1], PercentComplete = int.Parse(p[1]) % 100 }); break;
                    default: yield return "i" + p[1]; break;
                }
            }
        }
        var takerRng = new Random(seed + 200);
        foreach (string item in ahead.Read(Source, CancellationToken.None))
        {
            downstream.Log.Add("item " + item);
            if (takerRng.Next(300) == 0) Thread.Sleep(takerRng.Next(3));
        }

        var expected = script.Select(step =>
        {
            string[] p = step.Split(' ');
            return p[0] switch
            {
                "warning" => $"warning {ErrorCatalog.TakeoutEntrySkipped} w{p[1]} t{p[1]}",
                "error" => $"error {ErrorCatalog.TakeoutArchiveUnreadable} part{p[1]}",
                "verbose" => "verbose v" + p[1],
                "progress" => $"progress s{p[1]} {int.Parse(p[1]) % 100}",
                _ => "item i" + p[1],
            };
        }).ToList();
        Assert.Equal(expected, downstream.Log);
    }

    [Fact]
    public void The_source_runs_on_another_thread_with_the_takers_culture_and_flow()
    {
        var flow = new AsyncLocal<string> { Value = "the run's value" };
        CultureInfo before = CultureInfo.CurrentCulture;
        try
        {
            CultureInfo.CurrentCulture = new CultureInfo("de-DE");
            int taker = Environment.CurrentManagedThreadId;
            using var ahead = new ReadAhead<string>(NullReporter.Instance, CancellationToken.None);
            IEnumerable<string> Source(CancellationToken ct)
            {
                yield return Environment.CurrentManagedThreadId == taker ? "same thread" : "own thread";
                yield return CultureInfo.CurrentCulture.Name;
                yield return flow.Value;
                yield return (1.5).ToString(CultureInfo.CurrentCulture);
            }
            Assert.Equal(new[] { "own thread", "de-DE", "the run's value", "1,5" }, ahead.Read(Source, CancellationToken.None).ToArray());
        }
        finally
        {
            CultureInfo.CurrentCulture = before;
        }
    }

    [Fact]
    public void The_source_reads_at_most_its_capacity_ahead_of_a_taker_that_does_not_take()
    {
        const int capacity = 8;
        int made = 0;
        using var ahead = new ReadAhead<int>(NullReporter.Instance, CancellationToken.None, capacity);
        IEnumerable<int> Source(CancellationToken ct)
        {
            for (int i = 0; ; i++)
            {
                // Reports never wait for room: a source that reports a lot while the taker is away does not stall.
                ahead.Reporter.Verbose("before " + i);
                Interlocked.Increment(ref made);
                yield return i;
            }
        }
        using IEnumerator<int> items = ahead.Read(Source, CancellationToken.None).GetEnumerator();
        // The source starts with Read, before the first item is asked for.
        var sw = Stopwatch.StartNew();
        while (Volatile.Read(ref made) < capacity + 1 && sw.Elapsed < TimeSpan.FromSeconds(10)) Thread.Sleep(5);
        Thread.Sleep(300);
        // capacity items wait in the queue; the source holds the next one, blocked on Add.
        Assert.Equal(capacity + 1, Volatile.Read(ref made));

        Assert.True(items.MoveNext());
        Assert.Equal(0, items.Current);
        sw.Restart();
        while (Volatile.Read(ref made) < 2 * capacity + 1 && sw.Elapsed < TimeSpan.FromSeconds(10)) Thread.Sleep(5);
        Thread.Sleep(300);
        // Taking a batch makes room for one more batch, no more.
        Assert.Equal(2 * capacity + 1, Volatile.Read(ref made));
        for (int i = 1; i < 100; i++)
        {
            Assert.True(items.MoveNext());
            Assert.Equal(i, items.Current);
        }
    }

    [Fact]
    public void The_sources_error_comes_after_every_item_and_report_before_it_with_its_own_type()
    {
        var downstream = new LogReporter();
        using var ahead = new ReadAhead<int>(downstream, CancellationToken.None, capacity: 4);
        IEnumerable<int> Source(CancellationToken ct)
        {
            for (int i = 0; i < 100; i++) yield return i;
            ahead.Reporter.Warning("last words");
            throw new TakeoutArchiveException("part.zip", "cut short");
        }
        var taken = new List<int>();
        var ex = Assert.Throws<TakeoutArchiveException>(() =>
        {
            foreach (int i in ahead.Read(Source, CancellationToken.None)) taken.Add(i);
        });
        Assert.Equal("part.zip", ex.ArchivePath);
        Assert.Equal(Enumerable.Range(0, 100), taken);
        Assert.Equal(new[] { "warning  last words " }, downstream.Log);
        // The source's own stack is kept (ExceptionDispatchInfo), so a bug report shows where it failed.
        Assert.Contains(nameof(The_sources_error_comes_after_every_item_and_report_before_it_with_its_own_type), ex.StackTrace);
    }

    [Fact]
    public void An_early_stop_downstream_cancels_the_source_and_waits_for_it_to_close()
    {
        var cancelled = new ManualResetEventSlim();
        var closed = new ManualResetEventSlim();
        var ahead = new ReadAhead<int>(NullReporter.Instance, CancellationToken.None, capacity: 16);
        IEnumerable<int> Source(CancellationToken ct)
        {
            ct.Register(cancelled.Set);
            try
            {
                for (int i = 0; ; i++)
                {
                    ct.ThrowIfCancellationRequested();
                    yield return i;
                }
            }
            finally
            {
                Thread.Sleep(50); // closing files
                closed.Set();
            }
        }
        Assert.Equal(new[] { 0, 1, 2 }, ahead.Read(Source, CancellationToken.None).Take(3).ToArray());
        Assert.False(cancelled.IsSet);
        var sw = Stopwatch.StartNew();
        ahead.Dispose();
        Assert.True(cancelled.IsSet);
        Assert.True(closed.IsSet, "Dispose returns after the source has closed what it holds");
        Assert.True(sw.Elapsed < TimeSpan.FromSeconds(1), $"Dispose took {sw.Elapsed}");
        ahead.Dispose(); // twice is harmless
    }

    [Fact]
    public void Ctrl_C_ends_a_wait_for_the_next_item_within_a_second_even_when_the_source_never_looks_at_its_token()
    {
        using var cts = new CancellationTokenSource();
        var release = new ManualResetEventSlim();
        var ahead = new ReadAhead<int>(NullReporter.Instance, cts.Token);
        IEnumerable<int> Source(CancellationToken ct)
        {
            yield return 1;
            release.Wait(TimeSpan.FromSeconds(30)); // a read that does not take a token
            yield return 2;
        }
        using IEnumerator<int> items = ahead.Read(Source, cts.Token).GetEnumerator();
        Assert.True(items.MoveNext());
        cts.CancelAfter(200);
        var sw = Stopwatch.StartNew();
        var ex = Assert.ThrowsAny<OperationCanceledException>(() => items.MoveNext());
        Assert.Equal(cts.Token, ex.CancellationToken);
        Assert.True(sw.Elapsed < TimeSpan.FromSeconds(1.2), $"stopped after {sw.Elapsed}");

        // Dispose waits for such a source only a bounded time, and leaves it to end on its own.
        sw.Restart();
        ahead.Dispose();
        Assert.InRange(sw.Elapsed, ReadAhead<int>.StopWait - TimeSpan.FromMilliseconds(50), TimeSpan.FromSeconds(1.5));
        release.Set();
    }

    [Fact]
    public void Ctrl_C_stops_a_source_waiting_for_room()
    {
        using var cts = new CancellationTokenSource();
        var stoppedAt = new TaskCompletionSource<Exception>(TaskCreationOptions.RunContinuationsAsynchronously);
        using var ahead = new ReadAhead<int>(NullReporter.Instance, cts.Token, capacity: 2);
        IEnumerable<int> Source(CancellationToken ct)
        {
            int i = 0;
            while (true)
            {
                yield return i++;
                if (ct.IsCancellationRequested) { stoppedAt.TrySetResult(null); yield break; }
            }
        }
        using IEnumerator<int> items = ahead.Read(Source, cts.Token).GetEnumerator();
        Thread.Sleep(100); // the source is now blocked: the queue is full
        cts.Cancel();
        // The source's Add throws OperationCanceledException at once: its thread ends without the taker.
        var sw = Stopwatch.StartNew();
        while (sw.Elapsed < TimeSpan.FromSeconds(1) && !ahead.SourceEnded) Thread.Sleep(5);
        Assert.True(ahead.SourceEnded, "the source's thread ended within a second of Ctrl+C");
        Assert.ThrowsAny<OperationCanceledException>(() => { while (items.MoveNext()) { } });
    }

    [Fact]
    public void A_source_that_yields_nothing_and_one_that_throws_at_once_end_the_read_cleanly()
    {
        using (var empty = new ReadAhead<int>(NullReporter.Instance, CancellationToken.None))
            Assert.Empty(empty.Read(_ => Enumerable.Empty<int>(), CancellationToken.None));
        using (var failing = new ReadAhead<int>(NullReporter.Instance, CancellationToken.None))
            Assert.Throws<InvalidDataException>(() => failing.Read(_ => throw new InvalidDataException("bad"), CancellationToken.None).ToList());
        using (var once = new ReadAhead<int>(NullReporter.Instance, CancellationToken.None))
        {
            once.Read(_ => new[] { 1 }, CancellationToken.None).ToList();
            Assert.Throws<InvalidOperationException>(() => once.Read(_ => new[] { 1 }, CancellationToken.None));
        }
        // Never read: Dispose does not wait for a thread that never started.
        new ReadAhead<int>(NullReporter.Instance, CancellationToken.None).Dispose();
    }

    [Fact]
    public void Reports_made_after_the_end_from_another_thread_are_dropped_without_an_error()
    {
        var ahead = new ReadAhead<int>(new LogReporter(), CancellationToken.None);
        Assert.Equal(new[] { 1, 2 }, ahead.Read(_ => new[] { 1, 2 }, CancellationToken.None).ToArray());
        ahead.Dispose();
        var late = Task.Run(() => ahead.Reporter.Warning("a late warning from a worker"));
        Assert.True(late.Wait(TimeSpan.FromSeconds(5)));
    }
}
