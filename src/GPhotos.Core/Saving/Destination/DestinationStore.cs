using System;
using System.Collections.Concurrent;
using System.IO;
using GPhotos.Errors;

namespace GPhotos.Saving
{
    /// <summary>
    /// The destination on disk: the folder, <c>.gphotos/</c> with the lock, <c>index.jsonl</c> and <c>tmp/</c>.
    /// Opening it takes the lock, deletes temp files a crashed run left, opens (and if needed compacts) the index
    /// and reports lines it cannot read. Commits (<see cref="Committer"/>) go through it.
    /// </summary>
    internal sealed class DestinationStore : IDisposable
    {
        public const string StateFolderName = ".gphotos";
        public const string TempFolderName = "tmp";

        private readonly SaveRun _run;
        private readonly ConcurrentDictionary<string, bool> _createdFolders = new ConcurrentDictionary<string, bool>(StringComparer.Ordinal);
        private DestinationLock _lock;

        public DestinationStore(SaveRun run)
        {
            _run = run;
            Destination = run.Options.Destination;
            StateFolder = Path.Combine(Destination, StateFolderName);
            TempFolder = Path.Combine(StateFolder, TempFolderName);
            IndexPath = Path.Combine(StateFolder, DestinationIndex.FileName);
        }

        public string Destination { get; }
        public string StateFolder { get; }
        public string TempFolder { get; }
        public string IndexPath { get; }

        /// <summary>For tests: lines beyond the live entries tolerated before the index is compacted at start.</summary>
        public int IndexCompactionThreshold { get; set; } = 1000;

        /// <summary>
        /// Creates the destination, takes its lock (waiting up to <see cref="SaveOptions.LockTimeout"/>), deletes
        /// leftovers, and hands the opened index to <paramref name="namer"/> (reusing the one a preview read if the
        /// file did not change). Throws <see cref="DestinationLockedException"/> or <see cref="DestinationWriteException"/>.
        /// </summary>
        public void Open(SaveNamer namer)
        {
            try
            {
                Directory.CreateDirectory(Destination);
                Directory.CreateDirectory(StateFolder);
                HideOnWindows(StateFolder);
                Directory.CreateDirectory(TempFolder);
            }
            catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException)
            {
                throw new DestinationWriteException($"Cannot create the destination folder '{Destination}': {ex.Message}", Destination, ex);
            }

            DestinationLock acquired = DestinationLock.Acquire(Destination, StateFolder, _run.Options.LockTimeout, _run.CallerToken);
            try
            {
                int leftovers = CleanTempFolder();
                if (leftovers > 0)
                    _run.Events.Verbose($"Deleted {leftovers} temp file(s) an interrupted run left in '{TempFolder}'.");
                DestinationIndex index, previewed;
                bool reused;
                try
                {
                    // A preview (the first item's ShouldProcess) or the read ahead already read the index (else it
                    // is read now, read-only); it is reused if the file is unchanged, read again under the lock if not.
                    lock (namer.Sync)
                    {
                        namer.EnsureLoaded(_run.CallerToken);
                        previewed = namer.Index;
                    }
                    reused = previewed != null && previewed.TryOpenForAppend();
                    index = reused ? previewed : DestinationIndex.Open(IndexPath, _run.CallerToken);
                    index.CompactionThreshold = IndexCompactionThreshold;
                    ReportUnreadableLines(index);
                    CompactIfWorthIt(index);
                }
                catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException)
                {
                    throw new DestinationWriteException($"Cannot open the destination index '{IndexPath}': {ex.Message}", IndexPath, ex);
                }
                lock (namer.Sync) namer.Adopt(index, reused);
                _run.Events.Verbose($"Saving to '{Destination}' ({index.Count} item(s) already in its index, {_run.Options.ThrottleLimit} parallel download(s)).");
            }
            catch
            {
                acquired.Dispose();
                throw;
            }
            _lock = acquired;
        }

        /// <summary>
        /// Damaged lines were just reported: compact them away so the next run does not warn again. Lines of an
        /// unknown shape may be a newer GPhotos's: never compacted away.
        /// </summary>
        private void CompactIfWorthIt(DestinationIndex index)
        {
            bool compact = index.UnknownShapeLines == 0 && (index.NeedsCompaction || index.UnreadableLines > 0);
            if (!compact) return;
            int before = index.LineCount;
            try
            {
                index.Compact(TempFolder);
                _run.Events.Verbose($"Compacted the destination index from {before} to {index.LineCount} lines.");
            }
            catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException)
            {
                // Only housekeeping (e.g. a reader elsewhere keeps the file open): the old index still works.
                _run.Events.Verbose($"The destination index was not compacted this time: {ex.Message}");
            }
        }

        /// <summary>One warning for the index lines this run cannot use, naming the file and the lines: never silent.</summary>
        private void ReportUnreadableLines(DestinationIndex index)
        {
            if (index.UnreadableLines == 0) return;
            string lines = string.Join(", ", index.UnreadableLineNumbers) + (index.UnreadableLines > index.UnreadableLineNumbers.Count ? ", …" : "");
            string why = index.UnknownShapeLines > 0
                ? " Some are of a shape this version does not know: was the folder saved to by a newer GPhotos? Those lines are kept."
                : " They were damaged (a crash or an edit) and are removed from the index now.";
            _run.Events.Warning(null,
                $"The destination index '{IndexPath}' has {index.UnreadableLines} line(s) GPhotos cannot read (line {lines}).{why} An item recorded only there looks new: it is saved again, beside its old file if that is still there.",
                ErrorCatalog.IndexLinesUnreadable);
        }

        /// <summary>Creates the folder a file goes to: one mkdir per folder and run, not one per item.</summary>
        public void EnsureFolderFor(string fullPath)
        {
            try
            {
                string folder = Path.GetDirectoryName(fullPath);
                if (!_createdFolders.ContainsKey(folder))
                {
                    Directory.CreateDirectory(folder);
                    _createdFolders[folder] = true;
                }
            }
            catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException)
            {
                throw new DestinationWriteException($"Cannot create the folder for '{fullPath}': {ex.Message}", fullPath, ex);
            }
        }

        /// <summary>Moves a verified temp file to its name: replacing only what the index says is ours (<paramref name="owned"/>).</summary>
        public void Place(string temp, string target, bool owned)
        {
            if (owned) AtomicFile.MoveReplacing(temp, target, TempFolder);
            else AtomicFile.MoveNew(temp, target);
        }

        private int CleanTempFolder()
        {
            int removed = 0;
            try
            {
                if (!Directory.Exists(TempFolder)) return 0;
                foreach (string file in Directory.GetFiles(TempFolder))
                {
                    try
                    {
                        File.Delete(file);
                        removed++;
                    }
                    catch (IOException) { }
                    catch (UnauthorizedAccessException) { }
                }
            }
            catch (IOException) { }
            catch (UnauthorizedAccessException) { }
            return removed;
        }

        private static void HideOnWindows(string folder)
        {
            if (Path.DirectorySeparatorChar != '\\') return; // the leading dot hides it elsewhere
            try
            {
                var info = new DirectoryInfo(folder);
                info.Attributes |= FileAttributes.Hidden;
            }
            catch (IOException) { }
            catch (UnauthorizedAccessException) { }
        }

        /// <summary>Deletes temp files and releases the lock (after the workers stopped).</summary>
        public void Dispose()
        {
            if (_lock == null) return;
            CleanTempFolder();
            _lock.Dispose();
            _lock = null;
        }
    }
}
