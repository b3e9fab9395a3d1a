using System.Globalization;
using System.Text;
using System.Text.Json;

namespace GPhotos.Emulator.Http;

/// <summary>A validated mediaItems:search request, with every rule of Google's documentation.</summary>
internal sealed class SearchQuery
{
    internal static readonly string[] ContentCategories =
    {
        "NONE", "LANDSCAPES", "RECEIPTS", "CITYSCAPES", "LANDMARKS", "SELFIES", "PEOPLE", "PETS", "WEDDINGS", "BIRTHDAYS", "DOCUMENTS",
        "TRAVEL", "ANIMALS", "FOOD", "SPORT", "NIGHT", "PERFORMANCES", "WHITEBOARDS", "SCREENSHOTS", "UTILITY", "ARTS", "CRAFTS",
        "FASHION", "HOUSES", "GARDENS", "FLOWERS", "HOLIDAYS",
    };

    public readonly record struct Date(int Year, int Month, int Day)
    {
        public int Format => (Year != 0 ? 4 : 0) | (Month != 0 ? 2 : 0) | (Day != 0 ? 1 : 0);
        public override string ToString() => $"{Year}-{Month}-{Day}";
    }

    public string AlbumId;
    public int PageSize = 25;
    public string PageToken;
    public List<Date> Dates = new();
    public List<(Date Start, Date End)> Ranges = new();
    public string MediaType; // null, ALL_MEDIA, PHOTO, VIDEO
    public bool Favorites;
    public HashSet<string> Included = new(), Excluded = new();
    public bool IncludeArchived;
    public string OrderBy; // null, asc, desc
    public string Canonical = "";
    public ulong Fingerprint;

    private static readonly Dictionary<string, string[]> Known = new()
    {
        ["request"] = new[] { "albumId", "pageSize", "pageToken", "filters", "orderBy" },
        ["filters"] = new[] { "dateFilter", "contentFilter", "mediaTypeFilter", "featureFilter", "includeArchivedMedia", "excludeNonAppCreatedData" },
        ["dateFilter"] = new[] { "dates", "ranges" },
        ["range"] = new[] { "startDate", "endDate" },
        ["date"] = new[] { "year", "month", "day" },
        ["contentFilter"] = new[] { "includedContentCategories", "excludedContentCategories" },
        ["mediaTypeFilter"] = new[] { "mediaTypes" },
        ["featureFilter"] = new[] { "includedFeatures" },
    };

    private sealed class Invalid : Exception
    {
        public Invalid(string m) : base(m) { }
    }

    public static (SearchQuery Query, string Error) Parse(JsonElement root, LibrarySnapshot snap)
    {
        try
        {
            var q = new SearchQuery();
            q.ParseRequest(root, snap);
            return (q, null);
        }
        catch (Invalid e)
        {
            return (null, e.Message);
        }
    }

    private static string Snake(string camel)
    {
        var sb = new StringBuilder();
        foreach (var c in camel)
        {
            if (char.IsUpper(c)) { sb.Append('_'); sb.Append(char.ToLowerInvariant(c)); }
            else sb.Append(c);
        }
        return sb.ToString();
    }

    /// <summary>proto3 JSON: fields may be lowerCamel or the proto name; unknown names are an error.</summary>
    private static Dictionary<string, JsonElement> Fields(JsonElement obj, string kind, string path)
    {
        if (obj.ValueKind != JsonValueKind.Object)
            throw new Invalid($"Invalid JSON payload received. Expected an object for '{path}'.");
        var known = Known[kind];
        var result = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        foreach (var p in obj.EnumerateObject())
        {
            var name = known.FirstOrDefault(k => k == p.Name || Snake(k) == p.Name);
            if (name == null)
                throw new Invalid($"Invalid JSON payload received. Unknown name \"{p.Name}\"{(path.Length > 0 ? " at '" + path + "'" : "")}: Cannot find field.");
            if (p.Value.ValueKind != JsonValueKind.Null) result[name] = p.Value;
        }
        return result;
    }

    private static int Int(JsonElement e, string path)
    {
        if (e.ValueKind == JsonValueKind.Number && e.TryGetInt32(out var v)) return v;
        if (e.ValueKind == JsonValueKind.String && int.TryParse(e.GetString(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out v)) return v;
        throw new Invalid($"Invalid value at '{path}' (TYPE_INT32), {e.GetRawText()}");
    }

    private static bool Bool(JsonElement e, string path)
    {
        if (e.ValueKind == JsonValueKind.True) return true;
        if (e.ValueKind == JsonValueKind.False) return false;
        throw new Invalid($"Invalid value at '{path}' (TYPE_BOOL), {e.GetRawText()}");
    }

    private static string Str(JsonElement e, string path)
    {
        if (e.ValueKind == JsonValueKind.String) return e.GetString();
        throw new Invalid($"Invalid value at '{path}' (TYPE_STRING), {e.GetRawText()}");
    }

    private static List<string> Enums(JsonElement e, string path, string[] allowed, string enumType)
    {
        if (e.ValueKind != JsonValueKind.Array) throw new Invalid($"Invalid value at '{path}', expected a list.");
        var list = new List<string>();
        int i = 0;
        foreach (var x in e.EnumerateArray())
        {
            var s = x.ValueKind == JsonValueKind.String ? x.GetString() : null;
            if (s == null || !allowed.Contains(s, StringComparer.Ordinal))
                throw new Invalid($"Invalid value at '{path}[{i}]' (type.googleapis.com/google.photos.library.v1.{enumType}), {x.GetRawText()}");
            list.Add(s);
            i++;
        }
        return list;
    }

    private void ParseRequest(JsonElement root, LibrarySnapshot snap)
    {
        var f = Fields(root, "request", "");
        if (f.TryGetValue("albumId", out var a)) AlbumId = NullIfEmpty(Str(a, "album_id"));
        if (f.TryGetValue("pageSize", out var ps))
        {
            int v = Int(ps, "page_size");
            if (v < 0) throw new Invalid("Invalid page size: must be non-negative.");
            PageSize = v == 0 ? 25 : Math.Min(v, 100);
        }
        if (f.TryGetValue("pageToken", out var pt)) PageToken = NullIfEmpty(Str(pt, "page_token"));
        if (f.TryGetValue("orderBy", out var ob))
        {
            var s = (Str(ob, "order_by") ?? "").Trim();
            if (s.Length > 0)
            {
                var parts = s.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                if (parts[0] != "MediaMetadata.creation_time" || parts.Length > 2 || (parts.Length == 2 && parts[1] != "desc"))
                    throw new Invalid($"Invalid orderBy: \"{s}\". Supported: \"MediaMetadata.creation_time\" and \"MediaMetadata.creation_time desc\".");
                OrderBy = parts.Length == 2 ? "desc" : "asc";
            }
        }

        bool hasFilters = f.TryGetValue("filters", out var filters);
        bool otherFilter = false, dateFilter = false;
        if (hasFilters)
        {
            var ff = Fields(filters, "filters", "filters");
            if (ff.TryGetValue("includeArchivedMedia", out var ia)) IncludeArchived = Bool(ia, "filters.include_archived_media");
            if (ff.TryGetValue("excludeNonAppCreatedData", out var ex)) Bool(ex, "filters.exclude_non_app_created_data"); // ignored under appcreateddata scopes
            if (ff.TryGetValue("dateFilter", out var df)) dateFilter = ParseDateFilter(df);
            if (ff.TryGetValue("mediaTypeFilter", out var mtf))
            {
                var m = Fields(mtf, "mediaTypeFilter", "filters.media_type_filter");
                if (m.TryGetValue("mediaTypes", out var types))
                {
                    var list = Enums(types, "filters.media_type_filter.media_types", new[] { "ALL_MEDIA", "VIDEO", "PHOTO" }, "MediaTypeFilter.MediaType");
                    if (list.Count > 1) throw new Invalid("The media type filter must contain exactly one media type.");
                    if (list.Count == 1) { MediaType = list[0]; otherFilter = true; }
                }
            }
            if (ff.TryGetValue("featureFilter", out var ftf))
            {
                var m = Fields(ftf, "featureFilter", "filters.feature_filter");
                if (m.TryGetValue("includedFeatures", out var feats))
                {
                    var list = Enums(feats, "filters.feature_filter.included_features", new[] { "NONE", "FAVORITES" }, "FeatureFilter.Feature");
                    if (list.Count > 0) otherFilter = true;
                    Favorites = list.Contains("FAVORITES");
                }
            }
            if (ff.TryGetValue("contentFilter", out var cf))
            {
                var m = Fields(cf, "contentFilter", "filters.content_filter");
                if (m.TryGetValue("includedContentCategories", out var inc))
                    Included = Enums(inc, "filters.content_filter.included_content_categories", ContentCategories, "ContentFilter.ContentCategory").ToHashSet();
                if (m.TryGetValue("excludedContentCategories", out var exc))
                    Excluded = Enums(exc, "filters.content_filter.excluded_content_categories", ContentCategories, "ContentFilter.ContentCategory").ToHashSet();
                if (Included.Count > 10) throw new Invalid("Too many included content categories: at most 10 are allowed.");
                if (Excluded.Count > 10) throw new Invalid("Too many excluded content categories: at most 10 are allowed.");
                if (Included.Overlaps(Excluded)) throw new Invalid("A content category can't be both included and excluded.");
                if (Included.Count + Excluded.Count > 0) otherFilter = true;
                if (Included.Count > 1) Included.Remove("NONE");
            }
        }

        if (AlbumId != null)
        {
            if (hasFilters) throw new Invalid("Filters can't be set in conjunction with an albumId.");
            if (OrderBy != null) throw new Invalid("orderBy can't be set in conjunction with an albumId.");
            if (!snap.AlbumsById.TryGetValue(AlbumId, out var album) || !album.AppCreated) throw new Invalid("Invalid album ID.");
        }
        if (OrderBy != null)
        {
            if (!dateFilter) throw new Invalid("orderBy requires a dateFilter.");
            if (otherFilter) throw new Invalid("orderBy can only be used with a dateFilter and no other filters (content, media type or feature).");
        }

        var sb = new StringBuilder();
        sb.Append("a=").Append(AlbumId).Append("|f=").Append(hasFilters).Append("|d=").Append(string.Join(",", Dates))
          .Append("|r=").Append(string.Join(",", Ranges.Select(r => r.Start + ".." + r.End)))
          .Append("|t=").Append(MediaType).Append("|fav=").Append(Favorites)
          .Append("|in=").Append(string.Join(",", Included.Order())).Append("|ex=").Append(string.Join(",", Excluded.Order()))
          .Append("|arch=").Append(IncludeArchived).Append("|o=").Append(OrderBy);
        Canonical = sb.ToString();
        Fingerprint = Hashing.Fnv1a(Canonical);
    }

    private static string NullIfEmpty(string s) => string.IsNullOrEmpty(s) ? null : s;

    private bool ParseDateFilter(JsonElement df)
    {
        var m = Fields(df, "dateFilter", "filters.date_filter");
        if (m.TryGetValue("dates", out var dates))
        {
            if (dates.ValueKind != JsonValueKind.Array) throw new Invalid("Invalid value at 'filters.date_filter.dates', expected a list.");
            int i = 0;
            foreach (var d in dates.EnumerateArray()) Dates.Add(ParseDate(d, $"filters.date_filter.dates[{i++}]"));
            if (Dates.Count > 5) throw new Invalid("Too many dates in the date filter: at most 5 are allowed.");
        }
        if (m.TryGetValue("ranges", out var ranges))
        {
            if (ranges.ValueKind != JsonValueKind.Array) throw new Invalid("Invalid value at 'filters.date_filter.ranges', expected a list.");
            int i = 0;
            foreach (var r in ranges.EnumerateArray())
            {
                string path = $"filters.date_filter.ranges[{i++}]";
                var rf = Fields(r, "range", path);
                if (!rf.TryGetValue("startDate", out var sd) || !rf.TryGetValue("endDate", out var ed))
                    throw new Invalid($"A date range needs both a startDate and an endDate ({path}).");
                var s = ParseDate(sd, path + ".start_date");
                var e = ParseDate(ed, path + ".end_date");
                if (s.Format != e.Format) throw new Invalid($"The start and end dates of a range must have the same format ({path}).");
                if (Key(s) > Key(e)) throw new Invalid($"The start date of a range must not be after its end date ({path}).");
                Ranges.Add((s, e));
            }
            if (Ranges.Count > 5) throw new Invalid("Too many date ranges in the date filter: at most 5 are allowed.");
        }
        return Dates.Count + Ranges.Count > 0;
    }

    /// <summary>Google's Date rules: year 0-9999, month 0-12, day 0-31 valid for the month; supported shapes are
    /// y-m-d, y-m-0, y-0-0 and 0-m-d (all zero, only month zero, or day and year both zero are invalid).</summary>
    private static Date ParseDate(JsonElement e, string path)
    {
        var f = Fields(e, "date", path);
        int y = f.TryGetValue("year", out var ye) ? Int(ye, path + ".year") : 0;
        int mo = f.TryGetValue("month", out var me) ? Int(me, path + ".month") : 0;
        int d = f.TryGetValue("day", out var de) ? Int(de, path + ".day") : 0;
        var date = new Date(y, mo, d);
        if (y < 0 || y > 9999) throw new Invalid($"Invalid date {date} at '{path}': year must be from 1 to 9999, or 0.");
        if (mo < 0 || mo > 12) throw new Invalid($"Invalid date {date} at '{path}': month must be from 1 to 12, or 0.");
        if (d < 0 || d > 31) throw new Invalid($"Invalid date {date} at '{path}': day must be from 1 to 31, or 0.");
        switch (date.Format)
        {
            case 0: throw new Invalid($"Invalid date {date} at '{path}': all of year, month and day are zero.");
            case 4 | 1: throw new Invalid($"Invalid date {date} at '{path}': only the month is zero.");
            case 2: throw new Invalid($"Invalid date {date} at '{path}': day and year are both zero.");
            case 1: throw new Invalid($"Invalid date {date} at '{path}': day and year are both zero.");
        }
        if (d != 0)
        {
            int max = y != 0 ? DateTime.DaysInMonth(y, mo) : DateTime.DaysInMonth(2000, mo);
            if (d > max) throw new Invalid($"Invalid date {date} at '{path}': day is not valid for the month.");
        }
        return date;
    }

    private static long Key(Date d) => d.Year * 10000L + d.Month * 100 + d.Day;

    private static long ItemKey(DateTime t, int format) => format switch
    {
        7 => t.Year * 10000L + t.Month * 100 + t.Day,
        6 => t.Year * 10000L + t.Month * 100,
        4 => t.Year * 10000L,
        _ => t.Month * 100L + t.Day, // 0-m-d
    };

    public bool Matches(MediaItemRecord it)
    {
        if (it.Archived && !IncludeArchived) return false;
        if (Dates.Count + Ranges.Count > 0)
        {
            if (it.CaptureTime is not DateTimeOffset ct) return false;
            var t = ct.UtcDateTime;
            bool any = Dates.Any(d => (d.Year == 0 || d.Year == t.Year) && (d.Month == 0 || d.Month == t.Month) && (d.Day == 0 || d.Day == t.Day))
                       || Ranges.Any(r => { long k = ItemKey(t, r.Start.Format); return k >= Key(r.Start) && k <= Key(r.End); });
            if (!any) return false;
        }
        if (MediaType == "PHOTO" && it.IsVideo) return false;
        if (MediaType == "VIDEO" && !it.IsVideo) return false;
        if (Favorites && !it.Favorite) return false;
        if (Included.Count > 0 && !(Included.Count == 1 && Included.Contains("NONE")) && !it.Categories.Any(Included.Contains)) return false;
        if (Excluded.Count > 0 && it.Categories.Any(Excluded.Contains)) return false;
        return true;
    }
}
