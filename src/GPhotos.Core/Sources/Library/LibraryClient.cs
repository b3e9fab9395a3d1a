using System;
using System.Collections.Generic;
using System.Linq;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;
using GPhotos.Http;
using GPhotos.Model;
using Newtonsoft.Json;
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
        public Task<MediaPage> GetPageAsync(LibrarySearch search, string pageToken, CancellationToken cancellationToken)
        {
            // Parsed as it arrives (MediaPage.Read): no JObject per item. The time the base URLs were received is
            // taken before the body is read, so a URL is never thought younger than it is.
            if (search == null || search.IsEmpty)
            {
                string query = "v1/mediaItems?pageSize=" + MaxPageSize + (pageToken != null ? "&pageToken=" + Uri.EscapeDataString(pageToken) : "");
                return _api.SendJsonAsync(HttpMethod.Get, Url(query), null, r => ReadPage(r, DateTime.UtcNow), cancellationToken);
            }
            return _api.SendJsonAsync(HttpMethod.Post, Url("v1/mediaItems:search"), search.ToRequestBody(MaxPageSize, pageToken),
                r => ReadPage(r, DateTime.UtcNow), cancellationToken);
        }

        /// <summary>A list/search answer to a page. Fields of the wrong JSON type count as absent; throws only for malformed JSON.</summary>
        internal static MediaPage ReadPage(JsonReader reader, DateTime received)
            => MediaPage.Read(reader, r => LibraryJson.ReadMediaItem(r, received));

        /// <summary><see cref="ReadPage"/> of a page already held as a JObject; never throws.</summary>
        internal static MediaPage ParsePage(JObject json, DateTime received) => ReadPage(new JTokenReader(json), received);

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

        private Task<List<BatchGetResult>> BatchGetOnceAsync(List<string> chunk, CancellationToken cancellationToken)
        {
            string query = "v1/mediaItems:batchGet?" + string.Join("&", chunk.Select(id => "mediaItemIds=" + Uri.EscapeDataString(id)));
            return _api.SendJsonAsync(HttpMethod.Get, Url(query), null, r => ReadBatch(r, chunk, DateTime.UtcNow), cancellationToken);
        }

        /// <summary><see cref="ReadBatch"/> of an answer already held as a JObject; never throws.</summary>
        internal static List<BatchGetResult> ParseBatch(JObject json, IReadOnlyList<string> chunk, DateTime received)
            => ReadBatch(new JTokenReader(json), chunk, received);

        /// <summary>
        /// A batchGet answer: one result per id of <paramref name="chunk"/>, in order (the n-th answer is the n-th id's;
        /// an answer that is not an object, or missing, gives NOT_FOUND); throws only for malformed JSON.
        /// </summary>
        internal static List<BatchGetResult> ReadBatch(JsonReader reader, IReadOnlyList<string> chunk, DateTime received)
        {
            var answers = new List<BatchAnswer>(chunk.Count);
            JsonReader r = JsonStream.OpenObject(reader);
            bool first = true;
            while (r != null && JsonStream.NextProperty(r, out string name, first))
            {
                first = false;
                if (name != "mediaItemResults") { JsonStream.Skip(r); continue; }
                answers.Clear(); // the last of repeated keys wins
                if (r.TokenType != JsonToken.StartArray) { JsonStream.Skip(r); continue; }
                while (JsonStream.NextElement(r))
                {
                    // Answers past the ids asked for are read past, never mapped.
                    if (answers.Count < chunk.Count) answers.Add(BatchAnswer.Read(r, received));
                    else JsonStream.Skip(r);
                }
            }

            var results = new List<BatchGetResult>(chunk.Count);
            for (int i = 0; i < chunk.Count; i++)
            {
                BatchAnswer answer = i < answers.Count ? answers[i] : default;
                results.Add(answer.Item != null
                    ? new BatchGetResult(chunk[i], answer.Item, 0, null)
                    : new BatchGetResult(chunk[i], null, answer.Code.AsInt32() ?? 5, answer.Message.AsString() ?? "No answer for this id."));
            }
            return results;
        }

        /// <summary>One element of <c>mediaItemResults</c>: <c>{mediaItem}</c> or <c>{status:{code,message}}</c>.</summary>
        private struct BatchAnswer
        {
            public MediaItem Item;
            public JsonScalar Code, Message;

            public static BatchAnswer Read(JsonReader reader, DateTime received)
            {
                var a = new BatchAnswer();
                if (reader.TokenType != JsonToken.StartObject) { JsonStream.Skip(reader); return a; }
                while (JsonStream.NextProperty(reader, out string name))
                {
                    if (name == "mediaItem")
                    {
                        a.Item = null;
                        if (reader.TokenType == JsonToken.StartObject) a.Item = LibraryJson.ReadMediaItem(reader, received);
                        else JsonStream.Skip(reader);
                    }
                    else if (name == "status")
                    {
                        a.Code = a.Message = default;
                        if (reader.TokenType != JsonToken.StartObject) { JsonStream.Skip(reader); continue; }
                        while (JsonStream.NextProperty(reader, out string field))
                        {
                            if (field == "code") a.Code = JsonStream.Value(reader);
                            else if (field == "message") a.Message = JsonStream.Value(reader);
                            else JsonStream.Skip(reader);
                        }
                    }
                    else JsonStream.Skip(reader);
                }
                return a;
            }
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
