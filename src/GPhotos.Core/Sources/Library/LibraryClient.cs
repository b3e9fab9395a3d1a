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
            DateTime received = DateTime.UtcNow;
            var items = new List<MediaItem>();
            if (json["mediaItems"] is JArray array)
                foreach (JObject item in array.OfType<JObject>())
                    items.Add(LibraryJson.ToMediaItem(item, received));
            return new MediaPage(items, (string)json["nextPageToken"]);
        }

        public async Task<MediaItem> GetAsync(string id, CancellationToken cancellationToken)
        {
            JObject json = await _api.SendJsonAsync(HttpMethod.Get, Url("v1/mediaItems/" + Uri.EscapeDataString(id)), null, cancellationToken).ConfigureAwait(false);
            return LibraryJson.ToMediaItem(json, DateTime.UtcNow);
        }

        /// <summary>batchGet in chunks of 50; results in request order, one per id.</summary>
        public async Task<IReadOnlyList<BatchGetResult>> BatchGetAsync(IReadOnlyList<string> ids, CancellationToken cancellationToken)
        {
            var results = new List<BatchGetResult>(ids.Count);
            for (int start = 0; start < ids.Count; start += MaxBatchGet)
            {
                List<string> chunk = ids.Skip(start).Take(MaxBatchGet).ToList();
                string query = "v1/mediaItems:batchGet?" + string.Join("&", chunk.Select(id => "mediaItemIds=" + Uri.EscapeDataString(id)));
                JObject json = await _api.SendJsonAsync(HttpMethod.Get, Url(query), null, cancellationToken).ConfigureAwait(false);
                DateTime received = DateTime.UtcNow;
                JArray answers = json["mediaItemResults"] as JArray ?? new JArray();
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
                            (int?)JsonValues.Int64(status, "code") ?? 5,
                            JsonValues.String(status, "message") ?? "No answer for this id."));
                    }
                }
            }
            return results;
        }

        public async Task<(IReadOnlyList<Album> Albums, string NextPageToken)> GetAlbumPageAsync(string pageToken, CancellationToken cancellationToken)
        {
            string query = "v1/albums?pageSize=" + MaxAlbumPageSize + (pageToken != null ? "&pageToken=" + Uri.EscapeDataString(pageToken) : "");
            JObject json = await _api.SendJsonAsync(HttpMethod.Get, Url(query), null, cancellationToken).ConfigureAwait(false);
            var albums = new List<Album>();
            if (json["albums"] is JArray array)
                foreach (JObject a in array.OfType<JObject>())
                    albums.Add(LibraryJson.ToAlbum(a));
            string next = (string)json["nextPageToken"];
            return (albums, string.IsNullOrEmpty(next) ? null : next);
        }
    }
}
