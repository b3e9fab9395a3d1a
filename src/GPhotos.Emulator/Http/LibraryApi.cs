using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace GPhotos.Emulator.Http;

/// <summary>The Library API (photoslibrary.googleapis.com/v1), as it stands after the 2025 scope change:
/// only app-created items and albums are visible.</summary>
internal sealed class LibraryApi
{
    private const byte PageList = (byte)'L', PageSearch = (byte)'S', PageAlbums = (byte)'A';
    private readonly ApiContext _api;
    private readonly ConcurrentDictionary<string, (LibrarySnapshot Snap, MediaItemRecord[] Items)> _cache = new(StringComparer.Ordinal);

    public LibraryApi(ApiContext api) => _api = api;
    private EmulatorState S => _api.S;

    // GET /v1/mediaItems
    public async Task List(HttpContext ctx, FaultRule fault = null)
    {
        if (await _api.AuthorizeAsync(ctx, ApiKind.Library) == null) return;
        if (!ApiContext.TryPageSize(ctx.Request.Query["pageSize"], 25, 100, out int pageSize))
        {
            await Respond.InvalidArgument(ctx, $"Invalid value at 'page_size' (TYPE_INT32), \"{ctx.Request.Query["pageSize"]}\"");
            return;
        }
        var snap = S.Library.Snapshot;
        await WritePage(ctx, snap, snap.AppCreatedOrdered, PageList, 0x11, pageSize, ctx.Request.Query["pageToken"], fault);
    }

    private async Task WritePage(HttpContext ctx, LibrarySnapshot snap, IReadOnlyList<MediaItemRecord> all, byte kind, ulong fingerprint, int pageSize, string pageToken, FaultRule fault)
    {
        int offset = 0;
        if (!string.IsNullOrEmpty(pageToken))
        {
            offset = S.ReadPageToken(pageToken, kind, fingerprint, snap.Generation);
            if (offset < 0)
            {
                await Respond.InvalidArgument(ctx);
                return;
            }
        }
        var (first, end, next) = ApiContext.Shape(fault, offset, pageSize, all.Count);
        await Respond.Json(ctx, 200, w =>
        {
            w.WriteStartObject();
            if (end > first)
            {
                w.WriteStartArray("mediaItems");
                for (int i = first; i < end; i++) ApiContext.WriteMediaItem(w, all[i], _api.LibraryBaseUrl(ctx, all[i], snap));
                w.WriteEndArray();
            }
            if (next >= 0) w.WriteString("nextPageToken", S.MintPageToken(kind, fingerprint, snap.Generation, next));
            w.WriteEndObject();
        });
    }

    /// <summary>Google's ids are URL-safe base64 ("AF1Qip…"); anything else is malformed.</summary>
    internal static bool WellFormedId(string id) =>
        id.Length is > 0 and <= 512 && id.All(c => c is (>= 'A' and <= 'Z') or (>= 'a' and <= 'z') or (>= '0' and <= '9') or '-' or '_');

    private static bool Visible(MediaItemRecord r) => r != null && r.AppCreated;

    // GET /v1/mediaItems/{id}
    public async Task Get(HttpContext ctx, string id)
    {
        if (await _api.AuthorizeAsync(ctx, ApiKind.Library) == null) return;
        var snap = S.Library.Snapshot;
        var item = snap.Get(id);
        if (!Visible(item))
        {
            await Respond.NotFound(ctx);
            return;
        }
        await Respond.Json(ctx, 200, w => ApiContext.WriteMediaItem(w, item, _api.LibraryBaseUrl(ctx, item, snap)));
    }

    // GET /v1/mediaItems:batchGet?mediaItemIds=..
    public async Task BatchGet(HttpContext ctx)
    {
        if (await _api.AuthorizeAsync(ctx, ApiKind.Library) == null) return;
        var ids = ctx.Request.Query["mediaItemIds"].Where(s => s != null).Select(s => s!).ToArray();
        if (ids.Length == 0)
        {
            await Respond.InvalidArgument(ctx, "Request must contain at least one media item ID.");
            return;
        }
        if (ids.Length > 50)
        {
            await Respond.InvalidArgument(ctx, "Request must not contain more than 50 media item IDs.");
            return;
        }
        if (ids.Distinct(StringComparer.Ordinal).Count() != ids.Length)
        {
            await Respond.InvalidArgument(ctx, "Request must not contain repeated media item IDs.");
            return;
        }
        // Google rejects the whole batch for one malformed id (unknown but well-formed ids get a per-id NOT_FOUND).
        if (ids.FirstOrDefault(id => !WellFormedId(id)) is { } bad)
        {
            await Respond.InvalidArgument(ctx, $"Invalid media item ID: {bad}");
            return;
        }
        var snap = S.Library.Snapshot;
        await Respond.Json(ctx, 200, w =>
        {
            w.WriteStartObject();
            w.WriteStartArray("mediaItemResults");
            foreach (var id in ids)
            {
                var item = snap.Get(id);
                w.WriteStartObject();
                if (Visible(item))
                {
                    w.WritePropertyName("mediaItem");
                    ApiContext.WriteMediaItem(w, item, _api.LibraryBaseUrl(ctx, item, snap));
                }
                else
                {
                    w.WriteStartObject("status");
                    w.WriteNumber("code", 5);
                    w.WriteString("message", "Requested entity was not found.");
                    w.WriteEndObject();
                }
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteEndObject();
        });
    }

    // GET /v1/albums
    public async Task ListAlbums(HttpContext ctx)
    {
        var at = await _api.AuthorizeAsync(ctx, ApiKind.Library);
        if (at == null) return;
        if (!ApiContext.TryPageSize(ctx.Request.Query["pageSize"], 20, 50, out int pageSize))
        {
            await Respond.InvalidArgument(ctx, $"Invalid value at 'page_size' (TYPE_INT32), \"{ctx.Request.Query["pageSize"]}\"");
            return;
        }
        var snap = S.Library.Snapshot;
        var albums = snap.Albums.Where(a => a.AppCreated).ToArray();
        int offset = 0;
        string token = ctx.Request.Query["pageToken"];
        if (!string.IsNullOrEmpty(token) && (offset = S.ReadPageToken(token, PageAlbums, 0xA1, snap.Generation)) < 0)
        {
            await Respond.InvalidArgument(ctx);
            return;
        }
        int end = Math.Min(albums.Length, offset + pageSize);
        await Respond.Json(ctx, 200, w =>
        {
            w.WriteStartObject();
            if (end > offset)
            {
                w.WriteStartArray("albums");
                for (int i = offset; i < end; i++) WriteAlbum(ctx, w, albums[i], snap, at);
                w.WriteEndArray();
            }
            if (end < albums.Length) w.WriteString("nextPageToken", S.MintPageToken(PageAlbums, 0xA1, snap.Generation, end));
            w.WriteEndObject();
        });
    }

    // GET /v1/albums/{id}
    public async Task GetAlbum(HttpContext ctx, string id)
    {
        var at = await _api.AuthorizeAsync(ctx, ApiKind.Library);
        if (at == null) return;
        var snap = S.Library.Snapshot;
        if (!snap.AlbumsById.TryGetValue(id, out var album) || !album.AppCreated)
        {
            await Respond.NotFound(ctx);
            return;
        }
        await Respond.Json(ctx, 200, w => WriteAlbum(ctx, w, album, snap, at));
    }

    // GET /v1/sharedAlbums: the sharing scope is gone, so this is always 403.
    public async Task SharedAlbums(HttpContext ctx)
    {
        var status = S.Tokens.Check(ApiContext.Bearer(ctx), out _);
        if (status != TokenStatus.Valid)
        {
            await Respond.Unauthenticated(ctx);
            return;
        }
        await Respond.InsufficientScopesError(ctx);
    }

    private void WriteAlbum(HttpContext ctx, Utf8JsonWriter w, AlbumRecord a, LibrarySnapshot snap, AccessToken at)
    {
        var items = a.ItemIds.Select(snap.Get).Where(Visible).ToList();
        w.WriteStartObject();
        w.WriteString("id", a.Id);
        if (!string.IsNullOrEmpty(a.Title)) w.WriteString("title", a.Title);
        w.WriteString("productUrl", "https://photos.google.com/lr/album/" + a.Id);
        if (at.HasScope(Scopes.AppendOnly) || at.HasScope(Scopes.EditAppCreatedData)) w.WriteBoolean("isWriteable", true);
        if (items.Count > 0) w.WriteString("mediaItemsCount", Respond.Int64(items.Count));
        var cover = snap.Get(a.CoverItemId);
        if (!Visible(cover)) cover = items.FirstOrDefault();
        if (cover != null)
        {
            w.WriteString("coverPhotoBaseUrl", _api.LibraryBaseUrl(ctx, cover, snap));
            w.WriteString("coverPhotoMediaItemId", cover.Id);
        }
        w.WriteEndObject();
    }

    // POST /v1/mediaItems:search
    public async Task Search(HttpContext ctx, FaultRule fault = null)
    {
        if (await _api.AuthorizeAsync(ctx, ApiKind.Library) == null) return;
        JsonElement root;
        try
        {
            using var ms = new MemoryStream();
            await ctx.Request.Body.CopyToAsync(ms, ctx.RequestAborted);
            if (ms.Length == 0) root = JsonDocument.Parse("{}").RootElement;
            else root = JsonDocument.Parse(ms.ToArray()).RootElement;
        }
        catch (JsonException e)
        {
            await Respond.InvalidArgument(ctx, "Invalid JSON payload received. " + e.Message);
            return;
        }
        var snap = S.Library.Snapshot;
        var (query, error) = SearchQuery.Parse(root, snap);
        if (error != null)
        {
            await Respond.InvalidArgument(ctx, error);
            return;
        }
        var items = Evaluate(query, snap);
        await WritePage(ctx, snap, items, PageSearch, query.Fingerprint, query.PageSize, query.PageToken, fault);
    }

    private MediaItemRecord[] Evaluate(SearchQuery q, LibrarySnapshot snap)
    {
        string key = q.Canonical;
        if (_cache.TryGetValue(key, out var hit) && ReferenceEquals(hit.Snap, snap)) return hit.Items;
        MediaItemRecord[] result;
        if (q.AlbumId != null)
        {
            result = snap.AlbumsById[q.AlbumId].ItemIds.Select(snap.Get).Where(Visible).ToArray();
        }
        else
        {
            var matches = snap.AppCreatedOrdered.Where(q.Matches);
            if (q.OrderBy == "asc") matches = matches.OrderBy(i => i.CreationTime).ThenBy(i => i.Index);
            result = matches.ToArray();
        }
        if (_cache.Count > 32) _cache.Clear();
        _cache[key] = (snap, result);
        return result;
    }
}
