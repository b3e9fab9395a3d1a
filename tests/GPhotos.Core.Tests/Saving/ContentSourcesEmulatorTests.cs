using System.Text.Json.Nodes;
using GPhotos.Auth;
using GPhotos.Model;
using GPhotos.Sources;
using GPhotos.Sources.Library;
using Xunit;

namespace GPhotos.Core.Tests.Saving;

/// <summary>The core's source choice against the emulator: refreshed base URLs stay inside the source.</summary>
[Collection(EmulatorCollection.Name)]
public class ContentSourcesEmulatorTests : IAsyncLifetime
{
    private readonly EmulatorFixture _emu;
    private GPhotosConnection _connection;

    public ContentSourcesEmulatorTests(EmulatorFixture emu) => _emu = emu;

    public async Task InitializeAsync()
    {
        await _emu.PostAsync("reset", new { empty = true });
        JsonNode token = await _emu.PostAsync("tokens", new { scopes = new[] { GPhotosScopes.LibraryReadAppCreated } });
        _connection = GPhotosConnection.FromAccessToken((string)token["accessToken"], _emu.Endpoints);
        _connection.Api.Retry.DelayScale = 0;
    }

    public Task DisposeAsync()
    {
        _connection.Dispose();
        return Task.CompletedTask;
    }

    [Fact]
    public async Task A_stale_url_is_refreshed_once_per_item_and_the_callers_object_is_not_written()
    {
        await _emu.PostAsync("items", new { items = new[] { new { filename = "IMG_0001.JPG", type = "PHOTO", appCreated = true } } });
        MediaItem item = (await new LibraryClient(_connection.Api).GetPageAsync(null, null, default)).Items.Single();
        DateTime listedLongAgo = DateTime.UtcNow.AddHours(-2);
        item.BaseUrlReceived = listedLongAgo;
        string url = item.BaseUrl;

        var sources = new ContentSources { Api = _connection.Api };
        IMediaContentSource source = sources.For(item);
        Assert.IsType<LibraryContentSource>(source);
        await _emu.ClearCountersAsync();
        using (MediaContent first = await source.OpenAsync(item, ContentVariant.Original, default)) Assert.NotNull(first);
        using (MediaContent again = await source.OpenAsync(item, ContentVariant.Original, default)) Assert.NotNull(again);

        Assert.Equal(url, item.BaseUrl); // the user's object is theirs: no worker writes into it
        Assert.Equal(listedLongAgo, item.BaseUrlReceived);
        Assert.Equal(1, await _emu.CounterAsync("library.batchGet")); // the second open reused the source's fresh URL
        Assert.Equal(2, await _emu.CounterAsync("media"));
    }
}
