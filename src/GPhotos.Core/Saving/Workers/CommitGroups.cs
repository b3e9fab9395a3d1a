using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.IO;
using System.Runtime.CompilerServices;
using System.Threading;
using System.Threading.Tasks;
using GPhotos.Model;

namespace GPhotos.Saving
{
    /// <summary>The steps of one commit, for crash tests (<see cref="SaveOptions.OnCommitStep"/>).</summary>
    internal enum CommitStep
    {
        /// <summary>The temp files are written (handed to the OS), not yet flushed to the disk.</summary>
        Written,
        /// <summary>Flushed to the disk and closed; no time set, no index line, no rename yet.</summary>
        Flushed,
        /// <summary>The index line is written (to the OS), the file not yet renamed.</summary>
        Indexed,
        /// <summary>Renamed into place; the result is not yet reported.</summary>
        Renamed,
    }

    /// <summary>A downloaded item on its way from its worker to its commit.</summary>
    internal sealed class CommitJob
    {
        public CommitJob(SavePlan plan) => Plan = plan;

        public SavePlan Plan { get; }
        public DownloadedFile Original { get; set; }
        public DownloadedFile Motion { get; set; }
        public bool MotionChecked { get; set; }
        public Exception MotionError { get; set; }

        /// <summary>Why a file of this item could not be flushed: the item's error, not the group's.</summary>
        public Exception FlushError { get; set; }

        public bool HasUnflushed => Original?.Unflushed != null || Motion?.Unflushed != null;
    }

    /// <summary>
    /// The grouped flush (docs/benchmarks.md, "Save's per-file cost: grouped fsync"). Workers write temp files without
    /// flushing them and queue them here, then take their next item; one committer takes what is queued (up to
    /// <see cref="SaveOptions.CommitGroupSize"/> items: while one group is flushed the next gathers), starts the
    /// writeback of all of them, flushes them concurrently (on ext4 concurrent fsyncs share journal commits and
    /// device cache flushes), and only then commits each in queue order: times, index line, rename with no replace.
    /// So the promise is unchanged: a file gets its final name only with all its bytes on disk and its index line
    /// already written; a crash before that leaves a temp file, deleted by the next run. A failed flush is that
    /// item's error only. On stop (Ctrl+C, a fatal error) what was queued before is still committed (it is
    /// downloaded: at most two groups of local work); what a worker queues after the committer left is dropped, its
    /// temp files deleted, like a download cut short.
    /// </summary>
    internal sealed class CommitGroups
    {
        /// <summary>64 files: a few milliseconds of photos at 8 in flight; at most twice that many handles are open.</summary>
        public const int DefaultMaxGroup = 64;

        private readonly SaveRun _run;
        private readonly Action<CommitJob> _commit;
        private readonly Action<CommitJob> _drop;
        private readonly int _maxGroup;
        private readonly ConcurrentQueue<CommitJob> _queue = new ConcurrentQueue<CommitJob>();
        private readonly SemaphoreSlim _ready = new SemaphoreSlim(0);
        private readonly SemaphoreSlim _room;
        private volatile bool _addingCompleted;

        /// <param name="commit">Commits one flushed item and reports it; never throws.</param>
        /// <param name="drop">Forgets one item after a stop: closes and deletes its temp files; never throws.</param>
        public CommitGroups(SaveRun run, Action<CommitJob> commit, Action<CommitJob> drop)
        {
            _run = run;
            _commit = commit;
            _drop = drop;
            _maxGroup = run.Options.CommitGroupSize;
            _room = new SemaphoreSlim(_maxGroup, _maxGroup);
        }

        /// <summary>The committer has exited (after <see cref="CompleteAdding"/>, or on stop); null before <see cref="Start"/>.</summary>
        public Task Completion { get; private set; }

        public void Start() =>
            Completion = Task.Factory.StartNew(Loop, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);

        /// <summary>Queues a job, waiting (without a thread) while the queue is full. Throws OperationCanceledException on stop: the job is the caller's to drop.</summary>
        public async Task AddAsync(CommitJob job)
        {
            await _room.WaitAsync(_run.StopToken).ConfigureAwait(false);
            _queue.Enqueue(job);
            _ready.Release();
        }

        /// <summary>No more jobs (all workers have exited): the committer commits what is queued and leaves.</summary>
        public void CompleteAdding()
        {
            _addingCompleted = true;
            _ready.Release();
        }

        /// <summary>Drops what is still queued (only after a stop, once workers and committer have exited).</summary>
        public void DropLeftovers()
        {
            while (_queue.TryDequeue(out CommitJob job)) _drop(job);
        }

        private void Loop()
        {
            var group = new List<CommitJob>(_maxGroup);
            try
            {
                while (true)
                {
                    bool stopped = false;
                    try
                    {
                        _ready.Wait(_run.StopToken);
                    }
                    catch (OperationCanceledException)
                    {
                        stopped = true; // commit what was downloaded before the stop (at most two groups), then leave
                    }
                    // Wake-ups outnumber jobs (one per job, taken a group at a time): an empty queue is normal.
                    while (group.Count < _maxGroup && _queue.TryDequeue(out CommitJob job))
                    {
                        group.Add(job);
                        _room.Release();
                    }
                    if (group.Count == 0)
                    {
                        if (stopped || (_addingCompleted && _queue.IsEmpty)) return;
                        continue;
                    }
                    Step(CommitStep.Written, group);
                    Flush(group);
                    Step(CommitStep.Flushed, group);
                    for (int i = 0; i < group.Count; i++)
                    {
                        CommitJob job = group[i];
                        group[i] = null;
                        _commit(job);
                    }
                    group.Clear();
                }
            }
            catch (Exception ex)
            {
                // _commit and _drop report their own failures; reaching this is a bug. Stop rather than lose items silently.
                if (!_run.IsStopped) _run.SetFatal(ex, null);
            }
            finally
            {
                foreach (CommitJob job in group)
                    if (job != null) _drop(job);
                DropLeftovers();
            }
        }

        [MethodImpl(HotPath.Optimized)]
        private void Step(CommitStep step, List<CommitJob> group)
        {
            Action<CommitStep, MediaItem> hook = _run.Options.OnCommitStep;
            if (hook == null) return;
            foreach (CommitJob job in group) hook(step, job.Plan.Item);
        }

        /// <summary>Starts every file's writeback, then flushes them on up to 8 threads at once and closes them.</summary>
        [MethodImpl(HotPath.Optimized)]
        private void Flush(List<CommitJob> group)
        {
            var files = new List<(CommitJob Job, DownloadedFile File)>(group.Count);
            foreach (CommitJob job in group)
            {
                if (job.Original?.Unflushed != null) files.Add((job, job.Original));
                if (job.Motion?.Unflushed != null) files.Add((job, job.Motion));
            }
            foreach (var f in files) f.File.Unflushed.StartWriteback();
            if (files.Count == 1) FlushOne(files[0]);
            else if (files.Count > 1)
                Parallel.For(0, files.Count, new ParallelOptions { MaxDegreeOfParallelism = Math.Min(files.Count, 8) }, i => FlushOne(files[i]));
        }

        [MethodImpl(HotPath.Optimized)]
        private void FlushOne((CommitJob Job, DownloadedFile File) f)
        {
            try
            {
                Exception fault = _run.Options.FlushFault?.Invoke(f.Job.Plan.Item);
                if (fault != null) throw fault;
                f.File.FlushToDisk();
            }
            catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException || ex is ObjectDisposedException)
            {
                f.File.Close();
                lock (f.Job) f.Job.FlushError = f.Job.FlushError ?? ContentDownloader.WriteFailed(f.Job.Plan.Item, f.File.TempPath, ex);
            }
        }
    }
}
