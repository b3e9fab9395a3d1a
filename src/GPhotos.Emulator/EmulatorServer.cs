using System.Net;
using GPhotos.Emulator.Http;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace GPhotos.Emulator;

/// <summary>A running emulator on http://127.0.0.1:PORT/ (Library API, Picker API, base URLs, OAuth, control API).</summary>
public sealed class EmulatorServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private EmulatorServer(WebApplication app, EmulatorState state, Uri baseAddress)
    {
        _app = app;
        State = state;
        BaseAddress = baseAddress;
    }

    /// <summary>http://127.0.0.1:PORT/ (with the actual port when 0 was asked for).</summary>
    public Uri BaseAddress { get; }

    /// <summary>Direct access to library, counters, clock, faults, picker sessions and tokens.</summary>
    public EmulatorState State { get; }

    /// <summary>Starts an emulator on 127.0.0.1 (port 0 = any free port).</summary>
    public static async Task<EmulatorServer> StartAsync(EmulatorOptions options, CancellationToken ct = default)
    {
        options ??= new EmulatorOptions();
        var state = new EmulatorState(options);
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions { ContentRootPath = AppContext.BaseDirectory });
        builder.Logging.ClearProviders();
        builder.Logging.SetMinimumLevel(LogLevel.None);
        builder.WebHost.UseKestrelCore();
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.AddServerHeader = false;
            k.Limits.MaxResponseBufferSize = 1024 * 1024;
            k.Limits.MaxRequestBodySize = 64 * 1024 * 1024;
            k.Limits.MinResponseDataRate = null;
            k.Listen(IPAddress.Loopback, options.Port);
        });
        var app = builder.Build();
        var dispatcher = new Dispatcher(state);
        app.Run(dispatcher.Handle);
        await app.StartAsync(ct);

        var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses;
        var first = addresses?.FirstOrDefault() ?? throw new InvalidOperationException("The emulator did not report its address.");
        var port = new Uri(first).Port;
        return new EmulatorServer(app, state, new Uri($"http://127.0.0.1:{port}/"));
    }

    /// <summary>Completes when the server stops.</summary>
    public Task WaitForShutdownAsync(CancellationToken ct = default) => _app.WaitForShutdownAsync(ct);

    public async ValueTask DisposeAsync()
    {
        try { await _app.StopAsync(TimeSpan.FromSeconds(2)).ConfigureAwait(false); }
        catch (OperationCanceledException) { }
        await _app.DisposeAsync().ConfigureAwait(false);
    }
}

internal static class WebAppExtensions
{
    public static Task StopAsync(this WebApplication app, TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        return app.StopAsync(cts.Token);
    }
}
