using System;
using System.Collections.Generic;
using GPhotos.Http;
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

    /// <summary>
    /// Walks a listing the way Google's pages really come: a page may be empty yet carry a nextPageToken (keep going),
    /// and an item may come again on a later page (list it once). Bounded: after <see cref="MaxPagesWithoutNewItems"/>
    /// pages in a row that bring nothing new, the listing stops with <see cref="ListingStalledException"/> instead of
    /// paging forever.
    /// </summary>
    public sealed class PageGuard
    {
        /// <summary>Pages in a row without a new item before the listing is given up.</summary>
        public const int MaxPagesWithoutNewItems = 20;

        private readonly HashSet<string> _seen = new HashSet<string>(StringComparer.Ordinal);
        private readonly string _what;
        private int _barren;

        public PageGuard(string what) => _what = what;

        /// <summary>Items repeated from earlier pages (each listed once only).</summary>
        public int Repeated { get; private set; }

        /// <summary>The first repeated items, "filename (id)", for a warning that names them.</summary>
        public IReadOnlyList<string> RepeatedNames => _repeatedNames;

        private const int MaxNames = 20;
        private readonly List<string> _repeatedNames = new List<string>();

        /// <summary>
        /// The items of <paramref name="page"/> not listed before. Throws <see cref="ListingStalledException"/> once too
        /// many pages in a row brought nothing new while still pointing at a next page.
        /// </summary>
        public IReadOnlyList<MediaItem> Accept(MediaPage page)
        {
            var fresh = new List<MediaItem>(page.Items.Count);
            foreach (MediaItem item in page.Items)
            {
                // Items without an id cannot be compared: keep them (the caller reports them).
                if (item?.Id == null || _seen.Add(item.Id)) fresh.Add(item);
                else
                {
                    Repeated++;
                    if (_repeatedNames.Count < MaxNames) _repeatedNames.Add($"'{item.Filename}' ({item.Id})");
                }
            }
            if (fresh.Count > 0) _barren = 0;
            else if (page.NextPageToken != null && ++_barren >= MaxPagesWithoutNewItems)
                throw new ListingStalledException(_what, _barren);
            return fresh;
        }
    }

    /// <summary>Google kept answering pages with a next-page token but no new items: the listing cannot progress.</summary>
    public sealed class ListingStalledException : GoogleApiException
    {
        public ListingStalledException(string what, int pages)
            : base(200, null, null,
                $"{what}: Google sent {pages} pages in a row with no new items but a next-page token, so the listing stopped here instead of paging forever. Items listed so far are complete; run the command again later.")
        {
        }
    }
}
