using System;
using System.Collections.Generic;
using System.Collections.ObjectModel;
using System.IO;
using System.Management.Automation;
using System.Threading;
using GPhotos.Errors;
using GPhotos.Model;
using GPhotos.Sources;
using GPhotos.Sources.Drive;
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
                    WriteError(ErrorCatalog.ForTakeoutPathNotFound(ex), path);
                    continue;
                }
                if (resolved.Count == 0)
                    WriteError(ErrorCatalog.ForTakeoutPathNotFound(new ItemNotFoundException(ErrorCatalog.TakeoutPathNoMatchMessage(path))), path);
                _takeoutInputs.AddRange(resolved);
            }
        }

        private void EndTakeout()
        {
            if (_takeoutInputs.Count == 0) return;
            // The export is read on a thread of its own, a bounded number of items ahead, so a Save downstream works on
            // one item while the next are read (a re-run's skip path and the reader no longer add up).
            using (var ahead = new ReadAhead<MediaItem>(Reporter, CancelToken))
            {
                var options = new TakeoutReaderOptions
                {
                    IncludeTrashed = IncludeTrashed,
                    // Warnings (a skipped or damaged item: something the user must see, not a -Verbose detail) and unreadable
                    // parts (errors: one bad part must not lose the others), written in the order they were found, before
                    // the items read after them.
                    Reporter = ahead.Reporter,
                };
                var reader = new TakeoutReader(_takeoutInputs, options);
                WriteVerbose($"Reading Google Takeout from {_takeoutInputs.Count} input(s); all parts are indexed before sidecars are matched.");
                ReadTakeout(reader, ahead);
            }
        }

        private void ReadTakeout(TakeoutReader reader, ReadAhead<MediaItem> ahead)
        {
            try
            {
                foreach (MediaItem item in ahead.Read(ct => ReadItems(reader, ct), CancelToken))
                {
                    WriteReports();
                    WriteObject(item);
                }
            }
            catch (OperationCanceledException) when (CancelToken.IsCancellationRequested)
            {
                throw new PipelineStoppedException();
            }
            catch (TakeoutArchiveException ex)
            {
                WriteReports();
                ThrowTerminating(ErrorCatalog.ForUnreadableArchive(ex, stopsRun: true), ex.ArchivePath);
            }
            WriteReports();
            TakeoutReadStats stats = reader.Stats;
            WriteVerbose("Takeout: " + stats);
            if (stats.WithoutSidecar > 0)
                WriteWarning($"{stats.WithoutSidecar} of {stats.Items} Takeout items had no matching JSON sidecar; they are included with dates from EXIF or the file name.");
        }

        // On the reading thread: Drive parts' range reads stop with the read-ahead's token (Ctrl+C, or an early stop
        // downstream), not only with the command's.
        private IEnumerable<MediaItem> ReadItems(TakeoutReader reader, CancellationToken cancellationToken)
        {
            using (DriveTakeoutParts.UseCancellation(cancellationToken))
            {
                foreach (MediaItem item in reader.ReadItems(cancellationToken))
                    yield return item;
            }
        }
    }
}
