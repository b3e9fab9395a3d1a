using GPhotos.Http;
using Xunit;

namespace GPhotos.Core.Tests.Http;

/// <summary>Picker links and plain-HTTP tokens (issue 12, B7).</summary>
public class TrustedHostsTests
{
    [Theory]
    [InlineData("https://photos.google.com/share/xyz", true)]
    [InlineData("https://accounts.google.com/picker?x=1", true)]
    [InlineData("http://photos.google.com/x", false)]
    [InlineData("https://photos.google.com.evil.example/x", false)]
    [InlineData("https://evilgoogle.com/x", false)]
    [InlineData("https://user@photos.google.com/x", false)]
    [InlineData("https://photos.google.com:8443/x", false)]
    [InlineData("javascript:alert(1)", false)]
    [InlineData("file:///etc/passwd", false)]
    public void Only_https_google_hosts_are_trusted_picker_links(string uri, bool trusted)
        => Assert.Equal(trusted, GoogleEndpoints.Google.IsTrustedPickerUri(new Uri(uri)));

    [Fact]
    public void The_configured_emulator_is_trusted_and_no_other_http_host()
    {
        var e = GoogleEndpoints.ForEmulator("127.0.0.1:8085");
        Assert.True(e.IsTrustedPickerUri(new Uri("http://127.0.0.1:8085/__emulator/picker/s1")));
        Assert.False(e.IsTrustedPickerUri(new Uri("http://127.0.0.1:8086/__emulator/picker/s1")));
        Assert.False(e.IsTrustedPickerUri(new Uri("http://localhost:8085/__emulator/picker/s1")));
    }

    [Theory]
    [InlineData("127.0.0.1:8085", true)]
    [InlineData("localhost:8085", true)]
    [InlineData("[::1]:8085", true)]
    [InlineData("192.168.1.20:8085", false)]
    [InlineData("emulator.example:80", false)]
    public void Loopback_emulators_are_told_apart(string host, bool loopback)
        => Assert.Equal(loopback, GoogleEndpoints.ForEmulator(host).IsLoopbackEmulator);

    [Fact]
    public void Real_google_tokens_are_recognised_for_the_plain_http_warning()
    {
        Assert.True(GoogleEndpoints.LooksLikeGoogleAccessToken("ya29.a0AfB_byC"));
        Assert.False(GoogleEndpoints.LooksLikeGoogleAccessToken("emu-at-123"));
        Assert.False(GoogleEndpoints.LooksLikeGoogleAccessToken("ya29.emu-abc")); // the emulator's own
        string w = GoogleEndpoints.ForEmulator("192.168.1.20:8085").PlainHttpTokenWarning(looksReal: true);
        Assert.Contains("GPHOTOS_EMULATOR_HOST", w);
        Assert.Contains("192.168.1.20:8085", w);
    }
}
