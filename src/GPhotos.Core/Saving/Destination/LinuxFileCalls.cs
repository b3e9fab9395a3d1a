using System;
using System.IO;
using System.Runtime.InteropServices;
using System.Threading;
using Microsoft.Win32.SafeHandles;

namespace GPhotos.Saving
{
    /// <summary>
    /// The two per-file system calls of a commit done directly on 64-bit Linux, where .NET adds checks around them:
    /// <list type="bullet">
    /// <item><c>File.Move(a, b)</c> is three <c>lstat</c>s and a <c>rename(2)</c>, and "must not exist" is only checked
    /// before the rename (a file that appears in between is overwritten). <c>renameat2(RENAME_NOREPLACE)</c> is one
    /// call, and the kernel refuses an existing name atomically: the never-overwrite promise with no window.</item>
    /// <item><c>File.SetLastWriteTimeUtc</c> is an <c>lstat</c> (to keep the access time) and a <c>utimensat</c>;
    /// <c>UTIME_OMIT</c> keeps the access time without reading it.</item>
    /// </list>
    /// Anything unusual (no <c>renameat2</c> in the C library, a file system that refuses the flag, any other error)
    /// falls back to the .NET call, so errors and their messages stay .NET's own. Elsewhere (Windows, macOS, 32-bit)
    /// the .NET calls are used; Windows' MoveFileEx without REPLACE_EXISTING already refuses atomically.
    /// </summary>
    internal static class LinuxFileCalls
    {
        private const int AtCwd = -100;
        private const uint RenameNoReplace = 1;
        private const int AtSymlinkNoFollow = 0x100;
        private const long UtimeOmit = (1L << 30) - 2;
        private const int EEXIST = 17, ENOSYS = 38, EINVAL = 22;

        private static readonly bool Applies = RuntimeInformation.IsOSPlatform(OSPlatform.Linux) && IntPtr.Size == 8;

        private static int _renameWorks = Applies ? 1 : 0;
        private static int _timesWork = Applies ? 1 : 0;

        [StructLayout(LayoutKind.Sequential)]
        private struct TimeSpec
        {
            public long Seconds;
            public long Nanoseconds;
        }

        [DllImport("libc", SetLastError = true)]
        private static extern int renameat2(int oldDirFd, string oldPath, int newDirFd, string newPath, uint flags);

        [DllImport("libc", SetLastError = true)]
        private static extern int utimensat(int dirFd, string path, [In] TimeSpec[] times, int flags);

        private static int _writebackWorks = Applies ? 1 : 0;
        private const uint SyncFileRangeWrite = 2;

        [DllImport("libc", SetLastError = true)]
        private static extern int sync_file_range(int fd, long offset, long count, uint flags);

        /// <summary>
        /// Starts writing <paramref name="handle"/>'s dirty pages to the disk without waiting (<c>sync_file_range(WRITE)</c>),
        /// so that a group's fsyncs find their data already on its way. Only a head start: the fsync still decides
        /// durability. Does nothing off Linux.
        /// </summary>
        public static void StartWriteback(SafeFileHandle handle)
        {
            if (handle == null || Disabled || Volatile.Read(ref _writebackWorks) == 0) return;
            bool added = false;
            try
            {
                handle.DangerousAddRef(ref added);
                sync_file_range(handle.DangerousGetHandle().ToInt32(), 0, 0, SyncFileRangeWrite); // a failure only loses the head start
            }
            catch (Exception ex) when (ex is EntryPointNotFoundException || ex is DllNotFoundException)
            {
                Volatile.Write(ref _writebackWorks, 0);
            }
            finally
            {
                if (added) handle.DangerousRelease();
            }
        }

        /// <summary>False where <see cref="StartWriteback"/> does nothing: callers then need not expose a FileStream's handle (which flushes it).</summary>
        public static bool CanStartWriteback => !Disabled && Volatile.Read(ref _writebackWorks) != 0;

        /// <summary>For tests: the .NET calls only, as on a system without these.</summary>
        internal static bool Disabled { get; set; }

        /// <summary>
        /// Renames <paramref name="from"/> to <paramref name="to"/> only if <paramref name="to"/> does not exist. True
        /// when done; false when this path does not apply (the caller uses File.Move). Throws IOException when the
        /// target exists, as File.Move does.
        /// </summary>
        public static bool TryMoveNew(string from, string to)
        {
            if (Disabled || Volatile.Read(ref _renameWorks) == 0) return false;
            int result;
            try
            {
                result = renameat2(AtCwd, from, AtCwd, to, RenameNoReplace);
            }
            catch (Exception ex) when (ex is EntryPointNotFoundException || ex is DllNotFoundException)
            {
                Volatile.Write(ref _renameWorks, 0); // glibc before 2.28, or a C library without it
                return false;
            }
            if (result == 0) return true;
            int errno = Marshal.GetLastWin32Error();
            if (errno == EEXIST) throw new IOException($"The file '{to}' already exists.", EEXIST);
            if (errno == ENOSYS || errno == EINVAL) Volatile.Write(ref _renameWorks, 0); // old kernel, or a file system without the flag
            return false; // any other failure: File.Move says it in .NET's words (or succeeds where this could not)
        }

        /// <summary>Sets the last-write time of <paramref name="path"/>, keeping its access time. False when not done (use .NET's call).</summary>
        public static bool TrySetLastWriteTimeUtc(string path, DateTime utc)
        {
            if (Disabled || Volatile.Read(ref _timesWork) == 0) return false;
            long ticks = utc.Ticks - 621355968000000000L; // since 1970-01-01
            long seconds = ticks >= 0 ? ticks / TimeSpan.TicksPerSecond : -((-ticks + TimeSpan.TicksPerSecond - 1) / TimeSpan.TicksPerSecond);
            long nanoseconds = (ticks - seconds * TimeSpan.TicksPerSecond) * 100;
            var times = new[]
            {
                new TimeSpec { Seconds = 0, Nanoseconds = UtimeOmit },
                new TimeSpec { Seconds = seconds, Nanoseconds = nanoseconds },
            };
            try
            {
                return utimensat(AtCwd, path, times, AtSymlinkNoFollow) == 0;
            }
            catch (Exception ex) when (ex is EntryPointNotFoundException || ex is DllNotFoundException)
            {
                Volatile.Write(ref _timesWork, 0);
                return false;
            }
        }
    }
}
