#nullable enable
using System.Formats.Tar;
using System.Globalization;
using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace GPhotos.Emulator.Takeout;

/// <summary>
/// Writes a synthetic, deterministic Google Takeout export of Google Photos (zip/tgz parts or extracted folders) that
/// exercises every naming quirk real exports have, plus <c>manifest.json</c> saying what a correct reader must produce.
/// </summary>
/// <remarks>
/// Id rule the manifest follows (and a reader must too): the id in the sidecar url; "&lt;id&gt;-edited" for an edited copy;
/// for an item without sidecar the first 16 hex digits of SHA-256 over "&lt;year&gt;/&lt;file name&gt;" (year folder) or
/// "&lt;album folder&gt;/&lt;file name&gt;" (album-only item).
/// </remarks>
public static partial class TakeoutGenerator
{
    public const string PartPrefix = "takeout-20261101T000000Z-";
    public const string ManifestFileName = "manifest.json";
    public const long LargeSize = (4L << 30) + (1L << 20);

    private static readonly DateTimeOffset EntryTime = new(2026, 11, 1, 0, 0, 0, TimeSpan.Zero);

    public static readonly JsonSerializerOptions ManifestJson = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    private const string Usage =
        "usage: takeout --out DIR [--seed N] [--parts N] [--tgz] [--folders] [--items N] [--lang en|de|fr|es] [--large]\n" +
        "               [--photo-size BYTES] [--video-size BYTES]\n" +
        "  Writes a synthetic Google Takeout export of Google Photos into DIR plus DIR/manifest.json.\n" +
        "  --seed N    same seed, same bytes (default 1)\n" +
        "  --parts N   number of parts (default 3)\n" +
        "  --tgz       every even-numbered part is a .tgz (mixed export)\n" +
        "  --folders   write the parts as extracted folders instead of archives\n" +
        "  --items N   add plain items until there are at least N items (the quirk set is always included)\n" +
        "  --lang L    folder-name language (default en)\n" +
        "  --large     add one 4 GiB + 1 MiB video as a stored zip64 entry (about 7 s, 4 GB of disk)\n" +
        "  --photo-size BYTES, --video-size BYTES\n" +
        "              size of each plain photo / video added by --items (default 0.5-2 KB / 2-8 KB); the bytes are\n" +
        "              made while each part is written, so memory does not grow with them";

    /// <summary>Entry point of the emulator's <c>takeout</c> verb. Returns 0 on success, 2 on bad usage, 1 on failure.</summary>
    public static int Run(string[] args)
    {
        var o = new TakeoutGeneratorOptions();
        var a = new List<string>(args ?? Array.Empty<string>());
        if (a.Count > 0 && a[0].Equals("takeout", StringComparison.OrdinalIgnoreCase)) a.RemoveAt(0);
        try
        {
            for (int i = 0; i < a.Count; i++)
            {
                string Value() => i + 1 < a.Count ? a[++i] : throw new ArgumentException($"{a[i]} needs a value.");
                int Int() => int.TryParse(Value(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var v) && v >= 0 ? v : throw new ArgumentException($"{a[i]} needs a non-negative number.");
                long Size() => long.TryParse(Value(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var v) && v >= 0 && v <= int.MaxValue ? v : throw new ArgumentException($"{a[i]} needs a number of bytes (0 to 2147483647).");
                switch (a[i].ToLowerInvariant())
                {
                    case "--out": o.OutputDirectory = Value(); break;
                    case "--seed": o.Seed = Int(); break;
                    case "--parts": o.Parts = Int(); break;
                    case "--items": o.Items = Int(); break;
                    case "--lang": o.Language = Value(); break;
                    case "--tgz": o.Tgz = true; break;
                    case "--folders": o.Folders = true; break;
                    case "--large": o.Large = true; break;
                    case "--photo-size": o.PhotoSize = Size(); break;
                    case "--video-size": o.VideoSize = Size(); break;
                    case "-h": case "--help": case "-?": Console.WriteLine(Usage); return 0;
                    default: throw new ArgumentException($"Unknown option '{a[i]}'.");
                }
            }
            if (string.IsNullOrWhiteSpace(o.OutputDirectory)) throw new ArgumentException("--out DIR is required.");
            TakeoutLanguage.Get(o.Language);
        }
        catch (ArgumentException ex)
        {
            Console.Error.WriteLine(ex.Message);
            Console.Error.WriteLine(Usage);
            return 2;
        }

        try
        {
            var m = Generate(o);
            Console.WriteLine($"Wrote {m.Parts.Count} part(s) with {m.Items.Count} items ({m.Expected.Items} expected without trashed) to {m.Directory}");
            Console.WriteLine($"manifest: {Path.Combine(m.Directory, ManifestFileName)}");
            return 0;
        }
        catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException || ex is ArgumentException)
        {
            Console.Error.WriteLine("takeout: " + ex.Message);
            return 1;
        }
    }

    /// <summary>Writes the export and its manifest.json; returns the manifest.</summary>
    public static TakeoutManifest Generate(TakeoutGeneratorOptions o)
    {
        ArgumentNullException.ThrowIfNull(o);
        if (string.IsNullOrWhiteSpace(o.OutputDirectory)) throw new ArgumentException("OutputDirectory is required.", nameof(o));
        var lang = TakeoutLanguage.Get(o.Language);
        var dir = Path.GetFullPath(o.OutputDirectory);
        Directory.CreateDirectory(dir);
        var plan = new Plan(o, lang);
        plan.Build();
        plan.Place();
        plan.AssignParts();
        plan.Write(dir);
        var manifest = plan.Manifest(dir);
        // Straight to the file: at 500k items the manifest is about 500 MB of JSON, twice that as one string.
        using (var file = new FileStream(Path.Combine(dir, ManifestFileName), FileMode.Create, FileAccess.Write, FileShare.None))
            JsonSerializer.Serialize(file, manifest, ManifestJson);
        return manifest;
    }

    /// <summary>The fallback id a reader computes for an item without a sidecar url.</summary>
    public static string FallbackId(string stableRelativePath)
        => Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(stableRelativePath))).Substring(0, 16).ToLowerInvariant();

    // ---------------------------------------------------------------------------------------------------

    private enum Style { None, New, Old, NoExt }

    private sealed class Album
    {
        public required string Folder;
        public string? MetaTitle;        // null: no metadata file
        public bool AlbumDataForm;
        public string Title => string.IsNullOrEmpty(MetaTitle) ? Folder : MetaTitle;
    }

    private sealed class Item
    {
        public required string Quirk;
        public required string Title;
        public string? MediaNameOverride;     // e.g. the NFD form of the title
        public string? SidecarStemOverride;   // e.g. the NFD form of the title
        public Style Style = Style.New;
        public string? UrlId;
        public long? Taken, Created;
        public DateTime? ExifDate;
        public double? Lat, Lon, Alt;
        public double? ExifLat, ExifLon, ExifAlt;
        public bool StringNumbers, NoTakenTime;
        public List<string> People = new();
        public string? Description;
        public bool Fav, Arch, Trash;
        public required string Mime;
        public byte[] Bytes = Array.Empty<byte>();
        public long LargeSize;
        public int? W, H;
        public bool InYear = true;
        public int Year;
        public List<Album> Albums = new();
        public Item? EditedOf;
        public string? EditedSuffix;
        public byte[]? MotionBytes;
        public Fill? Fill;                    // a payload made while writing (plain items): Bytes is the head
        public string? MotionExt;             // companion name = media base + MotionExt
        public bool SidecarOtherPart, MotionOtherPart;

        // Placement results.
        public readonly List<FileOut> Media = new();
        public FileOut? Primary, PrimarySidecar, PrimaryMotion;

        public bool HasSidecar => EditedOf != null ? EditedOf.HasSidecar : Style != Style.None;
    }

    /// <summary>Pseudo-random bytes written after the head, then <see cref="Tail"/> (a JPEG's end marker).</summary>
    private sealed record Fill(int Seed, long Length, byte[] Tail);

    private sealed class FileOut
    {
        public required string Path;        // full entry path inside a part
        public byte[]? Bytes;
        public Item? SidecarOf;             // a JSON sidecar, made when its part is written (never held: 500k items)
        public Fill? Fill;
        public long LargeSize;
        public Item? Item;
        public int Part = -1;
        public string? Sha256;
        public long Size => LargeSize > 0 ? LargeSize : Bytes!.Length + (Fill == null ? 0 : Fill.Length + Fill.Tail.Length);
    }

    private sealed partial class Plan
    {
        private readonly TakeoutGeneratorOptions _o;
        private readonly TakeoutLanguage _lang;
        private readonly Random _rng;
        private readonly List<Item> _items = new();
        private readonly List<Album> _albums = new();
        private readonly List<FileOut> _files = new();
        private readonly List<string> _orphans = new();
        private readonly Dictionary<string, HashSet<string>> _namesInFolder = new(StringComparer.OrdinalIgnoreCase);
        private readonly List<string> _partNames = new();
        private readonly string _root;

        public Plan(TakeoutGeneratorOptions o, TakeoutLanguage lang)
        {
            _o = o;
            _lang = lang;
            _rng = new Random(o.Seed);
            _root = "Takeout/" + lang.PhotosFolder;
        }

        private Album AlbumNamed(string folder) => _albums.First(a => a.Folder == folder);

        private string NewUrlId()
        {
            const string chars = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
            var sb = new StringBuilder("AF1Qip");
            for (int i = 0; i < 38; i++) sb.Append(chars[_rng.Next(chars.Length)]);
            return sb.ToString();
        }

        private static long Unix(DateTime utc) => (long)(utc - DateTime.UnixEpoch).TotalSeconds;

        private long RandomTime(int year)
            => Unix(new DateTime(year, 1, 1, 0, 0, 0, DateTimeKind.Utc)) + _rng.NextInt64(0, 364L * 86400);

        /// <summary>A photo with a sidecar, EXIF two hours off the JSON time (as a camera in CEST would write it).</summary>
        private Item Photo(string quirk, string title, int year, Style style = Style.New)
        {
            var taken = RandomTime(year);
            int w = 640 + _rng.Next(3000), h = 480 + _rng.Next(2000);
            var exif = DateTime.UnixEpoch.AddSeconds(taken).AddHours(2);
            var item = new Item
            {
                Quirk = quirk, Title = title, Year = year, Style = style, UrlId = style == Style.None ? null : NewUrlId(),
                Taken = taken, Created = taken + _rng.Next(1, 30 * 86400), Mime = "image/jpeg", W = w, H = h, ExifDate = exif,
            };
            item.Bytes = SyntheticMedia.Jpeg(_rng, w, h, exif, 1500 + _rng.Next(4000));
            _items.Add(item);
            return item;
        }

        private Item Bmff(string quirk, string title, int year, string brand, string mime, Style style = Style.New)
        {
            var taken = RandomTime(year);
            var item = new Item
            {
                Quirk = quirk, Title = title, Year = year, Style = style, UrlId = style == Style.None ? null : NewUrlId(),
                Taken = taken, Created = taken + _rng.Next(1, 30 * 86400), Mime = mime,
                Bytes = SyntheticMedia.Bmff(_rng, brand, 2000 + _rng.Next(6000)),
            };
            _items.Add(item);
            return item;
        }

        private Item Edited(Item original, string ext)
        {
            var dot = original.Title.LastIndexOf('.');
            var item = new Item
            {
                Quirk = "edited", Title = original.Title, EditedOf = original, EditedSuffix = _lang.EditedSuffix,
                Mime = "image/jpeg", Year = original.Year, W = original.W ?? 1000, H = original.H ?? 800,
                MediaNameOverride = original.Title[..dot] + _lang.EditedSuffix + ext,
                Style = Style.None, InYear = original.InYear,
            };
            item.Albums.AddRange(original.Albums);
            item.Bytes = SyntheticMedia.Jpeg(_rng, item.W.Value, item.H.Value, original.ExifDate, 1500 + _rng.Next(3000));
            _items.Add(item);
            return item;
        }

        /// <summary>A name of exactly <paramref name="length"/> characters ending in ".jpg".</summary>
        private static string TitleOfLength(string prefix, int length)
        {
            var core = prefix + "_" + new string('x', Math.Max(0, length - prefix.Length - 5));
            return core[..(length - 4)] + ".jpg";
        }

        public void Build()
        {
            _albums.Add(new Album { Folder = "Summer Trip", MetaTitle = "Summer Trip" });
            _albums.Add(new Album { Folder = "Urlaub am Meer", MetaTitle = "Urlaub am Meer", AlbumDataForm = true });
            _albums.Add(new Album { Folder = "Paris_ Best of", MetaTitle = "Paris: Best of" });
            _albums.Add(new Album { Folder = "Family", MetaTitle = "" });
            _albums.Add(new Album { Folder = "Untitled Memories", MetaTitle = null });
            _albums.Add(new Album { Folder = "Trip 2021", MetaTitle = "Trip 2021" });
            var summer = AlbumNamed("Summer Trip");

            var a = Photo("new-sidecar", "IMG_20210704_120000.jpg", 2021);
            a.Lat = 48.858370; a.Lon = 2.294481; a.Alt = 35.5; a.People.AddRange(new[] { "Alice", "Bob" }); a.Fav = true;
            a.Albums.Add(summer); a.Albums.Add(AlbumNamed("Trip 2021"));

            var b = Photo("old-sidecar", "DSC_0042.JPG", 2020, Style.Old);
            b.Arch = true; b.Description = "Am Strand"; b.Albums.Add(AlbumNamed("Urlaub am Meer"));

            // ".supplemental-metadata" cut at 46 characters: "…metad", ".s", ".", nothing.
            foreach (var len in new[] { 27, 44, 45, 46 }) Photo("cut-suffix-" + len, TitleOfLength("Screenshot_cut" + len, len), 2022);
            // Titles longer than the limit: the sidecar name is cut inside the extension (47) or the name (60; the media
            // name is cut at 47 too), new and old style.
            Photo("truncated-47", TitleOfLength("Long_title_forty_seven", 47), 2022);
            Photo("truncated-60", TitleOfLength("A_very_long_original_file_name_from_a_messenger_app", 60), 2022);
            Photo("truncated-60-old", TitleOfLength("Another_very_long_original_name_written_by_some_app", 60), 2022, Style.Old);

            // Same name twice in one folder: IMG_0001(1).JPG ↔ IMG_0001.JPG.supplemental-metadata(1).json / DSC_0002.JPG(1).json.
            Photo("duplicate-name", "IMG_0001.JPG", 2021);
            var dup2 = Photo("duplicate-name-1", "IMG_0001.JPG", 2021);
            dup2.Albums.Add(summer); // alone in the album: named IMG_0001.JPG there
            Photo("duplicate-name-old", "DSC_0002.JPG", 2021, Style.Old);
            Photo("duplicate-name-old-1", "DSC_0002.JPG", 2021, Style.Old);

            // Edited copies without sidecar: same folders as their original; a HEIC edited as JPG.
            var ed = Photo("edited-original", "IMG_0100.jpg", 2021);
            ed.Albums.Add(summer);
            Edited(ed, ".jpg");
            var heic = Bmff("edited-original-heic", "IMG_0101.HEIC", 2021, "heic", "image/heic");
            Edited(heic, ".jpg");

            Photo("no-extension-sidecar", "IMG_0200.jpg", 2020, Style.NoExt);

            // Motion photos: Pixel (.MP.jpg + .MP) and iPhone live photo (.HEIC + .MOV, the video in another part).
            var pixel = Photo("motion-pixel", "PXL_20210314_101500123.MP.jpg", 2021);
            pixel.MotionBytes = SyntheticMedia.Bmff(_rng, "isom", 3000);
            pixel.MotionExt = "";
            var live = Bmff("motion-live", "IMG_0300.HEIC", 2021, "heic", "image/heic");
            live.MotionBytes = SyntheticMedia.Bmff(_rng, "qt  ", 3000);
            live.MotionExt = ".MOV";
            live.MotionOtherPart = true;
            live.Albums.Add(summer);

            // Videos with sidecars of their own are items, even next to a photo of the same stem.
            Bmff("video", "VID_20220101_090000.mp4", 2022, "isom", "video/mp4");
            Bmff("live-own-sidecar-photo", "IMG_0301.HEIC", 2021, "heic", "image/heic");
            Bmff("live-own-sidecar-video", "IMG_0301.MOV", 2021, "qt  ", "video/quicktime");

            // No sidecar at all: date from EXIF (also in an album folder without metadata), from the file name.
            var noSc = Photo("no-sidecar-exif", "IMG_0400.jpg", 2019, Style.None);
            noSc.Albums.Add(AlbumNamed("Untitled Memories"));
            var png = new Item { Quirk = "no-sidecar-filename-date", Title = "Screenshot_20230314-101500.png", Year = 2023, Style = Style.None, Mime = "image/png", W = 1080, H = 2400 };
            png.Bytes = SyntheticMedia.Png(_rng, 1080, 2400, 3000);
            _items.Add(png);

            Photo("trashed", "IMG_0500.jpg", 2022).Trash = true;

            // NFC/NFD: media name decomposed, sidecar composed; and the other way round.
            var cafe = Photo("nfd-media", "Caf\u00e9_au_lait.jpg", 2020);
            cafe.MediaNameOverride = "Cafe\u0301_au_lait.jpg";
            var uber = Photo("nfd-sidecar", "\u00dcber_den_Wolken.jpg", 2020);
            uber.SidecarStemOverride = "U\u0308ber_den_Wolken.jpg.supplemental-metadata";

            var str = Photo("string-numbers", "IMG_0550.jpg", 2020);
            str.StringNumbers = true; str.Lat = -33.856784; str.Lon = 151.215297; str.Alt = 4;
            var gx = Photo("geo-exif-only", "IMG_0560.jpg", 2020);
            gx.ExifLat = 35.658581; gx.ExifLon = 139.745433; gx.ExifAlt = 40;
            Photo("no-geo", "IMG_0570.jpg", 2020);
            Photo("creation-fallback", "IMG_0580.jpg", 2020).NoTakenTime = true;

            // Magic bytes win: a PNG named .jpg.
            var mis = new Item { Quirk = "magic-mismatch", Title = "IMG_0600.jpg", Year = 2022, UrlId = NewUrlId(), Mime = "image/png", W = 800, H = 600 };
            mis.Taken = RandomTime(2022); mis.Created = mis.Taken + 100;
            mis.Bytes = SyntheticMedia.Png(_rng, 800, 600, 2000);
            _items.Add(mis);

            // Album-only items: one in an album whose title differs from its folder, one in an album with an empty title.
            var paris = Photo("album-only", "IMG_0700.jpg", 2023);
            paris.InYear = false; paris.Albums.Add(AlbumNamed("Paris_ Best of"));
            var fam = Photo("album-empty-title", "IMG_0710.jpg", 2023);
            fam.Albums.Add(AlbumNamed("Family"));

            Photo("sidecar-other-part", "IMG_0800.jpg", 2023).SidecarOtherPart = true;

            if (_o.Large)
            {
                var big = new Item
                {
                    Quirk = "large-zip64", Title = "VID_20200202_020202_large.mp4", Year = 2020, UrlId = NewUrlId(),
                    Mime = "video/mp4", LargeSize = LargeSize, Bytes = SyntheticMedia.LargeVideoHeader(),
                };
                big.Taken = RandomTime(2020); big.Created = big.Taken + 60;
                _items.Add(big);
            }

            // Filler items up to --items.
            int extra = Math.Max(0, _o.Items - _items.Count);
            for (int i = 0; i < extra; i++)
            {
                int year = 2015 + _rng.Next(10);
                Item it;
                if (_rng.Next(10) == 0)
                {
                    var taken = RandomTime(year);
                    var style = _rng.Next(3) == 0 ? Style.Old : Style.New;
                    int head = SyntheticMedia.BmffHead("isom", 0).Length;
                    long length = _o.VideoSize > 0 ? Math.Max(0, _o.VideoSize - head) : 2000 + _rng.Next(6000);
                    it = new Item
                    {
                        Quirk = "plain", Title = $"VID_{year}{i:000000}.mp4", Year = year, Style = style, UrlId = NewUrlId(),
                        Taken = taken, Created = taken + _rng.Next(1, 30 * 86400), Mime = "video/mp4",
                        Bytes = SyntheticMedia.BmffHead("isom", length), Fill = new Fill(_rng.Next(), length, Array.Empty<byte>()),
                    };
                    _items.Add(it);
                }
                else
                {
                    var taken = RandomTime(year);
                    it = new Item
                    {
                        Quirk = "plain", Title = $"IMG_{i + 10000:00000}.JPG", Year = year, Style = _rng.Next(3) == 0 ? Style.Old : Style.New,
                        UrlId = NewUrlId(), Taken = taken, Created = taken + 1000, Mime = "image/jpeg", W = 4000, H = 3000,
                        ExifDate = DateTime.UnixEpoch.AddSeconds(taken),
                    };
                    // The JPEG without its payload and end marker; both are written with the part.
                    var jpeg = SyntheticMedia.Jpeg(_rng, 4000, 3000, it.ExifDate, 0);
                    it.Bytes = jpeg[..^2];
                    long length = _o.PhotoSize > 0 ? Math.Max(0, _o.PhotoSize - jpeg.Length) : 500 + _rng.Next(1500);
                    it.Fill = new Fill(_rng.Next(), length, new byte[] { 0xFF, 0xD9 });
                    _items.Add(it);
                }
                if (_rng.Next(4) == 0) { it.Lat = Math.Round(_rng.NextDouble() * 120 - 60, 6); it.Lon = Math.Round(_rng.NextDouble() * 300 - 150, 6); it.Alt = 0; }
                if (_rng.Next(7) == 0) it.Albums.Add(_albums[_rng.Next(_albums.Count)]);
            }
        }

        // ------------------------------------------------------------------------------------------------

        private static string Cut(string s, int max) => s.Length <= max ? s : s[..max];

        /// <summary>Takeout's media name in a folder: base cut at 47, then "(n)" when the name is taken.</summary>
        private (string Name, int Index) MediaName(string folder, string title)
        {
            var used = _namesInFolder.TryGetValue(folder, out var u) ? u : _namesInFolder[folder] = new(StringComparer.OrdinalIgnoreCase);
            var dot = title.LastIndexOf('.');
            var bas = Cut(dot > 0 ? title[..dot] : title, 47);
            var ext = dot > 0 ? title[dot..] : "";
            var name = bas + ext;
            int n = 0;
            while (used.Contains(name)) name = bas + "(" + ++n + ")" + ext;
            used.Add(name);
            return (name, n);
        }

        private static string SidecarName(Item it, int index)
        {
            var dot = it.Title.LastIndexOf('.');
            var stem = it.SidecarStemOverride ?? it.Style switch
            {
                Style.New => it.Title + ".supplemental-metadata",
                Style.Old => it.Title,
                Style.NoExt => it.Title[..dot],
                _ => throw new InvalidOperationException(),
            };
            return Cut(stem, 46) + (index > 0 ? "(" + index + ")" : "") + ".json";
        }

        private void Add(FileOut f) => _files.Add(f);

        public void Place()
        {
            var folders = new List<(string Folder, List<FileOut> Files)>();
            List<FileOut> FilesOf(string folder)
            {
                var entry = folders.FirstOrDefault(f => f.Folder == folder);
                if (entry.Files == null) { entry = (folder, new List<FileOut>()); folders.Add(entry); }
                return entry.Files;
            }

            foreach (var it in _items)
            {
                var places = new List<string>();
                if (it.InYear) places.Add(_lang.YearFolder(it.Year));
                places.AddRange(it.Albums.Select(a => a.Folder));
                foreach (var folder in places)
                {
                    var files = FilesOf(folder);
                    var (name, index) = it.MediaNameOverride != null ? (it.MediaNameOverride, 0) : MediaName(folder, it.Title);
                    if (it.MediaNameOverride != null) MediaName(folder, it.MediaNameOverride);
                    var media = new FileOut { Path = $"{_root}/{folder}/{name}", Bytes = it.Bytes, Fill = it.Fill, LargeSize = it.LargeSize, Item = it };
                    files.Add(media);
                    it.Media.Add(media);
                    FileOut? sidecar = null, motion = null;
                    if (it.Style != Style.None)
                    {
                        sidecar = new FileOut { Path = $"{_root}/{folder}/{SidecarName(it, index)}", SidecarOf = it };
                        files.Add(sidecar);
                    }
                    if (it.MotionBytes != null)
                    {
                        var mediaBase = name[..name.LastIndexOf('.')];
                        motion = new FileOut { Path = $"{_root}/{folder}/{mediaBase}{it.MotionExt}", Bytes = it.MotionBytes, Item = it };
                        files.Add(motion);
                    }
                    if (it.Primary == null)
                    {
                        it.Primary = media;
                        it.PrimarySidecar = sidecar;
                        it.PrimaryMotion = motion;
                    }
                }
            }

            // A sidecar whose media is not in the export.
            var orphanFolder = _lang.YearFolder(2022);
            var orphanItem = new Item { Quirk = "orphan", Title = "IMG_0900.jpg", Year = 2022, UrlId = NewUrlId(), Mime = "image/jpeg", Taken = RandomTime(2022) };
            var orphan = new FileOut { Path = $"{_root}/{orphanFolder}/IMG_0900.jpg.supplemental-metadata.json", Bytes = SidecarJson(orphanItem) };
            FilesOf(orphanFolder).Add(orphan);
            _orphans.Add(orphan.Path);

            foreach (var album in _albums.Where(a => a.MetaTitle != null))
                FilesOf(album.Folder).Add(new FileOut { Path = $"{_root}/{album.Folder}/{_lang.AlbumMetadataFile}", Bytes = AlbumJson(album) });

            // Takeout's own files and another product: never items.
            Add(new FileOut { Path = "Takeout/archive_browser.html", Bytes = Encoding.UTF8.GetBytes("<html><body>Takeout</body></html>") });
            Add(new FileOut { Path = "Takeout/Google Drive/notes/readme.txt", Bytes = Encoding.UTF8.GetBytes("not a photo") });
            Add(new FileOut { Path = $"{_root}/user-generated-memory-titles.json", Bytes = Encoding.UTF8.GetBytes("{\"title\":[]}") });
            Add(new FileOut { Path = $"{_root}/print-subscriptions.json", Bytes = Encoding.UTF8.GetBytes("{}") });

            // Folders in a stable order (years, then albums); files within a folder in a shuffled, seeded order.
            var yearFolders = _items.Select(i => _lang.YearFolder(i.Year)).ToHashSet(StringComparer.Ordinal);
            foreach (var (_, files) in folders.OrderBy(f => yearFolders.Contains(f.Folder) ? 0 : 1).ThenBy(f => f.Folder, StringComparer.Ordinal))
            {
                for (int i = files.Count - 1; i > 0; i--)
                {
                    int j = _rng.Next(i + 1);
                    (files[i], files[j]) = (files[j], files[i]);
                }
                _files.AddRange(files);
            }
        }

        public void AssignParts()
        {
            int parts = Math.Max(1, _o.Parts);
            for (int i = 0; i < parts; i++)
            {
                var number = (i + 1).ToString("000", CultureInfo.InvariantCulture);
                var tgz = _o.Tgz && i % 2 == 1;
                _partNames.Add(_o.Folders ? PartPrefix + number : PartPrefix + number + (tgz ? ".tgz" : ".zip"));
            }
            for (int i = 0; i < _files.Count; i++) _files[i].Part = (int)((long)i * parts / _files.Count);
            if (parts > 1)
            {
                foreach (var it in _items)
                {
                    if (it.SidecarOtherPart && it.PrimarySidecar != null) it.PrimarySidecar.Part = (it.Primary!.Part + 1) % parts;
                    if (it.MotionOtherPart && it.PrimaryMotion != null) it.PrimaryMotion.Part = (it.Primary!.Part + 1) % parts;
                }
            }
            // The large entry needs a zip part (zip64); part 1 is always a zip.
            foreach (var f in _files.Where(f => f.LargeSize > 0)) f.Part = 0;
        }
    }
}
