using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using GPhotos.Auth;
using GPhotos.Errors;
using GPhotos.Model;
using GPhotos.Sources.Drive;

namespace GPhotos.Commands
{
    // -TakeoutArchive: parts from Get-GPhotosTakeoutArchive; Drive parts are registered as stream sources and then read
    // by the same TakeoutReader as local parts, so the items are the same MediaItems.
    public sealed partial class GetGPhotosMediaItemCommand
    {
        private static readonly string[] DriveReadScopes = { GPhotosScopes.Prefix + "drive", GPhotosScopes.Prefix + "drive.readonly" };

        // One Drive client per connection for the session: the parts registered with it are opened again by Save later.
        private static readonly object DriveGate = new object();
        private static DriveClient _drive;
        private static GPhotosConnection _driveConnection;

        private readonly HashSet<string> _seenParts = new HashSet<string>(StringComparer.Ordinal);
        private IDisposable _driveCancellation;

        private void ProcessTakeoutArchive()
        {
            // Drive parts are read synchronously deep in the Takeout reader (and by a Save later in this pipeline): this
            // command's token is how Ctrl+C reaches a stalled range read there. Set on the pipeline thread for the rest of
            // the pipeline, ended when the command is disposed (a later pipeline must not inherit a stopped token).
            if (_driveCancellation == null) _driveCancellation = DriveTakeoutParts.UseCancellation(CancelToken);
            foreach (TakeoutArchive part in TakeoutArchive)
            {
                if (part == null) continue;
                if (part.Location == TakeoutArchiveLocation.Local)
                {
                    if (_seenParts.Add(part.Path)) _takeoutInputs.Add(part.Path);
                    continue;
                }
                if (!part.IsComplete)
                    WriteWarning($"Takeout part {part.Name} belongs to an export that is not complete ({part.Completeness}); items whose JSON sidecar is in a part still to come are read without it.");
                string key = DriveTakeoutParts.Register(Drive(), part);
                if (_seenParts.Add(key)) _takeoutInputs.Add(key);
            }
        }

        protected override void DisposeResources() => _driveCancellation?.Dispose();

        private DriveClient Drive()
        {
            GPhotosConnection connection = RequireConnection();
            if (connection.Scopes.Count > 0 && !connection.Scopes.Any(s => DriveReadScopes.Contains(s, StringComparer.Ordinal)))
                ThrowTerminating(ErrorCatalog.ForDriveAccessMissing(connection.Client?.SourcePath), null);
            lock (DriveGate)
            {
                if (_drive == null || !ReferenceEquals(_driveConnection, connection))
                {
                    // The previous client is left to the parts registered with it (a Save of earlier items may still use it).
                    _drive = new DriveClient(connection.Api, connection);
                    _driveConnection = connection;
                }
                return _drive;
            }
        }
    }
}
