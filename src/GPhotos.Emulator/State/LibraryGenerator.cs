using System.Globalization;

namespace GPhotos.Emulator;

/// <summary>Deterministic sample-library generation (same seed, same options: same library, byte for byte).</summary>
internal static class LibraryGenerator
{
    private static readonly DateTimeOffset Epoch = new(2015, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private const long SpanSeconds = 10L * 365 * 24 * 3600;

    /// <summary>Filenames that break naive code: separators, reserved device names, unicode normalization, bidi, control chars, 255 chars.</summary>
    internal static readonly string[] HostileNames =
    {
        "a/b\\c:d*e?f\"g<h>i|j.jpg",
        "CON.jpg",
        "Cafe\u0301 de\u0301compose\u0301 NFD.jpg",
        "Café composé NFC.jpg",
        "..\\..\\..\\evil.jpg",
        "-rf --no-preserve-root.jpg",
        "photo\u202Egpj.exe",
        new string('x', 251) + ".jpg",
        " leading and trailing space .jpg ",
        "trailing dot.jpg.",
        "tab\tand\u0001control.jpg",
        "COM1.JPG",
        "emoji 😀👍🏽 ✨.jpg",
        "日本語の写真.jpg",
        ".hidden.jpg",
        "per%20cent&amp;=?#hash.jpg",
    };

    private static readonly (string Make, string Model, int W, int H, double Focal, double F)[] Cameras =
    {
        ("Google", "Pixel 7", 4080, 3072, 6.81, 1.85),
        ("Apple", "iPhone 13", 4032, 3024, 5.1, 1.6),
        ("samsung", "SM-G991B", 4000, 3000, 5.4, 1.8),
        ("SONY", "ILCE-7M3", 6000, 4000, 35, 2.8),
    };

    private static readonly double[] Exposures = { 0.008, 0.004, 0.01, 0.02, 0.033, 1.0 / 60, 0.5, 2 };
    private static readonly int[] Isos = { 50, 100, 200, 400, 800, 1600 };
    private static readonly string[] PhotoCategories = { "LANDSCAPES", "PEOPLE", "PETS", "FOOD", "CITYSCAPES", "TRAVEL", "FLOWERS", "SELFIES" };
    private static readonly string[] AlbumTitles = { "Vacation 2019", "Family", "Pets & \"Friends\" / 2020", "Wedding", "Road trip: day 1?", "Screenshots" };

    public static (List<MediaItemRecord> Items, List<AlbumRecord> Albums) Generate(EmulatorOptions o)
    {
        var items = new List<MediaItemRecord>();
        var albums = new List<AlbumRecord>();
        if (o.Empty) return (items, albums);

        var rng = new SplitMix64((ulong)(uint)o.Seed * 0x2545F4914F6CDD1DUL + 17);
        int photos = Math.Max(0, o.Photos), videos = Math.Max(0, o.Videos), motion = Math.Max(0, o.MotionPhotos), foreign = Math.Max(0, o.ForeignItems);
        int total = photos + videos + motion + foreign;
        items.Capacity = total;

        // Which photos get special names / no date.
        var hostile = new Dictionary<int, string>();
        for (int k = 0; k < Math.Min(o.HostileNames, photos); k++)
        {
            string hn = HostileNames[k % HostileNames.Length];
            if (k >= HostileNames.Length)
            {
                int dot = hn.LastIndexOf('.');
                string suffix = "-" + (k / HostileNames.Length).ToString(CultureInfo.InvariantCulture);
                hn = dot > 0 ? hn[..dot] + suffix + hn[dot..] : hn + suffix;
            }
            hostile[(photos / 2 + k) % photos] = hn;
        }
        var undated = new HashSet<int>();
        for (int k = 0; k < Math.Min(o.UndatedPhotos, photos); k++) undated.Add((photos / 3 + 2 * k + 1) % photos);

        for (int i = 0; i < photos; i++)
        {
            var cam = Cameras[rng.Next(Cameras.Length)];
            bool screenshot = rng.Next(8) == 0;
            var t = Epoch.AddSeconds(rng.NextLong(SpanSeconds));
            bool portrait = rng.Next(3) == 0;
            string name = screenshot ? $"Screenshot_{t:yyyyMMdd-HHmmss}.jpg" : PhotoName(cam.Make, t, i);
            if (hostile.TryGetValue(i, out var hn)) name = hn;
            items.Add(new MediaItemRecord
            {
                Id = Hashing.MakeId("AF1Qip", o.Seed, "photo|" + i.ToString(CultureInfo.InvariantCulture)),
                Filename = name,
                MimeType = "image/jpeg",
                Kind = MediaKind.Photo,
                AppCreated = o.AppCreated,
                CaptureTime = undated.Contains(i) ? null : t,
                UploadTime = t.AddSeconds(60 + rng.Next(86400 * 30)),
                Width = screenshot ? (portrait ? 1080 : 2400) : (portrait ? cam.H : cam.W),
                Height = screenshot ? (portrait ? 2400 : 1080) : (portrait ? cam.W : cam.H),
                CameraMake = screenshot ? null : cam.Make,
                CameraModel = screenshot ? null : cam.Model,
                FocalLength = screenshot ? null : cam.Focal,
                ApertureFNumber = screenshot ? null : cam.F,
                IsoEquivalent = screenshot ? null : Isos[rng.Next(Isos.Length)],
                ExposureTime = screenshot ? null : Exposures[rng.Next(Exposures.Length)],
                Categories = screenshot ? new[] { "SCREENSHOTS", "UTILITY" } : new[] { PhotoCategories[rng.Next(PhotoCategories.Length)] },
                Size = o.PhotoSize,
            });
        }

        for (int i = 0; i < videos; i++)
        {
            var cam = Cameras[rng.Next(3)];
            var t = Epoch.AddSeconds(rng.NextLong(SpanSeconds));
            var status = i < o.ProcessingVideos ? VideoStatus.Processing : i < o.ProcessingVideos + o.FailedVideos ? VideoStatus.Failed : VideoStatus.Ready;
            bool mov = cam.Make == "Apple";
            bool uhd = rng.Next(3) == 0, portrait = rng.Next(4) == 0;
            int w = uhd ? 3840 : 1920, h = uhd ? 2160 : 1080;
            items.Add(new MediaItemRecord
            {
                Id = Hashing.MakeId("AF1Qip", o.Seed, "video|" + i.ToString(CultureInfo.InvariantCulture)),
                Filename = mov ? $"IMG_{1000 + rng.Next(9000)}.MOV" : cam.Make == "Google" ? $"PXL_{t:yyyyMMdd_HHmmssfff}.mp4" : $"VID_{t:yyyyMMdd_HHmmss}.mp4",
                MimeType = mov ? "video/quicktime" : "video/mp4",
                Kind = MediaKind.Video,
                Status = status,
                AppCreated = o.AppCreated,
                CaptureTime = t,
                UploadTime = t.AddSeconds(60 + rng.Next(86400 * 30)),
                Width = portrait ? h : w,
                Height = portrait ? w : h,
                CameraMake = cam.Make,
                CameraModel = cam.Model,
                Fps = rng.Next(3) switch { 0 => 30, 1 => 29.97, _ => 60 },
                Categories = Array.Empty<string>(),
                Size = o.VideoSize,
            });
        }

        for (int i = 0; i < motion; i++)
        {
            var t = Epoch.AddSeconds(rng.NextLong(SpanSeconds));
            items.Add(new MediaItemRecord
            {
                Id = Hashing.MakeId("AF1Qip", o.Seed, "motion|" + i.ToString(CultureInfo.InvariantCulture)),
                Filename = $"PXL_{t:yyyyMMdd_HHmmssfff}.MP.jpg",
                MimeType = "image/jpeg",
                Kind = MediaKind.Photo,
                Motion = true,
                AppCreated = o.AppCreated,
                CaptureTime = t,
                UploadTime = t.AddSeconds(120),
                Width = 4080,
                Height = 3072,
                CameraMake = "Google",
                CameraModel = "Pixel 7",
                FocalLength = 6.81,
                ApertureFNumber = 1.85,
                IsoEquivalent = Isos[rng.Next(Isos.Length)],
                ExposureTime = Exposures[rng.Next(4)],
                Categories = new[] { "PEOPLE" },
                Size = o.PhotoSize,
                MotionVideoSize = o.MotionVideoSize,
            });
        }

        for (int i = 0; i < foreign; i++)
        {
            var cam = Cameras[rng.Next(Cameras.Length)];
            var t = Epoch.AddSeconds(rng.NextLong(SpanSeconds));
            items.Add(new MediaItemRecord
            {
                Id = Hashing.MakeId("AF1Qip", o.Seed, "foreign|" + i.ToString(CultureInfo.InvariantCulture)),
                Filename = PhotoName(cam.Make, t, 5000 + i),
                MimeType = "image/jpeg",
                Kind = MediaKind.Photo,
                AppCreated = false,
                CaptureTime = t,
                UploadTime = t.AddSeconds(300),
                Width = cam.W,
                Height = cam.H,
                CameraMake = cam.Make,
                CameraModel = cam.Model,
                FocalLength = cam.Focal,
                ApertureFNumber = cam.F,
                IsoEquivalent = 100,
                ExposureTime = 0.008,
                Categories = new[] { "LANDSCAPES" },
                Size = o.PhotoSize,
            });
        }

        // Duplicate filenames: the last items of each kind reuse the names of the first ones.
        int dups = Math.Min(Math.Max(0, o.DuplicateNames), Math.Max(0, items.Count - foreign) / 2);
        for (int k = 0; k < dups; k++)
        {
            // Alternate between photos (and videos when there are some) so both kinds get a twin.
            int src, dst;
            if (k % 2 == 1 && videos >= 2) { src = photos + (k / 2) % videos; dst = photos + videos - 1 - (k / 2) % videos; }
            else if (photos >= 2) { src = (k / (videos >= 2 ? 2 : 1)) % photos; dst = photos - 1 - (k / (videos >= 2 ? 2 : 1)) % photos; }
            else continue;
            if (src == dst || hostile.ContainsKey(dst)) continue;
            items[dst] = With(items[dst], filename: items[src].Filename);
        }

        // Favorites and archived: deterministic strides over the app-visible items.
        int visible = items.Count - foreign;
        if (visible > 0)
        {
            for (int k = 0; k < Math.Min(o.Favorites, visible); k++) { int idx = (int)((k * 7L + 2) % visible); items[idx] = With(items[idx], favorite: true); }
            for (int k = 0; k < Math.Min(o.ArchivedItems, visible); k++) { int idx = (int)((k * 11L + 5) % visible); items[idx] = With(items[idx], archived: true); }
        }

        // Albums: album a holds every item whose index ≡ a (mod albums+1), the first item is in two albums.
        int albumCount = Math.Max(0, o.Albums);
        for (int a = 0; a < albumCount; a++)
        {
            var ids = new List<string>();
            for (int i = 0; i < visible; i++)
                if (i % (albumCount + 1) == a || (i == 0 && a == 1)) ids.Add(items[i].Id);
            var title = AlbumTitles[a % AlbumTitles.Length] + (a >= AlbumTitles.Length ? " " + (a / AlbumTitles.Length + 1).ToString(CultureInfo.InvariantCulture) : "");
            albums.Add(new AlbumRecord
            {
                Id = Hashing.MakeId("AF1Qip", o.Seed, "album|" + a.ToString(CultureInfo.InvariantCulture)),
                Title = title,
                AppCreated = o.AppCreated,
                ItemIds = ids.ToArray(),
                CoverItemId = ids.FirstOrDefault(),
            });
        }
        AssignKeys(items, o.Seed);
        return (items, albums);
    }

    private static string PhotoName(string make, DateTimeOffset t, int i) => make switch
    {
        "Google" => $"PXL_{t:yyyyMMdd_HHmmssfff}.jpg",
        "Apple" => $"IMG_{(i % 9000) + 1000}.JPG",
        "samsung" => $"{t:yyyyMMdd_HHmmss}.jpg",
        _ => $"DSC{(i % 90000) + 10000}.JPG",
    };

    private static MediaItemRecord With(MediaItemRecord r, string filename = null, bool? favorite = null, bool? archived = null) => new()
    {
        Id = r.Id, Filename = filename ?? r.Filename, MimeType = r.MimeType, Kind = r.Kind, Status = r.Status, Motion = r.Motion,
        AppCreated = r.AppCreated, CaptureTime = r.CaptureTime, UploadTime = r.UploadTime, Width = r.Width, Height = r.Height,
        CameraMake = r.CameraMake, CameraModel = r.CameraModel, FocalLength = r.FocalLength, ApertureFNumber = r.ApertureFNumber,
        IsoEquivalent = r.IsoEquivalent, ExposureTime = r.ExposureTime, Fps = r.Fps, Description = r.Description,
        Favorite = favorite ?? r.Favorite, Archived = archived ?? r.Archived, Categories = r.Categories, Size = r.Size,
        MotionVideoSize = r.MotionVideoSize, ContentKey = r.ContentKey,
    };

    internal static void AssignKeys(List<MediaItemRecord> items, int seed)
    {
        foreach (var it in items) if (it.ContentKey == 0) it.ContentKey = Hashing.ContentKey(seed, it.Id);
    }

    public static MediaItemRecord FromSpec(MediaItemSpec s, int seed, int n, EmulatorOptions o)
    {
        bool video = string.Equals(s.Type, "VIDEO", StringComparison.OrdinalIgnoreCase)
                     || (s.Type == null && s.MimeType != null && s.MimeType.StartsWith("video/", StringComparison.OrdinalIgnoreCase));
        var status = VideoStatus.Unspecified;
        if (video)
        {
            status = (s.Status ?? "READY").ToUpperInvariant() switch
            {
                "READY" => VideoStatus.Ready,
                "PROCESSING" => VideoStatus.Processing,
                "FAILED" => VideoStatus.Failed,
                "UNSPECIFIED" => VideoStatus.Unspecified,
                var x => throw new ArgumentException($"Unknown video status '{x}'."),
            };
        }
        var rng = new SplitMix64(Hashing.Fnv1a("custom|" + n.ToString(CultureInfo.InvariantCulture)) ^ (ulong)(uint)seed);
        var t = s.CreationTime ?? Epoch.AddSeconds(rng.NextLong(SpanSeconds));
        var id = s.Id ?? Hashing.MakeId("AF1Qip", seed, "custom|" + n.ToString(CultureInfo.InvariantCulture));
        return new MediaItemRecord
        {
            Id = id,
            Filename = s.Filename ?? (video ? $"VID_{n:0000}.mp4" : s.Motion ? $"PXL_{n:0000}.MP.jpg" : $"IMG_{n:0000}.jpg"),
            MimeType = s.MimeType ?? (video ? "video/mp4" : "image/jpeg"),
            Kind = video ? MediaKind.Video : MediaKind.Photo,
            Status = status,
            Motion = !video && s.Motion,
            AppCreated = s.AppCreated,
            CaptureTime = s.NoCaptureDate ? null : t.ToUniversalTime(),
            UploadTime = (s.CreationTime ?? t).ToUniversalTime().AddMinutes(5),
            Width = s.Width ?? (video ? 1920 : 4032),
            Height = s.Height ?? (video ? 1080 : 3024),
            CameraMake = s.CameraMake,
            CameraModel = s.CameraModel,
            FocalLength = s.FocalLength,
            ApertureFNumber = s.ApertureFNumber,
            IsoEquivalent = s.IsoEquivalent,
            ExposureTime = s.ExposureTime,
            Fps = video ? (s.Fps ?? 30) : null,
            Description = s.Description,
            Favorite = s.Favorite,
            Archived = s.Archived,
            Categories = s.Categories ?? Array.Empty<string>(),
            Size = s.Size ?? (video ? o.VideoSize : o.PhotoSize),
            MotionVideoSize = !video && s.Motion ? (s.MotionVideoSize ?? o.MotionVideoSize) : 0,
            ContentKey = Hashing.ContentKey(seed, id),
        };
    }
}
