using GPhotos.Auth;
using Xunit;

namespace GPhotos.Core.Tests.Auth;

/// <summary>The real launcher path (no OpenBrowser override): GPHOTOS_BROWSER names a stand-in program.</summary>
public class BrowserLauncherTests : IClassFixture<EmulatorFixture>, IDisposable
{
    private readonly EmulatorFixture _emu;
    private readonly TempFolder _temp = new();

    public BrowserLauncherTests(EmulatorFixture emulator) => _emu = emulator;

    public void Dispose() => _temp.Dispose();

    [UnixFact]
    public async Task Default_launcher_runs_the_GPHOTOS_BROWSER_program_with_the_url()
    {
        await _emu.ResetControlsAsync();
        string urlFile = _temp.Sub("url.txt");
        string script = _temp.Sub("fake-browser.sh");
        File.WriteAllText(script, "#!/bin/sh\nprintf '%s' \"$1\" > '" + urlFile + ".tmp' && mv '" + urlFile + ".tmp' '" + urlFile + "'\n");
        File.SetUnixFileMode(script, (UnixFileMode)Convert.ToInt32("700", 8));

        string previous = Environment.GetEnvironmentVariable(BrowserLauncher.BrowserVariable);
        Environment.SetEnvironmentVariable(BrowserLauncher.BrowserVariable, script);
        try
        {
            var options = new ConnectOptions
            {
                Client = new OAuthClientInfo("launcher-test.apps.googleusercontent.com", "s"),
                Endpoints = _emu.Endpoints,
                TokenCachePath = _temp.Sub("tokens"),
                Timeout = TimeSpan.FromSeconds(20),
            };
            Task<GPhotosConnection> connect = Authenticator.ConnectAsync(options);

            // Play the user's browser: read the URL the stand-in received and follow it to the loopback redirect.
            var deadline = DateTime.UtcNow.AddSeconds(15);
            while (!File.Exists(urlFile) && DateTime.UtcNow < deadline) await Task.Delay(50);
            var url = new Uri(File.ReadAllText(urlFile));
            Assert.StartsWith(_emu.Endpoints.Authorization.AbsoluteUri, url.AbsoluteUri);
            using (var browser = new HttpClient(new HttpClientHandler { UseProxy = false }))
                (await browser.GetAsync(url)).EnsureSuccessStatusCode();

            using GPhotosConnection c = await connect;
            Assert.Equal(GPhotosConnection.SourceBrowser, c.Source);
        }
        finally
        {
            Environment.SetEnvironmentVariable(BrowserLauncher.BrowserVariable, previous);
        }
    }

    [Fact]
    public void A_missing_program_is_reported_not_thrown()
    {
        string previous = Environment.GetEnvironmentVariable(BrowserLauncher.BrowserVariable);
        Environment.SetEnvironmentVariable(BrowserLauncher.BrowserVariable, _temp.Sub("no-such-browser"));
        try
        {
            Assert.False(BrowserLauncher.TryOpen(new Uri("http://127.0.0.1:1/"), out string problem));
            Assert.Contains("no-such-browser", problem);
        }
        finally
        {
            Environment.SetEnvironmentVariable(BrowserLauncher.BrowserVariable, previous);
        }
    }
}
