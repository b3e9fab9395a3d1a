using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Xunit;

namespace GPhotos.Emulator.Tests;

/// <summary>One emulator on port 0 plus a plain HttpClient (no redirects followed) and a default token.</summary>
public sealed class Emu : IAsyncDisposable
{
    public const string LibraryScope = "https://www.googleapis.com/auth/photoslibrary.readonly.appcreateddata";
    public const string PickerScope = "https://www.googleapis.com/auth/photospicker.mediaitems.readonly";

    private Emu(EmulatorServer server)
    {
        Server = server;
        Http = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false, PooledConnectionLifetime = TimeSpan.FromMinutes(1) })
        {
            BaseAddress = server.BaseAddress,
            Timeout = TimeSpan.FromSeconds(30),
        };
        Token = server.State.MintAccessToken(LibraryScope, PickerScope);
    }

    public EmulatorServer Server { get; }
    public EmulatorState State => Server.State;
    public HttpClient Http { get; }
    /// <summary>A valid token with the Library (readonly.appcreateddata) and Picker scopes.</summary>
    public string Token { get; set; }

    public static async Task<Emu> StartAsync(EmulatorOptions options = null) => new(await EmulatorServer.StartAsync(options ?? new EmulatorOptions()));

    public static EmulatorOptions Small(Action<EmulatorOptions> tweak = null)
    {
        var o = new EmulatorOptions { PhotoSize = 20_000, VideoSize = 50_000, MotionVideoSize = 30_000 };
        tweak?.Invoke(o);
        return o;
    }

    public HttpRequestMessage Request(HttpMethod method, string path, string token = "default", object body = null)
    {
        var req = new HttpRequestMessage(method, path);
        token = token == "default" ? Token : token;
        if (token != null) req.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        if (body != null)
            req.Content = new StringContent(body as string ?? JsonSerializer.Serialize(body), Encoding.UTF8, "application/json");
        return req;
    }

    public Task<HttpResponseMessage> Send(HttpMethod method, string path, string token = "default", object body = null) =>
        Http.SendAsync(Request(method, path, token, body));

    public Task<HttpResponseMessage> Get(string path, string token = "default") => Send(HttpMethod.Get, path, token);
    public Task<HttpResponseMessage> Post(string path, object body = null, string token = "default") => Send(HttpMethod.Post, path, token, body ?? "{}");

    /// <summary>GET/POST expecting a status; returns the parsed JSON body.</summary>
    public async Task<JsonElement> Json(Task<HttpResponseMessage> call, HttpStatusCode expected = HttpStatusCode.OK)
    {
        using var res = await call;
        var text = await res.Content.ReadAsStringAsync();
        Assert.True(res.StatusCode == expected, $"Expected {(int)expected}, got {(int)res.StatusCode}: {text}");
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    /// <summary>POST to the control API.</summary>
    public Task<JsonElement> Control(string path, object body = null) => Json(Send(HttpMethod.Post, "/__emulator/" + path, null, body ?? "{}"));

    /// <summary>Asserts Google's error envelope.</summary>
    public static async Task<JsonElement> AssertError(HttpResponseMessage res, int code, string status, string message = null)
    {
        var text = await res.Content.ReadAsStringAsync();
        Assert.True((int)res.StatusCode == code, $"Expected {code}, got {(int)res.StatusCode}: {text}");
        Assert.StartsWith("application/json", res.Content.Headers.ContentType?.MediaType);
        var e = JsonDocument.Parse(text).RootElement.GetProperty("error");
        Assert.Equal(code, e.GetProperty("code").GetInt32());
        Assert.Equal(status, e.GetProperty("status").GetString());
        if (message != null) Assert.Equal(message, e.GetProperty("message").GetString());
        return e.Clone();
    }

    public async Task<List<JsonElement>> ListAll(string path = "/v1/mediaItems?pageSize=100", string itemsKey = "mediaItems")
    {
        var all = new List<JsonElement>();
        string token = null;
        do
        {
            var sep = path.Contains('?') ? "&" : "?";
            var json = await Json(Get(path + (token != null ? sep + "pageToken=" + Uri.EscapeDataString(token) : "")));
            if (json.TryGetProperty(itemsKey, out var items)) all.AddRange(items.EnumerateArray());
            token = json.TryGetProperty("nextPageToken", out var t) ? t.GetString() : null;
        } while (token != null);
        return all;
    }

    public async Task<JsonElement> FirstItem(Func<JsonElement, bool> predicate = null)
    {
        var all = await ListAll();
        return predicate == null ? all[0] : all.First(predicate);
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await Server.DisposeAsync();
    }
}
