using System;
using System.IO;
using System.Runtime.InteropServices;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Win32.SafeHandles;

namespace GPhotos.Saving
{
    /// <summary>
    /// A new temp file being written by a download, then flushed to the disk by its commit group. On 64-bit Linux
    /// (x64, Arm64) it is a plain descriptor: <c>open(O_CREAT|O_EXCL)</c>, <c>write</c>, <c>fsync</c>, <c>close</c>.
    /// A FileStream adds four system calls per file there (an advisory <c>flock</c> and its unlock, two <c>lseek</c>s),
    /// which matter at 20,000 tiny Takeout files. Elsewhere, or when the native open fails for any reason, it is a
    /// FileStream (asynchronous where the OS has overlapped I/O), so errors keep .NET's own types and messages.
    /// </summary>
    internal abstract class TempFile : IDisposable
    {
        /// <summary>Windows has overlapped file I/O; elsewhere a FileStream's async write is a sync write on the thread pool.</summary>
        internal static readonly bool OverlappedWrites = RuntimeInformation.IsOSPlatform(OSPlatform.Windows);

        /// <summary>Creates <paramref name="path"/>, which must not exist. Throws what FileStream throws.</summary>
        public static TempFile CreateNew(string path) =>
            NativeTempFile.TryCreate(path) ?? (TempFile)new StreamTempFile(path);

        public abstract void Write(byte[] buffer, int offset, int count);

        /// <summary>Writes; overlapped where the OS has it (the caller hashes while the write is in flight).</summary>
        public abstract Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken);

        /// <summary>Hands what is buffered to the OS (nothing is buffered on Linux).</summary>
        public abstract Task FlushAsync(CancellationToken cancellationToken);

        /// <summary>To the disk, not just the OS cache (fsync, FlushFileBuffers).</summary>
        public abstract void FlushToDisk();

        /// <summary>Starts the writeback without waiting (Linux only; a head start for the fsync, nothing more).</summary>
        public abstract void StartWriteback();

        public abstract void Dispose();

        private sealed class StreamTempFile : TempFile
        {
            private readonly FileStream _file;

            // bufferSize 1: no second buffer behind the caller's. Asynchronous only where the OS has overlapped I/O.
            public StreamTempFile(string path) =>
                _file = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1,
                    OverlappedWrites ? FileOptions.Asynchronous : FileOptions.None);

            public override void Write(byte[] buffer, int offset, int count) => _file.Write(buffer, offset, count);
            public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
                _file.WriteAsync(buffer, offset, count, cancellationToken);
            public override Task FlushAsync(CancellationToken cancellationToken) => _file.FlushAsync(cancellationToken);
            public override void FlushToDisk() => _file.Flush(true);
            public override void StartWriteback()
            {
                // Off Linux nothing is started: the handle is not even asked for (as before this type existed).
                if (LinuxFileCalls.CanStartWriteback) LinuxFileCalls.StartWriteback(_file.SafeFileHandle);
            }
            public override void Dispose() => _file.Dispose();
        }

        /// <summary>The descriptor path (64-bit Linux on x64/Arm64, where the open flags below are the kernel's).</summary>
        internal sealed class NativeTempFile : TempFile
        {
            private const int O_WRONLY = 0x1, O_CREAT = 0x40, O_EXCL = 0x80, O_CLOEXEC = 0x80000;
            private const int EINTR = 4;

            private static readonly bool Applies = RuntimeInformation.IsOSPlatform(OSPlatform.Linux) && IntPtr.Size == 8
                && (RuntimeInformation.ProcessArchitecture == Architecture.X64 || RuntimeInformation.ProcessArchitecture == Architecture.Arm64);

            private static int _works = Applies ? 1 : 0;

            [DllImport("libc", SetLastError = true)]
            private static extern int open(string path, int flags, int mode);

            [DllImport("libc", SetLastError = true)]
            private static extern IntPtr write(SafeFileHandle fd, IntPtr buffer, IntPtr count);

            [DllImport("libc", SetLastError = true)]
            private static extern int fsync(SafeFileHandle fd);

            [DllImport("libc")]
            private static extern IntPtr strerror(int errno);

            private readonly SafeFileHandle _handle;
            private readonly string _path;

            private NativeTempFile(SafeFileHandle handle, string path)
            {
                _handle = handle;
                _path = path;
            }

            /// <summary>Null when this path does not apply or the open failed (the caller opens a FileStream, which says why in .NET's words).</summary>
            internal static NativeTempFile TryCreate(string path)
            {
                if (LinuxFileCalls.Disabled || Volatile.Read(ref _works) == 0) return null;
                int fd;
                try
                {
                    fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, Convert.ToInt32("666", 8));
                }
                catch (Exception ex) when (ex is EntryPointNotFoundException || ex is DllNotFoundException)
                {
                    Volatile.Write(ref _works, 0);
                    return null;
                }
                return fd < 0 ? null : new NativeTempFile(new SafeFileHandle(new IntPtr(fd), ownsHandle: true), path);
            }

            /// <summary>
            /// For tests: an existing file or device opened the same way but without O_CREAT|O_EXCL, e.g. /dev/full,
            /// whose every write fails with ENOSPC (a disk that is full, without filling one). Null where this path does not apply.
            /// </summary>
            internal static NativeTempFile OpenExistingForTest(string path)
            {
                if (!Applies) return null;
                int fd = open(path, O_WRONLY | O_CLOEXEC, 0);
                return fd < 0 ? null : new NativeTempFile(new SafeFileHandle(new IntPtr(fd), ownsHandle: true), path);
            }

            public override void Write(byte[] buffer, int offset, int count)
            {
                if (buffer == null) throw new ArgumentNullException(nameof(buffer));
                if (offset < 0 || count < 0 || count > buffer.Length - offset) throw new ArgumentOutOfRangeException(nameof(count));
                GCHandle pin = GCHandle.Alloc(buffer, GCHandleType.Pinned);
                try
                {
                    IntPtr start = pin.AddrOfPinnedObject();
                    while (count > 0)
                    {
                        long written = write(_handle, start + offset, new IntPtr(count)).ToInt64();
                        if (written < 0)
                        {
                            int errno = Marshal.GetLastWin32Error();
                            if (errno == EINTR) continue;
                            throw Failed(errno);
                        }
                        offset += (int)written;
                        count -= (int)written;
                    }
                }
                finally
                {
                    pin.Free();
                }
            }

            public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
            {
                Write(buffer, offset, count);
                return Task.CompletedTask;
            }

            public override Task FlushAsync(CancellationToken cancellationToken) => Task.CompletedTask;

            public override void FlushToDisk()
            {
                while (fsync(_handle) != 0)
                {
                    int errno = Marshal.GetLastWin32Error();
                    if (errno != EINTR) throw Failed(errno);
                }
            }

            public override void StartWriteback() => LinuxFileCalls.StartWriteback(_handle);

            public override void Dispose() => _handle.Dispose();

            /// <summary>An IOException worded like .NET's ("No space left on device : 'path'"), its HResult the errno as .NET's are.</summary>
            private IOException Failed(int errno)
            {
                string text = null;
                try { text = Marshal.PtrToStringAnsi(strerror(errno)); }
                catch (Exception ex) when (ex is EntryPointNotFoundException || ex is DllNotFoundException) { }
                return new IOException($"{text ?? "Error " + errno} : '{_path}'", errno);
            }
        }
    }
}
