using System.Net;
using System.Net.Sockets;
using GPhotos.Auth;
using Xunit;

namespace GPhotos.Core.Tests.Auth;

public class LoopbackListenerTests
{
    private static HttpClient NewClient() => new(new HttpClientHandler { UseProxy = false }) { Timeout = TimeSpan.FromSeconds(10) };

    [Fact]
    public async Task Listens_on_127_0_0_1_and_ignores_strays_until_the_real_redirect()
    {
        using var listener = LoopbackListener.Start("st4te");
        Assert.StartsWith("http://127.0.0.1:", listener.RedirectUri);
        Task<IDictionary<string, string>> wait = listener.WaitForRedirectAsync(CancellationToken.None);

        using HttpClient http = NewClient();
        // A browser's idle pre-connect must not block the real request.
        using var idle = new TcpClient();
        await idle.ConnectAsync(IPAddress.Loopback, listener.Port);

        Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync(listener.RedirectUri + "favicon.ico")).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await http.GetAsync(listener.RedirectUri + "?code=forged&state=wrong")).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await http.GetAsync(listener.RedirectUri)).StatusCode);
        Assert.False(wait.IsCompleted);

        HttpResponseMessage ok = await http.GetAsync(listener.RedirectUri + "?state=st4te&code=4%2F0abc&scope=a%20b");
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        Assert.Contains("close this tab", await ok.Content.ReadAsStringAsync());

        IDictionary<string, string> answer = await wait.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.Equal("4/0abc", answer["code"]);
        Assert.Equal("a b", answer["scope"]);
    }

    [Fact]
    public async Task Error_redirect_completes_the_wait()
    {
        using var listener = LoopbackListener.Start("s");
        Task<IDictionary<string, string>> wait = listener.WaitForRedirectAsync(CancellationToken.None);
        using HttpClient http = NewClient();
        HttpResponseMessage response = await http.GetAsync(listener.RedirectUri + "?error=access_denied&state=s");
        Assert.Contains("not", await response.Content.ReadAsStringAsync());
        Assert.Equal("access_denied", (await wait.WaitAsync(TimeSpan.FromSeconds(5)))["error"]);
    }

    [Fact]
    public async Task Cancellation_ends_the_wait_and_dispose_closes_the_port()
    {
        int port;
        using (var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(200)))
        using (var listener = LoopbackListener.Start("s"))
        {
            port = listener.Port;
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => listener.WaitForRedirectAsync(cts.Token));
        }
        using var probe = new TcpClient();
        await Assert.ThrowsAnyAsync<SocketException>(() => probe.ConnectAsync(IPAddress.Loopback, port));
    }
}
