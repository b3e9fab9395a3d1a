using System.Management.Automation.Runspaces;
using System.Runtime.CompilerServices;
using GPhotos.Auth;
using GPhotos.Reporting;

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
                // Refreshes happen on worker threads during any later command: they report here, and every cmdlet
                // writes what is pending as verbose/warning output on its own pipeline thread (GPhotosCmdlet.WriteReports).
                if (value != null) value.Reporter = Reporter;
            }
        }

        /// <summary>
        /// The connection's reporter. Unbounded like every <see cref="QueueReporter"/> (nothing is dropped): a refresh
        /// reports one line an hour at most, and every GPhotos cmdlet drains it, also between commands' output.
        /// </summary>
        public QueueReporter Reporter { get; } = new QueueReporter();

        public static RunspaceState Current => States.GetValue(Runspace.DefaultRunspace, _ => new RunspaceState());
    }
}
