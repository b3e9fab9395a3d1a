using GPhotos.Http;
using GPhotos.Sources.Library;
using GPhotos.Sources.Picker;
using Newtonsoft.Json.Linq;
using Xunit;

namespace GPhotos.Core.Tests.Sources;

/// <summary>Fields of the wrong JSON type count as absent instead of failing the whole page (found by ApiJsonFuzzTests).</summary>
public class ApiJsonShapeTests
{
    [Theory]
    [InlineData("""{"mediaItems":[{"id":"a","mediaMetadata":[]}]}""")]
    [InlineData("""{"mediaItems":[{"id":"a","mediaMetadata":"x"}]}""")]
    [InlineData("""{"mediaItems":[{"id":"a","mediaMetadata":{"photo":[1],"width":99999999999999999999999}}]}""")]
    [InlineData("""{"mediaItems":[{"id":"a","mediaMetadata":{"video":{"fps":1e999}},"contributorInfo":[]}]}""")]
    [InlineData("""{"mediaItems":[{"id":"a"}],"nextPageToken":{"x":1}}""")]
    public void Library_pages_of_the_wrong_shape_still_map(string json)
    {
        var page = LibraryClient.ParsePage(JObject.Parse(json), DateTime.UtcNow);
        Assert.Equal("a", Assert.Single(page.Items).Id);
    }

    [Theory]
    [InlineData("""{"mediaItems":[{"id":"p","mediaFile":[]}]}""")]
    [InlineData("""{"mediaItems":[{"id":"p","mediaFile":{"mediaFileMetadata":"x","filename":["f"]}}],"nextPageToken":[]}""")]
    [InlineData("""{"mediaItems":[{"id":"p","mediaFile":{"mediaFileMetadata":{"width":123456789012345678901234567890}}}]}""")]
    public void Picker_pages_of_the_wrong_shape_still_map(string json)
        => Assert.Equal("p", Assert.Single(PickerClient.ParsePage(JObject.Parse(json), "s", DateTime.UtcNow).Items).Id);

    [Fact]
    public void A_session_of_the_wrong_shape_maps_to_what_can_be_read()
    {
        PickerSession s = PickerSession.FromJson(JObject.Parse("""{"id":"s","pollingConfig":"5s","pickingConfig":[1]}"""));
        Assert.Equal("s", s.Id);
        Assert.Null(s.PollInterval);
    }

    [Fact]
    public void A_batch_answer_with_a_huge_status_code_is_still_one_result_per_id()
    {
        var results = LibraryClient.ParseBatch(JObject.Parse("""{"mediaItemResults":[{"status":{"code":99999999999999999999}},"x"]}"""), new[] { "a", "b" }, DateTime.UtcNow);
        Assert.Equal(new[] { "a", "b" }, results.Select(r => r.RequestedId));
    }

    [Fact]
    public void Not_json_is_a_GoogleApiException()
        => Assert.Throws<GoogleApiException>(() => GoogleApiClient.ParseObject(new System.IO.MemoryStream(System.Text.Encoding.UTF8.GetBytes("<html>502</html>")), new Uri("https://x.googleapis.com/")));
}
