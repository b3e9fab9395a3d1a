using System.Collections.Generic;
using GPhotos.Model;

namespace GPhotos.Sources
{
    /// <summary>One page of a listing, as it arrived.</summary>
    public sealed class MediaPage
    {
        public MediaPage(IReadOnlyList<MediaItem> items, string nextPageToken)
        {
            Items = items;
            NextPageToken = string.IsNullOrEmpty(nextPageToken) ? null : nextPageToken;
        }

        public IReadOnlyList<MediaItem> Items { get; }

        /// <summary>Null on the last page.</summary>
        public string NextPageToken { get; }
    }
}
