using GPhotos.Model;
using GPhotos.Sources;
using GPhotos.Sources.Library;
using GPhotos.Sources.Picker;
using Newtonsoft.Json.Linq;
using Xunit;

namespace GPhotos.Core.Tests.Sources;

public class JsonMappingTests
{
    private static readonly DateTime Now = new(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc);

    [Fact]
    public void Library_items_map_int64_strings_durations_and_timestamps_and_ignore_unknown_fields()
    {
        var json = JObject.Parse(@"{
          ""id"": ""A1"", ""productUrl"": ""https://photos.google.com/lr/photo/A1"", ""baseUrl"": ""https://lh3.googleusercontent.com/x"",
          ""mimeType"": ""image/jpeg"", ""filename"": ""IMG.JPG"", ""somethingNew"": { ""deep"": [1,2] },
          ""mediaMetadata"": { ""creationTime"": ""2024-05-01T10:20:30.123Z"", ""width"": ""4032"", ""height"": ""3024"",
            ""photo"": { ""cameraMake"": ""Google"", ""cameraModel"": ""Pixel 8"", ""focalLength"": 6.9, ""apertureFNumber"": 1.7,
                        ""isoEquivalent"": 50, ""exposureTime"": ""0.008s"" } } }");
        MediaItem item = LibraryJson.ToMediaItem(json, Now);
        Assert.Equal(MediaSource.Library, item.Source);
        Assert.True(item.IsPhoto);
        Assert.Equal(4032, item.Width);
        Assert.Equal(DateTimeKind.Utc, item.CreationTime.Value.Kind);
        Assert.Equal(new DateTime(2024, 5, 1, 10, 20, 30, 123, DateTimeKind.Utc), item.CreationTime);
        Assert.Equal(TimeSpan.FromMilliseconds(8), item.MediaMetadata.Photo.ExposureTime);
        Assert.Equal(50, item.MediaMetadata.Photo.IsoEquivalent);
        Assert.Null(item.MediaMetadata.Video);
        Assert.Equal("Pixel 8", item.CameraModel);
        Assert.Equal(Now, item.BaseUrlReceived);
    }

    [Fact]
    public void Library_video_with_empty_photo_and_processing_status()
    {
        var json = JObject.Parse(@"{ ""id"": ""V"", ""filename"": ""v.mp4"", ""mimeType"": ""video/mp4"",
          ""mediaMetadata"": { ""creationTime"": ""2024-05-01T10:20:30Z"", ""video"": { ""fps"": 29.97, ""status"": ""PROCESSING"" } } }");
        MediaItem item = LibraryJson.ToMediaItem(json, Now);
        Assert.True(item.IsVideo);
        Assert.Equal(VideoProcessingStatus.Processing, item.VideoStatus);
        Assert.Null(item.MediaMetadata.Photo);
        Assert.Null(item.Width);
    }

    [Fact]
    public void Library_photo_with_empty_photo_object_is_still_a_photo()
    {
        MediaItem item = LibraryJson.ToMediaItem(JObject.Parse(@"{ ""id"": ""P"", ""mimeType"": ""image/png"", ""mediaMetadata"": { ""photo"": {} } }"), Now);
        Assert.True(item.IsPhoto);
        Assert.NotNull(item.MediaMetadata.Photo);
        Assert.Null(item.CreationTime);
    }

    [Fact]
    public void Picker_items_take_numbers_for_width_and_carry_their_session()
    {
        var json = JObject.Parse(@"{ ""id"": ""K"", ""createTime"": ""2023-01-02T03:04:05Z"", ""type"": ""VIDEO"",
          ""mediaFile"": { ""baseUrl"": ""https://lh3.googleusercontent.com/k"", ""mimeType"": ""video/mp4"", ""filename"": ""k.mp4"",
            ""mediaFileMetadata"": { ""width"": 1920, ""height"": 1080, ""cameraMake"": ""Apple"",
              ""videoMetadata"": { ""fps"": 30, ""processingStatus"": ""READY"" } } } }");
        MediaItem item = PickerJson.ToMediaItem(json, "S1", Now);
        Assert.Equal(MediaSource.Picker, item.Source);
        Assert.Equal("S1", item.SessionId);
        Assert.Equal(1920, item.Width);
        Assert.True(item.IsVideo);
        Assert.Equal(VideoProcessingStatus.Ready, item.VideoStatus);
        Assert.Equal("Apple", item.MediaMetadata.Video.CameraMake);
    }

    [Fact]
    public void Camera_make_and_model_are_stored_once_in_the_photo_or_video_metadata()
    {
        MediaItem photo = LibraryJson.ToMediaItem(JObject.Parse(@"{ ""id"": ""P"", ""mimeType"": ""image/jpeg"",
          ""mediaMetadata"": { ""photo"": { ""cameraMake"": ""Google"", ""cameraModel"": ""Pixel 8"" } } }"), Now);
        Assert.Equal("Google", photo.CameraMake);
        // One storage: a change through either name is seen through the other.
        photo.MediaMetadata.Photo.CameraModel = "Pixel 9";
        Assert.Equal("Pixel 9", photo.CameraModel);
        photo.CameraMake = "Alphabet";
        Assert.Equal("Alphabet", photo.MediaMetadata.Photo.CameraMake);
        Assert.Null(photo.MediaMetadata.Video);

        MediaItem video = PickerJson.ToMediaItem(JObject.Parse(@"{ ""id"": ""V"", ""type"": ""VIDEO"",
          ""mediaFile"": { ""mimeType"": ""video/mp4"", ""mediaFileMetadata"": { ""cameraMake"": ""Apple"", ""cameraModel"": ""iPhone 15"",
            ""videoMetadata"": { ""processingStatus"": ""READY"" } } } }"), "S", Now);
        Assert.Equal("iPhone 15", video.CameraModel);
        video.CameraModel = null;
        Assert.Null(video.MediaMetadata.Video.CameraModel);
        Assert.Null(video.MediaMetadata.Photo);

        // Set on a bare item (a script's own object): it goes where Google's nesting puts it, by type.
        var bare = new MediaItem { MediaType = MediaType.Video, CameraMake = "GoPro" };
        Assert.Equal("GoPro", bare.MediaMetadata.Video.CameraMake);
        Assert.Null(bare.MediaMetadata.Photo);
        var none = new MediaItem { CameraMake = null };
        Assert.Null(none.MediaMetadata.Photo);
        Assert.Null(none.CameraMake);
    }

    [Fact]
    public void The_flat_metadata_properties_are_read_through_not_copied()
    {
        // Every flat property of MediaItem that mirrors MediaMetadata has no field of its own: found by reflection, so
        // a property added later with a second copy fails here.
        var fields = typeof(MediaItem).GetFields(System.Reflection.BindingFlags.Instance | System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Public)
            .Select(f => f.Name).ToList();
        foreach (var name in new[] { "CreationTime", "Width", "Height", "CameraMake", "CameraModel", "TakeoutArchive", "TakeoutEntry", "Size", "MotionVideoEntry", "MotionVideoArchive" })
            Assert.DoesNotContain(fields, f => f.Contains("<" + name + ">", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("5s", 5000)]
    [InlineData("0.008s", 8)]
    [InlineData("1800s", 1800000)]
    public void Durations(string text, double ms) => Assert.Equal(TimeSpan.FromMilliseconds(ms), JsonValues.ParseDuration(text));

    [Fact]
    public void Base_url_parameters_fetch_originals_never_thumbnails()
    {
        Assert.Equal("=d", BaseUrlContentSource.ParameterFor(new MediaItem { MediaType = MediaType.Photo }, ContentVariant.Original));
        Assert.Equal("=dv", BaseUrlContentSource.ParameterFor(new MediaItem { MediaType = MediaType.Video }, ContentVariant.Original));
        Assert.Equal("=dv", BaseUrlContentSource.ParameterFor(new MediaItem { MediaType = MediaType.Photo }, ContentVariant.MotionVideo));
    }
}

public class LibrarySearchTests
{
    [Fact]
    public void Album_with_filters_is_rejected_as_Google_would()
        => Assert.Throws<ArgumentException>(() => new LibrarySearch { AlbumId = "a", MediaType = MediaType.Video }.Validate());

    [Fact]
    public void Album_with_archived_is_rejected_because_that_is_a_filter_too()
        => Assert.Throws<ArgumentException>(() => new LibrarySearch { AlbumId = "a", IncludeArchived = true }.Validate());

    [Fact]
    public void Reversed_dates_are_rejected()
        => Assert.Throws<ArgumentException>(() => new LibrarySearch { From = new DateTime(2024, 2, 1), To = new DateTime(2024, 1, 1) }.Validate());

    [Fact]
    public void Filters_become_one_search_body_with_a_full_range_and_one_media_type()
    {
        JObject body = new LibrarySearch { From = new DateTime(2024, 1, 2), MediaType = MediaType.Video, FavoritesOnly = true, IncludeArchived = true }
            .ToRequestBody(100, "tok");
        Assert.Equal(100, (int)body["pageSize"]);
        Assert.Equal("tok", (string)body["pageToken"]);
        JToken range = body["filters"]["dateFilter"]["ranges"][0];
        Assert.Equal(2024, (int)range["startDate"]["year"]);
        Assert.Equal(2, (int)range["startDate"]["day"]);
        Assert.Equal(9999, (int)range["endDate"]["year"]);
        Assert.Equal("VIDEO", (string)body["filters"]["mediaTypeFilter"]["mediaTypes"].Single());
        Assert.Equal("FAVORITES", (string)body["filters"]["featureFilter"]["includedFeatures"].Single());
        Assert.True((bool)body["filters"]["includeArchivedMedia"]);
        Assert.Null(body["albumId"]);
    }

    [Fact]
    public void An_album_alone_is_sent_without_filters()
    {
        JObject body = new LibrarySearch { AlbumId = "alb" }.ToRequestBody(100, null);
        Assert.Equal("alb", (string)body["albumId"]);
        Assert.Null(body["filters"]);
        Assert.Null(body["pageToken"]);
    }
}
