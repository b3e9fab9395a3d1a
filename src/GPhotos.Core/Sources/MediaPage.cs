using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using GPhotos.Http;
using GPhotos.Model;
using Newtonsoft.Json;

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

        /// <summary>
        /// A list/search/picked-items answer, read from <paramref name="reader"/> (not yet read) item by item with
        /// <paramref name="readItem"/>: <c>mediaItems</c> (elements that are not objects skipped; not an array: no
        /// items) and <c>nextPageToken</c>, the last of repeated keys winning, everything else skipped. Throws only
        /// for malformed JSON, as loading the page whole did.
        /// </summary>
        internal static MediaPage Read(JsonReader reader, Func<JsonReader, MediaItem> readItem)
        {
            var items = new List<MediaItem>();
            JsonScalar next = default;
            JsonReader r = JsonStream.OpenObject(reader);
            bool first = true;
            while (r != null && JsonStream.NextProperty(r, out string name, first))
            {
                first = false;
                switch (name)
                {
                    case "mediaItems":
                        items.Clear();
                        if (r.TokenType != JsonToken.StartArray) { JsonStream.Skip(r); break; }
                        while (JsonStream.NextElement(r))
                        {
                            if (r.TokenType == JsonToken.StartObject) items.Add(readItem(r));
                            else JsonStream.Skip(r);
                        }
                        break;
                    case "nextPageToken": next = JsonStream.Value(r); break;
                    default: JsonStream.Skip(r); break;
                }
            }
            return new MediaPage(items, next.AsString());
        }
    }

    /// <summary>
    /// The one page loop. Walks a listing the way Google's pages really come: a page may be empty yet carry a
    /// nextPageToken (keep going), and an item may come again on a later page (list it once, and count it for a
    /// warning that names it). Bounded: after <see cref="PageGuard.MaxPagesWithoutNewItems"/> pages in a row that
    /// bring nothing new, the listing stops with <see cref="ListingStalledException"/> instead of paging forever.
    /// Steppable (<see cref="Accept"/>, for a cmdlet writing each page on the pipeline thread) or whole
    /// (<see cref="ReadAllAsync"/>).
    /// </summary>
    public class Pager<T> where T : class
    {
        private const int MaxNames = 20;
        // Fingerprints, not the id strings: a HashSet<string> kept every id of the listing alive (about 150 bytes per
        // item, promoted through gen1/gen2: +16 MB at 100k items). 8 bytes per item in one array instead.
        private readonly IdFingerprints _seen = new IdFingerprints();
        private readonly List<string> _repeatedNames = new List<string>();
        private readonly Func<T, string> _idOf;
        private readonly Func<T, string> _describe;
        private int _barren;

        public Pager(string what, Func<T, string> idOf, Func<T, string> describe)
        {
            What = what;
            _idOf = idOf ?? throw new ArgumentNullException(nameof(idOf));
            _describe = describe ?? (x => _idOf(x));
        }

        /// <summary>What is listed ("Library", "Albums", "Picker session X"), for messages.</summary>
        public string What { get; }

        /// <summary>The token to ask the next page with (null for the first page).</summary>
        public string Token { get; private set; }

        /// <summary>True once a page came without a next-page token.</summary>
        public bool IsDone { get; private set; }

        public int Pages { get; private set; }

        /// <summary>Items handed out so far (each once).</summary>
        public long Total { get; private set; }

        /// <summary>Items repeated from earlier pages (each listed once only).</summary>
        public int Repeated { get; private set; }

        /// <summary>The first repeated items, as the describe function names them, for a warning.</summary>
        public IReadOnlyList<string> RepeatedNames => _repeatedNames;

        /// <summary>The warning naming repeated items, or null when Google repeated none.</summary>
        public string RepeatWarning => Repeated == 0 ? null
            : $"{What}: Google listed {Repeated} item(s) again on a later page; each was written once: "
              + string.Join(", ", _repeatedNames) + (Repeated > _repeatedNames.Count ? ", …" : "") + ".";

        /// <summary>
        /// The items of one page not listed before; moves <see cref="Token"/> on. Throws
        /// <see cref="ListingStalledException"/> once too many pages in a row brought nothing new while still
        /// pointing at a next page.
        /// </summary>
        public IReadOnlyList<T> Accept(IReadOnlyList<T> items, string nextPageToken)
        {
            if (string.IsNullOrEmpty(nextPageToken)) nextPageToken = null;
            var fresh = new List<T>(items?.Count ?? 0);
            foreach (T item in items ?? Array.Empty<T>())
            {
                // Items without an id cannot be compared: keep them (the caller reports them).
                string id = item == null ? null : _idOf(item);
                if (id == null || _seen.Add(id)) fresh.Add(item);
                else
                {
                    Repeated++;
                    if (_repeatedNames.Count < MaxNames) _repeatedNames.Add(_describe(item));
                }
            }
            Pages++;
            Total += fresh.Count;
            if (fresh.Count > 0) _barren = 0;
            else if (nextPageToken != null && ++_barren >= PageGuard.MaxPagesWithoutNewItems)
                throw new ListingStalledException(What, _barren);
            Token = nextPageToken;
            IsDone = nextPageToken == null;
            return fresh;
        }

        /// <summary>Every page until the last, through <paramref name="getPage"/> (token in, items and next token out).</summary>
        public async Task<List<T>> ReadAllAsync(Func<string, CancellationToken, Task<(IReadOnlyList<T> Items, string Next)>> getPage, CancellationToken cancellationToken)
        {
            var all = new List<T>();
            while (!IsDone)
            {
                var (items, next) = await getPage(Token, cancellationToken).ConfigureAwait(false);
                all.AddRange(Accept(items, next));
            }
            return all;
        }
    }

    /// <summary>
    /// The ids a listing has handed out, as 64-bit fingerprints in 256 small open-addressing tables: about 11–21 bytes per id
    /// and no object per id, so a 500,000-item listing holds 5–8 MB here and nothing it lists outlives its page.
    /// Two different ids share a fingerprint with odds of about n²/2⁶⁵ (under 10⁻⁸ at a million ids); the later one
    /// would then be counted as a repeat and named in <see cref="Pager{T}.RepeatWarning"/>, never dropped silently.
    /// </summary>
    internal sealed class IdFingerprints
    {
        // 256 small tables chosen by the fingerprint's top byte, not one big one: a table that doubles copies only
        // 1/256 of the set (one big table held old and new, 12 MB, while growing at 500k ids), and each stays under
        // the large-object heap's 85 KB up to about 1.5 million ids, so growing never forces a full collection.
        private readonly ulong[][] _tables = new ulong[256][];
        private readonly int[] _used = new int[256];
        private int _count;

        public int Count => _count;

        /// <summary>Bytes held (for the memory tests).</summary>
        public long Bytes
        {
            get
            {
                long bytes = 0;
                foreach (ulong[] t in _tables) if (t != null) bytes += t.LongLength * sizeof(ulong);
                return bytes;
            }
        }

        /// <summary>True when <paramref name="id"/> was not seen before (and now is).</summary>
        public bool Add(string id)
        {
            ulong f = Fingerprint(id);
            int which = (int)(f >> 56);
            ulong[] table = _tables[which] ?? (_tables[which] = new ulong[16]);
            if (!Insert(table, f)) return false;
            _count++;
            // Grow at 75 % full: linear probing stays short.
            if (++_used[which] * 4 > table.Length * 3)
            {
                var bigger = new ulong[table.Length * 2];
                foreach (ulong old in table) if (old != 0) Insert(bigger, old);
                _tables[which] = bigger;
            }
            return true;
        }

        private static bool Insert(ulong[] slots, ulong f)
        {
            int mask = slots.Length - 1;
            // Bits below the table selector's: the top byte is the same for every entry of one table.
            for (int i = (int)(f >> 24) & mask; ; i = (i + 1) & mask)
            {
                if (slots[i] == 0) { slots[i] = f; return true; }
                if (slots[i] == f) return false;
            }
        }

        /// <summary>FNV-1a over the UTF-16 code units, then the splitmix64 finalizer so every bit depends on every char. Never 0 (0 marks an empty slot).</summary>
        internal static ulong Fingerprint(string id)
        {
            ulong h = 14695981039346656037UL;
            foreach (char c in id) { h ^= c; h *= 1099511628211UL; }
            h ^= (ulong)id.Length;
            h = (h ^ (h >> 30)) * 0xbf58476d1ce4e5b9UL;
            h = (h ^ (h >> 27)) * 0x94d049bb133111ebUL;
            h ^= h >> 31;
            return h == 0 ? 1 : h;
        }
    }

    /// <summary>The <see cref="Pager{T}"/> of media listings (Library, search, Picker sessions).</summary>
    public sealed class PageGuard : Pager<MediaItem>
    {
        /// <summary>Pages in a row without a new item before a listing is given up.</summary>
        public const int MaxPagesWithoutNewItems = 20;

        public PageGuard(string what) : base(what, m => m.Id, m => $"'{m.Filename}' ({m.Id})") { }

        public IReadOnlyList<MediaItem> Accept(MediaPage page) => Accept(page.Items, page.NextPageToken);
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
