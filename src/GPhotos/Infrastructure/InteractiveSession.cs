using System;
using System.Linq;
using System.Management.Automation;

namespace GPhotos.Commands.Infrastructure
{
    /// <summary>
    /// Is there a person who could answer a browser sign-in? Scheduled and unattended runs must never open a browser
    /// nobody will see, nor wait for one: they fail fast with the command to run at the keyboard instead.
    /// </summary>
    internal static class InteractiveSession
    {
        /// <summary>Set to 1/true or 0/false to override the detection (for unusual hosts).</summary>
        public const string OverrideVariable = "GPHOTOS_INTERACTIVE";

        public static bool IsInteractive(PSCmdlet cmdlet)
        {
            string forced = Environment.GetEnvironmentVariable(OverrideVariable);
            if (!string.IsNullOrWhiteSpace(forced))
                return forced.Trim() == "1" || forced.Trim().Equals("true", StringComparison.OrdinalIgnoreCase);

            // pwsh -NonInteractive (any accepted abbreviation: -noni, -nonint…)
            if (Environment.GetCommandLineArgs().Skip(1).Any(a => a.Length >= 5 && a.StartsWith("-noni", StringComparison.OrdinalIgnoreCase)
                && "-noninteractive".StartsWith(a.ToLowerInvariant(), StringComparison.Ordinal)))
                return false;

            // Services and scheduled tasks without a desktop.
            if (!Environment.UserInteractive) return false;

            // cron, CI, pipes: no console to talk to.
            try
            {
                if (Console.IsInputRedirected) return false;
            }
            catch (Exception) { return false; }

            string host = cmdlet?.Host?.Name ?? "";
            return !host.Equals("ServerRemoteHost", StringComparison.OrdinalIgnoreCase);
        }
    }
}
