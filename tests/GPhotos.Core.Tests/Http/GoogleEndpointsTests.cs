using GPhotos.Http;
using Xunit;

namespace GPhotos.Core.Tests.Http;

public class GoogleEndpointsTests
{
    [Fact]
    public void Emulator_host_puts_every_endpoint_on_one_http_host_with_googles_paths()
    {
        var e = GoogleEndpoints.ForEmulator("127.0.0.1:8085");
        Assert.Equal("http://127.0.0.1:8085/", e.LibraryApi.AbsoluteUri);
        Assert.Equal("http://127.0.0.1:8085/", e.PickerApi.AbsoluteUri);
        Assert.Equal("http://127.0.0.1:8085/o/oauth2/v2/auth", e.Authorization.AbsoluteUri);
        Assert.Equal("http://127.0.0.1:8085/token", e.Token.AbsoluteUri);
        Assert.Equal("http://127.0.0.1:8085/revoke", e.Revoke.AbsoluteUri);
        Assert.True(e.IsEmulator);
    }

    [Theory]
    [InlineData("localhost:1")]
    [InlineData("http://localhost:1")]
    [InlineData("http://localhost:1/")]
    public void Emulator_host_accepts_host_port_forms(string value) => Assert.Equal("localhost:1", GoogleEndpoints.ForEmulator(value).EmulatorHost);

    [Theory]
    [InlineData("")]
    [InlineData("http://x/y/z")]
    public void Emulator_host_rejects_what_is_not_host_port(string value) => Assert.Throws<System.ArgumentException>(() => GoogleEndpoints.ForEmulator(value));

    [Theory]
    [InlineData("https://lh3.googleusercontent.com/abc", true)]
    [InlineData("https://video-downloads.googleusercontent.com/abc", true)]
    [InlineData("https://photospicker.googleapis.com/v1/sessions", true)]
    [InlineData("http://lh3.googleusercontent.com/abc", false)] // never in clear text
    [InlineData("https://googleusercontent.com.evil.example/abc", false)]
    [InlineData("https://evilgoogleusercontent.com/abc", false)]
    [InlineData("https://example.com/lh3.googleusercontent.com", false)]
    [InlineData("http://127.0.0.1:8085/lh3/x", false)] // an emulator that is not configured
    public void Google_endpoints_send_the_token_only_to_google_hosts(string url, bool expected)
        => Assert.Equal(expected, GoogleEndpoints.Google.MayReceiveToken(new System.Uri(url)));

    [Theory]
    [InlineData("http://127.0.0.1:8085/lh3/x", true)]
    [InlineData("http://127.0.0.1:8086/lh3/x", false)]
    [InlineData("https://127.0.0.1:8085/lh3/x", false)]
    [InlineData("https://lh3.googleusercontent.com/abc", false)] // pointed at the emulator, the token stays there
    public void Emulator_endpoints_send_the_token_only_to_the_emulator(string url, bool expected)
        => Assert.Equal(expected, GoogleEndpoints.ForEmulator("127.0.0.1:8085").MayReceiveToken(new System.Uri(url)));
}
