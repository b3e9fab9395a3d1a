using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using GPhotos.Emulator;
using GPhotos.Http;
using Xunit;

namespace GPhotos.Core.Tests;

/// <summary>
/// Shared xunit fixture: one in-process emulator on 127.0.0.1 (free port) per test class (IClassFixture) or per
/// collection ([Collection(EmulatorCollection.Name)]), plus helpers for its /__emulator control API.
/// Tests that change emulator state (OAuth mode, clock, faults) should reset it (<see cref="ResetControlsAsync"/>).
/// </summary>
public sealed class EmulatorFixture : IAsyncLifetime
{
    public EmulatorServer Server { get; private set; }
    public Uri BaseAddress => Server.BaseAddress;

    /// <summary>Endpoints pointing at this emulator (what GPHOTOS_EMULATOR_HOST would give).</summary>
    public GoogleEndpoints Endpoints { get; private set; }

    /// <summary>A plain client for the control API (no proxy).</summary>
    public HttpClient Control { get; private set; }

    /// <summary>Options the emulator starts with; a subclass or test may not change them after start (use POST /__emulator/reset).</summary>
    public EmulatorOptions Options { get; } = new EmulatorOptions { Port = 0 };

    public async Task InitializeAsync()
    {
        Server = await EmulatorServer.StartAsync(Options);
        Endpoints = GoogleEndpoints.ForEmulator(Server.BaseAddress.Authority);
        Control = new HttpClient(new HttpClientHandler { UseProxy = false }) { BaseAddress = Server.BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
    }

    public async Task DisposeAsync()
    {
        Control?.Dispose();
        if (Server != null) await Server.DisposeAsync();
    }

    /// <summary>POST /__emulator/{path} with a JSON body; returns the JSON answer (throws on non-2xx).</summary>
    public async Task<JsonNode> PostAsync(string path, object body = null)
    {
        using HttpResponseMessage response = await Control.PostAsJsonAsync("__emulator/" + path.TrimStart('/'), body ?? new { });
        string text = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode) throw new HttpRequestException($"POST /__emulator/{path}: {(int)response.StatusCode} {text}");
        return string.IsNullOrWhiteSpace(text) ? null : JsonNode.Parse(text);
    }

    /// <summary>GET /__emulator/{path}.</summary>
    public async Task<JsonNode> GetAsync(string path)
    {
        using HttpResponseMessage response = await Control.GetAsync("__emulator/" + path.TrimStart('/'));
        string text = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode) throw new HttpRequestException($"GET /__emulator/{path}: {(int)response.StatusCode} {text}");
        return JsonNode.Parse(text);
    }

    /// <summary>DELETE /__emulator/{path}.</summary>
    public async Task DeleteAsync(string path)
    {
        using HttpResponseMessage response = await Control.DeleteAsync("__emulator/" + path.TrimStart('/'));
        response.EnsureSuccessStatusCode();
    }

    /// <summary>Request counter by name (e.g. "oauth.token", "oauth.authorize", "library.list").</summary>
    public async Task<long> CounterAsync(string name)
    {
        JsonNode counters = await GetAsync("counters");
        return counters?["requests"]?[name]?.GetValue<long>() ?? 0;
    }

    public Task ClearCountersAsync() => DeleteAsync("counters");

    /// <summary>OAuth mode back to normal, no faults, counters cleared.</summary>
    public async Task ResetControlsAsync()
    {
        await PostAsync("oauth", new { mode = "normal" });
        await DeleteAsync("faults");
        await ClearCountersAsync();
    }
}

[CollectionDefinition(Name)]
public sealed class EmulatorCollection : ICollectionFixture<EmulatorFixture>
{
    public const string Name = "Emulator";
}
