using System;
using System.Collections.Generic;
using System.Linq;
using System.IO;
using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;
using GPhotos.Auth;
using GPhotos.Http;
using GPhotos.Model;
using GPhotos.Sources.Library;

namespace GPhotos.Commands.Infrastructure
{
    /// <summary>
    /// Base of every GPhotos cmdlet: a cancellation token cancelled by Ctrl+C (<see cref="StopProcessing"/>),
    /// blocking on async core calls the safe way, the runspace's connection, and one mapping from core exceptions
    /// to PowerShell errors with stable ids and actionable messages.
    /// </summary>
    public abstract class GPhotosCmdlet : PSCmdlet, IDisposable
    {
        private readonly CancellationTokenSource _cancellation = new CancellationTokenSource();

        protected CancellationToken CancelToken => _cancellation.Token;

        protected override void StopProcessing() => _cancellation.Cancel();

        /// <summary>Runs core async work to completion on the pipeline thread; Ctrl+C becomes PipelineStoppedException.</summary>
        protected T Run<T>(Func<CancellationToken, Task<T>> work) => RunCore(work);

        protected void Run(Func<CancellationToken, Task> work) => RunCore(async ct => { await work(ct).ConfigureAwait(false); return true; });

        /// <summary>
        /// Like <see cref="Run{T}"/>, calling <paramref name="pump"/> on the pipeline thread about once a second while
        /// the work runs (for Write-Progress, which may only be called from this thread).
        /// </summary>
        internal T RunCore<T>(Func<CancellationToken, Task<T>> work, Action pump = null)
        {
            try
            {
                Task<T> task = work(CancelToken);
                while (!task.Wait(TimeSpan.FromSeconds(1)))
                {
                    pump?.Invoke();
                    WriteConnectionMessages();
                }
                WriteConnectionMessages();
                return task.GetAwaiter().GetResult();
            }
            catch (AggregateException ae) when (ae.InnerExceptions.Count == 1)
            {
                if (ae.InnerException is OperationCanceledException && CancelToken.IsCancellationRequested) throw new PipelineStoppedException();
                System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(ae.InnerException).Throw();
                throw;
            }
            catch (OperationCanceledException) when (CancelToken.IsCancellationRequested)
            {
                throw new PipelineStoppedException();
            }
        }

        /// <summary>Writes what the connection said meanwhile (token refreshes) on the pipeline thread.</summary>
        internal void WriteConnectionMessages()
        {
            RunspaceState state = RunspaceState.Current;
            while (state.Messages.TryDequeue(out string m)) WriteVerbose(m);
            while (state.Warnings.TryDequeue(out string w)) WriteWarning(w);
        }

        /// <summary>Ends the command with <paramref name="error"/> mapped to an ErrorRecord.</summary>
        internal void ThrowTerminating(Exception error, object target, string fallbackId) => ThrowTerminatingError(ToErrorRecord(error, target, fallbackId));

        /// <summary>The runspace's connection, or a terminating error that says how to connect.</summary>
        protected GPhotosConnection RequireConnection()
        {
            GPhotosConnection connection = RunspaceState.Current.Connection;
            if (connection == null)
            {
                ThrowTerminatingError(new ErrorRecord(
                    new InvalidOperationException("Not connected to Google Photos. Run Connect-GPhotos first (once at the keyboard; later runs use the cached token silently)."),
                    "NotConnected", ErrorCategory.AuthenticationError, null));
            }
            return connection;
        }

        /// <summary>
        /// -Id support shared by Get and Save: takes up to 50 ids off <paramref name="pending"/>, fetches them with one
        /// batchGet, hands each found item to <paramref name="found"/> and writes one non-terminating
        /// MediaItemNotFound error per missing id (nothing is skipped silently).
        /// </summary>
        protected void FetchNextIds(List<string> pending, Action<MediaItem> found)
        {
            GPhotosConnection connection = RequireConnection();
            List<string> chunk = pending.Take(LibraryClient.MaxBatchGet).ToList();
            pending.RemoveRange(0, chunk.Count);
            IReadOnlyList<BatchGetResult> results;
            try
            {
                results = Run(ct => new LibraryClient(connection.Api).BatchGetAsync(chunk, ct));
            }
            catch (Exception ex) when (!(ex is PipelineStoppedException))
            {
                ThrowTerminatingError(ToErrorRecord(ex, chunk, "BatchGetFailed"));
                return;
            }
            foreach (BatchGetResult r in results)
            {
                if (r.Item != null) found(r.Item);
                else
                    WriteError(new ErrorRecord(
                        new ItemNotFoundException($"Media item '{r.RequestedId}' was not found: {r.StatusMessage} (Google status {r.StatusCode}). Since 2025 the Library API only returns items this app uploaded."),
                        "MediaItemNotFound", ErrorCategory.ObjectNotFound, r.RequestedId));
            }
        }

        /// <summary>Verbose output that is safe to show: never pass a token here.</summary>
        protected void Verbose(string message) => WriteVerbose(message);

        /// <summary>Core exception → ErrorRecord with a stable id, the right category and the item as target.</summary>
        protected static ErrorRecord ToErrorRecord(Exception error, object target, string fallbackId = "GPhotosError")
        {
            switch (error)
            {
                case QuotaExhaustedException q:
                    return new ErrorRecord(q, "DailyQuotaExhausted", ErrorCategory.LimitsExceeded, target);
                case AuthenticationExpiredException a:
                    return new ErrorRecord(a, "AuthenticationExpired", ErrorCategory.AuthenticationError, target);
                case InteractiveLoginRequiredException i:
                    return new ErrorRecord(i, "InteractiveLoginRequired", ErrorCategory.AuthenticationError, target);
                case GoogleApiException api when api.IsInsufficientScopes:
                    return new ErrorRecord(new GoogleApiException(api.HttpStatus, api.RpcStatus, api.ApiMessage, Messages.InsufficientScopes(api.ApiMessage), api.RetryAfter, api),
                        "InsufficientScopes", ErrorCategory.PermissionDenied, target);
                case GoogleApiException api:
                    return new ErrorRecord(api, "GoogleApi" + (api.RpcStatus != null ? Pascal(api.RpcStatus) : api.HttpStatus == 0 ? "NoAnswer" : "Http" + api.HttpStatus), CategoryFor(api.HttpStatus), target);
                case ArgumentException arg:
                    return new ErrorRecord(arg, "InvalidArgument", ErrorCategory.InvalidArgument, target);
                case UnauthorizedAccessException ua:
                    return new ErrorRecord(ua, "AccessDenied", ErrorCategory.PermissionDenied, target);
                case IOException io:
                    return new ErrorRecord(io, "IOError", ErrorCategory.WriteError, target);
                case GPhotos.Sources.Picker.PickingTimeoutException pt:
                    return new ErrorRecord(pt, "PickingTimedOut", ErrorCategory.OperationTimeout, target);
                case AuthorizationDeniedException ad:
                    return new ErrorRecord(ad, "AuthorizationDenied", ErrorCategory.PermissionDenied, target);
                case GPhotosAuthenticationException ga:
                    return new ErrorRecord(ga, "AuthenticationFailed", ErrorCategory.AuthenticationError, target);
                case TimeoutException t:
                    return new ErrorRecord(t, "Timeout", ErrorCategory.OperationTimeout, target);
                default:
                    return new ErrorRecord(error, fallbackId, ErrorCategory.NotSpecified, target);
            }
        }

        private static ErrorCategory CategoryFor(int status)
        {
            switch (status)
            {
                case 400: return ErrorCategory.InvalidArgument;
                case 401: return ErrorCategory.AuthenticationError;
                case 403: return ErrorCategory.PermissionDenied;
                case 404: return ErrorCategory.ObjectNotFound;
                case 429: return ErrorCategory.LimitsExceeded;
                case 0: return ErrorCategory.ConnectionError;
                default: return status >= 500 ? ErrorCategory.ResourceUnavailable : ErrorCategory.NotSpecified;
            }
        }

        private static string Pascal(string rpc)
        {
            var parts = rpc.ToLowerInvariant().Split('_');
            for (int i = 0; i < parts.Length; i++)
                if (parts[i].Length > 0) parts[i] = char.ToUpperInvariant(parts[i][0]) + parts[i].Substring(1);
            return string.Concat(parts);
        }

        /// <summary>Errors that end the whole command (no point going on with the next item).</summary>
        protected static bool IsFatal(Exception error) =>
            error is QuotaExhaustedException || error is AuthenticationExpiredException || error is InteractiveLoginRequiredException
            || (error is GoogleApiException api && (api.IsInsufficientScopes || api.HttpStatus == 401));

        /// <summary>Releases what a cmdlet holds (a save session's lock, workers). Called once, also after Ctrl+C.</summary>
        protected virtual void DisposeResources() { }

        public void Dispose()
        {
            DisposeResources();
            _cancellation.Dispose();
            GC.SuppressFinalize(this);
        }
    }

    internal static class Messages
    {
        public static string InsufficientScopes(string apiMessage) =>
            $"Google refused: {apiMessage ?? "insufficient authentication scopes"} Since 2025-03-31 the Library API only sees photos and videos that this app uploaded itself; the scopes that read a whole library were removed. To back up your existing library, pick items with 'Get-GPhotosMediaItem -Pick' (Picker API), or read a Google Takeout export with 'Get-GPhotosMediaItem -TakeoutPath <zips>'. If your token was made with an old scope, run 'Disconnect-GPhotos -Revoke' and 'Connect-GPhotos' again.";

        public const string EmptyLibraryHint =
            "The Library API returned no items. Since 2025-03-31 it only lists photos and videos that this app uploaded itself, so an existing library looks empty here. Use 'Get-GPhotosMediaItem -Pick' to choose items in Google's picker, or 'Get-GPhotosMediaItem -TakeoutPath <zips>' for a Google Takeout export.";
    }
}
