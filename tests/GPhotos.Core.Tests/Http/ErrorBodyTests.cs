using GPhotos.Http;
using Xunit;

namespace GPhotos.Core.Tests.Http;

/// <summary>HTML error pages become readable text (issue 12, B3).</summary>
public class ErrorBodyTests
{
    private const string GooglePage =
        "<!DOCTYPE html><html lang=en><meta charset=utf-8><title>Error 502 (Server Error)!!1</title><style>*{margin:0;padding:0}html,code{font:15px/22px arial,sans-serif}"
        + "* > body{background:url(//www.google.com/images/errors/robot.png) 100% 5px no-repeat;padding-right:205px}</style>"
        + "<a href=//www.google.com/><span id=logo aria-label=Google></span></a><p><b>502.</b> <ins>That&#8217;s an error.</ins><p>The server encountered a temporary error. <ins>That’s all we know.</ins>";

    [Fact]
    public void Css_scripts_and_tags_are_dropped_and_entities_decoded()
    {
        string text = ErrorBody.ToPlainText(GooglePage + "<script>var x = {a:1};</script>");
        Assert.Equal("502. That’s an error. The server encountered a temporary error. That’s all we know.", text);
    }

    [Fact]
    public void A_page_with_only_a_title_keeps_the_title()
        => Assert.Equal("Error 404 (Not Found)!!1", ErrorBody.ToPlainText("<html><head><title>Error 404 (Not Found)!!1</title></head></html>"));

    [Fact]
    public void Long_pages_are_cut()
        => Assert.True(ErrorBody.ToPlainText(new string('x', 100_000)).Length <= ErrorBody.MaxMessage + 1);

    [Fact]
    public void Unclosed_style_swallows_to_the_end_not_into_the_message()
        => Assert.Equal("oops", ErrorBody.ToPlainText("<p>oops<style>body{color:red}"));

    [Fact]
    public void The_error_record_message_of_an_html_502_has_no_css()
    {
        using var response = new HttpResponseMessage(System.Net.HttpStatusCode.BadGateway)
        {
            Content = new StringContent(GooglePage, System.Text.Encoding.UTF8, "text/html"),
        };
        var ex = GoogleApiClient.CreateError(response, GooglePage, new Uri("https://lh3.googleusercontent.com/abc=d"));
        Assert.DoesNotContain("{", ex.Message);
        Assert.DoesNotContain("<", ex.Message);
        Assert.Contains("502. That’s an error.", ex.Message);
    }
}
