using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Collections.ObjectModel;
using System.IO;
using System.Management.Automation;
using GPhotos.Model;
using GPhotos.Sources.Takeout;

namespace GPhotos.Commands
{
    // The Takeout parameter set: local archives, no connection needed.
    public sealed partial class GetGPhotosMediaItemCommand
    {
        /// <summary>Takeout zips, .tgz parts or extracted folders (wildcards allowed; all parts of one export together).</summary>
        [Parameter(ParameterSetName = TakeoutSet, Mandatory = true, ValueFromPipelineByPropertyName = true)]
        [Alias("FullName")]
        [SupportsWildcards]
        [ValidateNotNullOrEmpty]
        public string[] TakeoutPath { get; set; }

        private const string TakeoutArchiveSet = "TakeoutArchive";

        /// <summary>
        /// Takeout parts from Get-GPhotosTakeoutArchive (Drive or local). Drive parts are read in place: a zip's central
        /// directory, then only the entries needed; a tgz in one streamed pass. Never a local copy.
        /// </summary>
        [Parameter(ParameterSetName = TakeoutArchiveSet, Mandatory = true, ValueFromPipeline = true)]
        [ValidateNotNullOrEmpty]
        public TakeoutArchive[] TakeoutArchive { get; set; }

        /// <summary>Also emit items that were in the trash when the export was made.</summary>
        [Parameter(ParameterSetName = TakeoutSet)]
        [Parameter(ParameterSetName = TakeoutArchiveSet)]
        public SwitchParameter IncludeTrashed { get; set; }

        private readonly List<string> _takeoutInputs = new List<string>();

        private void ProcessTakeout()
        {
            foreach (string path in TakeoutPath)
            {
                Collection<string> resolved;
                try
                {
                    resolved = GetResolvedProviderPathFromPSPath(path, out ProviderInfo provider);
                    if (provider.Name != "FileSystem")
                        throw new ArgumentException($"'{path}' is not a file system path.");
                }
                catch (Exception ex) when (ex is ItemNotFoundException || ex is ArgumentException || ex is System.Management.Automation.DriveNotFoundException)
                {
                    WriteError(new ErrorRecord(ex, "TakeoutPathNotFound", ErrorCategory.ObjectNotFound, path));
                    continue;
                }
                if (resolved.Count == 0)
                    WriteError(new ErrorRecord(new ItemNotFoundException($"No Takeout archive matches '{path}'."), "TakeoutPathNotFound", ErrorCategory.ObjectNotFound, path));
                _takeoutInputs.AddRange(resolved);
            }
        }

        private void EndTakeout()
        {
            if (_takeoutInputs.Count == 0) return;
            var warnings = new ConcurrentQueue<string>();
            var archiveErrors = new ConcurrentQueue<TakeoutArchiveException>();
            var options = new TakeoutReaderOptions
            {
                IncludeTrashed = IncludeTrashed,
                Warning = warnings.Enqueue,
                ArchiveError = archiveErrors.Enqueue, // one bad part must not lose the others
            };
            var reader = new TakeoutReader(_takeoutInputs, options);
            WriteVerbose($"Reading Google Takeout from {_takeoutInputs.Count} input(s); all parts are indexed before sidecars are matched.");

            void Drain()
            {
                while (archiveErrors.TryDequeue(out TakeoutArchiveException ex))
                    WriteError(new ErrorRecord(ex, "TakeoutArchiveUnreadable", ErrorCategory.ReadError, ex.ArchivePath));
                // A skipped or damaged item is something the user must see, not a -Verbose detail.
                while (warnings.TryDequeue(out string w)) WriteWarning(w);
            }

            try
            {
                foreach (MediaItem item in reader.ReadItems(CancelToken))
                {
                    Drain();
                    WriteObject(item);
                }
            }
            catch (OperationCanceledException) when (CancelToken.IsCancellationRequested)
            {
                throw new PipelineStoppedException();
            }
            catch (TakeoutArchiveException ex)
            {
                Drain();
                ThrowTerminatingError(new ErrorRecord(ex, "TakeoutArchiveUnreadable", ErrorCategory.ReadError, ex.ArchivePath));
            }
            Drain();
            TakeoutReadStats stats = reader.Stats;
            WriteVerbose("Takeout: " + stats);
            if (stats.WithoutSidecar > 0)
                WriteWarning($"{stats.WithoutSidecar} of {stats.Items} Takeout items had no matching JSON sidecar; they are included with dates from EXIF or the file name.");
        }
    }
}
