using GPhotos.Auth;
using Xunit;

namespace GPhotos.Core.Tests.Fuzz;

/// <summary>
/// The token cache file, in the Unix plain form (data inline) and the DPAPI framing (data as base64): loading it
/// yields an entry, nothing, or an <see cref="IOException"/> (which Connect-GPhotos treats as "no cache, sign in
/// again"); never another exception.
/// </summary>
public class TokenCacheFuzzTests : IDisposable
{
    private const string ClientId = "fuzz-client.apps.googleusercontent.com";
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "gphotos-fuzz-cache", Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        try { Directory.Delete(_folder, recursive: true); } catch (IOException) { }
    }

    [Fact]
    public void Damaged_caches_are_IOException_or_nothing()
    {
        var store = new ProtectedTokenStore(_folder, ClientId);
        store.Store(ProtectedTokenStore.DefaultKey, new TokenCacheEntry
        {
            ClientId = ClientId, TokenEndpoint = "https://oauth2.googleapis.com/token", RefreshToken = "1//r", AccessToken = "ya29.a",
            TokenType = "Bearer", AccessTokenExpiresUtc = DateTime.UtcNow, Scope = "s", RequestedScope = "s", SignedInUtc = DateTime.UtcNow, UpdatedUtc = DateTime.UtcNow,
        });
        string path = store.GetFilePath();
        string real = File.ReadAllText(path);
        string dpapiFramed = $$"""{"format":"{{ProtectedTokenStore.FormatName}}","version":1,"protection":"{{ProtectedTokenStore.DpapiProtection}}","client":"x","savedUtc":"2026-01-01T00:00:00Z","data":"AQAAANCMnd8BFdERjHoAwE/Cl+sBAAAA"}""";
        string plainFramed = real.Replace(ProtectedTokenStore.DpapiProtection, ProtectedTokenStore.FileModeProtection);
        // Bytes, not text: a cache file on disk can hold anything, invalid UTF-8 included.
        var samples = new[] { real, plainFramed, dpapiFramed }.Select(System.Text.Encoding.UTF8.GetBytes).ToArray();
        Fuzz.Bytes("token-cache", samples, bytes =>
        {
            File.WriteAllBytes(path, bytes);
            if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            store.Load<TokenCacheEntry>();
        }, allowed: e => e is IOException);
    }
}
