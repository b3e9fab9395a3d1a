using System;
using System.ComponentModel;
using System.IO;
using System.Reflection;
using System.Runtime.InteropServices;
using System.Text;
using Microsoft.Win32.SafeHandles;

namespace GPhotos.Auth
{
    /// <summary>
    /// libc calls for the token cache on Linux and macOS. Only non-variadic functions are bound: <c>open(2)</c> is variadic,
    /// and on Apple silicon variadic arguments travel on the stack, so a P/Invoke of <c>open(path, flags, mode)</c> would
    /// pass a garbage mode there. <c>mkstemp(3)</c> does the same job portably: <c>O_CREAT|O_EXCL|O_RDWR</c> with mode 0600
    /// (POSIX.1-2008), on a fresh unique name.
    /// </summary>
    internal static class UnixNative
    {
        private const int EEXIST = 17; // same on Linux and macOS

        [DllImport("libc", SetLastError = true)]
        private static extern int mkdir(string path, uint mode);

        [DllImport("libc", SetLastError = true)]
        private static extern int chmod(string path, uint mode);

        [DllImport("libc", SetLastError = true)]
        private static extern int fchmod(int fd, uint mode);

        [DllImport("libc", SetLastError = true)]
        private static extern int mkstemp(byte[] template);

        [DllImport("libc", SetLastError = true)]
        private static extern int rename(string oldPath, string newPath);

        [DllImport("libc", SetLastError = true)]
        private static extern int close(int fd);

        /// <summary>Creates <paramref name="path"/> with mode 0700 (less if the umask says so). False when it already existed.</summary>
        public static bool CreatePrivateDirectory(string path)
        {
            if (mkdir(path, Convert.ToUInt32("700", 8)) == 0) return true;
            int errno = Marshal.GetLastWin32Error();
            if (errno == EEXIST && Directory.Exists(path)) return false;
            throw Failure("create the folder", path, errno);
        }

        public static void SetMode(string path, int mode)
        {
            if (chmod(path, (uint)mode) != 0)
                throw Failure("set the permissions of", path, Marshal.GetLastWin32Error());
        }

        /// <summary>
        /// Creates a new file in <paramref name="directory"/> that only the owner can read or write (0600 from the first
        /// instant) and opens it for writing. <paramref name="path"/> receives its name.
        /// </summary>
        public static FileStream CreatePrivateFile(string directory, string prefix, out string path)
        {
            byte[] template = Encoding.UTF8.GetBytes(Path.Combine(directory, prefix + "XXXXXX") + "\0");
            int fd = mkstemp(template);
            if (fd < 0)
                throw Failure("create a temporary file in", directory, Marshal.GetLastWin32Error());
            path = Encoding.UTF8.GetString(template, 0, template.Length - 1);
            try
            {
                if (fchmod(fd, Convert.ToUInt32("600", 8)) != 0) // mkstemp already did; be explicit about it
                    throw Failure("set the permissions of", path, Marshal.GetLastWin32Error());
                var handle = new SafeFileHandle(new IntPtr(fd), ownsHandle: true);
                return new FileStream(handle, FileAccess.ReadWrite, 4096);
            }
            catch
            {
                close(fd);
                try { File.Delete(path); } catch (Exception) { }
                throw;
            }
        }

        /// <summary>Atomically replaces <paramref name="destination"/> by <paramref name="source"/> (rename(2)).</summary>
        public static void Rename(string source, string destination)
        {
            if (rename(source, destination) != 0)
                throw Failure("rename " + source + " to", destination, Marshal.GetLastWin32Error());
        }

        // File.GetUnixFileMode exists from .NET 7 (PowerShell 7.4+). This assembly targets netstandard2.0, so look it up.
        private static readonly MethodInfo GetUnixFileModeMethod =
            typeof(File).GetMethod("GetUnixFileMode", BindingFlags.Public | BindingFlags.Static, null, new[] { typeof(string) }, null);

        /// <summary>The permission bits of <paramref name="path"/>, or null when the runtime cannot tell (before .NET 7).</summary>
        public static int? TryGetMode(string path)
        {
            if (GetUnixFileModeMethod == null) return null;
            try
            {
                object mode = GetUnixFileModeMethod.Invoke(null, new object[] { path });
                return Convert.ToInt32(mode) & 0xFFF;
            }
            catch (TargetInvocationException ex) when (ex.InnerException is IOException || ex.InnerException is UnauthorizedAccessException)
            {
                throw ex.InnerException;
            }
        }

        private static IOException Failure(string what, string path, int errno) =>
            new IOException($"Cannot {what} '{path}': {new Win32Exception(errno).Message} (errno {errno}).");
    }

    /// <summary>Windows: DPAPI (CurrentUser) and an atomic file replace.</summary>
    internal static class WindowsNative
    {
        private const int CRYPTPROTECT_UI_FORBIDDEN = 0x1;
        private const int MOVEFILE_REPLACE_EXISTING = 0x1;
        private const int MOVEFILE_WRITE_THROUGH = 0x8;

        [StructLayout(LayoutKind.Sequential)]
        private struct DATA_BLOB
        {
            public int cbData;
            public IntPtr pbData;
        }

        [DllImport("crypt32.dll", SetLastError = true, CharSet = CharSet.Unicode)]
        [return: MarshalAs(UnmanagedType.Bool)]
        private static extern bool CryptProtectData(ref DATA_BLOB pDataIn, string szDataDescr, ref DATA_BLOB pOptionalEntropy,
            IntPtr pvReserved, IntPtr pPromptStruct, int dwFlags, out DATA_BLOB pDataOut);

        [DllImport("crypt32.dll", SetLastError = true, CharSet = CharSet.Unicode)]
        [return: MarshalAs(UnmanagedType.Bool)]
        private static extern bool CryptUnprotectData(ref DATA_BLOB pDataIn, IntPtr ppszDataDescr, ref DATA_BLOB pOptionalEntropy,
            IntPtr pvReserved, IntPtr pPromptStruct, int dwFlags, out DATA_BLOB pDataOut);

        [DllImport("kernel32.dll", SetLastError = true)]
        private static extern IntPtr LocalFree(IntPtr hMem);

        [DllImport("kernel32.dll", SetLastError = true, CharSet = CharSet.Unicode)]
        [return: MarshalAs(UnmanagedType.Bool)]
        private static extern bool MoveFileEx(string lpExistingFileName, string lpNewFileName, int dwFlags);

        /// <summary>Encrypts for the current Windows user (DPAPI, CurrentUser scope) with <paramref name="entropy"/>.</summary>
        public static byte[] Protect(byte[] plain, byte[] entropy) => Transform(plain, entropy, protect: true);

        /// <summary>Decrypts a blob from <see cref="Protect"/>; fails for another user or machine.</summary>
        public static byte[] Unprotect(byte[] blob, byte[] entropy) => Transform(blob, entropy, protect: false);

        private static byte[] Transform(byte[] input, byte[] entropy, bool protect)
        {
            GCHandle inHandle = GCHandle.Alloc(input, GCHandleType.Pinned);
            GCHandle entropyHandle = GCHandle.Alloc(entropy, GCHandleType.Pinned);
            var output = default(DATA_BLOB);
            try
            {
                var inBlob = new DATA_BLOB { cbData = input.Length, pbData = inHandle.AddrOfPinnedObject() };
                var entropyBlob = new DATA_BLOB { cbData = entropy.Length, pbData = entropyHandle.AddrOfPinnedObject() };
                bool ok = protect
                    ? CryptProtectData(ref inBlob, "GPhotos token cache", ref entropyBlob, IntPtr.Zero, IntPtr.Zero, CRYPTPROTECT_UI_FORBIDDEN, out output)
                    : CryptUnprotectData(ref inBlob, IntPtr.Zero, ref entropyBlob, IntPtr.Zero, IntPtr.Zero, CRYPTPROTECT_UI_FORBIDDEN, out output);
                if (!ok)
                {
                    int error = Marshal.GetLastWin32Error();
                    throw new CryptographicFailureException(
                        (protect ? "Windows could not encrypt the token cache (DPAPI): " : "Windows could not decrypt the token cache (DPAPI; it was written by another Windows user or on another computer, or it is damaged): ")
                        + new Win32Exception(error).Message, error);
                }
                var result = new byte[output.cbData];
                Marshal.Copy(output.pbData, result, 0, output.cbData);
                return result;
            }
            finally
            {
                if (output.pbData != IntPtr.Zero)
                {
                    // Wipe the decrypted copy before giving the memory back.
                    for (int i = 0; i < output.cbData; i++) Marshal.WriteByte(output.pbData, i, 0);
                    LocalFree(output.pbData);
                }
                inHandle.Free();
                entropyHandle.Free();
            }
        }

        /// <summary>Atomically replaces <paramref name="destination"/> by <paramref name="source"/>.</summary>
        public static void ReplaceFile(string source, string destination)
        {
            if (!MoveFileEx(source, destination, MOVEFILE_REPLACE_EXISTING | MOVEFILE_WRITE_THROUGH))
            {
                int error = Marshal.GetLastWin32Error();
                throw new IOException($"Cannot move '{source}' to '{destination}': {new Win32Exception(error).Message}", error);
            }
        }
    }

    internal sealed class CryptographicFailureException : IOException
    {
        public CryptographicFailureException(string message, int error) : base(message, error) { }
    }
}
