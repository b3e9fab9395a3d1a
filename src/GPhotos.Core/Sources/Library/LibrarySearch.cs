using System;
using GPhotos.Model;
using Newtonsoft.Json.Linq;

namespace GPhotos.Sources.Library
{
    /// <summary>
    /// Server-side filters for <c>mediaItems:search</c>, so a 100k-item library is not listed to find 200 videos.
    /// <see cref="Validate"/> rejects what Google rejects, before any request.
    /// </summary>
    public sealed class LibrarySearch
    {
        public DateTime? From { get; set; }
        public DateTime? To { get; set; }
        public MediaType? MediaType { get; set; }
        public bool FavoritesOnly { get; set; }
        public bool IncludeArchived { get; set; }
        public string AlbumId { get; set; }

        public bool HasFilters => From.HasValue || To.HasValue || (MediaType.HasValue && MediaType != Model.MediaType.Unspecified)
            || FavoritesOnly || IncludeArchived;

        /// <summary>Is a search needed at all (rather than a plain list)?</summary>
        public bool IsEmpty => !HasFilters && string.IsNullOrEmpty(AlbumId);

        /// <summary>Throws <see cref="ArgumentException"/> for combinations Google answers with 400 INVALID_ARGUMENT.</summary>
        public void Validate()
        {
            if (!string.IsNullOrEmpty(AlbumId) && HasFilters)
                throw new ArgumentException("Google does not allow an album together with filters (date, media type, favorites, archived). Use -AlbumId alone and filter in PowerShell, e.g. | Where-Object IsVideo.");
            if (From.HasValue && To.HasValue && From.Value.Date > To.Value.Date)
                throw new ArgumentException($"-From ({From:yyyy-MM-dd}) is after -To ({To:yyyy-MM-dd}).");
            foreach (DateTime? d in new[] { From, To })
                if (d.HasValue && (d.Value.Year < 1 || d.Value.Year > 9999))
                    throw new ArgumentException("Dates must be between the years 1 and 9999.");
        }

        internal JObject ToRequestBody(int pageSize, string pageToken)
        {
            Validate();
            var body = new JObject { ["pageSize"] = pageSize };
            if (!string.IsNullOrEmpty(pageToken)) body["pageToken"] = pageToken;
            if (!string.IsNullOrEmpty(AlbumId))
            {
                body["albumId"] = AlbumId;
                return body;
            }

            var filters = new JObject();
            if (From.HasValue || To.HasValue)
            {
                // A range needs both ends; Google's Date allows years 1..9999.
                DateTime start = From ?? new DateTime(1, 1, 1);
                DateTime end = To ?? new DateTime(9999, 12, 31);
                filters["dateFilter"] = new JObject
                {
                    ["ranges"] = new JArray(new JObject { ["startDate"] = DateJson(start), ["endDate"] = DateJson(end) }),
                };
            }
            if (MediaType.HasValue && MediaType != Model.MediaType.Unspecified)
                filters["mediaTypeFilter"] = new JObject { ["mediaTypes"] = new JArray(MediaType == Model.MediaType.Video ? "VIDEO" : "PHOTO") };
            if (FavoritesOnly)
                filters["featureFilter"] = new JObject { ["includedFeatures"] = new JArray("FAVORITES") };
            if (IncludeArchived)
                filters["includeArchivedMedia"] = true;
            body["filters"] = filters;
            return body;
        }

        private static JObject DateJson(DateTime d) => new JObject { ["year"] = d.Year, ["month"] = d.Month, ["day"] = d.Day };
    }
}
