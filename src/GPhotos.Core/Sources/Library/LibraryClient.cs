using System;
using System.Collections.Generic;
using System.Linq;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;
using GPhotos.Http;
using GPhotos.Model;
using Newtonsoft.Json.Linq;

namespace GPhotos.Sources.Library
{
    /// <summary>The outcome of one id in a batchGet: an item, or Google's per-id status.</summary>
    /// <summary>
    /// The one place batches of batchGet ids are cut: Google takes at most <see cref="LibraryClient.MaxBatchGet"/>
    /// ids per call. Used by the client itself, the URL refresher and the cmdlets' -Id support.
    /// </summary>
    public static class IdBatches
    {
        /// <summary>Removes and returns the first batch (up to <see cref="LibraryClient.MaxBatchGet"/>) of <paramref name="pending"/>.</summary>
        public static List<T> TakeFrom<T>(List<T> pending)
        {
            int n = Math.Min(LibraryClient.MaxBatchGet, pending.Count);
            List<T> batch = pending.GetRange(0, n);
            pending.RemoveRange(0, n);
            return batch;
        }

        /// <summary>True when <paramref name="pending"/> holds at least one full batch.</summary>
        public static bool HasFull<T>(List<T> pending) => pending.Count >= LibraryClient.MaxBatchGet;
    }

    public sealed class BatchGetResult
    {
        public BatchGetResult(string requestedId, MediaItem item, int statusCode, string statusMessage)
        {
            RequestedId = requestedId;
            Item = item;
            StatusCode = statusCode;
            StatusMessage = statusMessage;
        }

        public string RequestedId { get; }
        public MediaItem Item { get; }

        /// <summary>Google RPC code (5 = NOT_FOUND); 0 when <see cref="Item"/> is set.</summary>
        public int StatusCode { get; }
        public string StatusMessage { get; }
    }

    /// <summary>
    /// The Library API (photoslibrary.googleapis.com). Since 2025-03-31 it sees only items this OAuth client
    /// created; a user's existing library comes through the Picker API or Takeout.
    /// </summary>
    public sealed class LibraryClient
    {
        public const int MaxPageSize = 100;
        public const int MaxAlbumPageSize = 50;
        public const int MaxBatchGet = 50;

        private readonly GoogleApiClient _api;

        public LibraryClient(GoogleApiClient api) => _api = api ?? throw new ArgumentNullException(nameof(api));

        private Uri Url(string pathAndQuery) => new Uri(_api.Endpoints.LibraryApi, pathAndQuery);

        /// <summary>One page of <c>mediaItems.list</c> (or <c>search</c> when <paramref name="search"/> has filters or an album).</summary>
        public async Task<MediaPage> GetPageAsync(LibrarySearch search, string pageToken, CancellationToken cancellationToken)
        {
            JObject json;
            if (search == null || search.IsEmpty)
            {
                string query = "v1/mediaItems?pageSize=" + MaxPageSize + (pageToken != null ? "&pageToken=" + Uri.EscapeDataString(pageToken) : "");
                json = await _api.SendJsonAsync(HttpMethod.Get, Url(query), null, cancellationToken).ConfigureAwait(false);
            }
            else
            {
                json = await _api.SendJsonAsync(HttpMethod.Post, Url("v1/mediaItems:search"), search.ToRequestBody(MaxPageSize, pageToken), cancellationToken).ConfigureAwait(false);
            }
            return ParsePage(json, DateTime.UtcNow);
        }

        /// <summary>A list/search answer to a page. Fields of the wrong JSON type count as absent; never throws.</summary>
        internal static MediaPage ParsePage(JObject json, DateTime received)
        {
            var items = new List<MediaItem>();
            if (json["mediaItems"] is JArray array)
                foreach (JObject item in array.OfType<JObject>())
                    items.Add(LibraryJson.ToMediaItem(item, received));
            return new MediaPage(items, JsonValues.String(json, "nextPageToken"));
        }

        /// <summary>
        /// batchGet in chunks of up to 50 distinct ids; results in request order, one per requested id (a repeated id
        /// gets its own copy of the answer). Google fails a whole batch for one repeated or malformed id (400
        /// INVALID_ARGUMENT), so ids are de-duplicated before sending, and a batch refused whole is split in halves
        /// until the bad id stands alone and gets its own INVALID_ARGUMENT result: the other 49 are still fetched.
        /// </summary>
        public async Task<IReadOnlyList<BatchGetResult>> BatchGetAsync(IReadOnlyList<string> ids, CancellationToken cancellationToken)
        {
            var distinct = new List<string>(ids.Count);
            var seen = new HashSet<string>(StringComparer.Ordinal);
            foreach (string id in ids)
                if (seen.Add(id)) distinct.Add(id);
            var byId = new Dictionary<string, BatchGetResult>(StringComparer.Ordinal);
            var rest = new List<string>(distinct);
            while (rest.Count > 0)
                await FetchIsolatingAsync(IdBatches.TakeFrom(rest), byId, cancellationToken).ConfigureAwait(false);
            return ids.Select(id => byId[id]).ToList();
        }

        /// <summary>Google's RPC code for INVALID_ARGUMENT, given to an id that alone makes batchGet fail.</summary>
        public const int InvalidArgumentCode = 3;

        private async Task FetchIsolatingAsync(List<string> chunk, Dictionary<string, BatchGetResult> results, CancellationToken cancellationToken)
        {
            try
            {
                foreach (BatchGetResult r in await BatchGetOnceAsync(chunk, cancellationToken).ConfigureAwait(false)) results[r.RequestedId] = r;
            }
            catch (GoogleApiException ex) when (ex.HttpStatus == 400)
            {
                if (chunk.Count == 1)
                {
                    results[chunk[0]] = new BatchGetResult(chunk[0], null, InvalidArgumentCode,
                        "Google refused this id as invalid: " + (ex.ApiMessage ?? ex.Message));
                    return;
                }
                // Bisect: a single bad id costs about 2·log2(50) ≈ 12 extra requests, not 49 lost items.
                int half = chunk.Count / 2;
                await FetchIsolatingAsync(chunk.GetRange(0, half), results, cancellationToken).ConfigureAwait(false);
                await FetchIsolatingAsync(chunk.GetRange(half, chunk.Count - half), results, cancellationToken).ConfigureAwait(false);
            }
        }

        private async Task<List<BatchGetResult>> BatchGetOnceAsync(List<string> chunk, CancellationToken cancellationToken)
        {
            string query = "v1/mediaItems:batchGet?" + string.Join("&", chunk.Select(id => "mediaItemIds=" + Uri.EscapeDataString(id)));
            JObject json = await _api.SendJsonAsync(HttpMethod.Get, Url(query), null, cancellationToken).ConfigureAwait(false);
            return ParseBatch(json, chunk, DateTime.UtcNow);
        }

        /// <summary>A batchGet answer: one result per id of <paramref name="chunk"/>, in order; never throws.</summary>
        internal static List<BatchGetResult> ParseBatch(JObject json, IReadOnlyList<string> chunk, DateTime received)
        {
            JArray answers = json["mediaItemResults"] as JArray ?? new JArray();
            var results = new List<BatchGetResult>(chunk.Count);
            for (int i = 0; i < chunk.Count; i++)
            {
                JObject answer = i < answers.Count ? answers[i] as JObject : null;
                if (answer?["mediaItem"] is JObject mi)
                {
                    results.Add(new BatchGetResult(chunk[i], LibraryJson.ToMediaItem(mi, received), 0, null));
                }
                else
                {
                    JToken status = answer?["status"];
                    results.Add(new BatchGetResult(chunk[i], null,
                        JsonValues.Int32(status, "code") ?? 5,
                        JsonValues.String(status, "message") ?? "No answer for this id."));
                }
            }
            return results;
        }

        public async Task<(IReadOnlyList<Album> Albums, string NextPageToken)> GetAlbumPageAsync(string pageToken, CancellationToken cancellationToken)
        {
            string query = "v1/albums?pageSize=" + MaxAlbumPageSize + (pageToken != null ? "&pageToken=" + Uri.EscapeDataString(pageToken) : "");
            JObject json = await _api.SendJsonAsync(HttpMethod.Get, Url(query), null, cancellationToken).ConfigureAwait(false);
            return ParseAlbumPage(json);
        }

        /// <summary>An albums.list answer; never throws.</summary>
        /// <summary>The page walk of an album listing: albums are told apart by id and named by title in warnings.</summary>
        public static Pager<Album> AlbumPager() => new Pager<Album>("Albums", a => a.Id, a => $"'{a.Title}' ({a.Id})");

        internal static (IReadOnlyList<Album> Albums, string NextPageToken) ParseAlbumPage(JObject json)
        {
            var albums = new List<Album>();
            if (json["albums"] is JArray array)
                foreach (JObject a in array.OfType<JObject>())
                    albums.Add(LibraryJson.ToAlbum(a));
            string next = JsonValues.String(json, "nextPageToken");
            return (albums, string.IsNullOrEmpty(next) ? null : next);
        }
    }
}
