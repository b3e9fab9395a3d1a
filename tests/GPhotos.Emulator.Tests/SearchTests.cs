using System.Text.Json;
using Xunit;

namespace GPhotos.Emulator.Tests;

public class SearchTests
{
    private static async Task<List<JsonElement>> SearchAll(Emu emu, object body)
    {
        var all = new List<JsonElement>();
        var node = JsonSerializer.SerializeToNode(body)!.AsObject();
        while (true)
        {
            var json = await emu.Json(emu.Post("/v1/mediaItems:search", node.ToJsonString()));
            if (json.TryGetProperty("mediaItems", out var items)) all.AddRange(items.EnumerateArray());
            if (!json.TryGetProperty("nextPageToken", out var t)) return all;
            node["pageToken"] = t.GetString();
        }
    }

    private static async Task Invalid(Emu emu, object body) =>
        await Emu.AssertError(await emu.Post("/v1/mediaItems:search", body), 400, "INVALID_ARGUMENT");

    private static async Task<Emu> Library()
    {
        var emu = await Emu.StartAsync(new EmulatorOptions { Empty = true });
        await emu.Control("items", new
        {
            items = new object[]
            {
                new { filename = "2019a.jpg", creationTime = "2019-03-10T10:00:00Z", favorite = true, categories = new[] { "PETS" } },
                new { filename = "2019b.jpg", creationTime = "2019-12-31T23:00:00Z", categories = new[] { "LANDSCAPES" } },
                new { filename = "2020v.mp4", type = "VIDEO", creationTime = "2020-03-10T10:00:00Z" },
                new { filename = "2021a.jpg", creationTime = "2021-07-04T12:00:00Z", archived = true },
                new { filename = "nodate.jpg", creationTime = (string)null },
                new { filename = "2022a.jpg", creationTime = "2022-03-10T08:00:00Z", categories = new[] { "SCREENSHOTS", "UTILITY" } },
            },
        });
        return emu;
    }

    private static string[] Names(IEnumerable<JsonElement> items) => items.Select(i => i.GetProperty("filename").GetString()).ToArray();

    [Fact]
    public async Task No_filters_returns_everything_but_archived()
    {
        await using var emu = await Library();
        Assert.Equal(5, (await SearchAll(emu, new { })).Count);
        Assert.Equal(6, (await emu.ListAll()).Count); // list shows archived items too
        Assert.Equal(6, (await SearchAll(emu, new { filters = new { includeArchivedMedia = true } })).Count);
    }

    [Fact]
    public async Task Date_filters_match_and_undated_items_never_do()
    {
        await using var emu = await Library();
        var y2019 = await SearchAll(emu, new { filters = new { dateFilter = new { dates = new[] { new { year = 2019 } } } } });
        Assert.Equal(new[] { "2019b.jpg", "2019a.jpg" }, Names(y2019));
        var march = await SearchAll(emu, new { filters = new { dateFilter = new { dates = new[] { new { month = 3, day = 10 } } } } });
        Assert.Equal(3, march.Count);
        var range = await SearchAll(emu, new { filters = new { includeArchivedMedia = true, dateFilter = new { ranges = new[] { new { startDate = new { year = 2019, month = 6, day = 1 }, endDate = new { year = 2021, month = 12, day = 31 } } } } } });
        Assert.Equal(new[] { "2021a.jpg", "2020v.mp4", "2019b.jpg" }, Names(range));
        var everything = await SearchAll(emu, new { filters = new { includeArchivedMedia = true, dateFilter = new { ranges = new[] { new { startDate = new { year = 1 }, endDate = new { year = 9999 } } } } } });
        Assert.DoesNotContain("nodate.jpg", Names(everything));
        Assert.Equal(5, everything.Count);
    }

    [Fact]
    public async Task OrderBy_needs_a_date_filter_and_no_other_filter()
    {
        await using var emu = await Library();
        var dates = new { ranges = new[] { new { startDate = new { year = 2000 }, endDate = new { year = 2030 } } } };
        var asc = await SearchAll(emu, new { orderBy = "MediaMetadata.creation_time", filters = new { dateFilter = dates } });
        Assert.Equal(new[] { "2019a.jpg", "2019b.jpg", "2020v.mp4", "2022a.jpg" }, Names(asc));
        var desc = await SearchAll(emu, new { orderBy = "MediaMetadata.creation_time desc", filters = new { dateFilter = dates } });
        Assert.Equal(Names(asc).Reverse(), Names(desc));

        await Invalid(emu, new { orderBy = "MediaMetadata.creation_time" });
        await Invalid(emu, new { orderBy = "MediaMetadata.creation_time", filters = new { includeArchivedMedia = true } });
        await Invalid(emu, new { orderBy = "MediaMetadata.creation_time", filters = new { dateFilter = dates, mediaTypeFilter = new { mediaTypes = new[] { "PHOTO" } } } });
        await Invalid(emu, new { orderBy = "MediaMetadata.creation_time", filters = new { dateFilter = dates, featureFilter = new { includedFeatures = new[] { "FAVORITES" } } } });
        await Invalid(emu, new { orderBy = "MediaMetadata.creation_time", filters = new { dateFilter = dates, contentFilter = new { includedContentCategories = new[] { "PETS" } } } });
        await Invalid(emu, new { orderBy = "filename", filters = new { dateFilter = dates } });
    }

    [Fact]
    public async Task Album_and_filters_together_are_400()
    {
        await using var emu = await Library();
        var album = await emu.Control("albums", new { title = "A", mediaItemIds = emu.State.Library.Items.Take(2).Select(i => i.Id).ToArray() });
        var albumId = album.GetProperty("id").GetString();
        await Invalid(emu, new { albumId, filters = new { includeArchivedMedia = true } });
        Assert.Equal(2, (await SearchAll(emu, new { albumId })).Count);
        await Invalid(emu, new { albumId = "nope" });
    }

    [Fact]
    public async Task Media_type_filter_takes_exactly_one_type()
    {
        await using var emu = await Library();
        Assert.Equal(new[] { "2020v.mp4" }, Names(await SearchAll(emu, new { filters = new { mediaTypeFilter = new { mediaTypes = new[] { "VIDEO" } } } })));
        Assert.Equal(4, (await SearchAll(emu, new { filters = new { mediaTypeFilter = new { mediaTypes = new[] { "PHOTO" } } } })).Count);
        Assert.Equal(5, (await SearchAll(emu, new { filters = new { mediaTypeFilter = new { mediaTypes = new[] { "ALL_MEDIA" } } } })).Count);
        await Invalid(emu, new { filters = new { mediaTypeFilter = new { mediaTypes = new[] { "PHOTO", "VIDEO" } } } });
        await Invalid(emu, new { filters = new { mediaTypeFilter = new { mediaTypes = new[] { "GIF" } } } });
    }

    [Fact]
    public async Task At_most_five_dates_and_five_ranges()
    {
        await using var emu = await Library();
        var d = new { year = 2019 };
        var r = new { startDate = new { year = 2019 }, endDate = new { year = 2020 } };
        await SearchAll(emu, new { filters = new { dateFilter = new { dates = Enumerable.Repeat(d, 5).ToArray(), ranges = Enumerable.Repeat(r, 5).ToArray() } } });
        await Invalid(emu, new { filters = new { dateFilter = new { dates = Enumerable.Repeat(d, 6).ToArray() } } });
        await Invalid(emu, new { filters = new { dateFilter = new { ranges = Enumerable.Repeat(r, 6).ToArray() } } });
    }

    [Theory]
    [InlineData(0, 0, 0)]      // all zero
    [InlineData(2020, 0, 5)]   // only month zero
    [InlineData(0, 5, 0)]      // day and year zero
    [InlineData(0, 0, 5)]
    [InlineData(2020, 13, 1)]
    [InlineData(2021, 2, 29)]  // not a leap year
    [InlineData(2020, 4, 31)]
    [InlineData(10000, 1, 1)]
    [InlineData(-1, 1, 1)]
    public async Task Invalid_dates_are_400(int year, int month, int day)
    {
        await using var emu = await Library();
        await Invalid(emu, new { filters = new { dateFilter = new { dates = new[] { new { year, month, day } } } } });
    }

    [Theory]
    [InlineData(2020, 2, 29)]
    [InlineData(0, 2, 29)]
    [InlineData(2019, 3, 0)]
    [InlineData(2019, 0, 0)]
    public async Task Valid_dates_are_accepted(int year, int month, int day)
    {
        await using var emu = await Library();
        await SearchAll(emu, new { filters = new { dateFilter = new { dates = new[] { new { year, month, day } } } } });
    }

    [Fact]
    public async Task Ranges_need_matching_formats_in_order()
    {
        await using var emu = await Library();
        await Invalid(emu, new { filters = new { dateFilter = new { ranges = new[] { new { startDate = new { year = 2019, month = 1, day = 0 }, endDate = new { year = 2019, month = 1, day = 5 } } } } } });
        await Invalid(emu, new { filters = new { dateFilter = new { ranges = new[] { new { startDate = new { year = 2021, month = 0, day = 0 }, endDate = new { year = 2019, month = 0, day = 0 } } } } } });
    }

    [Fact]
    public async Task Content_and_feature_filters()
    {
        await using var emu = await Library();
        Assert.Equal(new[] { "2019a.jpg" }, Names(await SearchAll(emu, new { filters = new { featureFilter = new { includedFeatures = new[] { "FAVORITES" } } } })));
        Assert.Equal(new[] { "2019a.jpg" }, Names(await SearchAll(emu, new { filters = new { contentFilter = new { includedContentCategories = new[] { "PETS" } } } })));
        Assert.DoesNotContain("2022a.jpg", Names(await SearchAll(emu, new { filters = new { contentFilter = new { excludedContentCategories = new[] { "SCREENSHOTS" } } } })));
        var eleven = SearchQueryCategories().Take(11).ToArray();
        await Invalid(emu, new { filters = new { contentFilter = new { includedContentCategories = eleven } } });
        await Invalid(emu, new { filters = new { contentFilter = new { excludedContentCategories = eleven } } });
        await SearchAll(emu, new { filters = new { contentFilter = new { includedContentCategories = eleven.Take(10).ToArray(), excludedContentCategories = SearchQueryCategories().Skip(11).Take(10).ToArray() } } });
        await Invalid(emu, new { filters = new { contentFilter = new { includedContentCategories = new[] { "PETS" }, excludedContentCategories = new[] { "PETS" } } } });
        await Invalid(emu, new { filters = new { contentFilter = new { includedContentCategories = new[] { "DOGS" } } } });
        await Invalid(emu, new { filters = new { featureFilter = new { includedFeatures = new[] { "STARRED" } } } });
    }

    private static IEnumerable<string> SearchQueryCategories() => GPhotos.Emulator.Http.SearchQuery.ContentCategories.Skip(1);

    [Fact]
    public async Task Unknown_fields_and_bad_json_are_400_and_snake_case_is_accepted()
    {
        await using var emu = await Library();
        await Invalid(emu, new { filter = new { } });
        await Invalid(emu, new { filters = new { dateFilter = new { dates = new[] { new { year = 2019, week = 1 } } } } });
        await Invalid(emu, "{not json");
        await Invalid(emu, new { pageSize = -5 });
        Assert.Equal(4, (await SearchAll(emu, new { filters = new { media_type_filter = new { media_types = new[] { "PHOTO" } } } })).Count);
    }

    [Fact]
    public async Task Search_pages_with_tokens_bound_to_the_query()
    {
        await using var emu = await Emu.StartAsync(Emu.Small(o => { o.Photos = 120; o.ArchivedItems = 0; }));
        var first = await emu.Json(emu.Post("/v1/mediaItems:search", new { }));
        Assert.Equal(25, first.GetProperty("mediaItems").GetArrayLength());
        var big = await emu.Json(emu.Post("/v1/mediaItems:search", new { pageSize = 1000 }));
        Assert.Equal(100, big.GetProperty("mediaItems").GetArrayLength());
        Assert.Equal(128, (await SearchAll(emu, new { pageSize = 100 })).Count);
        // A token from one query does not continue another.
        var token = first.GetProperty("nextPageToken").GetString();
        await Invalid(emu, new { pageToken = token, filters = new { mediaTypeFilter = new { mediaTypes = new[] { "VIDEO" } } } });
        await Invalid(emu, new { pageToken = "forged" });
    }
}
