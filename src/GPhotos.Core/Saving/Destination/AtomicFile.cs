using System;
using System.IO;
using System.Reflection;
using System.Runtime.InteropServices;
using System.Threading;

namespace GPhotos.Saving
{
    /// <summary>
    /// Putting a finished temp file in place so that a final name only ever holds a complete file. Temp files live
    /// in the destination's <c>.gphotos/tmp</c> folder: same volume, so a rename is atomic.
    /// </summary>
    internal static class AtomicFile
    {
        /// <summary>
        /// File.Move(string, string, bool) exists from .NET Core 3.0 (rename(2) on Unix, MoveFileEx with
        /// MOVEFILE_REPLACE_EXISTING on Windows: an atomic replace). netstandard2.0 cannot name it, so it is looked up
        /// once; on .NET Framework it is absent and File.Replace (ReplaceFile, also atomic on NTFS) is used.
        /// </summary>
        private static readonly Action<string, string, bool> MoveWithOverwrite = FindMoveWithOverwrite();

        private static Action<string, string, bool> FindMoveWithOverwrite()
        {
            MethodInfo method = typeof(File).GetMethod("Move", BindingFlags.Public | BindingFlags.Static, null,
                new[] { typeof(string), typeof(string), typeof(bool) }, null);
            return method == null ? null : (Action<string, string, bool>)method.CreateDelegate(typeof(Action<string, string, bool>));
        }

        /// <summary>Renames <paramref name="temp"/> to <paramref name="target"/>, which must not exist (never clobbers).</summary>
        public static void MoveNew(string temp, string target)
        {
            if (!LinuxFileCalls.TryMoveNew(temp, target)) File.Move(temp, target);
        }

        private static readonly string TempPrefix = Guid.NewGuid().ToString("N").Substring(0, 16) + "-";
        private static long _tempCounter;

        /// <summary>
        /// A new temp file name in <paramref name="folder"/>: this process's random prefix and a counter. Unique
        /// without a random read per file (Guid.NewGuid reads /dev/urandom each time); the folder is the locked
        /// destination's own, and files are created with CreateNew, so a clash would fail rather than overwrite.
        /// </summary>
        public static string NewTempPath(string folder, string extension) =>
            Path.Combine(folder, TempPrefix + Interlocked.Increment(ref _tempCounter).ToString("x", System.Globalization.CultureInfo.InvariantCulture) + extension);

        /// <summary>
        /// Renames <paramref name="temp"/> to <paramref name="target"/>, atomically replacing a file there. Only for
        /// files this destination owns. Readers see the old file or the new one, never a mix or nothing.
        /// </summary>
        public static void MoveReplacing(string temp, string target, string scratchFolder)
        {
            if (MoveWithOverwrite != null)
            {
                MoveWithOverwrite(temp, target, true); // a bound delegate: exceptions arrive unwrapped
                return;
            }
            if (!File.Exists(target))
            {
                File.Move(temp, target);
                return;
            }
            try
            {
                // ReplaceFile keeps the old file's creation time and ACL; times are set again afterwards.
                File.Replace(temp, target, null, ignoreMetadataErrors: true);
            }
            catch (IOException) when (File.Exists(temp) && File.Exists(target))
            {
                // Some file systems (certain network shares) refuse ReplaceFile. Fall back to two renames: the old
                // file is parked in the scratch folder first and restored if the second rename fails, so the target
                // is missing only for the instant between two renames and is never half-written.
                string parked = NewTempPath(scratchFolder, ".old");
                File.Move(target, parked);
                try
                {
                    File.Move(temp, target);
                }
                catch
                {
                    try { File.Move(parked, target); } catch (IOException) { }
                    throw;
                }
                TryDelete(parked);
            }
        }

        public static void TryDelete(string path)
        {
            if (path == null) return;
            try { File.Delete(path); }
            catch (IOException) { }
            catch (UnauthorizedAccessException) { }
        }

        /// <summary>
        /// Linux keeps no settable creation time: .NET's SetCreationTime there sets the last-write time again (a stat
        /// and a utimensat per file for nothing, since both are the same capture time).
        /// </summary>
        private static readonly bool CreationTimeIsWriteTime = RuntimeInformation.IsOSPlatform(OSPlatform.Linux);

        /// <summary>Last-write (and creation, where the OS keeps one) time from the capture time; best effort.</summary>
        public static void SetTimes(string path, DateTime? creationTime)
        {
            if (!creationTime.HasValue) return;
            DateTime utc = creationTime.Value.Kind == DateTimeKind.Local
                ? creationTime.Value.ToUniversalTime()
                : DateTime.SpecifyKind(creationTime.Value, DateTimeKind.Utc);
            if (LinuxFileCalls.TrySetLastWriteTimeUtc(path, utc)) return; // Linux has no creation time to set
            try { File.SetLastWriteTimeUtc(path, utc); }
            catch (IOException) { }
            catch (UnauthorizedAccessException) { }
            catch (ArgumentOutOfRangeException) { } // before 1601 on Windows
            catch (PlatformNotSupportedException) { }
            if (CreationTimeIsWriteTime) return;
            try { File.SetCreationTimeUtc(path, utc); }
            catch (IOException) { }
            catch (UnauthorizedAccessException) { }
            catch (ArgumentOutOfRangeException) { }
            catch (PlatformNotSupportedException) { }
        }

        /// <summary>Writes a small file (sidecar, compacted index) to a temp file, flushes it to disk, then renames it into place.</summary>
        public static void WriteAllBytes(string target, byte[] content, string scratchFolder, bool replace)
        {
            string temp = NewTempPath(scratchFolder, ".part");
            bool placed = false;
            try
            {
                using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 4096))
                {
                    stream.Write(content, 0, content.Length);
                    stream.Flush(true);
                }
                if (replace) MoveReplacing(temp, target, scratchFolder);
                else MoveNew(temp, target);
                placed = true;
            }
            finally
            {
                if (!placed) TryDelete(temp); // after a rename there is nothing to delete (an unlink that fails, per file)
            }
        }
    }
}
