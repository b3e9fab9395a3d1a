using System;
using System.Management.Automation;
using System.Runtime.InteropServices;
using System.Security;
using GPhotos.Auth;
using GPhotos.Commands.Infrastructure;
using GPhotos.Errors;
using GPhotos.Http;

namespace GPhotos.Commands
{
    /// <summary>
    /// Signs in to Google Photos for this runspace. Once at the keyboard (browser, PKCE, loopback redirect); later
    /// runs, scheduled ones included, use the protected token cache silently and never wait for a person.
    /// </summary>
    [Cmdlet(VerbsCommunications.Connect, "GPhotos", DefaultParameterSetName = ClientFileSet)]
    [OutputType(typeof(ConnectionInfo))]
    public sealed class ConnectGPhotosCommand : GPhotosCmdlet
    {
        private const string ClientFileSet = "ClientSecretFile";
        private const string ClientIdSet = "ClientId";
        private const string AccessTokenSet = "AccessToken";

        /// <summary>The client_secret_*.json downloaded for a Google Cloud "Desktop app" OAuth client.</summary>
        [Parameter(ParameterSetName = ClientFileSet, Mandatory = true, Position = 0)]
        [ValidateNotNullOrEmpty]
        public string ClientSecretPath { get; set; }

        [Parameter(ParameterSetName = ClientIdSet, Mandatory = true)]
        [ValidateNotNullOrEmpty]
        public string ClientId { get; set; }

        /// <summary>Desktop clients' secrets are not confidential (Google says so), but it is accepted as a SecureString too.</summary>
        [Parameter(ParameterSetName = ClientIdSet)]
        public object ClientSecret { get; set; }

        /// <summary>An access token obtained elsewhere (SecureString or string). It cannot be refreshed.</summary>
        [Parameter(ParameterSetName = AccessTokenSet, Mandatory = true)]
        [ValidateNotNull]
        public object AccessToken { get; set; }

        [Parameter(ParameterSetName = ClientFileSet)]
        [Parameter(ParameterSetName = ClientIdSet)]
        [ArgumentCompleter(typeof(ScopeCompleter))]
        public string[] Scope { get; set; }

        /// <summary>Adds read-only Google Drive access (drive.readonly) to the sign-in: Takeout exports delivered to Drive.</summary>
        [Parameter(ParameterSetName = ClientFileSet)]
        [Parameter(ParameterSetName = ClientIdSet)]
        public SwitchParameter Drive { get; set; }

        /// <summary>Adds full Google Drive access (drive; reads too): only Remove-GPhotosTakeoutArchive needs it.</summary>
        [Parameter(ParameterSetName = ClientFileSet)]
        [Parameter(ParameterSetName = ClientIdSet)]
        public SwitchParameter DriveWrite { get; set; }

        [Parameter(ParameterSetName = ClientFileSet)]
        [Parameter(ParameterSetName = ClientIdSet)]
        public string TokenCachePath { get; set; }

        [Parameter(ParameterSetName = ClientFileSet)]
        [Parameter(ParameterSetName = ClientIdSet)]
        public SwitchParameter NoBrowser { get; set; }

        [Parameter(ParameterSetName = ClientFileSet)]
        [Parameter(ParameterSetName = ClientIdSet)]
        public TimeSpan? Timeout { get; set; }

        /// <summary>Ignore the cached token and sign in again in the browser.</summary>
        [Parameter(ParameterSetName = ClientFileSet)]
        [Parameter(ParameterSetName = ClientIdSet)]
        public SwitchParameter Force { get; set; }

        [Parameter]
        public SwitchParameter PassThru { get; set; }

        protected override void EndProcessing()
        {
            GoogleEndpoints endpoints;
            try { endpoints = GoogleEndpoints.FromEnvironment(); }
            catch (ArgumentException ex) { ThrowTerminating(ErrorCatalog.ForInvalidEmulatorHost(ex), null); return; }
            if (endpoints.IsEmulator) WriteVerbose($"Using the Google Photos emulator at {endpoints.EmulatorHost} ({GoogleEndpoints.EmulatorHostVariable}).");

            GPhotosConnection connection;
            if (ParameterSetName == AccessTokenSet)
            {
                string token = ReadSecret(AccessToken, nameof(AccessToken));
                if (endpoints.IsEmulator && (GoogleEndpoints.LooksLikeGoogleAccessToken(token) || !endpoints.IsLoopbackEmulator))
                    WriteWarning(endpoints.PlainHttpTokenWarning(GoogleEndpoints.LooksLikeGoogleAccessToken(token)));
                connection = GPhotosConnection.FromAccessToken(token, endpoints);
                WriteVerbose("Using the given access token. It cannot be refreshed: when it expires (usually after an hour), connect again.");
            }
            else
            {
                OAuthClientInfo client;
                try
                {
                    client = ParameterSetName == ClientFileSet
                        ? OAuthClientInfo.FromClientSecretFile(SessionState.Path.GetUnresolvedProviderPathFromPSPath(ClientSecretPath))
                        : new OAuthClientInfo(ClientId, ClientSecret == null ? "" : ReadSecret(ClientSecret, nameof(ClientSecret)));
                }
                catch (Exception ex) when (!(ex is PipelineStoppedException))
                {
                    ThrowTerminating(ErrorCatalog.ForInvalidClientSecret(ex), ClientSecretPath);
                    return;
                }

                string[] scopes;
                try { scopes = ConnectOptions.WithDrive(Scope, Drive, DriveWrite); }
                catch (ArgumentException ex) { ThrowTerminating(ErrorCatalog.ForInvalidScope(ex), Scope); return; }
                var options = new ConnectOptions
                {
                    Client = client,
                    Endpoints = endpoints,
                    Scopes = scopes,
                    TokenCachePath = TokenCachePath == null ? null : SessionState.Path.GetUnresolvedProviderPathFromPSPath(TokenCachePath),
                    NoBrowser = NoBrowser,
                    AllowInteractive = InteractiveSession.IsInteractive(this),
                    ForceNewLogin = Force,
                };
                if (Timeout.HasValue) options.Timeout = Timeout.Value;
                // Messages and warnings go through the cmdlet's reporter, written in order about once a second while the
                // sign-in waits (RunCore). The link is a prompt for the host's UI, not a stream message.
                var urls = new System.Collections.Concurrent.ConcurrentQueue<Uri>();
                options.Reporter = Reporter;
                options.ShowAuthorizationUrl = urls.Enqueue;
                try
                {
                    connection = RunCore(ct => Authenticator.ConnectAsync(options, ct), () => ShowLinks(urls));
                }
                catch (Exception ex) when (!(ex is PipelineStoppedException))
                {
                    WriteReports();
                    ShowLinks(urls);
                    ThrowTerminatingError(ToErrorRecord(ex, client.ClientId, ErrorCatalog.ConnectFailed));
                    return;
                }
                ShowLinks(urls);
            }

            RunspaceState state = RunspaceState.Current;
            state.Connection?.Dispose();
            state.Connection = connection;
            WriteReports(); // anything the connection reported to this cmdlet before the runspace took it over
            WriteVerbose($"Connected ({connection}).");
            if (PassThru) WriteObject(ConnectionInfo.From(connection));
        }

        /// <summary>Writes what was reported first (e.g. "Could not open a browser"), then the link it is about.</summary>
        private void ShowLinks(System.Collections.Concurrent.ConcurrentQueue<Uri> urls)
        {
            WriteReports();
            while (urls.TryDequeue(out Uri url))
                Host.UI.WriteLine($"Open this address in a browser on this computer to sign in to Google Photos, then come back here: {url.AbsoluteUri}");
        }

        private string ReadSecret(object value, string name)
        {
            object v = value is PSObject pso ? pso.BaseObject : value;
            if (v is SecureString secure)
            {
                IntPtr ptr = Marshal.SecureStringToGlobalAllocUnicode(secure);
                try { return Marshal.PtrToStringUni(ptr); }
                finally { Marshal.ZeroFreeGlobalAllocUnicode(ptr); }
            }
            if (v is string s && s.Length > 0) return s;
            ThrowTerminating(ErrorCatalog.ForInvalidSecret(name), null);
            return null;
        }
    }

    /// <summary>Forgets this runspace's connection; -Revoke also revokes the token at Google and deletes its cache entry.</summary>
    [Cmdlet(VerbsCommunications.Disconnect, "GPhotos", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low)]
    public sealed class DisconnectGPhotosCommand : GPhotosCmdlet
    {
        [Parameter]
        public SwitchParameter Revoke { get; set; }

        protected override void EndProcessing()
        {
            RunspaceState state = RunspaceState.Current;
            GPhotosConnection connection = state.Connection;
            if (connection == null)
            {
                WriteVerbose("Not connected: nothing to do.");
                return;
            }
            if (Revoke && ShouldProcess(connection.ClientId ?? "access token", "Revoke the Google token and delete its cached copy"))
            {
                try { Run(ct => connection.RevokeAsync(ct)); WriteVerbose("Token revoked at Google and removed from the cache."); }
                catch (Exception ex) when (!(ex is PipelineStoppedException))
                {
                    WriteError(ToErrorRecord(ex, connection.ClientId, ErrorCatalog.RevokeFailed));
                }
            }
            state.Connection = null;
            connection.Dispose();
        }
    }

    /// <summary>What -PassThru shows: who is connected and how. Never a token.</summary>
    public sealed class ConnectionInfo
    {
        public string ClientId { get; set; }
        public string[] Scopes { get; set; }
        public string Endpoint { get; set; }
        public string Source { get; set; }
        public bool CanRefresh { get; set; }
        public string TokenCachePath { get; set; }

        internal static ConnectionInfo From(GPhotosConnection c) => new ConnectionInfo
        {
            ClientId = c.ClientId,
            Scopes = System.Linq.Enumerable.ToArray(c.Scopes ?? new string[0]),
            Endpoint = c.Endpoints.ToString(),
            Source = c.Source.ToString(),
            CanRefresh = c.CanRefresh,
            TokenCachePath = c.TokenCachePath,
        };
    }

    public sealed class ScopeCompleter : IArgumentCompleter
    {
        public System.Collections.Generic.IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
            System.Management.Automation.Language.CommandAst commandAst, System.Collections.IDictionary fakeBoundParameters)
        {
            foreach (string name in GPhotosScopes.KnownShortNames)
                if (name.StartsWith(wordToComplete ?? "", StringComparison.OrdinalIgnoreCase))
                    yield return new CompletionResult(name, name, CompletionResultType.ParameterValue, GPhotosScopes.Describe(name));
        }
    }
}
