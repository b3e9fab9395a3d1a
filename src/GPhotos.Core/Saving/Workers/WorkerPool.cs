using System;
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Threading;
using System.Threading.Tasks;

namespace GPhotos.Saving
{
    /// <summary>
    /// The bounded work queue and the workers that drain it. The caller's thread adds plans (blocking while the
    /// queue is full, at most <see cref="Capacity"/> waiting); <see cref="SaveOptions.ThrottleLimit"/> workers take
    /// them, each with its own buffer, so memory stays constant whatever the number of items.
    /// </summary>
    internal sealed class WorkerPool
    {
        private readonly SaveRun _run;
        private readonly ItemWorker _worker;
        private readonly ConcurrentQueue<SavePlan> _queue = new ConcurrentQueue<SavePlan>();
        private readonly SemaphoreSlim _available = new SemaphoreSlim(0);

        // Slots: plans taken by WaitForSlot and not yet picked up by a worker. The caller blocks when all are taken
        // and is woken only when half are free again: one wake-up per Capacity/2 items, not one per item (the
        // caller's thread used to wake, spin and sleep again for every item a worker took: ~12 sched_yield per
        // item on 2 cores). spinCount 0: the event blocks at once instead of spinning on a busy machine.
        private readonly ManualResetEventSlim _room = new ManualResetEventSlim(false, 0);
        private int _taken;

        public WorkerPool(SaveRun run, ItemWorker worker)
        {
            _run = run;
            _worker = worker;
            Capacity = run.Options.ThrottleLimit * 4;
        }

        /// <summary>Plans that may wait for a worker before the caller blocks.</summary>
        public int Capacity { get; }

        /// <summary>All workers have exited; null before <see cref="Start"/>.</summary>
        public Task Completion { get; private set; }

        public void Start()
        {
            _run.Events.SetWorkersDone(false);
            var workers = new Task[_run.Options.ThrottleLimit];
            for (int i = 0; i < workers.Length; i++)
                workers[i] = Task.Run(() => WorkerLoopAsync());
            CommitGroups groups = _worker.Groups;
            groups?.Start();
            Completion = Task.WhenAll(workers).ContinueWith(t =>
            {
                GC.KeepAlive(t.Exception); // observed: never an unobserved task exception
                // The workers are done: the committer commits what they queued, then leaves.
                if (groups == null) return Task.CompletedTask;
                groups.CompleteAdding();
                return groups.Completion;
            }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default).Unwrap().ContinueWith(t =>
            {
                GC.KeepAlive(t.Exception);
                groups?.DropLeftovers(); // queued by a worker after the committer left on a stop
                _run.Events.SetWorkersDone(true);
            }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        }

        /// <summary>Waits for a free slot; false after <paramref name="timeout"/>. Throws OperationCanceledException when the run stops.</summary>
        public bool WaitForSlot(TimeSpan timeout)
        {
            CancellationToken stop = _run.StopToken;
            stop.ThrowIfCancellationRequested();
            Stopwatch waited = null;
            while (true)
            {
                int taken = Volatile.Read(ref _taken);
                if (taken < Capacity)
                {
                    if (Interlocked.CompareExchange(ref _taken, taken + 1, taken) == taken) return true;
                    continue;
                }
                _room.Reset();
                if (Volatile.Read(ref _taken) < Capacity) continue; // a worker took one between the read and the reset
                int left = Timeout.Infinite;
                if (timeout != Timeout.InfiniteTimeSpan)
                {
                    waited = waited ?? Stopwatch.StartNew();
                    double ms = (timeout - waited.Elapsed).TotalMilliseconds;
                    if (ms <= 0) return false;
                    left = (int)Math.Min(Math.Ceiling(ms), int.MaxValue);
                }
                _room.Wait(left, stop);
            }
        }

        /// <summary>Gives back a slot taken by <see cref="WaitForSlot"/> whose item needed no worker.</summary>
        public void ReleaseSlot() => FreeSlot();

        private void FreeSlot()
        {
            if (Interlocked.Decrement(ref _taken) == Capacity / 2) _room.Set();
        }

        /// <summary>Hands a plan to the workers, in the slot <see cref="WaitForSlot"/> took.</summary>
        public void Add(SavePlan plan)
        {
            _queue.Enqueue(plan);
            _available.Release();
        }

        /// <summary>Wakes idle workers; each leaves when the queue is empty.</summary>
        public void CompleteAdding() => _available.Release(_run.Options.ThrottleLimit);

        private async Task WorkerLoopAsync()
        {
            try
            {
                var buffer = new byte[ContentDownloader.BufferSize]; // one per worker: memory stays constant
                CancellationToken stop = _run.StopToken;
                while (true)
                {
                    try
                    {
                        await _available.WaitAsync(stop).ConfigureAwait(false);
                    }
                    catch (OperationCanceledException)
                    {
                        return;
                    }
                    if (!_queue.TryDequeue(out SavePlan plan)) return; // woken by CompleteAdding, nothing left
                    FreeSlot();
                    if (stop.IsCancellationRequested) return;
                    await _worker.SaveAsync(plan, buffer).ConfigureAwait(false);
                }
            }
            catch (Exception ex)
            {
                // SaveAsync reports its own failures; reaching this is a bug. Stop the run rather than lose items silently.
                if (!_run.IsStopped) _run.SetFatal(ex, null);
            }
        }
    }
}
