using System.Net;
using Xunit;

namespace GPhotos.Emulator.Tests;

public class HostingAndAuthTests
{
    [Fact]
    public async Task Starts_on_loopback_with_a_real_port_and_exposes_state()
    {
        await using var a = await Emu.StartAsync(Emu.Small());
        await using var b = await Emu.StartAsync(Emu.Small());
        Assert.Equal("127.0.0.1", a.Server.BaseAddress.Host);
        Assert.NotEqual(0, a.Server.BaseAddress.Port);
        Assert.NotEqual(a.Server.BaseAddress.Port, b.Server.BaseAddress.Port);
        Assert.Equal("/", a.Server.BaseAddress.AbsolutePath);
        // Default library: 30 photos + 6 videos + 2 motion photos, 3 albums.
        Assert.Equal(38, a.State.Library.Items.Count);
        Assert.Equal(3, a.State.Library.Albums.Count);
        Assert.Single(a.State.Library.Items, i => i.IsVideo && i.Status == VideoStatus.Processing);
        Assert.Equal(2, a.State.Library.Items.Count(i => i.Motion));
        Assert.All(a.State.Library.Items, i => Assert.True(i.AppCreated));
        var health = await a.Json(a.Get("/__emulator/health", null));
        Assert.True(health.GetProperty("ok").GetBoolean());
    }

    [Fact]
    public async Task Missing_unknown_or_expired_bearer_is_401_UNAUTHENTICATED()
    {
        await using var emu = await Emu.StartAsync(Emu.Small());
        var res = await emu.Get("/v1/mediaItems", token: null);
        await Emu.AssertError(res, 401, "UNAUTHENTICATED");
        Assert.Contains("Bearer", res.Headers.WwwAuthenticate.ToString());
        await Emu.AssertError(await emu.Get("/v1/mediaItems", token: "ya29.nope"), 401, "UNAUTHENTICATED");
        await Emu.AssertError(await emu.Get("/v1/sessions/x", token: null), 401, "UNAUTHENTICATED");

        // Expiry by the emulator clock.
        await emu.Json(emu.Get("/v1/mediaItems"));
        emu.State.Clock.Advance(TimeSpan.FromSeconds(3600));
        await Emu.AssertError(await emu.Get("/v1/mediaItems"), 401, "UNAUTHENTICATED");

        // Control: expire every token.
        emu.Token = emu.State.MintAccessToken(Emu.LibraryScope);
        await emu.Json(emu.Get("/v1/mediaItems"));
        await emu.Control("tokens/expire");
        await Emu.AssertError(await emu.Get("/v1/mediaItems"), 401, "UNAUTHENTICATED");
    }

    [Theory]
    [InlineData("photoslibrary")]
    [InlineData("photoslibrary.readonly")]
    [InlineData("photoslibrary.sharing")]
    public async Task A_token_with_a_removed_scope_gets_403_insufficient_scopes(string removed)
    {
        await using var emu = await Emu.StartAsync(Emu.Small());
        emu.Token = emu.State.MintAccessToken(removed, "photoslibrary.readonly.appcreateddata");
        foreach (var path in new[] { "/v1/mediaItems", "/v1/albums", "/v1/mediaItems/x" })
            await Emu.AssertError(await emu.Get(path), 403, "PERMISSION_DENIED", "Request had insufficient authentication scopes.");
    }

    [Fact]
    public async Task Scopes_decide_which_api_answers()
    {
        await using var emu = await Emu.StartAsync(Emu.Small());
        emu.Token = emu.State.MintAccessToken("photoslibrary.appendonly");
        await Emu.AssertError(await emu.Get("/v1/mediaItems"), 403, "PERMISSION_DENIED", "Request had insufficient authentication scopes.");

        emu.Token = emu.State.MintAccessToken("photoslibrary.edit.appcreateddata");
        await emu.Json(emu.Get("/v1/mediaItems"));

        emu.Token = emu.State.MintAccessToken(Emu.PickerScope);
        await Emu.AssertError(await emu.Get("/v1/mediaItems"), 403, "PERMISSION_DENIED");
        await emu.Json(emu.Post("/v1/sessions"));

        emu.Token = emu.State.MintAccessToken(Emu.LibraryScope);
        await Emu.AssertError(await emu.Post("/v1/sessions"), 403, "PERMISSION_DENIED", "Request had insufficient authentication scopes.");
    }

    [Fact]
    public async Task Shared_albums_are_403()
    {
        await using var emu = await Emu.StartAsync(Emu.Small());
        await Emu.AssertError(await emu.Get("/v1/sharedAlbums"), 403, "PERMISSION_DENIED", "Request had insufficient authentication scopes.");
    }

    [Fact]
    public async Task Unknown_paths_are_404_envelopes()
    {
        await using var emu = await Emu.StartAsync(Emu.Small());
        await Emu.AssertError(await emu.Get("/v1/nothing"), 404, "NOT_FOUND");
    }
}
