using GPhotos.Auth;
using GPhotos.Http;
using Xunit;

namespace GPhotos.Core.Tests.Auth;

/// <summary>Connect-GPhotos -Drive / -DriveWrite: opt-in Drive scopes added to a saved sign-in without losing Photos.</summary>
public class DriveScopeConsentTests : IClassFixture<EmulatorFixture>, IAsyncLifetime
{
    private const string ClientId = "drive-scope-tests.apps.googleusercontent.com";
    private readonly EmulatorFixture _emu;
    private readonly TempFolder _temp = new();
    private readonly LogSink _log = new();
    private readonly List<Uri> _visits = new();

    public DriveScopeConsentTests(EmulatorFixture emulator) => _emu = emulator;

    public Task InitializeAsync() => _emu.ResetControlsAsync();

    public Task DisposeAsync()
    {
        _temp.Dispose();
        return Task.CompletedTask;
    }

    private bool Browser(Uri url)
    {
        lock (_visits) _visits.Add(url);
        _ = Task.Run(async () =>
        {
            using var browser = new HttpClient(new HttpClientHandler { UseProxy = false, AllowAutoRedirect = true });
            using HttpResponseMessage _ = await browser.GetAsync(url);
        });
        return true;
    }

    private ConnectOptions Options(string[] scopes, bool interactive = true) => new()
    {
        Client = new OAuthClientInfo(ClientId, "emulator-secret"),
        Endpoints = _emu.Endpoints,
        TokenCachePath = _temp.Sub("tokens"),
        Scopes = scopes,
        AllowInteractive = interactive,
        OpenBrowser = interactive ? Browser : url => throw new Xunit.Sdk.XunitException("no browser expected: " + url),
        Timeout = TimeSpan.FromSeconds(20),
        Reporter = _log,
        Retry = new RetryPolicy { DelayScale = 0 },
    };

    private static string ScopeParam(Uri visit) =>
        Uri.UnescapeDataString(visit.Query.TrimStart('?').Split('&').Single(p => p.StartsWith("scope=", StringComparison.Ordinal)).Substring(6)).Replace('+', ' ');

    [Fact]
    public async Task Drive_is_added_to_a_saved_sign_in_keeping_the_Photos_scopes()
    {
        using (GPhotosConnection first = await Authenticator.ConnectAsync(Options(ConnectOptions.WithDrive(null, false, false))))
            Assert.False(GPhotosScopes.CanReadDrive(first.Scopes));

        using GPhotosConnection c = await Authenticator.ConnectAsync(Options(ConnectOptions.WithDrive(null, drive: true, driveWrite: false)));
        Assert.Equal(GPhotosConnection.SourceBrowser, c.Source); // a refresh cannot add a scope: one new consent
        Assert.Equal(2, _visits.Count);
        Assert.Contains("include_granted_scopes=true", _visits[1].Query);
        string asked = ScopeParam(_visits[1]);
        foreach (string s in GPhotosScopes.Default.Append(GPhotosScopes.DriveReadOnly)) Assert.Contains(s, asked.Split(' '));
        Assert.True(GPhotosScopes.CanReadDrive(c.Scopes));
        Assert.False(GPhotosScopes.CanDeleteDrive(c.Scopes));
        Assert.Contains(GPhotosScopes.PickerReadOnly, c.Scopes);
        Assert.Contains(GPhotosScopes.LibraryReadAppCreated, c.Scopes);

        // Later runs, with or without the switch, are silent and keep Drive.
        using GPhotosConnection again = await Authenticator.ConnectAsync(Options(null, interactive: false));
        Assert.Equal(GPhotosConnection.SourceCache, again.Source);
        Assert.True(GPhotosScopes.CanReadDrive(again.Scopes));
        using GPhotosConnection withSwitch = await Authenticator.ConnectAsync(Options(ConnectOptions.WithDrive(null, true, false), interactive: false));
        Assert.Equal(GPhotosConnection.SourceCache, withSwitch.Source);
    }

    [Fact]
    public async Task A_scheduled_run_asking_for_a_scope_the_saved_sign_in_lacks_fails_at_once_naming_the_switch()
    {
        (await Authenticator.ConnectAsync(Options(null))).Dispose();

        var read = await Assert.ThrowsAsync<InteractiveLoginRequiredException>(
            () => Authenticator.ConnectAsync(Options(ConnectOptions.WithDrive(null, true, false), interactive: false)));
        Assert.Equal(InteractiveLoginReason.ScopesNotGranted, read.Reason);
        Assert.Contains("-Drive", read.Message);
        Assert.Contains("drive.readonly", read.Message);

        var write = await Assert.ThrowsAsync<InteractiveLoginRequiredException>(
            () => Authenticator.ConnectAsync(Options(ConnectOptions.WithDrive(null, false, true), interactive: false)));
        Assert.Contains("-DriveWrite", write.Message);
        Assert.Single(_visits);
    }

    [Fact]
    public async Task DriveWrite_after_Drive_asks_once_more_and_replaces_read_only_with_full()
    {
        (await Authenticator.ConnectAsync(Options(ConnectOptions.WithDrive(null, true, false)))).Dispose();
        using GPhotosConnection c = await Authenticator.ConnectAsync(Options(ConnectOptions.WithDrive(null, false, true)));
        Assert.Equal(2, _visits.Count);
        string[] asked = ScopeParam(_visits[1]).Split(' ');
        Assert.Contains(GPhotosScopes.Drive, asked);
        Assert.DoesNotContain(GPhotosScopes.DriveReadOnly, asked); // the full scope reads too
        Assert.True(GPhotosScopes.CanDeleteDrive(c.Scopes));
        Assert.True(GPhotosScopes.CanReadDrive(c.Scopes));
        Assert.Contains(GPhotosScopes.PickerReadOnly, c.Scopes);
    }

    [Fact]
    public void WithDrive_and_Union_build_the_asked_scopes()
    {
        Assert.Equal(GPhotosScopes.Default, ConnectOptions.WithDrive(null, false, false));
        Assert.Equal(GPhotosScopes.Default.Append(GPhotosScopes.DriveReadOnly), ConnectOptions.WithDrive(null, true, false));
        Assert.Equal(GPhotosScopes.Default.Append(GPhotosScopes.Drive), ConnectOptions.WithDrive(null, true, true));
        Assert.Equal(new[] { GPhotosScopes.PickerReadOnly, GPhotosScopes.Drive }, ConnectOptions.WithDrive(new[] { "Picker" }, false, true));
        Assert.Equal(new[] { GPhotosScopes.Drive, GPhotosScopes.PickerReadOnly },
            GPhotosScopes.Union(new[] { GPhotosScopes.Drive }, new[] { GPhotosScopes.PickerReadOnly, GPhotosScopes.DriveReadOnly }));
        Assert.Equal(new[] { GPhotosScopes.DriveReadOnly }, GPhotosScopes.Resolve(new[] { "DriveReadOnly" }));
        Assert.Equal(new[] { GPhotosScopes.Drive }, GPhotosScopes.Resolve(new[] { "DriveWrite" }));
        Assert.Equal(" -DriveWrite", Authenticator.DriveSwitch(new[] { GPhotosScopes.Drive }));
        Assert.Equal(" -Drive", Authenticator.DriveSwitch(new[] { "drive.readonly" }));
        Assert.Equal("", Authenticator.DriveSwitch(null));
        Assert.False(GPhotosScopes.CanDeleteDrive(new[] { GPhotosScopes.DriveReadOnly }));
    }
}
