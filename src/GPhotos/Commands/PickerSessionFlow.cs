using System;
using System.Diagnostics;
using System.Management.Automation;
using GPhotos.Auth;
using GPhotos.Commands.Infrastructure;
using GPhotos.Errors;
using GPhotos.Sources.Picker;

namespace GPhotos.Commands
{
    /// <summary>The shared steps of -Pick and New-GPhotosPickerSession: create a session, show the picker, wait.</summary>
    internal static class PickerSessionFlow
    {
        public const int ProgressId = 0x6770; // fixed activity id for Write-Progress

        public static PickerSession CreateAndShow(GPhotosCmdlet cmdlet, GPhotosConnection connection, int? maxItemCount, bool noBrowser)
        {
            PickerSession session;
            try
            {
                session = cmdlet.RunCore(ct => new PickerClient(connection.Api).CreateSessionAsync(maxItemCount, ct));
            }
            catch (Exception ex) when (!(ex is PipelineStoppedException))
            {
                cmdlet.ThrowTerminating(ex, null, ErrorCatalog.PickerSessionFailed);
                return null;
            }

            string message = $"Pick your photos and videos in Google Photos, then tap Done: {session.PickerUri}";
            bool opened = false;
            if (!noBrowser && InteractiveSession.IsInteractive(cmdlet))
                opened = GPhotos.Auth.BrowserLauncher.TryOpen(new Uri(session.PickerUri), out _);
            if (opened) cmdlet.WriteVerbose("Opened the Google Photos picker in your browser.");
            // The URL is shown either way: the user may prefer another device (any browser, any device works).
            cmdlet.Host.UI.WriteLine(message);
            return session;
        }

        public static PickerSession WaitForUser(GPhotosCmdlet cmdlet, GPhotosConnection connection, PickerSession session, TimeSpan? timeout)
        {
            var client = new PickerClient(connection.Api);
            var last = Stopwatch.StartNew();
            var progress = new SyncProgress<PickingProgress>(); // written on the pipeline thread only
            try
            {
                return cmdlet.RunCore(async ct =>
                {
                    var task = client.WaitForPickingAsync(session, timeout, progress, ct);
                    return await task.ConfigureAwait(false);
                }, () =>
                {
                    PickingProgress p = progress.Latest;
                    if (p == null) return;
                    var record = new ProgressRecord(ProgressId, "Waiting for you to pick in Google Photos", $"Session {session.Id}: tap Done when finished")
                    {
                        SecondsRemaining = p.Limit.HasValue ? (int)Math.Max(0, (p.Limit.Value - p.Waited).TotalSeconds) : -1,
                    };
                    cmdlet.WriteProgress(record);
                });
            }
            catch (Exception ex) when (!(ex is PipelineStoppedException))
            {
                cmdlet.ThrowTerminating(ex, session, ex is PickingTimeoutException ? ErrorCatalog.PickingTimedOut : ErrorCatalog.PickerSessionFailed);
                return null;
            }
            finally
            {
                cmdlet.WriteProgress(new ProgressRecord(ProgressId, "Waiting for you to pick in Google Photos", "Done") { RecordType = ProgressRecordType.Completed });
            }
        }
    }

    /// <summary>Keeps the latest reported value; read from the pipeline thread.</summary>
    internal sealed class SyncProgress<T> : IProgress<T> where T : class
    {
        private T _latest;
        public T Latest => System.Threading.Volatile.Read(ref _latest);
        public void Report(T value) => System.Threading.Volatile.Write(ref _latest, value);
    }
}
