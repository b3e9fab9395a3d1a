using System.Net;
using System.Text.Json;
using Xunit;

namespace GPhotos.Emulator.Tests;

public class LibraryTests
{
    [Fact]
    public async Task List_pages_25_by_default_100_at_most_and_omits_the_token_on_the_last_page()
    {
        await using var emu = await Emu.StartAsync(Emu.Small(o => { o.Photos = 230; o.Videos = 0; o.MotionPhotos = 0; }));
        var first = await emu.Json(emu.Get("/v1/mediaItems"));
        Assert.Equal(25, first.GetProperty("mediaItems").GetArrayLength());
        Assert.True(first.TryGetProperty("nextPageToken", out _));

        var big = await emu.Json(emu.Get("/v1/mediaItems?pageSize=500"));
        Assert.Equal(100, big.GetProperty("mediaItems").GetArrayLength());

        var all = await emu.ListAll("/v1/mediaItems?pageSize=100");
        Assert.Equal(230, all.Count);
        Assert.Equal(230, all.Select(i => i.GetProperty("id").GetString()).Distinct().Count());

        // Last page: no nextPageToken key at all.
        var p1 = await emu.Json(emu.Get("/v1/mediaItems?pageSize=100"));
        var p2 = await emu.Json(emu.Get("/v1/mediaItems?pageSize=100&pageToken=" + p1.GetProperty("nextPageToken").GetString()));
        var p3 = await emu.Json(emu.Get("/v1/mediaItems?pageSize=100&pageToken=" + p2.GetProperty("nextPageToken").GetString()));
        Assert.Equal(30, p3.GetProperty("mediaItems").GetArrayLength());
        Assert.False(p3.TryGetProperty("nextPageToken", out _));

        await Emu.AssertError(await emu.Get("/v1/mediaItems?pageSize=-1"), 400, "INVALID_ARGUMENT");
        await Emu.AssertError(await emu.Get("/v1/mediaItems?pageSize=abc"), 400, "INVALID_ARGUMENT");
    }

    [Fact]
    public async Task Page_tokens_are_opaque_and_forged_ones_are_400()
    {
        await using var emu = await Emu.StartAsync(Emu.Small());
        var p1 = await emu.Json(emu.Get("/v1/mediaItems?pageSize=5"));
        var token = p1.GetProperty("nextPageToken").GetString();
        Assert.DoesNotContain("5", token.Length < 8 ? token : ""); // not a bare offset
        Assert.False(int.TryParse(token, out _));
        await Emu.AssertError(await emu.Get("/v1/mediaItems?pageToken=5"), 400, "INVALID_ARGUMENT");
        await Emu.AssertError(await emu.Get("/v1/mediaItems?pageToken=" + token[..^2] + (token[^2] == 'A' ? "BB" : "AA")), 400, "INVALID_ARGUMENT");
        // A list token is not an albums token.
        await Emu.AssertError(await emu.Get("/v1/albums?pageToken=" + token), 400, "INVALID_ARGUMENT");
        // A token survives the same query, and dies with a reset.
        await emu.Json(emu.Get("/v1/mediaItems?pageSize=5&pageToken=" + token));
        await emu.Control("reset", new { photoSize = 1000 });
        emu.Token = emu.State.MintAccessToken(Emu.LibraryScope);
        await Emu.AssertError(await emu.Get("/v1/mediaItems?pageSize=5&pageToken=" + token), 400, "INVALID_ARGUMENT");
    }

    [Fact]
    public async Task An_empty_library_lists_as_an_empty_object()
    {
        await using var emu = await Emu.StartAsync(new EmulatorOptions { Empty = true });
        using var res = await emu.Get("/v1/mediaItems");
        Assert.Equal(HttpStatusCode.OK, res.StatusCode);
        var text = await res.Content.ReadAsStringAsync();
        Assert.Equal("{}", text.Replace("\n", "").Replace(" ", ""));
        Assert.Equal("{}", (await (await emu.Get("/v1/albums")).Content.ReadAsStringAsync()).Replace("\n", "").Replace(" ", ""));
        Assert.Equal("{}", (await (await emu.Post("/v1/mediaItems:search", new { })).Content.ReadAsStringAsync()).Replace("\n", "").Replace(" ", ""));
    }

    [Fact]
    public async Task Only_app_created_items_and_albums_are_visible()
    {
        await using var emu = await Emu.StartAsync(Emu.Small(o => o.ForeignItems = 7));
        var all = await emu.ListAll();
        Assert.Equal(38, all.Count);
        var foreign = emu.State.Library.Items.Where(i => !i.AppCreated).ToList();
        Assert.Equal(7, foreign.Count);
        Assert.DoesNotContain(all, j => foreign.Any(f => f.Id == j.GetProperty("id").GetString()));
        await Emu.AssertError(await emu.Get("/v1/mediaItems/" + foreign[0].Id), 404, "NOT_FOUND");

        await using var other = await Emu.StartAsync(Emu.Small(o => o.AppCreated = false));
        Assert.Equal("{}", (await (await other.Get("/v1/mediaItems")).Content.ReadAsStringAsync()).Replace("\n", "").Replace(" ", ""));
        Assert.Equal("{}", (await (await other.Get("/v1/albums")).Content.ReadAsStringAsync()).Replace("\n", "").Replace(" ", ""));
    }

    [Fact]
    public async Task Get_returns_one_item_and_404_for_unknown_ids()
    {
        await using var emu = await Emu.StartAsync(Emu.Small());
        var first = await emu.FirstItem();
        var id = first.GetProperty("id").GetString();
        var got = await emu.Json(emu.Get("/v1/mediaItems/" + id));
        Assert.Equal(id, got.GetProperty("id").GetString());
        Assert.NotEqual(first.GetProperty("baseUrl").GetString(), got.GetProperty("baseUrl").GetString()); // freshly minted
        await Emu.AssertError(await emu.Get("/v1/mediaItems/AF1QipDoesNotExist"), 404, "NOT_FOUND");
    }

    [Fact]
    public async Task BatchGet_keeps_request_order_and_reports_missing_ids_as_status_5()
    {
        await using var emu = await Emu.StartAsync(Emu.Small());
        var items = (await emu.ListAll()).Select(i => i.GetProperty("id").GetString()).ToList();
        var ids = new[] { items[3], "AF1QipMissing", items[0], items[7] };
        var json = await emu.Json(emu.Get("/v1/mediaItems:batchGet?" + string.Join("&", ids.Select(i => "mediaItemIds=" + i))));
        var results = json.GetProperty("mediaItemResults").EnumerateArray().ToList();
        Assert.Equal(4, results.Count);
        Assert.Equal(items[3], results[0].GetProperty("mediaItem").GetProperty("id").GetString());
        Assert.False(results[1].TryGetProperty("mediaItem", out _));
        Assert.Equal(5, results[1].GetProperty("status").GetProperty("code").GetInt32());
        Assert.False(string.IsNullOrEmpty(results[1].GetProperty("status").GetProperty("message").GetString()));
        Assert.Equal(items[0], results[2].GetProperty("mediaItem").GetProperty("id").GetString());
        Assert.Equal(items[7], results[3].GetProperty("mediaItem").GetProperty("id").GetString());

        var fiftyOne = string.Join("&", Enumerable.Range(0, 51).Select(i => "mediaItemIds=x" + i));
        await Emu.AssertError(await emu.Get("/v1/mediaItems:batchGet?" + fiftyOne), 400, "INVALID_ARGUMENT");
        var fifty = string.Join("&", Enumerable.Range(0, 50).Select(i => "mediaItemIds=x" + i));
        Assert.Equal(50, (await emu.Json(emu.Get("/v1/mediaItems:batchGet?" + fifty))).GetProperty("mediaItemResults").GetArrayLength());
        await Emu.AssertError(await emu.Get("/v1/mediaItems:batchGet"), 400, "INVALID_ARGUMENT");
    }

    [Fact]
    public async Task Albums_page_20_by_default_50_at_most()
    {
        await using var emu = await Emu.StartAsync(Emu.Small(o => o.Albums = 70));
        var first = await emu.Json(emu.Get("/v1/albums"));
        Assert.Equal(20, first.GetProperty("albums").GetArrayLength());
        var big = await emu.Json(emu.Get("/v1/albums?pageSize=100"));
        Assert.Equal(50, big.GetProperty("albums").GetArrayLength());
        var all = await emu.ListAll("/v1/albums?pageSize=50", "albums");
        Assert.Equal(70, all.Count);
        var one = await emu.Json(emu.Get("/v1/albums/" + all[0].GetProperty("id").GetString()));
        Assert.Equal(all[0].GetProperty("title").GetString(), one.GetProperty("title").GetString());
        await Emu.AssertError(await emu.Get("/v1/albums/nope"), 404, "NOT_FOUND");
    }

    [Fact]
    public async Task Album_counts_and_covers_match_the_library()
    {
        await using var emu = await Emu.StartAsync(Emu.Small());
        var albums = await emu.ListAll("/v1/albums", "albums");
        Assert.Equal(3, albums.Count);
        foreach (var a in albums)
        {
            var rec = emu.State.Library.Albums.Single(x => x.Id == a.GetProperty("id").GetString());
            Assert.Equal(rec.ItemIds.Length.ToString(), a.GetProperty("mediaItemsCount").GetString());
            Assert.Equal(rec.CoverItemId, a.GetProperty("coverPhotoMediaItemId").GetString());
            Assert.StartsWith(emu.Server.BaseAddress.ToString(), a.GetProperty("coverPhotoBaseUrl").GetString());
            Assert.False(a.TryGetProperty("isWriteable", out _)); // read-only scope
        }
        // An empty album omits mediaItemsCount and cover (proto3).
        var empty = await emu.Control("albums", new { title = "Empty" });
        var got = await emu.Json(emu.Get("/v1/albums/" + empty.GetProperty("id").GetString()));
        Assert.False(got.TryGetProperty("mediaItemsCount", out _));
        Assert.False(got.TryGetProperty("coverPhotoBaseUrl", out _));
    }

    [Fact]
    public async Task Default_library_has_duplicate_and_hostile_names_and_a_processing_video()
    {
        await using var emu = await Emu.StartAsync(Emu.Small());
        var all = await emu.ListAll();
        var names = all.Select(i => i.GetProperty("filename").GetString()).ToList();
        Assert.True(names.Count - names.Distinct().Count() >= 2, "expected duplicate filenames");
        Assert.Contains(names, n => n.Contains('/') || n.Contains('\\') || n.StartsWith("CON."));
        Assert.Contains(all, i => i.GetProperty("mediaMetadata").TryGetProperty("video", out var v) && v.GetProperty("status").GetString() == "PROCESSING");
        Assert.Equal(2, all.Count(i => i.GetProperty("filename").GetString().Contains(".MP.")));
    }

    [Fact]
    public async Task The_same_seed_gives_the_same_library()
    {
        await using var a = await Emu.StartAsync(Emu.Small());
        await using var b = await Emu.StartAsync(Emu.Small());
        await using var c = await Emu.StartAsync(Emu.Small(o => o.Seed = 2));
        var ia = (await a.ListAll()).Select(i => i.GetProperty("id").GetString() + i.GetProperty("filename").GetString()).ToList();
        var ib = (await b.ListAll()).Select(i => i.GetProperty("id").GetString() + i.GetProperty("filename").GetString()).ToList();
        var ic = (await c.ListAll()).Select(i => i.GetProperty("id").GetString()).ToList();
        Assert.Equal(ia, ib);
        Assert.Empty(ic.Intersect((await a.ListAll()).Select(i => i.GetProperty("id").GetString())));
    }
}
