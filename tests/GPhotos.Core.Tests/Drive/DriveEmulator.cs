using GPhotos.Auth;
using GPhotos.Emulator;
using GPhotos.Emulator.Drive;
using GPhotos.Http;
using GPhotos.Sources.Drive;
using Xunit;

namespace GPhotos.Core.Tests.Drive;

/// <summary>An emulator of its own (Drive state is per emulator) and a DriveClient over loopback with instant retries.</summary>
public abstract class DriveEmulatorTest : IAsyncLifetime
{
    public const string ReadScope = GPhotosScopes.Prefix + "drive.readonly";
    public const string FullScope = GPhotosScopes.Prefix + "drive";

    protected EmulatorServer Server { get; private set; }
    protected DriveStore Drive { get; private set; }
    protected GPhotosConnection Connection { get; private set; }
    protected DriveClient Client { get; private set; }

    public async Task InitializeAsync()
    {
        Server = await EmulatorServer.StartAsync(new EmulatorOptions { Port = 0, Empty = true });
        Drive = DriveStore.For(Server.State);
        Client = Connect(ReadScope);
    }

    /// <summary>A new connection and client with <paramref name="scopes"/> (the previous ones are disposed).</summary>
    protected DriveClient Connect(params string[] scopes)
    {
        Client?.Dispose();
        Connection?.Dispose();
        Connection = GPhotosConnection.FromAccessToken(Server.State.MintAccessToken(scopes), GoogleEndpoints.ForEmulator(Server.BaseAddress.Authority));
        Connection.Api.Retry.DelayScale = 0;
        Client = new DriveClient(Connection.Api, Connection);
        return Client;
    }

    public async Task DisposeAsync()
    {
        Client?.Dispose();
        Connection?.Dispose();
        Drive.Reset();
        await Server.DisposeAsync();
    }

    /// <summary>The part as GPhotos lists it (pinned size and md5).</summary>
    protected async Task<DriveFile> ListedAsync(DriveFileRecord record) =>
        (await Client.ListTakeoutPartsAsync(default)).Single(f => f.Id == record.Id);
}

/// <summary>A Drive emulator test with its own Takeout entry cache (the reader uses it for Drive parts only).</summary>
public abstract class DriveTakeoutTest : DriveEmulatorTest, IDisposable
{
    protected readonly string EntryCache = Path.Combine(Path.GetTempPath(), "gphotos-entry-cache-" + Guid.NewGuid().ToString("N"));

    protected DriveTakeoutTest() => Environment.SetEnvironmentVariable("GPHOTOS_TAKEOUT_CACHE", EntryCache);

    public void Dispose()
    {
        GPhotos.Sources.Takeout.TakeoutContent.ReleaseArchives();
        Environment.SetEnvironmentVariable("GPHOTOS_TAKEOUT_CACHE", null);
        if (Directory.Exists(EntryCache)) Directory.Delete(EntryCache, true);
    }
}
