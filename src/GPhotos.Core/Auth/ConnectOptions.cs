using System;
using System.Collections.Generic;
using GPhotos.Http;
using GPhotos.Reporting;

namespace GPhotos.Auth
{
    /// <summary>How <see cref="Authenticator.ConnectAsync"/> signs in.</summary>
    public sealed class ConnectOptions
    {
        /// <summary>The Desktop app OAuth client (required). See <see cref="OAuthClientInfo.FromClientSecretFile"/>.</summary>
        public OAuthClientInfo Client { get; set; }

        /// <summary>Scopes: full URLs or short names (see <see cref="GPhotosScopes"/>). Null or empty: <see cref="GPhotosScopes.Default"/>.</summary>
        public IEnumerable<string> Scopes { get; set; }

        /// <summary>
        /// Connect-GPhotos -Drive / -DriveWrite: <paramref name="scopes"/> (null: <see cref="GPhotosScopes.Default"/>) plus
        /// <see cref="GPhotosScopes.DriveReadOnly"/> or <see cref="GPhotosScopes.Drive"/> (which reads too). Drive is opt-in:
        /// it is a restricted scope, and the full one lets GPhotos delete files. Throws <see cref="ArgumentException"/> for bad scopes.
        /// </summary>
        public static string[] WithDrive(IEnumerable<string> scopes, bool drive, bool driveWrite)
        {
            string[] resolved = GPhotosScopes.Resolve(scopes);
            if (driveWrite) return GPhotosScopes.Union(resolved, new[] { GPhotosScopes.Drive });
            return drive ? GPhotosScopes.Union(resolved, new[] { GPhotosScopes.DriveReadOnly }) : resolved;
        }

        /// <summary>Google or the emulator. Null: <see cref="GoogleEndpoints.FromEnvironment"/> (honours GPHOTOS_EMULATOR_HOST).</summary>
        public GoogleEndpoints Endpoints { get; set; }

        /// <summary>The token cache folder. Null: <see cref="ProtectedTokenStore.DefaultFolder"/>.</summary>
        public string TokenCachePath { get; set; }

        /// <summary>May a browser sign-in happen? False for -NonInteractive/scheduled runs: then a missing or dead cached
        /// sign-in fails at once with <see cref="InteractiveLoginRequiredException"/>.</summary>
        public bool AllowInteractive { get; set; } = true;

        /// <summary>Ignore the cached sign-in and sign in through the browser again.</summary>
        public bool ForceNewLogin { get; set; }

        /// <summary>Do not open a browser: give the sign-in URL to <see cref="ShowAuthorizationUrl"/> and keep listening.</summary>
        public bool NoBrowser { get; set; }

        /// <summary>Receives the sign-in URL with <see cref="NoBrowser"/>, or when no browser could be opened. A prompt for the
        /// host's UI rather than a report (Connect-GPhotos prints it as a plain line). Null: a warning to <see cref="Reporter"/>.</summary>
        public Action<Uri> ShowAuthorizationUrl { get; set; }

        /// <summary>Opens the sign-in URL; returns false when it could not. Null: <see cref="BrowserLauncher.Open"/>.
        /// Called after the loopback listener is up; it should not block for long.</summary>
        public Func<Uri, bool> OpenBrowser { get; set; }

        /// <summary>How long to wait for the browser to come back. Default 5 minutes.</summary>
        public TimeSpan Timeout { get; set; } = TimeSpan.FromMinutes(5);

        /// <summary>Suggests the Google account on the sign-in page (login_hint), e.g. an e-mail address.</summary>
        public string LoginHint { get; set; }

        /// <summary>
        /// Where sign-in reports go: verbose steps, warnings (scopes not granted, cache permissions repaired, …) and, without
        /// <see cref="ShowAuthorizationUrl"/>, the sign-in link. Never receives a token. The connection keeps reporting here
        /// (token refreshes) until the host sets <see cref="GPhotosConnection.Reporter"/>. Null: nothing is reported.
        /// </summary>
        public IReporter Reporter { get; set; }

        /// <summary>The reporter, never null.</summary>
        internal IReporter Report => Reporter ?? NullReporter.Instance;

        /// <summary>Retry policy for the token endpoint and for the connection's <see cref="GoogleApiClient"/>. Null: from the environment.</summary>
        public RetryPolicy Retry { get; set; }

        /// <summary>The clock (tests).</summary>
        internal Func<DateTime> UtcNow { get; set; }
    }
}
