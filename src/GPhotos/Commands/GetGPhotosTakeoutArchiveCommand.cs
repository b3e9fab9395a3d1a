using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Management.Automation;
using GPhotos.Auth;
using GPhotos.Commands.Infrastructure;
using GPhotos.Errors;
using GPhotos.Model;
using GPhotos.Sources.Drive;

namespace GPhotos.Commands
{
    /// <summary>
    /// Lists Google Takeout exports, one object per part: in Google Drive's Takeout folder (the default; needs a sign-in
    /// with Drive access), or local parts with -Path. Newest export first; -Latest keeps only the newest export.
    /// </summary>
    [Cmdlet(VerbsCommon.Get, "GPhotosTakeoutArchive", DefaultParameterSetName = DriveSet)]
    [OutputType(typeof(TakeoutArchive))]
    public sealed class GetGPhotosTakeoutArchiveCommand : GPhotosCmdlet
    {
        private const string DriveSet = "Drive";
        private const string LocalSet = "Local";
        private static readonly string[] DriveScopes = { GPhotosScopes.Prefix + "drive", GPhotosScopes.Prefix + "drive.readonly" };

        /// <summary>Local Takeout parts, or folders holding them (wildcards allowed).</summary>
        [Parameter(ParameterSetName = LocalSet, Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
        [Alias("FullName")]
        [SupportsWildcards]
        [ValidateNotNullOrEmpty]
        public string[] Path { get; set; }

        /// <summary>Only the parts of the newest export.</summary>
        [Parameter]
        public SwitchParameter Latest { get; set; }

        private readonly List<TakeoutPartFile> _local = new List<TakeoutPartFile>();
        private readonly HashSet<string> _seen = new HashSet<string>(StringComparer.Ordinal);

        protected override void ProcessRecord()
        {
            if (ParameterSetName != LocalSet) return;
            foreach (string p in Path)
            {
                IEnumerable<string> resolved;
                try
                {
                    resolved = GetResolvedProviderPathFromPSPath(p, out ProviderInfo provider);
                    if (provider.Name != "FileSystem") throw new ArgumentException($"'{p}' is not a file system path.");
                }
                catch (Exception ex) when (ex is ItemNotFoundException || ex is ArgumentException || ex is System.Management.Automation.DriveNotFoundException)
                {
                    WriteError(ErrorCatalog.ForTakeoutPathNotFound(ex), p);
                    continue;
                }
                foreach (string full in resolved)
                {
                    if (Directory.Exists(full))
                    {
                        var found = new DirectoryInfo(full).EnumerateFiles("takeout-*").Where(f => IsArchiveName(f.Name)).ToList();
                        if (found.Count == 0) WriteWarning($"No Takeout parts (takeout-*.zip, takeout-*.tgz) in '{full}'.");
                        foreach (FileInfo f in found) AddLocal(f);
                    }
                    else if (File.Exists(full)) AddLocal(new FileInfo(full));
                    else WriteError(ErrorCatalog.ForTakeoutPathNotFound(new ItemNotFoundException(ErrorCatalog.TakeoutPathMissingMessage(full))), full);
                }
            }
        }

        private static bool IsArchiveName(string name) =>
            name.EndsWith(".zip", StringComparison.OrdinalIgnoreCase) || name.EndsWith(".tgz", StringComparison.OrdinalIgnoreCase) || name.EndsWith(".tar.gz", StringComparison.OrdinalIgnoreCase);

        private void AddLocal(FileInfo f)
        {
            if (!_seen.Add(f.FullName)) return;
            _local.Add(new TakeoutPartFile { Name = f.Name, Size = f.Length, ModifiedTime = new DateTimeOffset(f.LastWriteTimeUtc, TimeSpan.Zero), Location = TakeoutArchiveLocation.Local, Path = f.FullName });
        }

        protected override void EndProcessing()
        {
            IEnumerable<TakeoutPartFile> files = ParameterSetName == LocalSet ? _local : ListDrive();
            TakeoutCatalog catalog = TakeoutArchiveCatalog.Build(files, DateTimeOffset.UtcNow);
            IReadOnlyList<TakeoutArchive> archives = catalog.Archives;
            if (Latest && archives.Count > 0) archives = archives.Where(a => a.ExportId == archives[0].ExportId).ToList();
            // With -Latest, warnings about older exports are beside the point; those about files that are no part stay.
            foreach (TakeoutCatalogWarning w in catalog.Warnings.Where(w => !Latest || w.ExportId == null || (archives.Count > 0 && w.ExportId == archives[0].ExportId)))
                WriteWarning(w.Message);
            if (catalog.Archives.Count == 0 && ParameterSetName == DriveSet)
                WriteWarning("No Takeout exports in Google Drive (no takeout-*.zip or .tgz in a folder named Takeout in My Drive). Schedule one at https://takeout.google.com with delivery \"Add to Drive\".");
            string stale = TakeoutArchiveCatalog.StaleWarning(catalog.Archives, DateTimeOffset.UtcNow);
            if (stale != null) WriteWarning(stale);
            foreach (TakeoutArchive a in archives) WriteObject(a);
        }

        private IEnumerable<TakeoutPartFile> ListDrive()
        {
            GPhotosConnection connection = RequireConnection();
            string clientPath = connection.Client?.SourcePath;
            if (connection.Scopes.Count > 0 && !connection.Scopes.Any(s => DriveScopes.Contains(s, StringComparer.Ordinal)))
                ThrowNoAccess(clientPath, null);
            IReadOnlyList<DriveFile> parts = null;
            using (var drive = new DriveClient(connection.Api, connection))
            {
                try
                {
                    parts = Run(ct => drive.ListTakeoutPartsAsync(ct));
                }
                catch (DriveApiException ex) when (ex.Kind == DriveErrorKind.InsufficientPermissions)
                {
                    ThrowNoAccess(clientPath, ex);
                }
                catch (Exception ex) when (!(ex is PipelineStoppedException))
                {
                    ThrowTerminating(ErrorCatalog.ForDriveListing(ex), null);
                }
                WriteVerbose("Drive: " + drive.Stats);
            }
            return parts.Select(TakeoutPartFile.FromDrive);
        }

        private void ThrowNoAccess(string clientPath, Exception inner) =>
            ThrowTerminating(ErrorCatalog.ForDriveAccessMissing(clientPath, inner), null);
    }
}
