using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Management.Automation;
using System.Threading;
using GPhotos.Auth;
using GPhotos.Commands.Infrastructure;
using GPhotos.Errors;
using GPhotos.Model;
using GPhotos.Sources.Drive;

namespace GPhotos.Commands
{
    /// <summary>
    /// Deletes Takeout parts (from Google Drive, or local files) only when every media entry in them is saved and verified
    /// in -Destination; otherwise refuses the part and names what is not saved. Drive deletes are permanent (not the trash,
    /// which would keep counting against the storage quota for 30 days).
    /// </summary>
    [Cmdlet(VerbsCommon.Remove, "GPhotosTakeoutArchive", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High)]
    [OutputType(typeof(TakeoutRemovalResult))]
    public sealed class RemoveGPhotosTakeoutArchiveCommand : GPhotosCmdlet
    {
        /// <summary>How many unsaved items a warning names before it summarises (the result object lists them all).</summary>
        private const int NamedInWarning = 20;

        /// <summary>
        /// Reads Drive parts in place with the run's Drive client, through the same reader as
        /// Get-GPhotosMediaItem -TakeoutArchive (tests may swap it for a stand-in; while null, Drive parts are refused
        /// as unreadable, never deleted unverified).
        /// </summary>
        internal static Func<DriveClient, ITakeoutPartItemSource> DriveItemSource =
            drive => new TakeoutReaderPartItemSource(p => DriveTakeoutParts.Register(drive, p));

        /// <summary>Parts from Get-GPhotosTakeoutArchive. Pass all parts of an export together: items are matched across parts.</summary>
        [Parameter(Mandatory = true, ValueFromPipeline = true, Position = 0)]
        [Alias("Archive", "TakeoutArchive")]
        [ValidateNotNull]
        public TakeoutArchive[] InputObject { get; set; }

        /// <summary>The folder Save-GPhotosMediaItem saved the export to (its .gphotos index is what is checked).</summary>
        [Parameter(Mandatory = true)]
        [ValidateNotNullOrEmpty]
        public string Destination { get; set; }

        /// <summary>No confirmation prompt (-WhatIf still deletes nothing; verification is never skipped).</summary>
        [Parameter]
        public SwitchParameter Force { get; set; }

        private readonly List<TakeoutArchive> _parts = new List<TakeoutArchive>();
        private readonly HashSet<string> _seen = new HashSet<string>(StringComparer.Ordinal);

        protected override void ProcessRecord()
        {
            foreach (TakeoutArchive part in InputObject)
                if (part != null && _seen.Add(part.Location + "|" + (part.DriveFileId ?? part.Path ?? part.Name))) _parts.Add(part);
        }

        protected override void EndProcessing()
        {
            if (_parts.Count == 0) return;
            string destination = SessionState.Path.GetUnresolvedProviderPathFromPSPath(Destination);
            if (!File.Exists(TakeoutRemoval.IndexPath(destination)))
                ThrowTerminating(ErrorCatalog.ForDestinationNotABackup(destination, TakeoutRemoval.IndexPath(destination)), Destination);

            List<TakeoutArchive> drive = _parts.Where(p => p.Location == TakeoutArchiveLocation.Drive).ToList();
            List<TakeoutArchive> local = _parts.Where(p => p.Location != TakeoutArchiveLocation.Drive).ToList();
            GPhotosConnection connection = drive.Count > 0 ? RequireDriveWrite() : null;
            _drive = connection == null ? null : DriveFor(connection);

            var verdicts = new List<TakeoutPartVerdict>();
            if (local.Count > 0) verdicts.AddRange(Verify(local, new TakeoutReaderPartItemSource(), destination));
            if (drive.Count > 0)
            {
                ITakeoutPartItemSource source = DriveItemSource?.Invoke(_drive);
                if (source != null) verdicts.AddRange(Verify(drive, source, destination));
                else verdicts.AddRange(drive.Select(p => new TakeoutPartVerdict
                {
                    Part = p,
                    ReadError = new NotSupportedException("this build of GPhotos cannot read Takeout parts in Google Drive in place."),
                }));
            }

            foreach (TakeoutArchive part in _parts)
            {
                TakeoutPartVerdict v = verdicts.First(x => ReferenceEquals(x.Part, part));
                WriteObject(Decide(v, connection, destination));
            }
        }

        private DriveClient _drive;
        private static readonly object DriveLock = new object();
        private static DriveClient s_drive;
        private static GPhotosConnection s_driveConnection;

        /// <summary>
        /// One Drive client per connection, kept for the session and never disposed here: an in-place reader registers
        /// parts process-wide with it, and items listed earlier in the session are saved through those registrations.
        /// </summary>
        private static DriveClient DriveFor(GPhotosConnection connection)
        {
            lock (DriveLock)
            {
                if (s_drive == null || !ReferenceEquals(s_driveConnection, connection))
                {
                    s_drive = new DriveClient(connection.Api, connection);
                    s_driveConnection = connection;
                }
                return s_drive;
            }
        }

        private GPhotosConnection RequireDriveWrite()
        {
            GPhotosConnection connection = RequireConnection();
            // Scopes are known for a sign-in (not for -AccessToken): fail before reading anything.
            if (connection.Scopes.Count > 0 && !GPhotosScopes.CanDeleteDrive(connection.Scopes))
                ThrowTerminating(ErrorCatalog.ForDriveWriteAccessMissing(connection.Client?.SourcePath), null);
            return connection;
        }

        private List<TakeoutPartVerdict> Verify(List<TakeoutArchive> parts, ITakeoutPartItemSource source, string destination)
        {
            WriteVerbose($"Reading {parts.Count} Takeout part(s) to list their items.");
            try
            {
                // The reader's warnings go through this cmdlet's reporter: RunCore writes them while the parts are read.
                List<TakeoutPartVerdict> verdicts = Run(ct => System.Threading.Tasks.Task.Run(() =>
                {
                    TakeoutPartItems read = source.ReadItems(parts, Reporter, ct);
                    return TakeoutRemoval.Verify(parts, read.Items, read.ReadErrors, destination, ct);
                }, ct));
                return verdicts;
            }
            catch (Exception ex) when (!(ex is PipelineStoppedException) && !(ex is OperationCanceledException))
            {
                WriteReports();
                return parts.Select(p => new TakeoutPartVerdict { Part = p, ReadError = ex }).ToList();
            }
        }

        private TakeoutRemovalResult Decide(TakeoutPartVerdict v, GPhotosConnection connection, string destination)
        {
            TakeoutArchive part = v.Part;
            var result = new TakeoutRemovalResult
            {
                Name = part.Name, ExportId = part.ExportId, Location = part.Location, DriveFileId = part.DriveFileId, Path = part.Path,
                Size = part.Size, MediaEntries = v.MediaEntries, Verified = v.Verified, NotSaved = v.NotSaved.Count,
                NotSavedItems = v.NotSaved.ToArray(), Reason = v.Reason,
            };
            if (!v.CanRemove)
            {
                result.Status = "Refused";
                if (v.NotSaved.Count > 0)
                {
                    IEnumerable<string> named = v.NotSaved.Take(NamedInWarning).Select(i => i.ToString());
                    string more = v.NotSaved.Count > NamedInWarning ? $"; and {v.NotSaved.Count - NamedInWarning} more (see the result's NotSavedItems)" : "";
                    WriteWarning($"{part.Name}: not saved in '{destination}': " + string.Join("; ", named) + more + ".");
                }
                WriteError(ErrorCatalog.ForTakeoutPartNotRemoved(part.Name, v.Reason, v.NotSaved.Count, destination, v.ReadError), part);
                return result;
            }

            string where = part.Location == TakeoutArchiveLocation.Drive ? $"Google Drive file {part.Name} ({part.DriveFileId})" : part.Path;
            string action = part.Location == TakeoutArchiveLocation.Drive
                ? $"Delete permanently (not to the trash), {part.Size:N0} bytes; all {v.MediaEntries} media entries are saved in '{destination}'"
                : $"Delete the file; all {v.MediaEntries} media entries are saved in '{destination}'";
            if (!ShouldDelete(where, action))
            {
                result.Status = "NotRemoved";
                result.Reason = v.Reason + " Not removed (-WhatIf, or the confirmation was declined).";
                return result;
            }
            try
            {
                if (part.Location == TakeoutArchiveLocation.Drive) DeleteFromDrive(part);
                else DeleteLocal(part);
                result.Status = "Removed";
                WriteVerbose($"Removed {where}.");
            }
            catch (Exception ex) when (!(ex is PipelineStoppedException))
            {
                result.Status = "Refused";
                result.Reason = "The delete failed: " + ex.Message;
                WriteError(ErrorCatalog.ForTakeoutPartDeleteFailed(ex, connection?.Client?.SourcePath), part);
            }
            return result;
        }

        private void DeleteFromDrive(TakeoutArchive part)
        {
            // What was verified is the part as listed: one replaced since (new md5 or size) is not what was checked.
            DriveFile now = Run(ct => _drive.GetAsync(part.DriveFileId, ct));
            if ((part.Md5 != null && !string.Equals(now.Md5Checksum, part.Md5, StringComparison.OrdinalIgnoreCase)) || (now.Size.HasValue && now.Size.Value != part.Size))
                throw new InvalidOperationException($"Takeout part '{part.Name}' changed in Drive since it was listed (size or md5 differ); list it again and re-run.");
            Run(ct => _drive.DeleteAsync(part.DriveFileId, ct));
        }

        private static void DeleteLocal(TakeoutArchive part)
        {
            var file = new FileInfo(part.Path);
            if (!file.Exists) throw new FileNotFoundException($"Takeout part '{part.Path}' no longer exists.", part.Path);
            if (file.Length != part.Size)
                throw new InvalidOperationException($"Takeout part '{part.Path}' changed since it was listed ({file.Length:N0} bytes, listed {part.Size:N0}); list it again and re-run.");
            file.Delete();
        }

        /// <summary>ShouldProcess, except that -Force skips the prompt (never -WhatIf, never an explicit -Confirm).</summary>
        private bool ShouldDelete(string target, string action)
        {
            if (!Force || MyInvocation.BoundParameters.ContainsKey("Confirm") || IsWhatIf()) return ShouldProcess(target, action);
            return true;
        }

        private bool IsWhatIf() =>
            MyInvocation.BoundParameters.TryGetValue("WhatIf", out object w) ? LanguagePrimitives.IsTrue(w) : LanguagePrimitives.IsTrue(GetVariableValue("WhatIfPreference", false));
    }
}
