using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using GPhotos.Http;
using GPhotos.Model;

namespace GPhotos.Sources.Library
{
    /// <summary>
    /// Library items' bytes. Stale base URLs are refreshed with batchGet, and concurrent refreshes are coalesced
    /// into batches of up to 50 ids so a long run whose URLs all expire costs one request per 50 items, not one
    /// per item (the Library quota is 10,000 requests a day).
    /// </summary>
    public sealed class LibraryContentSource : BaseUrlContentSource
    {
        private readonly LibraryClient _library;
        private readonly object _gate = new object();
        private readonly List<KeyValuePair<string, TaskCompletionSource<BatchGetResult>>> _pending = new List<KeyValuePair<string, TaskCompletionSource<BatchGetResult>>>();
        private bool _flushScheduled;

        public LibraryContentSource(GoogleApiClient api) : base(api) => _library = new LibraryClient(api);

        /// <summary>How long to gather refresh requests before sending a batchGet.</summary>
        public TimeSpan CoalesceWindow { get; set; } = TimeSpan.FromMilliseconds(50);

        protected override bool SendToken => true;

        protected override async Task RefreshAsync(MediaItem item, CancellationToken cancellationToken)
        {
            var tcs = new TaskCompletionSource<BatchGetResult>(TaskCreationOptions.RunContinuationsAsynchronously);
            bool flushNow = false, schedule = false;
            lock (_gate)
            {
                _pending.Add(new KeyValuePair<string, TaskCompletionSource<BatchGetResult>>(item.Id, tcs));
                if (IdBatches.HasFull(_pending)) flushNow = true;
                else if (!_flushScheduled) { _flushScheduled = true; schedule = true; }
            }
            if (flushNow) _ = FlushAsync(cancellationToken);
            else if (schedule) _ = FlushLaterAsync(cancellationToken);

            BatchGetResult result;
            using (cancellationToken.Register(() => tcs.TrySetCanceled()))
                result = await tcs.Task.ConfigureAwait(false);
            if (result.Item == null || string.IsNullOrEmpty(result.Item.BaseUrl))
                throw new GoogleApiException(404, "NOT_FOUND", result.StatusMessage,
                    $"'{item.Filename}' ({item.Id}) can no longer be fetched from Google Photos: {result.StatusMessage ?? "not found"}.");
            item.BaseUrl = result.Item.BaseUrl;
            item.BaseUrlReceived = result.Item.BaseUrlReceived;
        }

        private async Task FlushLaterAsync(CancellationToken cancellationToken)
        {
            try { await Task.Delay(CoalesceWindow, cancellationToken).ConfigureAwait(false); }
            catch (OperationCanceledException) { }
            lock (_gate) _flushScheduled = false;
            await FlushAsync(cancellationToken).ConfigureAwait(false);
        }

        private async Task FlushAsync(CancellationToken cancellationToken)
        {
            while (true)
            {
                List<KeyValuePair<string, TaskCompletionSource<BatchGetResult>>> batch;
                lock (_gate)
                {
                    if (_pending.Count == 0) return;
                    batch = IdBatches.TakeFrom(_pending);
                }
                try
                {
                    IReadOnlyList<BatchGetResult> results = await _library.BatchGetAsync(batch.Select(p => p.Key).Distinct().ToList(), cancellationToken).ConfigureAwait(false);
                    var byId = results.GroupBy(r => r.RequestedId).ToDictionary(g => g.Key, g => g.First());
                    foreach (var p in batch) p.Value.TrySetResult(byId[p.Key]);
                }
                catch (OperationCanceledException)
                {
                    foreach (var p in batch) p.Value.TrySetCanceled();
                }
                catch (Exception ex)
                {
                    foreach (var p in batch) p.Value.TrySetException(ex);
                }
            }
        }
    }
}
