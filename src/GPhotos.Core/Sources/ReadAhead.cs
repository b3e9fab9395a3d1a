using System;
using System.Collections.Generic;
using System.Globalization;
using System.Runtime.ExceptionServices;
using System.Threading;
using GPhotos.Reporting;

namespace GPhotos.Sources
{
    /// <summary>
    /// Reads a synchronous source (a Takeout export's items) on a thread of its own, a bounded number of items ahead of
    /// the one who takes them, so reading and the taker's work (a re-run's skip path on the pipeline thread) overlap
    /// instead of adding up.
    /// <para>
    /// Nothing changes order: what the source reports through <see cref="Reporter"/> (a skipped entry's warning, a
    /// damaged part's error) reaches the downstream reporter before the item the source gave after it is yielded, and
    /// the source's exception is thrown by <see cref="Read"/> only after every item and report that came before it.
    /// </para>
    /// <para>
    /// Every wait is bounded: the taker waits in slices of <see cref="WaitSlice"/> and stops with its token; the source
    /// waits for room only while the taker is there. <see cref="Dispose"/> (an early stop downstream, Ctrl+C, an error)
    /// cancels the token the source was given and waits for it to end at most <see cref="StopWait"/>: a source that
    /// checks its token (the Takeout reader does every 256 entries) ends at once and closes its files.
    /// </para>
    /// </summary>
    /// <typeparam name="T">What the source yields.</typeparam>
    public sealed class ReadAhead<T> : IDisposable
    {
        /// <summary>Items read ahead at most (not counting reports): about 0.5 MB of Takeout items.</summary>
        public const int DefaultCapacity = 512;

        /// <summary>A waiting taker is woken once this many items wait (or at the end), else after a slice: one wake per batch, not per item.</summary>
        internal const int WakeBatch = 32;

        internal static readonly TimeSpan WaitSlice = TimeSpan.FromMilliseconds(10);
        internal static readonly TimeSpan StopWait = TimeSpan.FromMilliseconds(500);

        private readonly object _gate = new object();
        private readonly int _capacity;
        private readonly int _wakeAt;
        private readonly IReporter _downstream;
        private readonly CancellationTokenSource _stop;
        private readonly CancellationTokenRegistration _wakeOnStop;
        private readonly ManualResetEventSlim _ended = new ManualResetEventSlim(false);
        private Queue<Entry> _queue = new Queue<Entry>();
        private Queue<Entry> _spare = new Queue<Entry>();
        private int _items;
        private bool _done;
        private bool _takerWaiting;
        private bool _sourceWaiting;
        private ExceptionDispatchInfo _error;
        private Thread _thread;
        private int _disposed;
        private volatile bool _sourceEnded;

        /// <param name="downstream">Where the source's reports go, in order with the items (the cmdlet's queue reporter).</param>
        /// <param name="cancellationToken">Stops the source and the taker (Ctrl+C).</param>
        /// <param name="capacity">Items read ahead at most.</param>
        public ReadAhead(IReporter downstream, CancellationToken cancellationToken, int capacity = DefaultCapacity)
        {
            if (capacity < 1) throw new ArgumentOutOfRangeException(nameof(capacity));
            _capacity = capacity;
            _wakeAt = Math.Min(WakeBatch, capacity);
            _downstream = downstream ?? NullReporter.Instance;
            _stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            _wakeOnStop = _stop.Token.Register(WakeAll);
            Reporter = new OrderedReporter(this);
        }

        /// <summary>The source's thread has ended (for tests).</summary>
        internal bool SourceEnded => _sourceEnded;

        /// <summary>Give this to the source: its reports are kept in order with its items.</summary>
        public IReporter Reporter { get; }

        /// <summary>
        /// Starts <paramref name="source"/> on its own thread (with this thread's culture and execution context, so
        /// AsyncLocal state such as a Drive part's stop token flows) and yields its items as they come. Call once.
        /// </summary>
        /// <param name="source">Called once on the reading thread with the token that stops it.</param>
        /// <param name="cancellationToken">The taker's token: a wait for the next item ends with it.</param>
        public IEnumerable<T> Read(Func<CancellationToken, IEnumerable<T>> source, CancellationToken cancellationToken)
        {
            if (source == null) throw new ArgumentNullException(nameof(source));
            if (_thread != null) throw new InvalidOperationException("A read-ahead is read once.");
            CultureInfo culture = CultureInfo.CurrentCulture, uiCulture = CultureInfo.CurrentUICulture;
            _thread = new Thread(() => Produce(source, culture, uiCulture)) { IsBackground = true, Name = "GPhotos read-ahead" };
            _thread.Start();
            return Take(cancellationToken);
        }

        private void Produce(Func<CancellationToken, IEnumerable<T>> source, CultureInfo culture, CultureInfo uiCulture)
        {
            ExceptionDispatchInfo error = null;
            try
            {
                CultureInfo.CurrentCulture = culture;
                CultureInfo.CurrentUICulture = uiCulture;
                CancellationToken token = _stop.Token;
                foreach (T item in source(token))
                    Add(new Entry(item, null), token);
            }
            catch (Exception ex)
            {
                error = ExceptionDispatchInfo.Capture(ex);
            }
            finally
            {
                lock (_gate)
                {
                    _error = error;
                    _done = true;
                    Monitor.PulseAll(_gate);
                }
                _sourceEnded = true;
                _ended.Set();
            }
        }

        private void Add(Entry entry, CancellationToken token)
        {
            lock (_gate)
            {
                if (entry.Report == null)
                {
                    while (_items >= _capacity)
                    {
                        token.ThrowIfCancellationRequested();
                        _sourceWaiting = true;
                        Monitor.Wait(_gate, WaitSlice);
                        _sourceWaiting = false;
                    }
                    token.ThrowIfCancellationRequested();
                    _items++;
                }
                _queue.Enqueue(entry);
                if (_takerWaiting && _items >= _wakeAt) Monitor.Pulse(_gate);
            }
        }

        private IEnumerable<T> Take(CancellationToken cancellationToken)
        {
            while (true)
            {
                Queue<Entry> batch;
                ExceptionDispatchInfo error = null;
                lock (_gate)
                {
                    while (_queue.Count == 0 && !_done)
                    {
                        cancellationToken.ThrowIfCancellationRequested();
                        _takerWaiting = true;
                        Monitor.Wait(_gate, WaitSlice);
                        _takerWaiting = false;
                    }
                    if (_queue.Count == 0)
                    {
                        // The source ended and everything it gave was taken: now its error, if any.
                        error = _error;
                        batch = null;
                    }
                    else
                    {
                        batch = _queue;
                        _queue = _spare;
                        _spare = null;
                        _items = 0;
                        if (_sourceWaiting) Monitor.Pulse(_gate);
                    }
                }
                if (batch == null)
                {
                    error?.Throw();
                    yield break;
                }
                while (batch.Count > 0)
                {
                    Entry entry = batch.Dequeue();
                    if (entry.Report != null) entry.Report.SendTo(_downstream);
                    else yield return entry.Item;
                }
                lock (_gate) _spare = batch;
            }
        }

        private void WakeAll()
        {
            lock (_gate) Monitor.PulseAll(_gate);
        }

        /// <summary>Stops the source (if it still reads) and waits for it at most <see cref="StopWait"/>.</summary>
        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
            try { _stop.Cancel(); }
            catch (AggregateException) { } // a callback of the linked token threw: the source is stopping all the same
            if (_thread == null || _ended.Wait(StopWait))
            {
                _wakeOnStop.Dispose();
                _stop.Dispose();
                _ended.Dispose();
            }
            // Else the source is inside a call that does not check its token: it ends at its next check, on a
            // background thread; its token source stays alive until then (disposing it under the source would throw there).
        }

        private readonly struct Entry
        {
            public Entry(T item, Report report)
            {
                Item = item;
                Report = report;
            }

            public T Item { get; }
            public Report Report { get; }
        }

        /// <summary>The source's reporter: each report takes its place among the items; never waits for room.</summary>
        private sealed class OrderedReporter : ReportCollector
        {
            private readonly ReadAhead<T> _owner;

            public OrderedReporter(ReadAhead<T> owner) => _owner = owner;

            protected override void Add(Report report) => _owner.Add(new Entry(default, report), CancellationToken.None);
        }
    }
}
