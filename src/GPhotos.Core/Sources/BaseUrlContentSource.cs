using System;
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
    /// the source's own API (<see cref="RefreshAsync"/>) and tried again.
    /// </summary>
    public abstract class BaseUrlContentSource : IMediaContentSource
    {
        /// <summary>Refresh before use when a URL is older than this (Google promises 60 minutes).</summary>
        public static readonly TimeSpan FreshFor = TimeSpan.FromMinutes(50);

        protected BaseUrlContentSource(GoogleApiClient api) => Api = api ?? throw new ArgumentNullException(nameof(api));

        protected GoogleApiClient Api { get; }

        /// <summary>Whether base URLs of this source need the bearer token (Picker: required; Library: unconfirmed, sent).</summary>
        protected abstract bool SendToken { get; }

        /// <summary>Gets a fresh <see cref="MediaItem.BaseUrl"/> for <paramref name="item"/> and stores it on the item.</summary>
        protected abstract Task RefreshAsync(MediaItem item, CancellationToken cancellationToken);

        /// <summary>The base-URL parameter that yields the original bytes of a variant.</summary>
        public static string ParameterFor(MediaItem item, ContentVariant variant)
            => variant == ContentVariant.MotionVideo || item.IsVideo ? "=dv" : "=d";

        public async Task<MediaContent> OpenAsync(MediaItem item, ContentVariant variant, CancellationToken cancellationToken)
        {
            if (item == null) throw new ArgumentNullException(nameof(item));
            bool refreshed = false;
            if (string.IsNullOrEmpty(item.BaseUrl) || item.BaseUrlReceived == null || DateTime.UtcNow - item.BaseUrlReceived.Value > FreshFor)
            {
                await RefreshAsync(item, cancellationToken).ConfigureAwait(false);
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
                    refreshed = true;
                }
            }
        }
    }
}
