using System.Collections.Concurrent;

namespace GPhotos.Emulator;

/// <summary>Thread-safe request counters (what <c>GET /__emulator/counters</c> returns).</summary>
public sealed class EmulatorCounters
{
    /// <summary>Names of the request counters, always present (0 when unused).</summary>
    public static readonly string[] RequestNames =
    {
        "library.list", "library.search", "library.get", "library.batchGet", "albums.list", "albums.get", "sharedAlbums.list",
        "picker.sessions.create", "picker.sessions.get", "picker.sessions.delete", "picker.mediaItems.list",
        "media", "oauth.token", "oauth.authorize", "oauth.revoke", "foreign",
    };

    private long _mediaBytes;

    public ConcurrentDictionary<string, long> Requests { get; } = new();
    public ConcurrentDictionary<string, long> MediaRequestsByItem { get; } = new();
    public ConcurrentDictionary<string, long> FaultsInjected { get; } = new();
    /// <summary>Requests that carried an <c>Authorization: Bearer</c> header, per group (library, picker, media, oauth).</summary>
    public ConcurrentDictionary<string, long> AuthorizationHeaders { get; } = new();

    public long MediaBytesServed => Interlocked.Read(ref _mediaBytes);

    public long this[string requestName] => Requests.TryGetValue(requestName, out var n) ? n : 0;

    internal void Request(string name) => Requests.AddOrUpdate(name, 1, static (_, v) => v + 1);
    internal void MediaRequest(string itemId) => MediaRequestsByItem.AddOrUpdate(itemId, 1, static (_, v) => v + 1);
    internal void Fault(string kind) => FaultsInjected.AddOrUpdate(kind, 1, static (_, v) => v + 1);
    internal void Authorization(string group) => AuthorizationHeaders.AddOrUpdate(group, 1, static (_, v) => v + 1);
    internal void MediaBytes(long n) => Interlocked.Add(ref _mediaBytes, n);

    public void Clear()
    {
        Requests.Clear();
        MediaRequestsByItem.Clear();
        FaultsInjected.Clear();
        AuthorizationHeaders.Clear();
        Interlocked.Exchange(ref _mediaBytes, 0);
    }
}
