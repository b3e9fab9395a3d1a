using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using GPhotos.Http;
using GPhotos.Model;

namespace GPhotos.Sources.Picker
{
    /// <summary>
    /// Picked items' bytes. Their base URLs need the bearer token, and the only way to renew them is to list the
    /// session again while it lives: one re-listing refreshes every item of that session, and concurrent
    /// workers share it.
    /// </summary>
    public sealed class PickerContentSource : BaseUrlContentSource
    {
        private readonly PickerClient _picker;
        private readonly SemaphoreSlim _refreshGate = new SemaphoreSlim(1, 1);
        private readonly Dictionary<string, MediaItem> _fresh = new Dictionary<string, MediaItem>(StringComparer.Ordinal);

        public PickerContentSource(GoogleApiClient api) : base(api) => _picker = new PickerClient(api);

        protected override bool SendToken => true;

        protected override async Task RefreshAsync(MediaItem item, CancellationToken cancellationToken)
        {
            if (string.IsNullOrEmpty(item.SessionId))
                throw new InvalidOperationException($"'{item.Filename}' ({item.Id}) came from the Picker but carries no session id, so its download link cannot be renewed. List the session again with Get-GPhotosMediaItem -SessionId.");
            DateTime askedAt = DateTime.UtcNow;
            await _refreshGate.WaitAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                string key = item.SessionId + "\n" + item.Id;
                // Another worker may have re-listed the session while we waited.
                if (!(_fresh.TryGetValue(key, out MediaItem known) && known.BaseUrlReceived >= askedAt.AddSeconds(-1) && known.BaseUrl != item.BaseUrl))
                {
                    List<MediaItem> listed = await new PageGuard("Picker session " + item.SessionId).ReadAllAsync(async (token, ct) =>
                    {
                        MediaPage page = await _picker.GetPageAsync(item.SessionId, token, ct).ConfigureAwait(false);
                        return (page.Items, page.NextPageToken);
                    }, cancellationToken).ConfigureAwait(false);
                    foreach (MediaItem m in listed) _fresh[item.SessionId + "\n" + m.Id] = m;
                }
                if (!_fresh.TryGetValue(key, out known))
                    throw new GoogleApiException(404, "NOT_FOUND", null, $"'{item.Filename}' ({item.Id}) is no longer part of picking session {item.SessionId}.");
                item.BaseUrl = known.BaseUrl;
                item.BaseUrlReceived = known.BaseUrlReceived;
            }
            catch (GoogleApiException ex) when (ex.HttpStatus == 403 || ex.HttpStatus == 404)
            {
                throw new GoogleApiException(ex.HttpStatus, ex.RpcStatus, ex.ApiMessage,
                    $"Picking session {item.SessionId} has expired or was deleted, so '{item.Filename}' can no longer be downloaded. Pick the items again with Get-GPhotosMediaItem -Pick.", null, ex);
            }
            finally
            {
                _refreshGate.Release();
            }
        }
    }
}
