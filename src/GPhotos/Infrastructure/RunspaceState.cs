using System.Management.Automation.Runspaces;
using System.Runtime.CompilerServices;
using GPhotos.Auth;

namespace GPhotos.Commands.Infrastructure
{
    /// <summary>
    /// The connection belongs to a runspace, not to the process: two runspaces (jobs, ForEach-Object -Parallel,
    /// hosted PowerShell) can hold two different Google accounts. The table lets a closed runspace's state be
    /// collected with it.
    /// </summary>
    internal sealed class RunspaceState
    {
        private static readonly ConditionalWeakTable<Runspace, RunspaceState> States = new ConditionalWeakTable<Runspace, RunspaceState>();

        public GPhotosConnection Connection { get; set; }

        public static RunspaceState Current => States.GetValue(Runspace.DefaultRunspace, _ => new RunspaceState());
    }
}
