using GPhotos.Auth;
using GPhotos.Http;
using Xunit;

namespace GPhotos.Core.Tests.Auth;

/// <summary>A token cache of the wrong shape means "no cache", never InvalidArgument (issue 12, B8).</summary>
public class TokenCacheShapeTests : IDisposable
{
    private const string ClientId = "shape-client.apps.googleusercontent.com";
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    public static TheoryData<string> WrongShapes => new()
    {
        """{"format":{"x":1},"data":{}}""",
        """{"format":"gphotos-token-cache","protection":["a"],"data":{}}""",
        """{"format":"gphotos-token-cache","protection":"file-mode-0600","data":"just a string"}""",
        """{"format":"gphotos-token-cache","protection":"file-mode-0600","data":[1,2,3]}""",
        """{"format":"gphotos-token-cache","protection":"file-mode-0600","data":{"signed_in_utc":{"a":1}}}""",
        """{"format":"gphotos-token-cache","protection":"file-mode-0600","data":{"refresh_token":["r"]}}""",
        """{"format":"gphotos-token-cache","protection":"dpapi-currentuser","data":{"a":1}}""",
        "[1,2,3]",
        "null",
        "\u0000\u0001garbage",
    };

    private string WriteCache(string text)
    {
        var store = new ProtectedTokenStore(_temp.Sub("tokens"), ClientId);
        string path = store.GetFilePath(ProtectedTokenStore.DefaultKey);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text.Replace("gphotos-token-cache", ProtectedTokenStore.FormatName));
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(Path.GetDirectoryName(path)!, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        return path;
    }

    [Theory]
    [MemberData(nameof(WrongShapes))]
    public void Load_reports_IOException_or_nothing_never_an_argument_error(string text)
    {
        WriteCache(text);
        var store = new ProtectedTokenStore(_temp.Sub("tokens"), ClientId);
        try { store.Load<TokenCacheEntry>(); }
        catch (IOException) { }
    }

    [Theory]
    [MemberData(nameof(WrongShapes))]
    public async Task Connect_treats_it_as_no_cache_warns_naming_the_file_and_asks_for_a_sign_in(string text)
    {
        string path = WriteCache(text);
        var sink = new LogSink();
        var options = new ConnectOptions
        {
            Client = new OAuthClientInfo(ClientId, "secret"),
            Endpoints = GoogleEndpoints.ForEmulator("127.0.0.1:9"),
            TokenCachePath = _temp.Sub("tokens"),
            AllowInteractive = false,
            Reporter = sink,
        };
        var ex = await Assert.ThrowsAsync<InteractiveLoginRequiredException>(() => Authenticator.ConnectAsync(options, CancellationToken.None));
        Assert.Equal(InteractiveLoginReason.NoCachedToken, ex.Reason);
        Assert.Contains("Connect-GPhotos", ex.Message);
        if (text != "null") Assert.Contains(sink.Lines, l => l.StartsWith("WARN ") && l.Contains(path));
    }

    [Fact]
    public void A_huge_file_is_refused_without_reading_it()
    {
        string path = WriteCache("{}");
        using (var f = new FileStream(path, FileMode.Open)) f.SetLength(ProtectedTokenStore.MaxFileBytes + 1);
        var ex = Assert.Throws<IOException>(() => new ProtectedTokenStore(_temp.Sub("tokens"), ClientId).Load<TokenCacheEntry>());
        Assert.Contains(path, ex.Message);
    }
}
