using System;
using System.Collections.Generic;
using System.Management.Automation;
using GPhotos.Auth;
using GPhotos.Commands.Infrastructure;
using GPhotos.Errors;
using GPhotos.Sources.Picker;

namespace GPhotos.Commands
{
    /// <summary>
    /// Starts a Picker session and shows its URL, without waiting: pick now (on any device), download later with
    /// <c>Get-GPhotosMediaItem -SessionId</c> (e.g. from a scheduled task) while the session lives.
    /// </summary>
    [Cmdlet(VerbsCommon.New, "GPhotosPickerSession", SupportsShouldProcess = false)]
    [OutputType(typeof(PickerSession))]
    public sealed class NewGPhotosPickerSessionCommand : GPhotosCmdlet
    {
        [Parameter]
        [ValidateRange(1, PickerClient.MaxItemsPerSession)]
        public int? MaxItemCount { get; set; }

        [Parameter]
        public SwitchParameter NoBrowser { get; set; }

        /// <summary>Wait until the user tapped Done before returning the session.</summary>
        [Parameter]
        public SwitchParameter Wait { get; set; }

        [Parameter]
        public TimeSpan? Timeout { get; set; }

        protected override void EndProcessing()
        {
            GPhotosConnection connection = RequireConnection();
            PickerSession session = PickerSessionFlow.CreateAndShow(this, connection, MaxItemCount, NoBrowser);
            if (Wait) session = PickerSessionFlow.WaitForUser(this, connection, session, Timeout);
            WriteObject(session);
        }
    }

    /// <summary>Reads a Picker session's state (has the user tapped Done? when does it expire?).</summary>
    [Cmdlet(VerbsCommon.Get, "GPhotosPickerSession")]
    [OutputType(typeof(PickerSession))]
    public sealed class GetGPhotosPickerSessionCommand : GPhotosCmdlet
    {
        [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [Alias("Id")]
        [ValidateNotNullOrEmpty]
        public string[] SessionId { get; set; }

        protected override void ProcessRecord()
        {
            var client = new PickerClient(RequireConnection().Api);
            foreach (string id in SessionId)
            {
                try { WriteObject(Run(ct => client.GetSessionAsync(id, ct))); }
                catch (Exception ex) when (!(ex is PipelineStoppedException))
                {
                    if (IsFatal(ex)) ThrowTerminatingError(ToErrorRecord(ex, id));
                    WriteError(ToErrorRecord(ex, id, ErrorCatalog.PickerSessionFailed));
                }
            }
        }
    }

    /// <summary>
    /// Deletes Picker sessions. Do this only after every item is saved: deleting a session kills its items'
    /// download links. Accepts media items from the pipeline (each session once).
    /// </summary>
    [Cmdlet(VerbsCommon.Remove, "GPhotosPickerSession", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low)]
    public sealed class RemoveGPhotosPickerSessionCommand : GPhotosCmdlet
    {
        private readonly HashSet<string> _done = new HashSet<string>(StringComparer.Ordinal);

        [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        public string[] SessionId { get; set; }

        protected override void ProcessRecord()
        {
            var client = new PickerClient(RequireConnection().Api);
            foreach (string id in SessionId)
            {
                if (!_done.Add(id)) continue;
                if (!ShouldProcess(id, "Delete Google Photos picker session")) continue;
                try { Run(ct => client.DeleteSessionAsync(id, ct)); }
                catch (Exception ex) when (!(ex is PipelineStoppedException))
                {
                    if (IsFatal(ex)) ThrowTerminatingError(ToErrorRecord(ex, id));
                    WriteError(ToErrorRecord(ex, id, ErrorCatalog.PickerSessionFailed));
                }
            }
        }
    }
}
