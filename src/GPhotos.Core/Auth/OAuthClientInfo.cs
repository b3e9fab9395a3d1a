using System;
using System.IO;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;

namespace GPhotos.Auth
{
    /// <summary>
    /// A Google OAuth client of type "Desktop app": its id and secret. (For installed apps Google does not treat the
    /// secret as confidential, but GPhotos still never prints it.)
    /// </summary>
    public sealed class OAuthClientInfo
    {
        internal const string HowToCreate =
            "Create one in Google Cloud Console: APIs & Services > Credentials > Create credentials > OAuth client ID > " +
            "Application type 'Desktop app', then download its JSON (client_secret_*.json).";

        public OAuthClientInfo(string clientId, string clientSecret)
        {
            if (string.IsNullOrWhiteSpace(clientId))
                throw new ArgumentException("The OAuth client id is empty. " + HowToCreate, nameof(clientId));
            ClientId = clientId.Trim();
            ClientSecret = clientSecret?.Trim();
        }

        public string ClientId { get; }

        /// <summary>The client secret. Never printed by <see cref="ToString"/>.</summary>
        public string ClientSecret { get; }

        /// <summary>The client secret file this came from, when read with <see cref="FromClientSecretFile"/> (for messages).</summary>
        public string SourcePath { get; private set; }

        /// <summary>
        /// Reads the JSON Google Cloud Console downloads for an OAuth client (<c>{"installed":{"client_id":…,"client_secret":…}}</c>).
        /// Throws <see cref="FileNotFoundException"/> when the file is missing and <see cref="GPhotosAuthenticationException"/>
        /// when it is not a Desktop app client file; both messages say what to do.
        /// </summary>
        public static OAuthClientInfo FromClientSecretFile(string path)
        {
            if (string.IsNullOrWhiteSpace(path))
                throw new ArgumentException("No OAuth client file given. " + HowToCreate, nameof(path));
            string full;
            try { full = Path.GetFullPath(path); }
            catch (Exception ex) when (ex is ArgumentException || ex is NotSupportedException || ex is PathTooLongException)
            {
                throw new GPhotosAuthenticationException($"'{path}' is not a valid file path: {ex.Message}", ex);
            }
            if (Directory.Exists(full))
                throw new GPhotosAuthenticationException($"'{full}' is a folder; pass the path of the client_secret_*.json file inside it. " + HowToCreate);
            if (!File.Exists(full))
                throw new FileNotFoundException($"The OAuth client file '{full}' does not exist. " + HowToCreate, full);

            string text;
            try { text = File.ReadAllText(full); }
            catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException)
            {
                throw new GPhotosAuthenticationException($"Cannot read the OAuth client file '{full}': {ex.Message}", ex);
            }
            OAuthClientInfo info = Parse(text, full);
            info.SourcePath = full;
            return info;
        }

        /// <summary>Parses the text of a client secret file; <paramref name="sourceName"/> names it in errors.</summary>
        public static OAuthClientInfo Parse(string json, string sourceName = "the OAuth client JSON")
        {
            string again = "Download it again from Google Cloud Console (APIs & Services > Credentials, the download button of your Desktop app OAuth client).";
            JObject root;
            try
            {
                if (string.IsNullOrWhiteSpace(json)) throw new JsonReaderException("the file is empty");
                JToken token = JToken.Parse(json);
                root = token as JObject ?? throw new JsonReaderException("it is not a JSON object");
            }
            catch (JsonException ex)
            {
                throw new GPhotosAuthenticationException($"'{sourceName}' is not a Google OAuth client file (not valid JSON: {ex.Message}). {again}", ex);
            }

            if (root["installed"] is JObject installed)
                return FromSection(installed, sourceName, again);

            if (root["web"] is JObject)
                throw new GPhotosAuthenticationException(
                    $"'{sourceName}' holds a 'Web application' OAuth client. GPhotos signs in through a loopback redirect " +
                    "(http://127.0.0.1:<port>), which needs a 'Desktop app' client. " + HowToCreate);

            if (string.Equals((string)root["type"], "service_account", StringComparison.OrdinalIgnoreCase))
                throw new GPhotosAuthenticationException(
                    $"'{sourceName}' is a service-account key. Google Photos cannot be used with service accounts: it needs a " +
                    "user's consent through a 'Desktop app' OAuth client. " + HowToCreate);

            if (root["client_id"] != null)
                return FromSection(root, sourceName, again); // a bare {"client_id","client_secret"} object

            throw new GPhotosAuthenticationException(
                $"'{sourceName}' is JSON but not a Google OAuth client file (no 'installed' section). " + HowToCreate);
        }

        private static OAuthClientInfo FromSection(JObject section, string sourceName, string again)
        {
            string id = section["client_id"]?.Type == JTokenType.String ? (string)section["client_id"] : null;
            string secret = section["client_secret"]?.Type == JTokenType.String ? (string)section["client_secret"] : null;
            if (string.IsNullOrWhiteSpace(id))
                throw new GPhotosAuthenticationException($"'{sourceName}' has no client_id. {again}");
            if (string.IsNullOrWhiteSpace(secret))
                throw new GPhotosAuthenticationException($"'{sourceName}' has no client_secret. {again}");
            return new OAuthClientInfo(id, secret);
        }

        public override string ToString() => "OAuth client " + ClientId;
    }
}
