using GPhotos.Auth;
using Xunit;

namespace GPhotos.Core.Tests.Auth;

public class OAuthClientInfoTests : IDisposable
{
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    private string Write(string name, string text)
    {
        string path = _temp.Sub(name);
        File.WriteAllText(path, text);
        return path;
    }

    [Fact]
    public void Reads_a_desktop_client_file()
    {
        string path = Write("client_secret_1.json",
            """{"installed":{"client_id":"123-abc.apps.googleusercontent.com","project_id":"p","auth_uri":"https://accounts.google.com/o/oauth2/auth","token_uri":"https://oauth2.googleapis.com/token","client_secret":"GOCSPX-secret","redirect_uris":["http://localhost"]}}""");
        OAuthClientInfo info = OAuthClientInfo.FromClientSecretFile(path);
        Assert.Equal("123-abc.apps.googleusercontent.com", info.ClientId);
        Assert.Equal("GOCSPX-secret", info.ClientSecret);
        Assert.Equal(Path.GetFullPath(path), info.SourcePath);
        Assert.DoesNotContain("GOCSPX", info.ToString());
    }

    [Fact]
    public void Web_client_is_refused_asking_for_a_desktop_client()
    {
        string path = Write("web.json", """{"web":{"client_id":"x.apps.googleusercontent.com","client_secret":"s"}}""");
        var ex = Assert.Throws<GPhotosAuthenticationException>(() => OAuthClientInfo.FromClientSecretFile(path));
        Assert.Contains("Web application", ex.Message);
        Assert.Contains("Desktop app", ex.Message);
    }

    [Fact]
    public void Missing_file_says_how_to_get_one()
    {
        string path = _temp.Sub("nope.json");
        var ex = Assert.Throws<FileNotFoundException>(() => OAuthClientInfo.FromClientSecretFile(path));
        Assert.Contains(path, ex.Message);
        Assert.Contains("Desktop app", ex.Message);
        Assert.Contains("Credentials", ex.Message);
    }

    [Theory]
    [InlineData("")]
    [InlineData("{not json")]
    [InlineData("[1,2]")]
    [InlineData("""{"installed":{"client_id":"x"}}""")]
    [InlineData("""{"installed":{"client_secret":"x"}}""")]
    [InlineData("""{"something":"else"}""")]
    [InlineData("""{"type":"service_account","client_email":"a@b"}""")]
    public void Garbled_files_get_an_actionable_error(string text)
    {
        string path = Write("bad.json", text);
        var ex = Assert.Throws<GPhotosAuthenticationException>(() => OAuthClientInfo.FromClientSecretFile(path));
        Assert.Contains(Path.GetFullPath(path), ex.Message);
        Assert.True(ex.Message.Contains("Download it again") || ex.Message.Contains("Desktop app"), ex.Message);
    }

    [Fact]
    public void A_folder_is_not_a_client_file()
    {
        var ex = Assert.Throws<GPhotosAuthenticationException>(() => OAuthClientInfo.FromClientSecretFile(_temp.Path));
        Assert.Contains("folder", ex.Message);
    }
}
