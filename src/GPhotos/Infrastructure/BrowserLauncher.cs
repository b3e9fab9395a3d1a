using System;
using System.Diagnostics;
using System.Runtime.InteropServices;

namespace GPhotos.Commands.Infrastructure
{
    /// <summary>Opens a URL the platform's normal way (shell on Windows, xdg-open on Linux, open on macOS).</summary>
    internal static class BrowserLauncher
    {
        public static bool TryOpen(string url)
        {
            try
            {
                ProcessStartInfo start;
                if (RuntimeInformation.IsOSPlatform(OSPlatform.Windows))
                    start = new ProcessStartInfo(url) { UseShellExecute = true };
                else if (RuntimeInformation.IsOSPlatform(OSPlatform.OSX))
                    start = new ProcessStartInfo("open", Quote(url)) { UseShellExecute = false };
                else
                    start = new ProcessStartInfo("xdg-open", Quote(url)) { UseShellExecute = false };
                start.RedirectStandardOutput = !start.UseShellExecute;
                start.RedirectStandardError = !start.UseShellExecute;
                using (Process.Start(start)) { }
                return true;
            }
            catch (Exception)
            {
                return false;
            }
        }

        private static string Quote(string s) => "\"" + s.Replace("\"", "%22") + "\"";
    }
}
