using System;
using System.IO;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;
using System.Threading.Tasks;
using Google.Apis.Util.Store;
using GPhotos.Errors;
using GPhotos.Reporting;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;

namespace GPhotos.Auth
{
    /// <summary>
    /// A token cache that never lies on disk in plaintext for others to read, usable wherever Google.Apis wants an
    /// <see cref="IDataStore"/> (unlike Google's <c>FileDataStore</c>, which writes plaintext JSON).
    /// <para>
    /// One folder per OS user (<see cref="DefaultFolder"/>), one file per OAuth client and key:
    /// <c>gphotos-&lt;first 16 hex digits of SHA-256(client id)&gt;.token</c> (other keys add <c>-&lt;key hash&gt;</c>), so neither
    /// a token nor the client id shows in the name. The file is a small JSON envelope
    /// <c>{"format":"GPhotos token cache","version":1,"protection":…,"data":…}</c>:
    /// </para>
    /// <list type="bullet">
    /// <item>Windows: <c>protection</c> = <c>dpapi-currentuser</c>, <c>data</c> = base64 of the value's JSON encrypted with DPAPI
    /// for the current user, with entropy bound to the client id and key. Another user or computer cannot decrypt it.</item>
    /// <item>Linux/macOS: <c>protection</c> = <c>file-mode-0600</c>, <c>data</c> = the value's JSON. The folder is created 0700,
    /// the file 0600 from its first instant (mkstemp), written under a temporary name and renamed over the old one, so no
    /// one else can ever read it and a crash never leaves half a cache. A folder or file found group/world accessible is
    /// repaired (chmod 0700/0600) with a warning.</item>
    /// </list>
    /// Values are serialized with Newtonsoft.Json; writes are atomic (write temp, flush to disk, rename).
    /// </summary>
    public sealed class ProtectedTokenStore : IDataStore
    {
        public const string DefaultKey = "default";
        internal const string FormatName = "GPhotos token cache";
        internal const string DpapiProtection = "dpapi-currentuser";
        internal const string FileModeProtection = "file-mode-0600";
        private const int PrivateFolderMode = 0x1C0; // 0700
        private const int PrivateFileMode = 0x180; // 0600

        private readonly object _gate = new object();
        private readonly IReporter _reporter;
        private readonly string _clientHash;

        /// <param name="folder">The cache folder; null for <see cref="DefaultFolder"/>.</param>
        /// <param name="clientId">The OAuth client id the tokens belong to.</param>
        /// <param name="reporter">Receives warnings (<see cref="ErrorCatalog.TokenCacheRepaired"/>: permissions repaired). Never a secret.</param>
        public ProtectedTokenStore(string folder, string clientId, IReporter reporter = null)
        {
            if (string.IsNullOrWhiteSpace(clientId)) throw new ArgumentException("The OAuth client id is empty.", nameof(clientId));
            FolderPath = Path.GetFullPath(string.IsNullOrWhiteSpace(folder) ? DefaultFolder : folder);
            ClientId = clientId;
            _clientHash = HashClientId(clientId);
            _reporter = reporter ?? NullReporter.Instance;
        }

        public string FolderPath { get; }
        public string ClientId { get; }

        /// <summary>How values are protected on this platform: <c>dpapi-currentuser</c> or <c>file-mode-0600</c>.</summary>
        public string Protection => IsWindows ? DpapiProtection : FileModeProtection;

        internal static bool IsWindows => RuntimeInformation.IsOSPlatform(OSPlatform.Windows);

        /// <summary>
        /// The per-user default: <c>%LOCALAPPDATA%\GPhotos\tokens</c> on Windows; <c>$XDG_CONFIG_HOME/gphotos/tokens</c>
        /// or <c>~/.config/gphotos/tokens</c> elsewhere.
        /// </summary>
        public static string DefaultFolder
        {
            get
            {
                if (IsWindows)
                {
                    string local = Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData);
                    if (string.IsNullOrEmpty(local)) local = Environment.GetEnvironmentVariable("LOCALAPPDATA");
                    if (string.IsNullOrEmpty(local))
                        throw new InvalidOperationException("Cannot find %LOCALAPPDATA% for the token cache; pass a TokenCachePath.");
                    return Path.Combine(local, "GPhotos", "tokens");
                }
                string xdg = Environment.GetEnvironmentVariable("XDG_CONFIG_HOME");
                if (!string.IsNullOrWhiteSpace(xdg) && Path.IsPathRooted(xdg))
                    return Path.Combine(xdg, "gphotos", "tokens");
                string home = Environment.GetEnvironmentVariable("HOME");
                if (string.IsNullOrWhiteSpace(home)) home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
                if (string.IsNullOrWhiteSpace(home))
                    throw new InvalidOperationException("Cannot find the home folder for the token cache ($HOME is not set); pass a TokenCachePath.");
                return Path.Combine(home, ".config", "gphotos", "tokens");
            }
        }

        /// <summary>The first 16 hex digits of SHA-256 of the client id: names the cache file without revealing the id.</summary>
        public static string HashClientId(string clientId) => Hash(clientId ?? "", 16);

        /// <summary>The file that holds <paramref name="key"/>.</summary>
        public string GetFilePath(string key = DefaultKey)
        {
            if (string.IsNullOrEmpty(key)) throw new ArgumentException("The key is empty.", nameof(key));
            string name = key == DefaultKey ? "gphotos-" + _clientHash + ".token" : "gphotos-" + _clientHash + "-" + Hash(key, 12) + ".token";
            return Path.Combine(FolderPath, name);
        }

        // ------------------------------------------------------------------ IDataStore

        public Task StoreAsync<T>(string key, T value)
        {
            Store(key, value);
            return Task.CompletedTask;
        }

        public Task DeleteAsync<T>(string key)
        {
            Delete(key);
            return Task.CompletedTask;
        }

        public Task<T> GetAsync<T>(string key) => Task.FromResult(Load<T>(key));

        /// <summary>Deletes every cache file of this client in the folder.</summary>
        public Task ClearAsync()
        {
            lock (_gate)
            {
                if (Directory.Exists(FolderPath))
                    foreach (string file in Directory.GetFiles(FolderPath, "gphotos-" + _clientHash + "*.token"))
                        File.Delete(file);
            }
            return Task.CompletedTask;
        }

        // ------------------------------------------------------------------ synchronous core

        /// <summary>Reads <paramref name="key"/>; default(T) when there is no such entry. Throws <see cref="IOException"/> when it is unreadable.</summary>
        /// <summary>Largest file <see cref="Load{T}"/> reads (real ones are under 4 KB).</summary>
        public const long MaxFileBytes = 1024 * 1024;

        public T Load<T>(string key = DefaultKey)
        {
            string path = GetFilePath(key);
            lock (_gate)
            {
                if (!File.Exists(path)) return default(T);
                if (!IsWindows)
                {
                    CheckPrivate(FolderPath, PrivateFolderMode, "folder");
                    CheckPrivate(path, PrivateFileMode, "file");
                }
                // A token cache is a few KB: anything far bigger is not ours, and reading it whole would cost memory.
                if (new FileInfo(path).Length > MaxFileBytes)
                    throw new IOException($"The token cache '{path}' is too large to be a GPhotos token cache.");
                string text = File.ReadAllText(path, Encoding.UTF8);
                try
                {
                    return JsonConvert.DeserializeObject<T>(Unwrap(text, key, path));
                }
                catch (JsonException ex)
                {
                    throw new IOException($"The token cache '{path}' holds data GPhotos cannot read: {ex.Message}", ex);
                }
                catch (Exception ex) when (!(ex is IOException) && !(ex is UnauthorizedAccessException) && !(ex is OutOfMemoryException))
                {
                    // JSON of the wrong shape (an object where a string belongs, say) makes Json.NET throw
                    // ArgumentException or InvalidCastException; DPAPI throws its own. All mean "unreadable": the
                    // caller treats IOException as "no cache, sign in again", never as the user's invalid argument.
                    throw new IOException($"The token cache '{path}' is damaged or not in GPhotos' format ({ex.GetType().Name}: {ex.Message})", ex);
                }
            }
        }

        /// <summary>Writes <paramref name="value"/> under <paramref name="key"/> atomically.</summary>
        public void Store<T>(string key, T value)
        {
            string path = GetFilePath(key);
            string json = JsonConvert.SerializeObject(value, Formatting.None);
            var envelope = new JObject
            {
                ["format"] = FormatName,
                ["version"] = 1,
                ["protection"] = Protection,
                ["client"] = _clientHash,
                ["savedUtc"] = DateTime.UtcNow.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture),
            };
            if (IsWindows)
            {
                byte[] plain = Encoding.UTF8.GetBytes(json);
                try { envelope["data"] = Convert.ToBase64String(WindowsNative.Protect(plain, Entropy(key))); }
                finally { Array.Clear(plain, 0, plain.Length); }
            }
            else
            {
                envelope["data"] = JToken.Parse(json);
            }
            byte[] bytes = new UTF8Encoding(false).GetBytes(envelope.ToString(Formatting.Indented));
            lock (_gate)
            {
                EnsureFolder();
                WriteAtomically(path, bytes);
            }
            Array.Clear(bytes, 0, bytes.Length);
        }

        /// <summary>Deletes <paramref name="key"/>'s file; true when there was one.</summary>
        public bool Delete(string key = DefaultKey)
        {
            string path = GetFilePath(key);
            lock (_gate)
            {
                if (!File.Exists(path)) return false;
                File.Delete(path);
                return true;
            }
        }

        // ------------------------------------------------------------------ helpers

        private string Unwrap(string text, string key, string path)
        {
            JObject envelope;
            try { envelope = JObject.Parse(text); }
            catch (JsonException ex) { throw new IOException($"The token cache '{path}' is damaged (not JSON: {ex.Message}).", ex); }
            if ((string)envelope["format"] != FormatName || envelope["data"] == null)
                throw new IOException($"'{path}' is not a GPhotos token cache file.");
            string protection = (string)envelope["protection"];
            if (protection == DpapiProtection)
            {
                if (!IsWindows)
                    throw new IOException($"The token cache '{path}' was encrypted with Windows DPAPI and cannot be read on this system.");
                byte[] blob;
                try { blob = Convert.FromBase64String((string)envelope["data"]); }
                catch (FormatException ex) { throw new IOException($"The token cache '{path}' is damaged (bad base64).", ex); }
                byte[] plain = WindowsNative.Unprotect(blob, Entropy(key));
                try { return Encoding.UTF8.GetString(plain); }
                finally { Array.Clear(plain, 0, plain.Length); }
            }
            if (protection == FileModeProtection)
            {
                if (IsWindows)
                    throw new IOException($"The token cache '{path}' was written unencrypted on Linux/macOS; GPhotos on Windows only reads DPAPI-protected caches. Sign in again.");
                return envelope["data"].ToString(Formatting.None);
            }
            throw new IOException($"The token cache '{path}' uses an unknown protection '{protection}'.");
        }

        private byte[] Entropy(string key) => Encoding.UTF8.GetBytes("GPhotos token cache v1\n" + ClientId + "\n" + key);

        private void EnsureFolder()
        {
            if (IsWindows)
            {
                Directory.CreateDirectory(FolderPath);
                return;
            }
            if (Directory.Exists(FolderPath))
            {
                CheckPrivate(FolderPath, PrivateFolderMode, "folder");
                return;
            }
            string parent = Path.GetDirectoryName(FolderPath);
            if (!string.IsNullOrEmpty(parent)) Directory.CreateDirectory(parent);
            if (!UnixNative.CreatePrivateDirectory(FolderPath))
                CheckPrivate(FolderPath, PrivateFolderMode, "folder"); // someone else created it meanwhile
        }

        /// <summary>Unix: repairs a folder/file that group or others may access, with a warning.</summary>
        private void CheckPrivate(string path, int wanted, string kind)
        {
            int? mode = UnixNative.TryGetMode(path);
            if (mode == null)
            {
                UnixNative.SetMode(path, wanted); // runtime cannot read modes (before .NET 7): just enforce
                return;
            }
            if ((mode.Value & 0x3F) == 0) return; // no group/other bits
            UnixNative.SetMode(path, wanted);
            _reporter.Warning(
                $"The token cache {kind} '{path}' was accessible to other users (mode {Convert.ToString(mode.Value, 8)}); " +
                $"its permissions were reset to {Convert.ToString(wanted, 8)}. If someone else could have read it, run " +
                "Disconnect-GPhotos to revoke the saved sign-in and connect again.", ErrorCatalog.TokenCacheRepaired, path);
        }

        private static void WriteAtomically(string path, byte[] bytes)
        {
            string folder = Path.GetDirectoryName(path);
            string temp = null;
            try
            {
                FileStream stream;
                if (IsWindows)
                {
                    temp = Path.Combine(folder, "." + Path.GetFileName(path) + "." + Guid.NewGuid().ToString("N").Substring(0, 8) + ".tmp");
                    stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 4096, FileOptions.WriteThrough);
                }
                else
                {
                    stream = UnixNative.CreatePrivateFile(folder, "." + Path.GetFileName(path) + ".", out temp);
                }
                using (stream)
                {
                    stream.Write(bytes, 0, bytes.Length);
                    stream.Flush(flushToDisk: true);
                }
                if (IsWindows) WindowsNative.ReplaceFile(temp, path);
                else UnixNative.Rename(temp, path);
                temp = null;
            }
            finally
            {
                if (temp != null)
                {
                    try { File.Delete(temp); } catch (Exception) { }
                }
            }
        }

        private static string Hash(string text, int hexChars)
        {
            using (SHA256 sha = SHA256.Create())
            {
                byte[] hash = sha.ComputeHash(Encoding.UTF8.GetBytes(text));
                var sb = new StringBuilder(hexChars);
                for (int i = 0; sb.Length < hexChars; i++) sb.Append(hash[i].ToString("x2"));
                return sb.ToString(0, hexChars);
            }
        }

        public override string ToString() => $"GPhotos token cache in {FolderPath} ({Protection})";
    }
}
