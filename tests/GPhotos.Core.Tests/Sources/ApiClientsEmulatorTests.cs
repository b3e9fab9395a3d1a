using System.Text.Json.Nodes;
using GPhotos.Auth;
using GPhotos.Http;
using GPhotos.Model;
using GPhotos.Sources;
using GPhotos.Sources.Library;
using GPhotos.Sources.Picker;
using Xunit;

namespace GPhotos.Core.Tests.Sources;

/// <summary>The Library and Picker clients against the emulator over real loopback HTTP.</summary>
[Collection(EmulatorCollection.Name)]
public class ApiClientsEmulatorTests : IAsyncLifetime
{
    private readonly EmulatorFixture _emu;
    private GPhotosConnection _connection;

    public ApiClientsEmulatorTests(EmulatorFixture emu) => _emu = emu;

    public async Task InitializeAsync()
    {
        await _emu.PostAsync("reset", new { empty = true, pollIntervalSeconds = 1 });
        JsonNode token = await _emu.PostAsync("tokens", new { scopes = new[] { GPhotosScopes.LibraryReadAppCreated, GPhotosScopes.PickerReadOnly } });
        _connection = GPhotosConnection.FromAccessToken((string)token["accessToken"], _emu.Endpoints);
        _connection.Api.Retry.DelayScale = 0;
    }

    public Task DisposeAsync()
    {
        _connection.Dispose();
        return Task.CompletedTask;
    }

    private async Task<string[]> AddPhotosAsync(int count, bool appCreated = true)
    {
        var items = Enumerable.Range(1, count).Select(i => new { filename = $"IMG_{i:d4}.JPG", type = "PHOTO", appCreated }).ToArray();
        JsonNode created = await _emu.PostAsync("items", new { items });
        return created["items"].AsArray().Select(n => (string)n["id"]).ToArray();
    }

    private async Task<List<MediaItem>> ListAllAsync(LibraryClient client, LibrarySearch search = null)
    {
        var all = new List<MediaItem>();
        string token = null;
        do
        {
            MediaPage page = await client.GetPageAsync(search, token, default);
            all.AddRange(page.Items);
            token = page.NextPageToken;
        } while (token != null);
        return all;
    }

    [Theory]
    [InlineData(0, 1)]
    [InlineData(100, 1)]
    [InlineData(101, 2)]
    [InlineData(250, 3)]
    public async Task Listing_uses_the_maximum_page_size(int items, int requests)
    {
        await AddPhotosAsync(items);
        await _emu.ClearCountersAsync();
        List<MediaItem> all = await ListAllAsync(new LibraryClient(_connection.Api));
        Assert.Equal(items, all.Count);
        Assert.Equal(items, all.Select(i => i.Id).Distinct().Count());
        Assert.Equal(requests, await _emu.CounterAsync("library.list"));
    }

    [Fact]
    public async Task BatchGet_goes_in_chunks_of_50_keeps_order_and_reports_missing_ids()
    {
        string[] ids = await AddPhotosAsync(120);
        var asked = ids.Take(60).Concat(new[] { "missing" }).Concat(ids.Skip(60)).ToList();
        await _emu.ClearCountersAsync();
        IReadOnlyList<BatchGetResult> results = await new LibraryClient(_connection.Api).BatchGetAsync(asked, default);
        Assert.Equal(asked, results.Select(r => r.RequestedId));
        Assert.Equal(asked.Where(a => a != "missing"), results.Where(r => r.Item != null).Select(r => r.Item.Id));
        BatchGetResult missing = results.Single(r => r.Item == null);
        Assert.Equal(5, missing.StatusCode);
        Assert.Equal(3, await _emu.CounterAsync("library.batchGet"));
    }

    [Fact]
    public async Task Stale_base_urls_are_refreshed_in_coalesced_batches()
    {
        await AddPhotosAsync(60);
        List<MediaItem> items = await ListAllAsync(new LibraryClient(_connection.Api));
        foreach (MediaItem i in items) i.BaseUrlReceived = DateTime.UtcNow.AddHours(-2); // as if listed two hours ago
        var source = new LibraryContentSource(_connection.Api);
        await _emu.ClearCountersAsync();
        MediaContent[] contents = await Task.WhenAll(items.Select(i => source.OpenAsync(i, ContentVariant.Original, default)));
        foreach (MediaContent c in contents) c.Dispose();
        Assert.InRange(await _emu.CounterAsync("library.batchGet"), 2, 3); // 60 ids: at least 2 batches, far from 60
        Assert.Equal(60, await _emu.CounterAsync("media"));
    }

    [Fact]
    public async Task An_expired_base_url_is_refreshed_once_and_the_download_succeeds()
    {
        await AddPhotosAsync(1);
        MediaItem item = (await ListAllAsync(new LibraryClient(_connection.Api))).Single();
        await _emu.PostAsync("faults", new { rules = new[] { new { target = "media", kind = "expireUrl", count = 1 } } });
        using MediaContent content = await new LibraryContentSource(_connection.Api).OpenAsync(item, ContentVariant.Original, default);
        var buffer = new MemoryStream();
        await content.Body.CopyToAsync(buffer);
        Assert.Equal(content.Length, buffer.Length);
        Assert.Equal(new byte[] { 0xFF, 0xD8, 0xFF }, buffer.ToArray().Take(3));
        Assert.Equal(1, await _emu.CounterAsync("library.batchGet"));
        await _emu.DeleteAsync("faults");
    }

    [Fact]
    public async Task The_motion_variant_of_a_plain_photo_is_absent_not_an_error()
    {
        await AddPhotosAsync(1);
        MediaItem item = (await ListAllAsync(new LibraryClient(_connection.Api))).Single();
        Assert.Null(await new LibraryContentSource(_connection.Api).OpenAsync(item, ContentVariant.MotionVideo, default));
    }

    [Fact]
    public async Task Picker_session_lifecycle_wait_list_and_delete()
    {
        string[] ids = await AddPhotosAsync(3, appCreated: false);
        var picker = new PickerClient(_connection.Api);
        PickerSession session = await picker.CreateSessionAsync(null, default);
        Assert.False(session.MediaItemsSet);
        Assert.Equal(TimeSpan.FromSeconds(1), session.PollInterval);

        Task<PickerSession> wait = picker.WaitForPickingAsync(session, TimeSpan.FromSeconds(30), null, default);
        await Task.Delay(300);
        await _emu.PostAsync($"picker/{session.Id}/pick", new { mediaItemIds = ids });
        PickerSession done = await wait;
        Assert.True(done.MediaItemsSet);

        MediaPage page = await picker.GetPageAsync(session.Id, null, default);
        Assert.Equal(ids.OrderBy(x => x), page.Items.Select(i => i.Id).OrderBy(x => x));
        Assert.All(page.Items, i => Assert.Equal(session.Id, i.SessionId));

        // Picker base URLs need the token, and a re-listing renews them.
        MediaItem first = page.Items[0];
        first.BaseUrlReceived = DateTime.UtcNow.AddHours(-2);
        using (MediaContent c = await new PickerContentSource(_connection.Api).OpenAsync(first, ContentVariant.Original, default))
            Assert.NotNull(c);

        await picker.DeleteSessionAsync(session.Id, default);
        var gone = await Assert.ThrowsAsync<GoogleApiException>(() => picker.GetSessionAsync(session.Id, default));
        Assert.True(gone.HttpStatus == 404 || gone.HttpStatus == 403);
    }

    [Fact]
    public async Task Waiting_for_the_user_gives_up_when_the_time_runs_out()
    {
        var picker = new PickerClient(_connection.Api);
        PickerSession session = await picker.CreateSessionAsync(5, default);
        var sw = System.Diagnostics.Stopwatch.StartNew();
        await Assert.ThrowsAsync<PickingTimeoutException>(() => picker.WaitForPickingAsync(session, TimeSpan.FromSeconds(1.5), null, default));
        Assert.InRange(sw.Elapsed.TotalSeconds, 1.0, 10);
    }

    [Fact]
    public async Task Listing_before_the_user_is_done_is_a_failed_precondition_not_an_empty_list()
    {
        var picker = new PickerClient(_connection.Api);
        PickerSession session = await picker.CreateSessionAsync(null, default);
        var ex = await Assert.ThrowsAsync<GoogleApiException>(() => picker.GetPageAsync(session.Id, null, default));
        Assert.Equal("FAILED_PRECONDITION", ex.RpcStatus);
    }
}
