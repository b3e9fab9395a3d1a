using GPhotos.Sources.Drive;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;
using Xunit;

namespace GPhotos.Core.Tests.Fuzz;

/// <summary>Drive's answers are outside bytes: a files.list page, the error envelope and Content-Range never crash GPhotos.</summary>
public class DriveFuzzTests
{
    private const string Page = """
        {"nextPageToken":"tok~1","files":[{"id":"1AbC","name":"takeout-20261120T101500Z-001.zip","mimeType":"application/x-zip-compressed","size":"53687091200","md5Checksum":"0123456789ABCDEF0123456789abcdef","createdTime":"2026-11-20T10:15:00.123Z","modifiedTime":"2026-11-20T11:15:00Z","parents":["0AFolder"],"trashed":false},{"id":"2","name":"Takeout","mimeType":"application/vnd.google-apps.folder","parents":[]}]}
        """;

    private const string Envelope = """
        {"error":{"code":403,"message":"User Rate Limit Exceeded.","errors":[{"domain":"usageLimits","reason":"userRateLimitExceeded","message":"User Rate Limit Exceeded."}],"status":"PERMISSION_DENIED"}}
        """;

    [Fact]
    public void A_files_list_page_parses_or_fails_as_a_DriveApiException()
    {
        Fuzz.Text("drive-files-page", new[] { Page, "{}", "{\"files\":[]}" }, text =>
        {
            JObject json;
            try { json = JObject.Parse(text); }
            catch (JsonException) { return; }
            DriveFilePage page = DriveJson.ParsePage(json);
            foreach (DriveFile f in page.Files)
            {
                Assert.False(string.IsNullOrEmpty(f.Id));
                Assert.True(f.Size is null or >= 0);
                Assert.NotNull(f.Parents);
            }
            Assert.True(page.NextPageToken == null || page.NextPageToken.Length > 0);
        }, allowed: e => e is DriveApiException { Kind: DriveErrorKind.BadResponse });
    }

    [Fact]
    public void The_error_envelope_always_classifies()
    {
        Fuzz.Text("drive-error-envelope", new[] { Envelope, "{\"error\":\"invalid_grant\"}", "<html>502</html>" }, text =>
        {
            foreach (int status in new[] { 403, 404, 429, 500 })
            {
                DriveApiException e = DriveErrors.Classify(status, text, null, "Takeout part x.zip");
                Assert.False(string.IsNullOrEmpty(e.Message));
                Assert.Equal(status, e.HttpStatus);
                if (status == 429) Assert.Equal(DriveErrorKind.RateLimited, e.Kind);
            }
        });
    }

    [Fact]
    public void Content_Range_parses_strictly_or_says_no()
    {
        Fuzz.Text("drive-content-range", new[] { "bytes 0-99/1000", "bytes */1000", "bytes 999-999/1000", "bytes 0-0/*" }, text =>
        {
            if (!ContentRange.TryParse(text, out long first, out long last, out long total)) return;
            if (first >= 0)
            {
                Assert.True(last >= first);
                Assert.True(total < 0 || last < total);
            }
            else Assert.True(total >= 0);
        });
    }

    [Theory]
    [InlineData("bytes 0-99/1000", 0, 99, 1000)]
    [InlineData("bytes 5-5/*", 5, 5, -1)]
    [InlineData("bytes */1000", -1, -1, 1000)]
    public void Content_Range_examples(string value, long first, long last, long total)
    {
        Assert.True(ContentRange.TryParse(value, out long f, out long l, out long t));
        Assert.Equal((first, last, total), (f, l, t));
    }

    [Theory]
    [InlineData("bytes 10-9/100")]
    [InlineData("bytes 0-100/100")]
    [InlineData("bytes -1-5/100")]
    [InlineData("items 0-1/2")]
    [InlineData("bytes 0-1/2/3")]
    [InlineData(null)]
    public void Content_Range_refusals(string value) => Assert.False(ContentRange.TryParse(value, out _, out _, out _));
}
