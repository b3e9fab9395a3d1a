using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Security.Cryptography;
using System.Text;
using System.Threading;
using GPhotos.Saving;

namespace GPhotos.Verification
{
    /// <summary>
    /// Test-GPhotosBackup's engine. Under the destination's lock (a running save makes it fail with
    /// <see cref="DestinationLockedException"/>), checks every file the index records (original, motion video, sidecar,
    /// album links) is there with its size, lists files the index does not know, and with <c>full</c> re-reads and
    /// re-hashes every file that has a recorded SHA-256, album entries included (they are copies where hard links
    /// are impossible, and can then rot on their own). A content mismatch is recorded in the index
    /// (<c>contentChanged</c>), so the next save keeps the file and warns instead of overwriting what may be an edit;
    /// a match clears an earlier mark. Problems and progress are handed to the callbacks on the caller's thread.
    /// </summary>
    public static class BackupVerifier
    {
        /// <summary>1 MiB reads: few system calls, and Ctrl+C is seen between two of them (milliseconds).</summary>
        internal const int BufferSize = 1 << 20;

        public static BackupSummary Run(string destination, bool full, Action<BackupProblem> onProblem,
            Action<BackupProgress> onProgress = null, CancellationToken cancellationToken = default(CancellationToken))
        {
            if (string.IsNullOrEmpty(destination)) throw new ArgumentNullException(nameof(destination));
            destination = Path.GetFullPath(destination).TrimEnd(Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar);
            if (!Directory.Exists(destination))
                throw new DirectoryNotFoundException($"The folder '{destination}' does not exist.");
            string state = Path.Combine(destination, DestinationStore.StateFolderName);
            string indexPath = Path.Combine(state, DestinationIndex.FileName);
            if (!File.Exists(indexPath))
                throw new BackupIndexNotFoundException(destination,
                    $"'{destination}' has no GPhotos index ('{indexPath}'): nothing was saved there by Save-GPhotosMediaItem, so there is nothing to check against.");

            var clock = Stopwatch.StartNew();
            var summary = new BackupSummary { Path = destination, Full = full };
            Action<BackupProblem> report = p => { summary.Count(p.Kind); onProblem?.Invoke(p); };
            using (DestinationLock.Acquire(destination, state, TimeSpan.Zero, cancellationToken))
            using (DestinationIndex index = full ? DestinationIndex.Open(indexPath, cancellationToken) : DestinationIndex.ReadOnly(indexPath, cancellationToken))
            {
                ReportDamage(index, indexPath, report);
                List<IndexEntry> entries = index.Snapshot();
                entries.Sort((a, b) => string.CompareOrdinal(a.Path, b.Path));
                var known = new HashSet<string>(Comparer);
                var checks = new List<FileCheck>();
                foreach (IndexEntry e in entries)
                {
                    checks.Add(new FileCheck(e, "Original", e.Path, e.Size, e.Sha256));
                    known.Add(e.Path);
                    if (e.MotionPath != null)
                    {
                        checks.Add(new FileCheck(e, "MotionVideo", e.MotionPath, e.MotionSize ?? -1, e.MotionSha256));
                        known.Add(e.MotionPath);
                    }
                    if (e.MetadataPath != null)
                    {
                        checks.Add(new FileCheck(e, "Metadata", e.MetadataPath, -1, null));
                        known.Add(e.MetadataPath);
                    }
                    if (e.Links != null)
                        foreach (string link in e.Links)
                        {
                            // With the photo's recorded hash: where the album folder holds copies (FAT/exFAT, or a backup
                            // copied by a tool that does not keep hard links), a copy can rot on its own; -Full reads it.
                            checks.Add(new FileCheck(e, "AlbumLink", link, e.Size, e.Sha256));
                            known.Add(link);
                        }
                }

                var progress = new BackupProgress { TotalFiles = checks.Count };
                if (full)
                    foreach (FileCheck c in checks)
                        if (c.Sha256 != null) progress.TotalBytes += c.Size;
                var sinceProgress = Stopwatch.StartNew();
                byte[] buffer = full ? new byte[BufferSize] : null;
                // The content just read for each item's original: an album entry with the same content is fine even
                // when the original is damaged (a hard link is the same file, its damage is named once, on the original).
                IndexEntry hashedEntry = null;
                string hashedActual = null;
                foreach (FileCheck c in checks)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    string fullPath = ToFull(destination, c.Relative);
                    progress.CurrentPath = fullPath;
                    progress.Files = summary.Files++;
                    long length = LengthOf(fullPath);
                    if (length < 0)
                    {
                        report(Problem(c.Role == "AlbumLink" ? BackupProblemKind.AlbumLinkBroken : BackupProblemKind.Missing, fullPath, c,
                            c.Role == "AlbumLink"
                                ? $"The album link '{fullPath}' to '{ToFull(destination, c.Entry.Path)}' is missing; the next save with the album folder makes it again."
                                : $"'{fullPath}' ({c.Role}) is missing; the next save of this item downloads it again."));
                        continue;
                    }
                    if (c.Size >= 0 && length != c.Size)
                    {
                        var p = Problem(c.Role == "AlbumLink" ? BackupProblemKind.AlbumLinkBroken : BackupProblemKind.SizeChanged, fullPath, c,
                            c.Role == "AlbumLink"
                                ? $"The album link '{fullPath}' has {length:N0} bytes, its photo {c.Size:N0}: it is no longer the same file."
                                : length < c.Size
                                    ? $"'{fullPath}' has {length:N0} of the {c.Size:N0} bytes it was saved with (truncated); the next save restores it."
                                    : $"'{fullPath}' has {length:N0} bytes, more than the {c.Size:N0} it was saved with (edited or damaged); the next save keeps it and warns, -Force replaces it.");
                        p.ActualBytes = length;
                        report(p);
                        continue;
                    }
                    summary.Bytes += length;
                    if (!full || c.Role == "Metadata") continue;
                    if (c.Sha256 == null) { if (c.Role != "AlbumLink") summary.NotHashed++; continue; }

                    string actual = HashFile(fullPath, buffer, n =>
                    {
                        progress.Bytes += n;
                        if (onProgress != null && sinceProgress.ElapsedMilliseconds >= 500)
                        {
                            sinceProgress.Restart();
                            progress.BytesPerSecond = progress.Bytes / Math.Max(0.001, clock.Elapsed.TotalSeconds);
                            onProgress(progress);
                        }
                    }, cancellationToken);
                    summary.Hashed++;
                    if (c.Role == "Original") { hashedEntry = c.Entry; hashedActual = actual; }
                    bool changed = actual == null || !string.Equals(actual, c.Sha256, StringComparison.Ordinal);
                    if (changed && c.Role == "AlbumLink")
                    {
                        if (actual != null && ReferenceEquals(hashedEntry, c.Entry) && string.Equals(actual, hashedActual, StringComparison.Ordinal))
                            continue; // the same bytes as its original: one file (a hard link); the original's problem says it
                        var p = Problem(BackupProblemKind.AlbumLinkBroken, fullPath, c, actual == null
                            ? $"The album copy '{fullPath}' could not be read; its content cannot be confirmed."
                            : $"The album copy '{fullPath}' no longer has the content of '{ToFull(destination, c.Entry.Path)}' (SHA-256 {actual}, saved as {c.Sha256}): damaged on the disk, or edited. Delete it and the next save with the album folder makes it again.");
                        p.ActualSha256 = actual;
                        report(p);
                        continue;
                    }
                    if (changed)
                    {
                        var p = Problem(BackupProblemKind.ContentChanged, fullPath, c, actual == null
                            ? $"'{fullPath}' could not be read; its content cannot be confirmed."
                            : $"'{fullPath}' has the size it was saved with but not its content (SHA-256 {actual}, saved as {c.Sha256}): damaged on the disk, or edited. The next save keeps it and warns; -Force replaces it with Google's copy.");
                        p.ActualSha256 = actual;
                        report(p);
                    }
                    if (c.Role == "Original" && changed != c.Entry.ContentChanged && actual != null)
                    {
                        // Recorded so the next save knows without re-reading (only -Full can tell).
                        IndexEntry marked = c.Entry.Clone();
                        marked.ContentChanged = changed;
                        index.Append(marked);
                    }
                }
                ReportUnindexed(destination, known, report, cancellationToken);
            }
            summary.Seconds = Math.Round(clock.Elapsed.TotalSeconds, 3);
            return summary;
        }

        private sealed class FileCheck
        {
            public FileCheck(IndexEntry entry, string role, string relative, long size, string sha256)
            {
                Entry = entry;
                Role = role;
                Relative = relative;
                Size = size;
                Sha256 = sha256;
            }

            public IndexEntry Entry { get; }
            public string Role { get; }
            public string Relative { get; }
            public long Size { get; }
            public string Sha256 { get; }
        }

        private static BackupProblem Problem(BackupProblemKind kind, string path, FileCheck c, string message) => new BackupProblem
        {
            Kind = kind,
            Path = path,
            Id = c.Entry.Id,
            Role = c.Role,
            ExpectedBytes = c.Size >= 0 ? c.Size : (long?)null,
            ExpectedSha256 = c.Sha256,
            Message = message,
        };

        /// <summary>SHA-256 of a file, lowercase hex; null when it cannot be read.</summary>
        internal static string HashFile(string path, byte[] buffer, Action<int> onBytes, CancellationToken cancellationToken)
        {
            try
            {
                using (var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read | FileShare.Delete, 1, FileOptions.SequentialScan))
                using (IncrementalHash sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256))
                {
                    int read;
                    while ((read = file.Read(buffer, 0, buffer.Length)) > 0)
                    {
                        cancellationToken.ThrowIfCancellationRequested();
                        sha.AppendData(buffer, 0, read);
                        onBytes?.Invoke(read);
                    }
                    return ContentDownloader.Hex(sha.GetHashAndReset());
                }
            }
            catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException)
            {
                return null;
            }
        }

        private static void ReportDamage(DestinationIndex index, string indexPath, Action<BackupProblem> report)
        {
            for (int i = 0; i < index.UnreadableLineNumbers.Count; i++)
            {
                bool last = i == index.UnreadableLineNumbers.Count - 1;
                int more = index.UnreadableLines - index.UnreadableLineNumbers.Count;
                report(new BackupProblem
                {
                    Kind = BackupProblemKind.IndexDamaged,
                    Path = indexPath,
                    Message = $"Line {index.UnreadableLineNumbers[i]} of '{indexPath}' cannot be read; the item it recorded is unknown (its file is listed as unindexed if it is there)."
                        + (last && more > 0 ? $" {more} more unreadable line(s) follow." : ""),
                });
            }
        }

        /// <summary>Every file below the destination, except <c>.gphotos</c>, that no index entry names.</summary>
        private static void ReportUnindexed(string destination, HashSet<string> known, Action<BackupProblem> report, CancellationToken cancellationToken)
        {
            var pending = new Stack<string>();
            pending.Push(destination);
            var found = new List<string>();
            while (pending.Count > 0)
            {
                cancellationToken.ThrowIfCancellationRequested();
                string folder = pending.Pop();
                try
                {
                    foreach (string sub in Directory.GetDirectories(folder))
                        if (!(folder == destination && Path.GetFileName(sub) == DestinationStore.StateFolderName)) pending.Push(sub);
                    foreach (string file in Directory.GetFiles(folder))
                    {
                        string relative = file.Substring(destination.Length + 1).Replace(Path.DirectorySeparatorChar, '/').Normalize(NormalizationForm.FormC);
                        if (!known.Contains(relative)) found.Add(file);
                    }
                }
                catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException) { }
            }
            found.Sort(StringComparer.Ordinal);
            foreach (string file in found)
                report(new BackupProblem
                {
                    Kind = BackupProblemKind.Unindexed,
                    Path = file,
                    ActualBytes = LengthOf(file),
                    Message = $"'{file}' is in the backup folder but not in its index (your own file, or one whose index line was lost). GPhotos never overwrites it.",
                });
        }

        private static StringComparer Comparer => Path.DirectorySeparatorChar == '\\' ? StringComparer.OrdinalIgnoreCase : StringComparer.Ordinal;

        private static string ToFull(string destination, string relative) =>
            Path.Combine(destination, relative.Replace('/', Path.DirectorySeparatorChar));

        private static long LengthOf(string path)
        {
            try
            {
                var info = new FileInfo(path);
                return info.Exists ? info.Length : -1;
            }
            catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException) { return -1; }
        }
    }
}
