using System.Net;
using GPhotos.Http;
using GPhotos.Sources;
using GPhotos.Sources.Library;
using GPhotos.Sources.Picker;
using Xunit;

namespace GPhotos.Core.Tests.Fuzz;

/// <summary>
/// Google's API JSON as the clients read it: Library list/search/batchGet/album pages, Picker sessions and item
/// pages, the error envelope. Property: the only exception is <see cref="GoogleApiException"/> ("not JSON"), and every
/// parsed page maps to items without throwing, in bounded time and memory.
/// </summary>
public class ApiJsonFuzzTests
{
    private static readonly Uri Where = new("https://photoslibrary.googleapis.com/v1/mediaItems");

    internal static readonly string[] Pages =
    {
        """{"mediaItems":[{"id":"AF1QipA","productUrl":"https://photos.google.com/lr/photo/AF1QipA","baseUrl":"https://lh3.googleusercontent.com/lr/AbC","mimeType":"image/jpeg","mediaMetadata":{"creationTime":"2024-03-05T10:20:30Z","width":"4032","height":"3024","photo":{"cameraMake":"Google","cameraModel":"Pixel 8","focalLength":6.9,"apertureFNumber":1.68,"isoEquivalent":52,"exposureTime":"0.008s"}},"filename":"PXL_20240305_102030.jpg"},{"id":"AF1QipB","baseUrl":"https://lh3.googleusercontent.com/lr/B","mimeType":"video/mp4","mediaMetadata":{"creationTime":"2024-03-05T10:21:00.123Z","width":"1920","height":"1080","video":{"fps":29.97,"status":"READY"}},"filename":"VID.mp4","contributorInfo":{"displayName":"A"}}],"nextPageToken":"CkEKPxI9"}""",
        """{"mediaItemResults":[{"mediaItem":{"id":"AF1QipA","baseUrl":"https://lh3.googleusercontent.com/lr/A","mimeType":"image/heic","mediaMetadata":{"creationTime":"2023-01-01T00:00:00Z"},"filename":"IMG.HEIC"}},{"status":{"code":5,"message":"Requested entity was not found."}}]}""",
        """{"albums":[{"id":"AF1QipAlb","title":"Trip","productUrl":"https://photos.google.com/lr/album/x","mediaItemsCount":"12","coverPhotoBaseUrl":"https://lh3.googleusercontent.com/lr/c","coverPhotoMediaItemId":"AF1QipA","isWriteable":true}],"nextPageToken":"t"}""",
        """{"id":"8a1b2c","pickerUri":"https://photos.google.com/picker/8a1b2c","pollingConfig":{"pollInterval":"5s","timeoutIn":"1799.5s"},"expireTime":"2026-12-06T13:00:00Z","pickingConfig":{"maxItemCount":"2000"},"mediaItemsSet":false}""",
        """{"mediaItems":[{"id":"p1","createTime":"2024-01-02T03:04:05Z","type":"PHOTO","mediaFile":{"baseUrl":"https://lh3.googleusercontent.com/ppa/x","mimeType":"image/jpeg","filename":"IMG_1.JPG","mediaFileMetadata":{"width":4032,"height":3024,"cameraMake":"Apple","photoMetadata":{"focalLength":4.2,"isoEquivalent":100,"exposureTime":"0.01s"}}}},{"id":"p2","type":"VIDEO","mediaFile":{"mimeType":"video/quicktime","filename":"IMG_2.MOV","mediaFileMetadata":{"videoMetadata":{"fps":30,"processingStatus":"PROCESSING"}}}}],"nextPageToken":"n"}""",
        """{"error":{"code":429,"message":"Quota exceeded for quota metric 'All requests' and limit 'All requests per day'","status":"RESOURCE_EXHAUSTED","details":[{"@type":"type.googleapis.com/google.rpc.ErrorInfo","reason":"RATE_LIMIT_EXCEEDED","metadata":{"quota_limit":"AllRequestsPerDayPerProject"}}]}}""",
        """{"error":"invalid_grant","error_description":"Token has been expired or revoked."}""",
        "{}",
    };

    private static void ParseEverything(string text)
    {
        var received = DateTime.UtcNow;
        var json = GoogleApiClient.ParseObject(new System.IO.MemoryStream(System.Text.Encoding.UTF8.GetBytes(text)), Where); // GoogleApiException when it is not a JSON object
        var guard = new PageGuard("fuzz");
        guard.Accept(LibraryClient.ParsePage(json, received));
        LibraryClient.ParseBatch(json, new[] { "a", "b", "c" }, received);
        LibraryClient.ParseAlbumPage(json);
        guard.Accept(PickerClient.ParsePage(json, "s", received));
        PickerSession.FromJson(json);
    }

    [Fact]
    public void Pages_and_sessions_map_or_fail_as_not_json_only()
        => Fuzz.Text("api-json", Pages, ParseEverything, allowed: e => e is GoogleApiException && e is not ListingStalledException);

    [Theory]
    [InlineData(HttpStatusCode.TooManyRequests, "application/json")]
    [InlineData(HttpStatusCode.BadGateway, "text/html")]
    public void Error_bodies_always_become_a_GoogleApiException(HttpStatusCode status, string mediaType)
    {
        var samples = Pages.Concat(new[] { "<html><title>Error 502</title><style>p{x:y}</style><p><b>502.</b> That&rsquo;s an error.</html>" }).ToArray();
        Fuzz.Text("api-error-envelope-" + (int)status, samples, text =>
        {
            using var response = new HttpResponseMessage(status) { Content = new StringContent(text, System.Text.Encoding.UTF8, mediaType) };
            response.Headers.TryAddWithoutValidation("Retry-After", text.Length > 20 ? text[..20] : text);
            GoogleApiException error = GoogleApiClient.CreateError(response, text, Where);
            Assert.NotNull(error.Message);
            Assert.True(error.Message.Length < 2000, "messages stay readable");
            if (mediaType == "text/html") Assert.DoesNotContain("<style", error.Message, StringComparison.OrdinalIgnoreCase);
        });
    }
}
