using System.Text;
using GPhotos.Auth;
using GPhotos.Reporting;
using Xunit;

namespace GPhotos.Core.Tests.Auth;

public class ProtectedTokenStoreTests : IDisposable
{
    private const string ClientId = "1234567890-abcdef.apps.googleusercontent.com";
    private const string RefreshToken = "1//refresh-SECRET-0123456789";
    private const string AccessToken = "ya29.access-SECRET-9876543210";
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    private static TokenCacheEntry Entry() => new()
    {
        ClientId = ClientId,
        TokenEndpoint = "https://oauth2.googleapis.com/token",
        RefreshToken = RefreshToken,
        AccessToken = AccessToken,
        TokenType = "Bearer",
        AccessTokenExpiresUtc = new DateTime(2030, 1, 1, 0, 0, 0, DateTimeKind.Utc),
        Scope = GPhotosScopes.PickerReadOnly,
        RequestedScope = GPhotosScopes.PickerReadOnly,
        SignedInUtc = DateTime.UtcNow,
        UpdatedUtc = DateTime.UtcNow,
    };

    [Fact]
    public async Task Round_trips_through_the_IDataStore_interface()
    {
        var store = new ProtectedTokenStore(_temp.Sub("tokens"), ClientId);
        Google.Apis.Util.Store.IDataStore dataStore = store;
        Assert.Null(await dataStore.GetAsync<TokenCacheEntry>(ProtectedTokenStore.DefaultKey));
        await dataStore.StoreAsync(ProtectedTokenStore.DefaultKey, Entry());
        TokenCacheEntry back = await dataStore.GetAsync<TokenCacheEntry>(ProtectedTokenStore.DefaultKey);
        Assert.Equal(RefreshToken, back.RefreshToken);
        Assert.Equal(AccessToken, back.AccessToken);
        Assert.Equal(ClientId, back.ClientId);

        // Google's own TokenResponse works too (the store is a general IDataStore).
        await dataStore.StoreAsync("other", new Google.Apis.Auth.OAuth2.Responses.TokenResponse { RefreshToken = "r", AccessToken = "a" });
        Assert.Equal("r", (await dataStore.GetAsync<Google.Apis.Auth.OAuth2.Responses.TokenResponse>("other")).RefreshToken);
        Assert.NotEqual(store.GetFilePath("other"), store.GetFilePath());

        await dataStore.DeleteAsync<TokenCacheEntry>(ProtectedTokenStore.DefaultKey);
        Assert.False(File.Exists(store.GetFilePath()));
        await dataStore.ClearAsync();
        Assert.Empty(Directory.GetFiles(store.FolderPath));
    }

    [Fact]
    public void File_name_reveals_neither_client_id_nor_token_but_is_stable_per_client()
    {
        var store = new ProtectedTokenStore(_temp.Sub("tokens"), ClientId);
        string name = Path.GetFileName(store.GetFilePath());
        Assert.Equal("gphotos-" + ProtectedTokenStore.HashClientId(ClientId) + ".token", name);
        Assert.DoesNotContain("1234567890", name);
        Assert.Matches("^gphotos-[0-9a-f]{16}\\.token$", name);
        Assert.NotEqual(name, Path.GetFileName(new ProtectedTokenStore(_temp.Sub("tokens"), "other-client").GetFilePath()));
    }

    [Fact]
    public void Rewrites_are_atomic_and_leave_no_temporary_files()
    {
        var store = new ProtectedTokenStore(_temp.Sub("tokens"), ClientId);
        for (int i = 0; i < 5; i++)
        {
            TokenCacheEntry e = Entry();
            e.AccessToken = "ya29.n" + i;
            store.Store(ProtectedTokenStore.DefaultKey, e);
        }
        Assert.Equal("ya29.n4", store.Load<TokenCacheEntry>().AccessToken);
        Assert.Single(Directory.GetFiles(store.FolderPath, "*", SearchOption.AllDirectories));
    }

    [Fact]
    public void Damaged_cache_is_reported_as_IOException()
    {
        var store = new ProtectedTokenStore(_temp.Sub("tokens"), ClientId);
        store.Store(ProtectedTokenStore.DefaultKey, Entry());
        File.WriteAllText(store.GetFilePath(), "{ half a file");
        var ex = Assert.Throws<IOException>(() => store.Load<TokenCacheEntry>());
        Assert.Contains("damaged", ex.Message);
    }

    [UnixFact]
    public void Unix_folder_is_0700_and_file_is_0600()
    {
        string folder = Path.Combine(_temp.Sub("deep"), "gphotos", "tokens");
        var store = new ProtectedTokenStore(folder, ClientId);
        store.Store(ProtectedTokenStore.DefaultKey, Entry());
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(store.GetFilePath()));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(folder));
        Assert.Contains("\"protection\": \"file-mode-0600\"", File.ReadAllText(store.GetFilePath()));
    }

    [UnixFact]
    public void Unix_file_stays_0600_even_with_a_permissive_umask_style_existing_file()
    {
        var store = new ProtectedTokenStore(_temp.Sub("tokens"), ClientId);
        store.Store(ProtectedTokenStore.DefaultKey, Entry());
        File.SetUnixFileMode(store.GetFilePath(), (UnixFileMode)Convert.ToInt32("644", 8));
        store.Store(ProtectedTokenStore.DefaultKey, Entry()); // replaced by a fresh 0600 file
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(store.GetFilePath()));
    }

    [UnixFact]
    public void Unix_group_or_world_readable_cache_is_repaired_with_a_warning()
    {
        var reports = new QueueReporter();
        var store = new ProtectedTokenStore(_temp.Sub("tokens"), ClientId, reports);
        store.Store(ProtectedTokenStore.DefaultKey, Entry());
        File.SetUnixFileMode(store.GetFilePath(), (UnixFileMode)Convert.ToInt32("644", 8));
        File.SetUnixFileMode(store.FolderPath, (UnixFileMode)Convert.ToInt32("755", 8));

        Assert.Equal(RefreshToken, store.Load<TokenCacheEntry>().RefreshToken);

        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(store.GetFilePath()));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(store.FolderPath));
        var warnings = new List<string>();
        while (reports.TryTake(out Report r))
        {
            Assert.Equal((ReportKind.Warning, "TokenCacheRepaired"), (r.Kind, r.WarningId));
            warnings.Add(r.Message);
        }
        Assert.Equal(2, warnings.Count);
        Assert.Contains(warnings, w => w.Contains("644") && w.Contains("600"));
        Assert.All(warnings, w => Assert.DoesNotContain("SECRET", w));
    }

    [WindowsFact]
    public void Windows_cache_is_DPAPI_encrypted_and_holds_no_token_in_plaintext()
    {
        var store = new ProtectedTokenStore(_temp.Sub("tokens"), ClientId);
        store.Store(ProtectedTokenStore.DefaultKey, Entry());
        byte[] raw = File.ReadAllBytes(store.GetFilePath());
        foreach (Encoding enc in new[] { Encoding.UTF8, Encoding.Unicode })
        {
            string text = enc.GetString(raw);
            Assert.DoesNotContain("SECRET", text);
            Assert.DoesNotContain(ClientId, text);
        }
        Assert.Contains("dpapi-currentuser", Encoding.UTF8.GetString(raw));
        Assert.Equal(RefreshToken, store.Load<TokenCacheEntry>().RefreshToken);

        // Entropy binds the blob to the client: another client's store cannot read the file.
        string other = new ProtectedTokenStore(store.FolderPath, "another-client").GetFilePath();
        File.Copy(store.GetFilePath(), other);
        Assert.ThrowsAny<IOException>(() => new ProtectedTokenStore(store.FolderPath, "another-client").Load<TokenCacheEntry>());
    }

    [Fact]
    public void Default_folder_is_per_user_config()
    {
        string folder = ProtectedTokenStore.DefaultFolder;
        if (OperatingSystem.IsWindows())
            Assert.EndsWith(Path.Combine("GPhotos", "tokens"), folder);
        else
            Assert.EndsWith(Path.Combine("gphotos", "tokens"), folder);
    }
}
