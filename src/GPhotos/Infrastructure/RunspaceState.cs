using System.Collections.Concurrent;
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

        private GPhotosConnection _connection;

        public GPhotosConnection Connection
        {
            get => _connection;
            set
            {
                _connection = value;
                if (value != null)
                {
                    // Refreshes happen on worker threads during any later command: queue what they say, and let the
                    // next cmdlet write it as verbose/warning output on its own pipeline thread.
                    value.Log = m => Enqueue(Messages, m);
                    value.Warn = m => Enqueue(Warnings, m);
                }
            }
        }

        public ConcurrentQueue<string> Messages { get; } = new ConcurrentQueue<string>();
        public ConcurrentQueue<string> Warnings { get; } = new ConcurrentQueue<string>();

        private static void Enqueue(ConcurrentQueue<string> queue, string message)
        {
            if (queue.Count < 1000) queue.Enqueue(message); // bounded: nobody may be reading
        }

        public static RunspaceState Current => States.GetValue(Runspace.DefaultRunspace, _ => new RunspaceState());
    }
}
