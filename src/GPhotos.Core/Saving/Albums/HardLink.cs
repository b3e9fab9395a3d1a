using System;
using System.IO;
using System.Runtime.InteropServices;

namespace GPhotos.Saving
{
    /// <summary>What <see cref="HardLink.Create"/> did.</summary>
    internal enum LinkOutcome
    {
        Linked,

        /// <summary>This file system or volume cannot hard-link here (FAT/exFAT, another volume, no permission for links).</summary>
        Unsupported,

        /// <summary>Any other failure (the name exists, a path is wrong): for this one link.</summary>
        Failed,
    }

    /// <summary>
    /// Hard links without an API netstandard2.0 lacks: CreateHardLinkW on Windows (no symlink privilege needed),
    /// link(2) from libc elsewhere. Both calls are guarded: a missing entry point means "unsupported", never a crash.
    /// </summary>
    internal static class HardLink
    {
        public static LinkOutcome Create(string existing, string link, out string error)
        {
            error = null;
            try
            {
                if (RuntimeInformation.IsOSPlatform(OSPlatform.Windows))
                {
                    if (CreateHardLinkW(link, existing, IntPtr.Zero)) return LinkOutcome.Linked;
                    int code = Marshal.GetLastWin32Error();
                    error = $"Windows error {code}";
                    // NOT_SAME_DEVICE 17, INVALID_FUNCTION 1 (FAT/exFAT), NOT_SUPPORTED 50, TOO_MANY_LINKS 1142.
                    return code == 17 || code == 1 || code == 50 || code == 1142 ? LinkOutcome.Unsupported : LinkOutcome.Failed;
                }
                if (link_unix(existing, link) == 0) return LinkOutcome.Linked;
                int errno = Marshal.GetLastWin32Error();
                error = $"errno {errno}";
                // EPERM 1, EXDEV 18, EMLINK 31, ENOSYS 38 (Linux), ENOTSUP 95 (Linux) / 45 (macOS), EOPNOTSUPP 102 (macOS).
                return errno == 1 || errno == 18 || errno == 31 || errno == 38 || errno == 95 || errno == 45 || errno == 102
                    ? LinkOutcome.Unsupported : LinkOutcome.Failed;
            }
            catch (Exception ex) when (ex is DllNotFoundException || ex is EntryPointNotFoundException)
            {
                error = ex.Message;
                return LinkOutcome.Unsupported;
            }
        }

        [DllImport("kernel32.dll", CharSet = CharSet.Unicode, SetLastError = true)]
        [return: MarshalAs(UnmanagedType.Bool)]
        private static extern bool CreateHardLinkW(string lpFileName, string lpExistingFileName, IntPtr lpSecurityAttributes);

        // CharSet.Ansi is UTF-8 on .NET Core for Unix: the paths arrive as the file system expects them.
        [DllImport("libc", EntryPoint = "link", SetLastError = true)]
        private static extern int link_unix(string oldpath, string newpath);
    }
}
