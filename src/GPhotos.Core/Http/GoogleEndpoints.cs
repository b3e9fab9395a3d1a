using System;

namespace GPhotos.Http
{
    /// <summary>
    /// Where every Google endpoint lives. Modelled on Google Cloud's <c>*_EMULATOR_HOST</c> variables:
    /// when <c>GPHOTOS_EMULATOR_HOST=host:port</c> is set, every endpoint is addressed at
    /// <c>http://host:port</c> with Google's own paths.
    /// </summary>
    public sealed class GoogleEndpoints
    {
        public const string EmulatorHostVariable = "GPHOTOS_EMULATOR_HOST";

        public static GoogleEndpoints Google { get; } = new GoogleEndpoints(
            new Uri("https://photoslibrary.googleapis.com/"),
            new Uri("https://photospicker.googleapis.com/"),
            new Uri("https://accounts.google.com/o/oauth2/v2/auth"),
            new Uri("https://oauth2.googleapis.com/token"),
            new Uri("https://oauth2.googleapis.com/revoke"),
            emulatorHost: null);

        private GoogleEndpoints(Uri library, Uri picker, Uri authorize, Uri token, Uri revoke, string emulatorHost)
        {
            LibraryApi = library;
            PickerApi = picker;
            Authorization = authorize;
            Token = token;
            Revoke = revoke;
            EmulatorHost = emulatorHost;
        }

        public Uri LibraryApi { get; }
        public Uri PickerApi { get; }
        public Uri Authorization { get; }
        public Uri Token { get; }
        public Uri Revoke { get; }

        /// <summary>host:port of the configured emulator, or null when talking to Google.</summary>
        public string EmulatorHost { get; }
        public bool IsEmulator => EmulatorHost != null;

        /// <summary>Endpoints for an emulator at <paramref name="hostAndPort"/> (e.g. <c>127.0.0.1:8085</c>).</summary>
        public static GoogleEndpoints ForEmulator(string hostAndPort)
        {
            if (string.IsNullOrWhiteSpace(hostAndPort))
                throw new ArgumentException("The emulator host is empty.", nameof(hostAndPort));
            string value = hostAndPort.Trim();
            if (value.StartsWith("http://", StringComparison.OrdinalIgnoreCase)) value = value.Substring(7);
            value = value.TrimEnd('/');
            if (!Uri.TryCreate("http://" + value + "/", UriKind.Absolute, out Uri root) || root.AbsolutePath != "/")
                throw new ArgumentException(
                    $"{EmulatorHostVariable}='{hostAndPort}' is not host:port (for example 127.0.0.1:8085).", nameof(hostAndPort));
            return new GoogleEndpoints(root, root, new Uri(root, "o/oauth2/v2/auth"), new Uri(root, "token"), new Uri(root, "revoke"),
                root.Authority);
        }

        /// <summary>Google, or the emulator when <see cref="EmulatorHostVariable"/> is set in the environment.</summary>
        public static GoogleEndpoints FromEnvironment()
        {
            string host = Environment.GetEnvironmentVariable(EmulatorHostVariable);
            return string.IsNullOrWhiteSpace(host) ? Google : ForEmulator(host);
        }

        /// <summary>
        /// May a bearer token be sent to <paramref name="uri"/>? Only to Google's media hosts over https
        /// (<c>*.googleusercontent.com</c>), Google's API hosts, or the configured emulator. Never anywhere else,
        /// whatever host a base URL names.
        /// </summary>
        public bool MayReceiveToken(Uri uri)
        {
            if (uri == null || !uri.IsAbsoluteUri) return false;
            if (IsEmulator)
                return uri.Scheme == Uri.UriSchemeHttp && string.Equals(uri.Authority, EmulatorHost, StringComparison.OrdinalIgnoreCase);
            if (uri.Scheme != Uri.UriSchemeHttps) return false;
            string host = uri.Host.ToLowerInvariant();
            return host.EndsWith(".googleusercontent.com", StringComparison.Ordinal)
                || host == "photoslibrary.googleapis.com"
                || host == "photospicker.googleapis.com";
        }

        public override string ToString() => IsEmulator ? "emulator at " + EmulatorHost : "Google";
    }
}
