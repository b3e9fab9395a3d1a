using System.Text.Json;
using System.Text.RegularExpressions;
using Xunit;

namespace GPhotos.Emulator.Tests;

/// <summary>
/// Pins the emulator's JSON to Google's discovery document photoslibrary/v1 (revision 20210901):
/// MediaItem, MediaMetadata, Photo, Video, Album, ListMediaItemsResponse, BatchGetMediaItemsResponse, Status.
/// int64 → JSON string, float/double/int32 → JSON number, google-datetime → RFC 3339, google-duration → "N.NNNs".
/// </summary>
public class DiscoveryDocumentTests
{
    // (property, discovery type/format) as in the discovery document.
    private static readonly Dictionary<string, Dictionary<string, string>> Schema = new()
    {
        ["MediaItem"] = new() { ["id"] = "string", ["description"] = "string", ["productUrl"] = "string", ["baseUrl"] = "string", ["mimeType"] = "string", ["mediaMetadata"] = "object", ["contributorInfo"] = "object", ["filename"] = "string" },
        ["MediaMetadata"] = new() { ["creationTime"] = "google-datetime", ["width"] = "int64", ["height"] = "int64", ["photo"] = "object", ["video"] = "object" },
        ["Photo"] = new() { ["cameraMake"] = "string", ["cameraModel"] = "string", ["focalLength"] = "float", ["apertureFNumber"] = "float", ["isoEquivalent"] = "int32", ["exposureTime"] = "google-duration" },
        ["Video"] = new() { ["cameraMake"] = "string", ["cameraModel"] = "string", ["fps"] = "double", ["status"] = "enum:UNSPECIFIED,PROCESSING,READY,FAILED" },
        ["Album"] = new() { ["id"] = "string", ["title"] = "string", ["productUrl"] = "string", ["isWriteable"] = "boolean", ["shareInfo"] = "object", ["mediaItemsCount"] = "int64", ["coverPhotoBaseUrl"] = "string", ["coverPhotoMediaItemId"] = "string" },
        ["Status"] = new() { ["code"] = "int32", ["message"] = "string", ["details"] = "array" },
    };

    private static readonly Regex Rfc3339 = new(@"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{3}|\.\d{6}|\.\d{9})?Z$");
    private static readonly Regex Duration = new(@"^-?\d+(\.\d{3}|\.\d{6}|\.\d{9})?s$");

    private static void Check(string schema, JsonElement obj)
    {
        Assert.Equal(JsonValueKind.Object, obj.ValueKind);
        var props = Schema[schema];
        foreach (var p in obj.EnumerateObject())
        {
            Assert.True(props.TryGetValue(p.Name, out var type), $"{schema}.{p.Name} is not in the discovery document");
            var v = p.Value;
            switch (type)
            {
                case "string": Assert.Equal(JsonValueKind.String, v.ValueKind); Assert.NotEqual("", v.GetString()); break;
                case "object": Assert.Equal(JsonValueKind.Object, v.ValueKind); break;
                case "array": Assert.Equal(JsonValueKind.Array, v.ValueKind); break;
                case "boolean": Assert.True(v.ValueKind is JsonValueKind.True or JsonValueKind.False); break;
                case "int64":
                    Assert.Equal(JsonValueKind.String, v.ValueKind);
                    Assert.True(long.TryParse(v.GetString(), out var l) && l.ToString() == v.GetString(), $"{schema}.{p.Name} = {v}");
                    break;
                case "int32": Assert.Equal(JsonValueKind.Number, v.ValueKind); Assert.True(v.TryGetInt32(out _)); break;
                case "float" or "double": Assert.Equal(JsonValueKind.Number, v.ValueKind); break;
                case "google-datetime": Assert.Matches(Rfc3339, v.GetString()); break;
                case "google-duration": Assert.Matches(Duration, v.GetString()); break;
                default:
                    Assert.StartsWith("enum:", type);
                    Assert.Contains(v.GetString(), type[5..].Split(','));
                    break;
            }
        }
    }

    private static void CheckMediaItem(JsonElement item)
    {
        Check("MediaItem", item);
        foreach (var required in new[] { "id", "productUrl", "baseUrl", "mimeType", "mediaMetadata", "filename" })
            Assert.True(item.TryGetProperty(required, out _), "missing " + required);
        var md = item.GetProperty("mediaMetadata");
        Check("MediaMetadata", md);
        Assert.True(md.TryGetProperty("photo", out var photo) ^ md.TryGetProperty("video", out var video));
        if (md.TryGetProperty("photo", out photo)) Check("Photo", photo);
        else Check("Video", md.GetProperty("video"));
    }

    [Fact]
    public async Task MediaItems_from_list_get_batchGet_and_search_match_the_discovery_schema()
    {
        await using var emu = await Emu.StartAsync(Emu.Small(o => o.UndatedPhotos = 2));
        var all = await emu.ListAll();
        Assert.Equal(38, all.Count);
        foreach (var item in all) CheckMediaItem(item);

        var id = all[0].GetProperty("id").GetString();
        CheckMediaItem(await emu.Json(emu.Get("/v1/mediaItems/" + id)));
        var batch = await emu.Json(emu.Get($"/v1/mediaItems:batchGet?mediaItemIds={id}&mediaItemIds=nope"));
        CheckMediaItem(batch.GetProperty("mediaItemResults")[0].GetProperty("mediaItem"));
        Check("Status", batch.GetProperty("mediaItemResults")[1].GetProperty("status"));
        foreach (var item in (await emu.Json(emu.Post("/v1/mediaItems:search", new { pageSize = 100 }))).GetProperty("mediaItems").EnumerateArray())
            CheckMediaItem(item);

        // Some concrete proto3 facts.
        var withExposure = all.First(i => i.GetProperty("mediaMetadata").TryGetProperty("photo", out var p) && p.TryGetProperty("exposureTime", out _));
        Assert.Matches(Duration, withExposure.GetProperty("mediaMetadata").GetProperty("photo").GetProperty("exposureTime").GetString());
        // A photo without camera data still has "photo": {}.
        Assert.Contains(all, i => i.GetProperty("mediaMetadata").TryGetProperty("photo", out var p) && !p.EnumerateObject().Any());
    }

    [Fact]
    public async Task Albums_match_the_discovery_schema()
    {
        await using var emu = await Emu.StartAsync(Emu.Small());
        foreach (var a in await emu.ListAll("/v1/albums", "albums")) Check("Album", a);
    }

    [Fact]
    public async Task Exact_values_are_formatted_like_Google()
    {
        await using var emu = await Emu.StartAsync(new EmulatorOptions { Empty = true });
        var created = await emu.Control("items", new
        {
            items = new object[]
            {
                new { filename = "a.jpg", creationTime = "2020-05-06T07:08:09Z", width = 4032, height = 3024, cameraMake = "Google", cameraModel = "Pixel 7", focalLength = 6.81, apertureFNumber = 1.85, isoEquivalent = 100, exposureTime = "0.008s" },
                new { filename = "b.mp4", type = "VIDEO", creationTime = "2021-01-02T03:04:05.250Z", fps = 29.97, status = "PROCESSING" },
                new { filename = "c.png", mimeType = "image/png", description = "a caption" },
            },
        });
        var ids = created.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("id").GetString()).ToArray();
        var a = await emu.Json(emu.Get("/v1/mediaItems/" + ids[0]));
        var md = a.GetProperty("mediaMetadata");
        Assert.Equal("2020-05-06T07:08:09Z", md.GetProperty("creationTime").GetString());
        Assert.Equal("4032", md.GetProperty("width").GetString());
        Assert.Equal("3024", md.GetProperty("height").GetString());
        var photo = md.GetProperty("photo");
        Assert.Equal(6.81, photo.GetProperty("focalLength").GetDouble());
        Assert.Equal(1.85, photo.GetProperty("apertureFNumber").GetDouble());
        Assert.Equal(100, photo.GetProperty("isoEquivalent").GetInt32());
        Assert.Equal("0.008s", photo.GetProperty("exposureTime").GetString());
        Assert.False(a.TryGetProperty("description", out _));

        var b = await emu.Json(emu.Get("/v1/mediaItems/" + ids[1]));
        Assert.Equal("video/mp4", b.GetProperty("mimeType").GetString());
        Assert.Equal("2021-01-02T03:04:05.250Z", b.GetProperty("mediaMetadata").GetProperty("creationTime").GetString());
        Assert.Equal(29.97, b.GetProperty("mediaMetadata").GetProperty("video").GetProperty("fps").GetDouble());
        Assert.Equal("PROCESSING", b.GetProperty("mediaMetadata").GetProperty("video").GetProperty("status").GetString());

        var c = await emu.Json(emu.Get("/v1/mediaItems/" + ids[2]));
        Assert.Equal("a caption", c.GetProperty("description").GetString());
        Assert.Equal("image/png", c.GetProperty("mimeType").GetString());
        Assert.Empty(c.GetProperty("mediaMetadata").GetProperty("photo").EnumerateObject());
    }
}
