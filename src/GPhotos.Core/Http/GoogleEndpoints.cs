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

        /// <summary>Is the configured emulator on this machine (loopback), where plain HTTP never leaves the computer?</summary>
        public bool IsLoopbackEmulator
        {
            get
            {
                if (!IsEmulator) return false;
                string host = new Uri("http://" + EmulatorHost + "/").Host.Trim('[', ']');
                return string.Equals(host, "localhost", StringComparison.OrdinalIgnoreCase)
                    || (System.Net.IPAddress.TryParse(host, out var ip) && System.Net.IPAddress.IsLoopback(ip));
            }
        }

        /// <summary>
        /// Google's OAuth access tokens start with "ya29."; the emulator mints "ya29.emu-…" (same shape, marked), so
        /// only an unmarked one is taken for real.
        /// </summary>
        public static bool LooksLikeGoogleAccessToken(string token) =>
            token != null && token.StartsWith("ya29.", StringComparison.Ordinal) && !token.StartsWith("ya29.emu-", StringComparison.Ordinal);

        /// <summary>The warning for an -AccessToken that the emulator setting would send over plain HTTP.</summary>
        public string PlainHttpTokenWarning(bool looksReal) =>
            $"{EmulatorHostVariable} is set, so this access token will be sent over plain HTTP to {EmulatorHost}"
            + (looksReal ? ", and it looks like a real Google token (ya29.…)" : ", which is not on this computer")
            + $". Anyone on the network path can read it. Unset {EmulatorHostVariable} to talk to Google over HTTPS.";

        /// <summary>
        /// May GPhotos show (and open) <paramref name="pickerUri"/>, the address a Picker session says the user should
        /// visit? Only https on a Google host (photos.google.com and the like), or the configured emulator. A link to
        /// anywhere else would send the user, signed in, to a page Google did not serve.
        /// </summary>
        public bool IsTrustedPickerUri(Uri pickerUri)
        {
            if (pickerUri == null || !pickerUri.IsAbsoluteUri || !string.IsNullOrEmpty(pickerUri.UserInfo)) return false;
            if (IsEmulator && pickerUri.Scheme == Uri.UriSchemeHttp && string.Equals(pickerUri.Authority, EmulatorHost, StringComparison.OrdinalIgnoreCase))
                return true;
            if (pickerUri.Scheme != Uri.UriSchemeHttps || !pickerUri.IsDefaultPort) return false;
            string host = pickerUri.Host.ToLowerInvariant();
            return host == "google.com" || host.EndsWith(".google.com", StringComparison.Ordinal);
        }

        public override string ToString() => IsEmulator ? "emulator at " + EmulatorHost : "Google";
    }
}
