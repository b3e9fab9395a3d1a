using System;
using System.IO;
using System.Management.Automation;
using GPhotos.Commands.Infrastructure;
using GPhotos.Errors;
using GPhotos.Reporting;
using GPhotos.Saving;
using GPhotos.Verification;

namespace GPhotos.Commands
{
    /// <summary>
    /// Checks a Save-GPhotosMediaItem destination against its index: every file there with its size (and with -Full
    /// its SHA-256), album links intact, no file the index does not know. One object per problem, then a summary;
    /// -Quiet returns only $true/$false. Runs on the pipeline thread (the core calls back here), so Ctrl+C is seen
    /// between two 1 MiB reads.
    /// </summary>
    [Cmdlet(VerbsDiagnostic.Test, "GPhotosBackup")]
    [OutputType(typeof(BackupProblem), typeof(BackupSummary), typeof(bool))]
    public sealed class TestGPhotosBackupCommand : GPhotosCmdlet
    {
        private const int ProgressId = 0x6772;

        /// <summary>The destination folder a save wrote to (default: the current location).</summary>
        [Parameter(Position = 0)]
        [ValidateNotNullOrEmpty]
        public string Path { get; set; }

        /// <summary>Re-read and re-hash every file (SHA-256) and compare with what was saved.</summary>
        [Parameter]
        public SwitchParameter Full { get; set; }

        /// <summary>Return only $true (no problem) or $false.</summary>
        [Parameter]
        public SwitchParameter Quiet { get; set; }

        protected override void EndProcessing()
        {
            string path = SaveGPhotosMediaItemCommand.ResolveFolder(this, Path);
            string activity = (Full ? "Verifying (re-reading) " : "Checking ") + path;
            bool progressShown = false;
            BackupSummary summary;
            try
            {
                summary = BackupVerifier.Run(path, Full,
                    problem => { if (!Quiet) WriteObject(problem); },
                    p =>
                    {
                        progressShown = true;
                        Reporter.Progress(new ProgressReport
                        {
                            ActivityId = ProgressId,
                            Activity = activity,
                            Status = $"{p.Files:N0} of {p.TotalFiles:N0} files, {p.Bytes / 1e6:N0} of {p.TotalBytes / 1e6:N0} MB at {p.BytesPerSecond / 1e6:N1} MB/s",
                            PercentComplete = p.PercentComplete,
                        });
                        WriteReports();
                    },
                    CancelToken);
            }
            catch (OperationCanceledException) when (CancelToken.IsCancellationRequested)
            {
                throw new PipelineStoppedException();
            }
            catch (Exception ex) when (ErrorCatalog.ForBackupCheck(ex) != null)
            {
                // The folder could not be checked at all (missing, no index, locked, unreadable): the catalog names why.
                ThrowTerminating(ErrorCatalog.ForBackupCheck(ex), path);
                return;
            }
            finally
            {
                if (progressShown)
                {
                    Reporter.Progress(new ProgressReport { ActivityId = ProgressId, Activity = activity, Status = "Done", Completed = true });
                    WriteReports();
                }
            }
            WriteVerbose($"Checked {summary.Files:N0} file(s) in {summary.Seconds:0.0} s ({summary.MBPerSecond:N1} MB/s): {summary.Problems} problem(s).");
            if (Quiet) WriteObject(summary.Healthy);
            else WriteObject(summary);
        }
    }
}
