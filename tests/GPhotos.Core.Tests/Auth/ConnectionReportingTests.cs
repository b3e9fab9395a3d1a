using GPhotos.Auth;
using GPhotos.Http;
using GPhotos.Reporting;
using Xunit;

namespace GPhotos.Core.Tests.Auth;

/// <summary>
/// Auth and the connection report through <see cref="IReporter"/>: token refreshes arrive (without a token), and
/// warnings from many worker threads arrive while the host drains, none dropped.
/// </summary>
public class ConnectionReportingTests : IClassFixture<EmulatorFixture>, IAsyncLifetime
{
    private const string ClientId = "reporting-tests.apps.googleusercontent.com";
    private readonly EmulatorFixture _emu;
    private readonly TempFolder _temp = new();

    public ConnectionReportingTests(EmulatorFixture emulator) => _emu = emulator;

    public Task InitializeAsync() => _emu.ResetControlsAsync();

    public Task DisposeAsync()
    {
        _temp.Dispose();
        return Task.CompletedTask;
    }

    private ConnectOptions Options(IReporter reporter) => new()
    {
        Client = new OAuthClientInfo(ClientId, "emulator-secret"),
        Endpoints = _emu.Endpoints,
        TokenCachePath = _temp.Sub("tokens"),
        OpenBrowser = url =>
        {
            _ = Task.Run(async () =>
            {
                using var browser = new HttpClient(new HttpClientHandler { UseProxy = false, AllowAutoRedirect = true });
                using HttpResponseMessage _ = await browser.GetAsync(url);
            });
            return true;
        },
        Timeout = TimeSpan.FromSeconds(20),
        Reporter = reporter,
        Retry = new RetryPolicy { DelayScale = 0 },
    };

    private static List<Report> Drain(QueueReporter reporter)
    {
        var all = new List<Report>();
        while (reporter.TryTake(out Report r)) all.Add(r);
        return all;
    }

    [Fact]
    public async Task A_refresh_reports_to_the_connections_reporter_and_no_token_text_reaches_it()
    {
        var atConnect = new QueueReporter();
        using GPhotosConnection c = await Authenticator.ConnectAsync(Options(atConnect));
        string firstAccess = await c.GetAccessTokenAsync(CancellationToken.None);
        var later = new QueueReporter();
        c.Reporter = later; // what RunspaceState does: the runspace's reporter outlives the Connect cmdlet

        await _emu.PostAsync("tokens/expire");
        await c.Api.SendJsonAsync(HttpMethod.Get, new Uri(_emu.Endpoints.LibraryApi, "v1/mediaItems?pageSize=5"), null, CancellationToken.None);
        string secondAccess = await c.GetAccessTokenAsync(CancellationToken.None);
        Assert.NotEqual(firstAccess, secondAccess);
        string refresh = new ProtectedTokenStore(c.TokenCachePath, ClientId).Load<TokenCacheEntry>().RefreshToken;

        List<Report> afterConnect = Drain(later);
        Assert.Contains(afterConnect, r => r.Kind == ReportKind.Verbose && r.Message.StartsWith("refreshed access token (expires", StringComparison.Ordinal));
        string everything = string.Join("\n", Drain(atConnect).Concat(afterConnect).Select(r => r.Message + " " + r.WarningId + " " + r.Target));
        Assert.Contains("granted scopes:", everything); // the Connect-time reports went to the options' reporter
        foreach (string secret in new[] { firstAccess, secondAccess, refresh, "emulator-secret" })
        {
            Assert.False(string.IsNullOrEmpty(secret));
            Assert.DoesNotContain(secret, everything);
        }
    }

    [Fact]
    public async Task Many_warnings_from_worker_threads_while_the_host_drains_all_arrive()
    {
        var reporter = new QueueReporter();
        using (await Authenticator.ConnectAsync(Options(new QueueReporter()))) { } // a saved sign-in to refresh from

        ConnectOptions options = Options(reporter);
        options.AllowInteractive = false;
        using GPhotosConnection c = await Authenticator.ConnectAsync(options); // a Connect-time refresh, reported

        // The cache file becomes a folder: every save of a refreshed sign-in fails with a warning naming the file.
        string file = c.TokenCacheFile;
        File.Delete(file);
        Directory.CreateDirectory(file);
        var entry = new TokenCacheEntry { ClientId = ClientId, RefreshToken = "not-reported" };

        const int workers = 8, racing = 50, burst = 150; // a burst of 1,200: more than the old per-runspace queue kept (1,000)
        var received = new List<Report>();
        Task work = Task.WhenAll(Enumerable.Range(0, workers).Select(_ => Task.Run(() =>
        {
            for (int i = 0; i < racing; i++) c.Persist(entry);
        })));
        while (!work.IsCompleted) // the pipeline thread's drain loop, racing the workers
        {
            received.AddRange(Drain(reporter));
            await Task.Delay(1);
        }
        await work;
        // Then a burst while the host is busy elsewhere (no drain until the workers are done): nothing is capped.
        await Task.WhenAll(Enumerable.Range(0, workers).Select(_ => Task.Run(() =>
        {
            for (int i = 0; i < burst; i++) c.Persist(entry);
        })));
        received.AddRange(Drain(reporter));

        List<Report> warnings = received.Where(r => r.Kind == ReportKind.Warning).ToList();
        Assert.Equal(workers * (racing + burst), warnings.Count(w => w.WarningId == "TokenCacheNotSaved"));
        Assert.All(warnings.Where(w => w.WarningId == "TokenCacheNotSaved"), w => Assert.Contains(file, w.Message));
        Assert.DoesNotContain(received, r => r.Message.Contains("not-reported", StringComparison.Ordinal));
        // In order: the Connect-time steps come before the workers' warnings.
        int refreshed = received.FindIndex(r => r.Message.StartsWith("refreshed access token", StringComparison.Ordinal));
        int firstWarning = received.FindIndex(r => r.WarningId == "TokenCacheNotSaved");
        Assert.InRange(refreshed, 0, firstWarning - 1);
    }
}
