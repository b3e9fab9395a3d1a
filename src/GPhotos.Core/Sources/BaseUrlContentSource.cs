using System;
using System.Collections.Concurrent;
using System.Threading;
using System.Threading.Tasks;
using GPhotos.Http;
using GPhotos.Model;

namespace GPhotos.Sources
{
    /// <summary>
    /// Bytes behind a Google base URL: <c>=d</c> for a photo (full resolution with EXIF), <c>=dv</c> for a video or the
    /// video part of a motion photo. Never a bare URL (resized) and never <c>=d</c> on a video (a JPEG thumbnail).
    /// A base URL lives 60 minutes: a stale one, or one the server refuses with 403/404, is refreshed once through
    /// the source's own API (<see cref="RefreshAsync"/>) and tried again. Refreshed URLs stay inside the source: it
    /// refreshes a private copy of the item and remembers the new URL by item, so the caller's objects are never
    /// written by a worker.
    /// </summary>
    public abstract class BaseUrlContentSource : IMediaContentSource
    {
        /// <summary>Refresh before use when a URL is older than this (Google promises 60 minutes).</summary>
        public static readonly TimeSpan FreshFor = TimeSpan.FromMinutes(50);

        protected BaseUrlContentSource(GoogleApiClient api) => Api = api ?? throw new ArgumentNullException(nameof(api));

        protected GoogleApiClient Api { get; }

        /// <summary>Base URLs this source refreshed, by item (session + id): reused by the item's next variant.</summary>
        private readonly ConcurrentDictionary<string, MediaItem> _refreshed = new ConcurrentDictionary<string, MediaItem>(StringComparer.Ordinal);

        /// <summary>Whether base URLs of this source need the bearer token (Picker: required; Library: unconfirmed, sent).</summary>
        protected abstract bool SendToken { get; }

        /// <summary>Gets a fresh <see cref="MediaItem.BaseUrl"/> for <paramref name="item"/> (the source's private copy) and stores it on it.</summary>
        protected abstract Task RefreshAsync(MediaItem item, CancellationToken cancellationToken);

        /// <summary>The base-URL parameter that yields the original bytes of a variant.</summary>
        public static string ParameterFor(MediaItem item, ContentVariant variant)
            => variant == ContentVariant.MotionVideo || item.IsVideo ? "=dv" : "=d";

        public async Task<MediaContent> OpenAsync(MediaItem callerItem, ContentVariant variant, CancellationToken cancellationToken)
        {
            if (callerItem == null) throw new ArgumentNullException(nameof(callerItem));
            string key = callerItem.SessionId + "\n" + callerItem.Id;
            // The newer of the caller's URL and the one this source refreshed last.
            MediaItem basis = _refreshed.TryGetValue(key, out MediaItem known)
                && (callerItem.BaseUrlReceived == null || known.BaseUrlReceived > callerItem.BaseUrlReceived) ? known : callerItem;
            MediaItem item = basis.CopyForRefresh();
            bool refreshed = false;
            if (string.IsNullOrEmpty(item.BaseUrl) || item.BaseUrlReceived == null || DateTime.UtcNow - item.BaseUrlReceived.Value > FreshFor)
            {
                await RefreshAsync(item, cancellationToken).ConfigureAwait(false);
                _refreshed[key] = item;
                refreshed = true;
            }

            while (true)
            {
                if (!Uri.TryCreate(item.BaseUrl + ParameterFor(item, variant), UriKind.Absolute, out Uri url)
                    || (url.Scheme != Uri.UriSchemeHttps && url.Scheme != Uri.UriSchemeHttp))
                    throw new GoogleApiException(0, null, null, $"The base URL of '{item.Filename}' ({item.Id}) is not an http(s) URL.");
                try
                {
                    MediaResponse response = await Api.OpenMediaAsync(url, SendToken, cancellationToken).ConfigureAwait(false);
                    try
                    {
                        return new MediaContent(await response.OpenBodyAsync().ConfigureAwait(false), response.ContentLength, response.ContentType, response);
                    }
                    catch
                    {
                        response.Dispose();
                        throw;
                    }
                }
                catch (GoogleApiException ex) when (ex.HttpStatus == 404 && variant == ContentVariant.MotionVideo)
                {
                    // The URL is fresh (stale ones were renewed above), so 404 on =dv means "no video part": a plain
                    // photo, not a dead link. Refreshing here would cost a request per photo and spend the one refresh.
                    return null;
                }
                catch (GoogleApiException ex) when ((ex.HttpStatus == 403 || ex.HttpStatus == 404) && !refreshed)
                {
                    // Expired or revoked base URL: Google answers a plain 403/404. Get a new one and try once more.
                    await RefreshAsync(item, cancellationToken).ConfigureAwait(false);
                    _refreshed[key] = item;
                    refreshed = true;
                }
            }
        }
    }
}
