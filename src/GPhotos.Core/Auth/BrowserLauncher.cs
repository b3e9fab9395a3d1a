using System;
using System.ComponentModel;
using System.Diagnostics;
using System.IO;
using System.Runtime.InteropServices;

namespace GPhotos.Auth
{
    /// <summary>
    /// Opens a URL in the user's browser the platform's normal way: Windows shell-executes the URL, macOS runs
    /// <c>open</c>, Linux runs <c>xdg-open</c> (found on PATH, so a test can put a stand-in there). The environment
    /// variable <c>GPHOTOS_BROWSER</c>, when set, names a program to run instead on any platform, with the URL as its
    /// only argument.
    /// </summary>
    public static class BrowserLauncher
    {
        /// <summary>Environment variable naming a program that replaces the browser (gets the URL as its one argument).</summary>
        public const string BrowserVariable = "GPHOTOS_BROWSER";

        /// <summary>Opens <paramref name="url"/>; false (never an exception) when no browser could be started.</summary>
        public static bool Open(Uri url) => TryOpen(url, out _);

        /// <summary>Opens <paramref name="url"/>; on failure <paramref name="problem"/> says why.</summary>
        public static bool TryOpen(Uri url, out string problem)
        {
            problem = null;
            if (url == null) throw new ArgumentNullException(nameof(url));
            string text = url.AbsoluteUri;
            try
            {
                string custom = Environment.GetEnvironmentVariable(BrowserVariable);
                if (!string.IsNullOrWhiteSpace(custom))
                    return Run(custom.Trim(), text, out problem);

                if (RuntimeInformation.IsOSPlatform(OSPlatform.Windows))
                {
                    // ShellExecute hands the URL to the default browser; no cmd.exe, so '&' needs no quoting.
                    using (Process.Start(new ProcessStartInfo(text) { UseShellExecute = true })) { }
                    return true;
                }
                if (RuntimeInformation.IsOSPlatform(OSPlatform.OSX))
                    return Run("open", text, out problem);

                // Linux and other Unix: without a graphical session xdg-open can only start a text browser inside this
                // terminal (or nothing), so hand the URL to the user instead.
                if (string.IsNullOrEmpty(Environment.GetEnvironmentVariable("DISPLAY"))
                    && string.IsNullOrEmpty(Environment.GetEnvironmentVariable("WAYLAND_DISPLAY"))
                    && string.IsNullOrEmpty(Environment.GetEnvironmentVariable("WSL_DISTRO_NAME")))
                {
                    problem = "no graphical session (DISPLAY and WAYLAND_DISPLAY are not set)";
                    return false;
                }
                return Run("xdg-open", text, out problem);
            }
            catch (Exception ex) when (ex is Win32Exception || ex is InvalidOperationException || ex is FileNotFoundException
                                       || ex is PlatformNotSupportedException)
            {
                problem = ex.Message;
                return false;
            }
        }

        private static bool Run(string program, string url, out string problem)
        {
            problem = null;
            var info = new ProcessStartInfo(program, "\"" + url.Replace("\"", "%22") + "\"")
            {
                UseShellExecute = false,
                CreateNoWindow = true,
                RedirectStandardOutput = true, // keep the helper's chatter out of the PowerShell host
                RedirectStandardError = true,
            };
            Process process;
            try
            {
                process = Process.Start(info);
            }
            catch (Win32Exception ex)
            {
                problem = $"cannot run '{program}': {ex.Message}";
                return false;
            }
            if (process == null)
            {
                problem = $"'{program}' did not start";
                return false;
            }
            using (process)
            {
                process.OutputDataReceived += (s, e) => { };
                process.ErrorDataReceived += (s, e) => { };
                process.BeginOutputReadLine();
                process.BeginErrorReadLine();
                // xdg-open/open return at once when they handed the URL over; some browsers keep them running. Only a quick
                // non-zero exit is a clear failure.
                if (process.WaitForExit(1500) && process.ExitCode != 0)
                {
                    problem = $"'{program}' failed (exit code {process.ExitCode})";
                    return false;
                }
            }
            return true;
        }
    }
}
