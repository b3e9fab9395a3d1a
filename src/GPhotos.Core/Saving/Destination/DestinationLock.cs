using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Threading;

namespace GPhotos.Saving
{
    /// <summary>
    /// One save per destination at a time. <c>.gphotos/lock</c> is held open with FileShare.None for the whole
    /// session: Windows refuses a second open, .NET on Unix takes an exclusive flock (shared by every .NET process),
    /// and the OS releases both when a process dies, so a crash never leaves a stale lock. A process-wide set catches
    /// a second session in the same process without relying on OS semantics. Who holds the lock is written to
    /// <c>.gphotos/lock.owner</c> (best effort) so the error can say it.
    /// </summary>
    internal sealed class DestinationLock : IDisposable
    {
        public const string LockFileName = "lock";
        public const string OwnerFileName = "lock.owner";

        private static readonly HashSet<string> HeldInProcess = new HashSet<string>(StringComparer.OrdinalIgnoreCase);

        private readonly string _key;
        private FileStream _stream;

        private DestinationLock(string key, FileStream stream)
        {
            _key = key;
            _stream = stream;
        }

        public static DestinationLock Acquire(string destination, string stateFolder, TimeSpan timeout, CancellationToken cancellationToken)
        {
            string key = Path.GetFullPath(stateFolder);
            string lockPath = Path.Combine(stateFolder, LockFileName);
            Stopwatch waited = Stopwatch.StartNew();
            while (true)
            {
                cancellationToken.ThrowIfCancellationRequested();
                string holder;
                Exception cause = null;
                bool mine;
                lock (HeldInProcess) mine = HeldInProcess.Add(key);
                if (!mine)
                {
                    holder = "another save in this process";
                }
                else
                {
                    try
                    {
                        var stream = new FileStream(lockPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, 1);
                        var acquired = new DestinationLock(key, stream);
                        WriteOwner(stateFolder);
                        return acquired;
                    }
                    catch (IOException ex) when (!(ex is FileNotFoundException) && !(ex is DirectoryNotFoundException) && !(ex is PathTooLongException))
                    {
                        lock (HeldInProcess) HeldInProcess.Remove(key);
                        cause = ex;
                        holder = ReadOwner(stateFolder) ?? "another process";
                    }
                    catch
                    {
                        lock (HeldInProcess) HeldInProcess.Remove(key);
                        throw;
                    }
                }

                TimeSpan left = timeout == Timeout.InfiniteTimeSpan ? TimeSpan.FromMilliseconds(100) : timeout - waited.Elapsed;
                if (left <= TimeSpan.Zero)
                    throw new DestinationLockedException(destination, holder, cause);
                // Poll: neither a flock nor a sharing violation can be waited on portably.
                int sleep = (int)Math.Min(100, Math.Max(1, left.TotalMilliseconds));
                if (cancellationToken.WaitHandle.WaitOne(sleep)) cancellationToken.ThrowIfCancellationRequested();
            }
        }

        private static void WriteOwner(string stateFolder)
        {
            try
            {
                string text = string.Format(CultureInfo.InvariantCulture, "process {0} on {1} since {2:yyyy-MM-dd HH:mm:ss}Z",
                    Process.GetCurrentProcess().Id, Environment.MachineName, DateTime.UtcNow);
                File.WriteAllText(Path.Combine(stateFolder, OwnerFileName), text);
            }
            catch (IOException) { }
            catch (UnauthorizedAccessException) { }
        }

        private static string ReadOwner(string stateFolder)
        {
            try
            {
                string text = File.ReadAllText(Path.Combine(stateFolder, OwnerFileName)).Trim();
                return text.Length == 0 || text.Length > 300 ? null : text;
            }
            catch (IOException) { return null; }
            catch (UnauthorizedAccessException) { return null; }
        }

        public void Dispose()
        {
            FileStream stream = Interlocked.Exchange(ref _stream, null);
            if (stream == null) return;
            stream.Dispose();
            lock (HeldInProcess) HeldInProcess.Remove(_key);
        }
    }
}
