using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Net.Http;
using System.Net.Http.Headers;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using GPhotos.Http;
using Newtonsoft.Json.Linq;

namespace GPhotos.Sources.Drive
{
    /// <summary>Requests and bytes a Drive client spent (for the benchmark of issue 14). Thread-safe.</summary>
    public sealed class DriveStats
    {
        private long _requests, _mediaRequests, _bytesReceived, _bytesRequested;
        public long Requests => Interlocked.Read(ref _requests);
        /// <summary>alt=media requests (each a range).</summary>
        public long MediaRequests => Interlocked.Read(ref _mediaRequests);
        /// <summary>Body bytes of alt=media answers actually read.</summary>
        public long BytesReceived => Interlocked.Read(ref _bytesReceived);
        /// <summary>Sum of the lengths of the ranges asked for.</summary>
        public long BytesRequested => Interlocked.Read(ref _bytesRequested);
        internal void Request() => Interlocked.Increment(ref _requests);
        internal void Media(long length) { Interlocked.Increment(ref _mediaRequests); Interlocked.Add(ref _bytesRequested, length); }
        internal void Received(long n) => Interlocked.Add(ref _bytesReceived, n);
        public override string ToString() => $"{Requests} requests ({MediaRequests} ranges), {BytesReceived:N0} bytes received of {BytesRequested:N0} asked";
    }

    /// <summary>
    /// Drive API v3 for Takeout exports: list the Takeout folder's parts, file metadata, byte ranges, delete. Uses the
    /// connection's endpoints (GPHOTOS_EMULATOR_HOST covers Drive), token provider and retry delays; classification
    /// of Drive's errors is <see cref="DriveErrors"/>. The bearer goes only to the Drive API host; redirects are not
    /// followed. Thread-safe.
    /// </summary>
    public sealed class DriveClient : IDisposable
    {
        public const int MaxPageSize = 1000;
        public static readonly Uri GoogleDriveApi = new Uri("https://www.googleapis.com/drive/v3/");

        private readonly HttpClient _http;
        private readonly IAccessTokenProvider _tokens;

        public DriveClient(GoogleApiClient api, IAccessTokenProvider tokens, HttpMessageHandler handler = null)
        {
            Api = api ?? throw new ArgumentNullException(nameof(api));
            _tokens = tokens ?? throw new ArgumentNullException(nameof(tokens));
            BaseUri = api.Endpoints.IsEmulator ? new Uri(api.Endpoints.LibraryApi, "drive/v3/") : GoogleDriveApi;
            _http = new HttpClient(handler ?? new RequestNotingHandler(GoogleApiClient.CreateHandler()), disposeHandler: true) { Timeout = Timeout.InfiniteTimeSpan };
            _http.DefaultRequestHeaders.UserAgent.ParseAdd("GPhotos/" + typeof(DriveClient).Assembly.GetName().Version);
        }

        public GoogleApiClient Api { get; }
        public Uri BaseUri { get; }
        public DriveStats Stats { get; } = new DriveStats();
        private RetryPolicy Retry => Api.Retry;

        // ---------------------------------------------------------------- listing and metadata

        /// <summary>One page of files.list for <paramref name="query"/> (Drive's q language) with the fields GPhotos uses.</summary>
        public Task<DriveFilePage> ListPageAsync(string query, string pageToken, CancellationToken cancellationToken)
        {
            string url = "files?q=" + Uri.EscapeDataString(query) + "&pageSize=" + MaxPageSize + "&spaces=drive"
                + "&fields=" + Uri.EscapeDataString("nextPageToken,files(" + DriveJson.FileFields + ")")
                + (pageToken != null ? "&pageToken=" + Uri.EscapeDataString(pageToken) : "");
            return DriveErrors.ExecuteAsync(Retry, async ct => DriveJson.ParsePage(await GetJsonOnceAsync(new Uri(BaseUri, url), "the Drive file listing", ct).ConfigureAwait(false)),
                cancellationToken);
        }

        /// <summary>Every file matching <paramref name="query"/>, page by page until Drive stops sending a nextPageToken.</summary>
        public async Task<IReadOnlyList<DriveFile>> ListAllAsync(string query, CancellationToken cancellationToken)
        {
            var all = new List<DriveFile>();
            var seen = new HashSet<string>(StringComparer.Ordinal);
            string token = null;
            for (int page = 0; ; page++)
            {
                if (page >= 10000) throw new DriveApiException(DriveErrorKind.BadResponse, 200, null, null, "Drive kept sending page tokens after 10,000 pages; stopped listing.");
                DriveFilePage p = await ListPageAsync(query, token, cancellationToken).ConfigureAwait(false);
                foreach (DriveFile f in p.Files) if (seen.Add(f.Id)) all.Add(f);
                if (p.NextPageToken == null) return all;
                token = p.NextPageToken;
            }
        }

        /// <summary>Folders named Takeout in My Drive (Takeout's "Add to Drive" delivers there), not trashed.</summary>
        public Task<IReadOnlyList<DriveFile>> FindTakeoutFoldersAsync(CancellationToken cancellationToken) =>
            ListAllAsync("name = 'Takeout' and mimeType = '" + DriveFile.FolderMimeType + "' and 'root' in parents and trashed = false", cancellationToken);

        /// <summary>The takeout-*.zip / .tgz files in every Takeout folder (not trashed).</summary>
        public async Task<IReadOnlyList<DriveFile>> ListTakeoutPartsAsync(CancellationToken cancellationToken)
        {
            var parts = new List<DriveFile>();
            foreach (DriveFile folder in await FindTakeoutFoldersAsync(cancellationToken).ConfigureAwait(false))
                parts.AddRange(await ListAllAsync("'" + Escape(folder.Id) + "' in parents and name contains 'takeout-' and trashed = false", cancellationToken).ConfigureAwait(false));
            return parts.Where(p => !p.IsFolder).ToList();
        }

        /// <summary>A string value for Drive's q: single quotes, \' and \\ escaped.</summary>
        public static string Escape(string value) => (value ?? "").Replace("\\", "\\\\").Replace("'", "\\'");

        public Task<DriveFile> GetAsync(string fileId, CancellationToken cancellationToken) =>
            DriveErrors.ExecuteAsync(Retry, async ct => DriveJson.ParseFile(await GetJsonOnceAsync(FileUri(fileId, "fields=" + Uri.EscapeDataString(DriveJson.FileFields)), "Drive file " + fileId, ct).ConfigureAwait(false)),
                cancellationToken);

        /// <summary>Deletes a file for good (204; needs the full drive scope). Trashing would keep it counting against the quota.</summary>
        public Task DeleteAsync(string fileId, CancellationToken cancellationToken) =>
            DriveErrors.ExecuteAsync(Retry, async ct =>
            {
                using (HttpResponseMessage r = await SendOnceAsync(HttpMethod.Delete, FileUri(fileId, null), null, "Drive file " + fileId, ct).ConfigureAwait(false)) return true;
            }, cancellationToken);

        private Uri FileUri(string fileId, string query) =>
            new Uri(BaseUri, "files/" + Uri.EscapeDataString(fileId ?? "") + (query != null ? "?" + query : ""));

        private async Task<JObject> GetJsonOnceAsync(Uri uri, string what, CancellationToken cancellationToken)
        {
            using (HttpResponseMessage response = await SendOnceAsync(HttpMethod.Get, uri, null, what, cancellationToken).ConfigureAwait(false))
            using (Stream body = new IdleTimeoutStream(await response.Content.ReadAsStreamAsync().ConfigureAwait(false), Api.RequestTimeout))
                return GoogleApiClient.ParseObject(body, uri);
        }

        // ---------------------------------------------------------------- content

        /// <summary>
        /// Opens bytes [<paramref name="offset"/>, offset+<paramref name="length"/>) of <paramref name="file"/> (one attempt; the
        /// caller retries). The answer must be a 206 whose Content-Range starts at offset and whose total is the size pinned
        /// at listing; a 200 is "range ignored" and is dropped unread; a 416 or another total means the part changed.
        /// </summary>
        public async Task<DriveRangeResponse> OpenRangeOnceAsync(DriveFile file, long offset, long length, bool acknowledgeAbuse, CancellationToken cancellationToken)
        {
            long size = file.Size ?? throw new ArgumentException($"Drive file {file.Name} has no size; only binary files can be read.", nameof(file));
            if (offset < 0 || length <= 0 || offset + length > size) throw new ArgumentOutOfRangeException(nameof(offset), $"Range {offset}+{length} is outside {file.Name} ({size} bytes).");
            Uri uri = FileUri(file.Id, "alt=media" + (acknowledgeAbuse ? "&acknowledgeAbuse=true" : ""));
            string what = "Takeout part " + file.Name;
            Stats.Media(length);
            HttpResponseMessage response;
            try
            {
                response = await SendOnceAsync(HttpMethod.Get, uri, r => r.Headers.Range = new RangeHeaderValue(offset, offset + length - 1), what, cancellationToken).ConfigureAwait(false);
            }
            catch (DriveApiException e) when (e.HttpStatus == 416)
            {
                throw PartChanged(file, $"Drive answered 416 to bytes {offset}-{offset + length - 1}: the part is shorter than the {size:N0} bytes it had when listed", e);
            }
            try
            {
                if ((int)response.StatusCode == 200)
                    throw new DriveApiException(DriveErrorKind.RangeIgnored, 200, null, null,
                        $"Drive ignored the byte range asked for {what} and started sending the whole file ({size:N0} bytes). GPhotos stopped reading at once instead of downloading it all. Run the same command again later (a proxy or Drive itself may have dropped the Range header); or download the part and read it with Get-GPhotosMediaItem -TakeoutPath <downloaded part>.");
                if ((int)response.StatusCode != 206)
                    throw new DriveApiException(DriveErrorKind.BadResponse, (int)response.StatusCode, null, null, $"Drive answered {(int)response.StatusCode} to a range request for {what}.");
                string header = response.Content.Headers.TryGetValues("Content-Range", out IEnumerable<string> values) ? values.FirstOrDefault() : null;
                if (!ContentRange.TryParse(header, out long first, out long last, out long total) || first < 0)
                    throw new DriveApiException(DriveErrorKind.BadResponse, 206, null, null, $"Drive's answer for {what} has no usable Content-Range ('{header}').");
                if (total >= 0 && total != size)
                    throw PartChanged(file, $"Drive now reports {total:N0} bytes for it, not the {size:N0} listed", null);
                if (first != offset || last > offset + length - 1)
                    throw new DriveApiException(DriveErrorKind.BadResponse, 206, null, null, $"Drive sent bytes {first}-{last} of {what} when {offset}-{offset + length - 1} was asked for.");
                long? contentLength = response.Content.Headers.ContentLength;
                if (contentLength.HasValue && contentLength.Value != last - first + 1)
                    throw new DriveApiException(DriveErrorKind.BadResponse, 206, null, null, $"Drive's answer for {what} says Content-Length {contentLength} for bytes {first}-{last}.");
                Stream body = new IdleTimeoutStream(await response.Content.ReadAsStreamAsync().ConfigureAwait(false), Api.IdleReadTimeout);
                return new DriveRangeResponse(response, body, first, last - first + 1, Stats);
            }
            catch
            {
                response.Dispose(); // unread: a 200 with 50 GB behind it is dropped here, never buffered
                throw;
            }
        }

        internal static DriveApiException PartChanged(DriveFile file, string detail, Exception inner) =>
            new DriveApiException(DriveErrorKind.PartChanged, 0, null, null,
                $"Takeout part {file.Name} changed in Drive while it was being read ({detail}). Its items were not read from a mix of two versions; list the export again (Get-GPhotosTakeoutArchive) and retry.", null, inner);

        /// <summary>A read-only seekable stream over <paramref name="file"/> (size and md5 pinned from the listing).</summary>
        public DriveRangeStream OpenRead(DriveFile file, DriveRangeStreamOptions options = null, CancellationToken cancellationToken = default(CancellationToken)) =>
            new DriveRangeStream(this, file, options ?? new DriveRangeStreamOptions(), cancellationToken);

        // ---------------------------------------------------------------- one request

        /// <summary>
        /// One request with the bearer (refreshed once on 401). A success (2xx) is returned for the caller to dispose;
        /// anything else becomes a classified <see cref="DriveApiException"/>. Headers within <see cref="GoogleApiClient.RequestTimeout"/>.
        /// </summary>
        private async Task<HttpResponseMessage> SendOnceAsync(HttpMethod method, Uri uri, Action<HttpRequestMessage> configure, string what, CancellationToken cancellationToken)
        {
            string token = await _tokens.GetAccessTokenAsync(cancellationToken).ConfigureAwait(false);
            for (int authAttempt = 0; ; authAttempt++)
            {
                var request = new HttpRequestMessage(method, uri);
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
                configure?.Invoke(request);
                HttpResponseMessage response;
                Stats.Request();
                using (var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
                {
                    timeout.CancelAfter(Api.RequestTimeout);
                    try
                    {
                        response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token).ConfigureAwait(false);
                    }
                    catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
                    {
                        request.Dispose();
                        throw new DriveApiException(DriveErrorKind.Transient, 0, null, null, $"No answer from Drive for {what} within {Api.RequestTimeout.TotalSeconds:0} s.");
                    }
                }
                int code = (int)response.StatusCode;
                if (code == 401 && authAttempt == 0)
                {
                    response.Dispose();
                    request.Dispose();
                    try { token = await _tokens.RefreshAccessTokenAsync(token, cancellationToken).ConfigureAwait(false); }
                    catch (AuthenticationExpiredException ex)
                    {
                        // Revoked or expired mid-run: the sign-in to redo must include Drive, or the next run fails the same way.
                        throw new AuthenticationExpiredException(ex.Message + " Reading Takeout parts in Drive also needs Drive access: " + DriveErrors.ConnectCommand + ".", ex);
                    }
                    continue;
                }
                if (code >= 200 && code < 300) return response;
                string body = "";
                try { body = await ReadCappedAsync(response, 64 * 1024).ConfigureAwait(false); }
                catch (Exception ex) when (ex is IOException || ex is HttpRequestException || ex is OperationCanceledException) { }
                TimeSpan? retryAfter = response.Headers.RetryAfter?.Delta;
                response.Dispose();
                request.Dispose();
                if (code >= 300 && code < 400)
                    throw new DriveApiException(DriveErrorKind.BadResponse, code, null, null, $"Drive redirected the request for {what}; GPhotos does not follow redirects with your token.");
                throw DriveErrors.Classify(code, body, retryAfter, what);
            }
        }

        /// <summary>An error body, at most <paramref name="max"/> bytes (a broken server cannot make us read gigabytes).</summary>
        private static async Task<string> ReadCappedAsync(HttpResponseMessage response, int max)
        {
            if (response.Content == null) return "";
            using (Stream s = await response.Content.ReadAsStreamAsync().ConfigureAwait(false))
            using (var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10)))
            {
                var buffer = new byte[max];
                int total = 0, n;
                while (total < max && (n = await s.ReadAsync(buffer, total, max - total, cts.Token).ConfigureAwait(false)) > 0) total += n;
                return Encoding.UTF8.GetString(buffer, 0, total);
            }
        }

        public void Dispose() => _http.Dispose();
    }

    /// <summary>An open 206 answer: its body covers [<see cref="Offset"/>, Offset+<see cref="Length"/>). Dispose it.</summary>
    public sealed class DriveRangeResponse : IDisposable
    {
        private readonly HttpResponseMessage _response;
        private readonly Stream _body;
        private readonly DriveStats _stats;

        internal DriveRangeResponse(HttpResponseMessage response, Stream body, long offset, long length, DriveStats stats)
        {
            _response = response;
            _body = body;
            _stats = stats;
            Offset = offset;
            Length = length;
        }

        public long Offset { get; }
        public long Length { get; }
        /// <summary>Bytes read so far.</summary>
        public long Consumed { get; private set; }
        public long Remaining => Length - Consumed;

        /// <summary>Reads up to <paramref name="count"/> bytes; 0 only at the end of the range. A body that ends early is an IOException.</summary>
        public async Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
        {
            if (Remaining <= 0) return 0;
            int n = await _body.ReadAsync(buffer, offset, (int)Math.Min(count, Remaining), cancellationToken).ConfigureAwait(false);
            if (n <= 0) throw new IOException($"Drive's answer ended after {Consumed:N0} of {Length:N0} bytes.");
            Consumed += n;
            _stats.Received(n);
            return n;
        }

        public void Dispose()
        {
            _body.Dispose();
            _response.Dispose();
        }
    }
}
