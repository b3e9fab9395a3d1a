#nullable enable
using System.Text.Json.Nodes;
using GPhotos.Auth;
using GPhotos.Http;
using GPhotos.Reporting;
using Xunit;

namespace GPhotos.Core.Tests.Http;

/// <summary>
/// Retries of the connection's requests (listing, batchGet, Drive, token) are told as one verbose line each through
/// the connection's reporter: what request (method, host, path), why, the attempt and the wait, and never a query
/// string or a token. Save's downloads name their item themselves (DownloadRetry) and are not told twice.
/// </summary>
public class RetryReportingTests : IClassFixture<EmulatorFixture>, IAsyncLifetime
{
    private readonly EmulatorFixture _emu;

    public RetryReportingTests(EmulatorFixture emulator) => _emu = emulator;

    public Task InitializeAsync() => _emu.ResetControlsAsync();

    public Task DisposeAsync() => _emu.DeleteAsync("faults");

    private async Task<(GPhotosConnection connection, string token, QueueReporter reporter)> ConnectAsync()
    {
        JsonNode token = await _emu.PostAsync("tokens", new { scopes = new[] { GPhotosScopes.LibraryReadAppCreated } });
        string access = (string)token!["accessToken"]!;
        GPhotosConnection c = GPhotosConnection.FromAccessToken(access, _emu.Endpoints);
        c.Api.Retry.DelayScale = 0;
        var reporter = new QueueReporter();
        c.Reporter = reporter;
        return (c, access, reporter);
    }

    private static List<string> VerboseLines(QueueReporter reporter)
    {
        var lines = new List<string>();
        while (reporter.TryTake(out Report r)) if (r.Kind == ReportKind.Verbose) lines.Add(r.Message);
        return lines;
    }

    [Fact]
    public async Task A_retried_listing_page_is_one_verbose_line_per_retry_naming_the_request_without_its_query_or_the_token()
    {
        var (c, token, reporter) = await ConnectAsync();
        using (c)
        {
            await _emu.PostAsync("faults", new { rules = new[] { new { target = "library", kind = "503", count = 2 } } });
            var page = new Uri(_emu.Endpoints.LibraryApi, "v1/mediaItems?pageSize=7&pageToken=QUERYSECRET");
            try { await c.Api.SendJsonAsync(HttpMethod.Get, page, null, CancellationToken.None); }
            catch (GoogleApiException) { } // the emulator may refuse the made-up page token once the faults are spent

            List<string> retries = VerboseLines(reporter).Where(l => l.StartsWith("Retrying ", StringComparison.Ordinal)).ToList();
            Assert.Equal(2, retries.Count);
            string expected = "GET " + page.Authority + page.AbsolutePath;
            Assert.All(retries, l => Assert.Contains(expected + " after HTTP 503", l));
            Assert.Contains("(attempt 1 failed); waiting 0 s.", retries[0]);
            Assert.Contains("(attempt 2 failed)", retries[1]);
            Assert.All(retries, l =>
            {
                Assert.DoesNotContain("?", l);
                Assert.DoesNotContain("QUERYSECRET", l);
                Assert.DoesNotContain("pageSize", l);
                Assert.DoesNotContain(token, l);
            });
        }
    }

    [Fact]
    public void An_error_text_that_echoes_a_url_with_a_query_or_a_token_is_cut_and_blanked()
    {
        const string token = "ya29.a0AfB_secret-access-token";
        var cause = new HttpRequestException($"Error while copying content from https://photoslibrary.googleapis.com/v1/mediaItems?pageToken=abc&access_token={token} (Bearer {token})");
        var request = new PacedRequest(QuotaGroup.LibraryApi);
        string line = GPhotosConnection.RetryMessage(new RetryNotice(3, TimeSpan.FromSeconds(4.25), cause), request, null, token, null);

        Assert.StartsWith("Retrying a LibraryApi request after HttpRequestException: Error while copying content from https://photoslibrary.googleapis.com/v1/mediaItems", line);
        Assert.EndsWith("(attempt 3 failed); waiting 4.3 s.", line);
        Assert.DoesNotContain(token, line);
        Assert.DoesNotContain("?", line);
        Assert.DoesNotContain("pageToken", line);
    }

    [Fact]
    public void A_token_request_is_named_by_the_token_endpoint_without_its_query()
    {
        var request = new PacedRequest(QuotaGroup.OAuth);
        var api = new GoogleApiException(503, "UNAVAILABLE", "busy", "POST https://oauth2.googleapis.com/token?x=1 failed: 503");
        string line = GPhotosConnection.RetryMessage(new RetryNotice(1, TimeSpan.FromSeconds(1), api), request, new Uri("https://oauth2.googleapis.com/token?x=1"));
        Assert.Equal("Retrying POST oauth2.googleapis.com/token after HTTP 503 UNAVAILABLE (attempt 1 failed); waiting 1 s.", line);
    }

    [Fact]
    public async Task A_retry_whose_rules_report_it_themselves_is_not_told_to_the_observer_again()
    {
        var told = new List<string>();
        var pacer = new Pacer(new RetryPolicy { DelayScale = 0 }) { Observer = n => told.Add("observer") };
        int calls = 0;
        var rules = new PaceRules(QuotaGroup.Media) { OnRetry = n => told.Add("item") };
        await pacer.ExecuteAsync(rules, ct => ++calls == 1 ? throw new HttpRequestException("reset") : Task.FromResult(1), CancellationToken.None);
        Assert.Equal(new[] { "item" }, told);

        told.Clear();
        calls = 0;
        await pacer.ExecuteAsync(new PaceRules(QuotaGroup.LibraryApi), ct => ++calls == 1 ? throw new HttpRequestException("reset") : Task.FromResult(1), CancellationToken.None);
        Assert.Equal(new[] { "observer" }, told);
    }
}
