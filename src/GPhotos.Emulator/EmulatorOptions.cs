namespace GPhotos.Emulator;

/// <summary>
/// Options of one emulator instance: sample-library generation plus a few behaviour knobs.
/// The same shape (camelCase JSON) is the body of <c>POST /__emulator/reset</c>.
/// The defaults are the small deterministic demo library.
/// </summary>
public sealed class EmulatorOptions
{
    /// <summary>TCP port on 127.0.0.1; 0 picks a free one (see <see cref="EmulatorServer.BaseAddress"/>). Ignored by reset.</summary>
    public int Port { get; set; }

    /// <summary>Seed of everything generated: ids, names, dates, media bytes.</summary>
    public int Seed { get; set; } = 1;

    /// <summary>Generate no items and no albums at all.</summary>
    public bool Empty { get; set; }

    /// <summary>Plain photos (JPEG).</summary>
    public int Photos { get; set; } = 30;
    /// <summary>Videos (includes <see cref="ProcessingVideos"/> and <see cref="FailedVideos"/>).</summary>
    public int Videos { get; set; } = 6;
    /// <summary>Motion photos (a JPEG whose <c>=dv</c> is a short MP4), in addition to <see cref="Photos"/>.</summary>
    public int MotionPhotos { get; set; } = 2;
    /// <summary>How many of the videos are still PROCESSING.</summary>
    public int ProcessingVideos { get; set; } = 1;
    /// <summary>How many of the videos FAILED processing.</summary>
    public int FailedVideos { get; set; }
    /// <summary>How many items reuse the filename of an earlier item (different bytes, same name).</summary>
    public int DuplicateNames { get; set; } = 2;
    /// <summary>How many items get a hostile filename (slashes, reserved names, unicode tricks, 255 chars...).</summary>
    public int HostileNames { get; set; } = 3;
    /// <summary>How many photos have no capture date (never match a date filter).</summary>
    public int UndatedPhotos { get; set; }
    /// <summary>Favorite items (every n-th item, deterministic).</summary>
    public int Favorites { get; set; } = 3;
    /// <summary>Archived items (excluded from search unless includeArchivedMedia).</summary>
    public int ArchivedItems { get; set; } = 1;
    /// <summary>Albums (app-created, each holding a deterministic subset of app-created items).</summary>
    public int Albums { get; set; } = 3;
    /// <summary>Extra photos NOT created by this app: invisible to the Library API, pickable in the Picker.</summary>
    public int ForeignItems { get; set; }

    /// <summary>Bytes served by <c>=d</c> of a photo (exact when above ~1 KB).</summary>
    public long PhotoSize { get; set; } = 300_000;
    /// <summary>Bytes served by <c>=dv</c> of a READY video.</summary>
    public long VideoSize { get; set; } = 4_000_000;
    /// <summary>Bytes served by <c>=dv</c> of a motion photo (its video part).</summary>
    public long MotionVideoSize { get; set; } = 1_000_000;

    /// <summary>Whether the generated items and albums were created by this app (so the Library API lists them).</summary>
    public bool AppCreated { get; set; } = true;

    /// <summary>Picker <c>pollingConfig.pollInterval</c> in seconds.</summary>
    public double PollIntervalSeconds { get; set; } = 5;
    /// <summary>Picker <c>pollingConfig.timeoutIn</c> in seconds, counted from session creation.</summary>
    public int PollTimeoutSeconds { get; set; } = 1800;
    /// <summary>Lifetime of a picker session (its expireTime) in seconds.</summary>
    public int SessionLifetimeSeconds { get; set; } = 3600;
    /// <summary>Live (not expired, not deleted) picker sessions allowed before 429 RESOURCE_EXHAUSTED.</summary>
    public int MaxLiveSessions { get; set; } = 20;

    /// <summary>Lifetime of access tokens (<c>expires_in</c>).</summary>
    public int AccessTokenLifetimeSeconds { get; set; } = 3599;
    /// <summary>Lifetime of base URLs in minutes.</summary>
    public int BaseUrlLifetimeMinutes { get; set; } = 60;

    /// <summary>Delay added to every non-control request.</summary>
    public TimeSpan Latency { get; set; }
    /// <summary>Same as <see cref="Latency"/> in milliseconds (for JSON/CLI); used when Latency is zero.</summary>
    public int LatencyMs { get; set; }

    internal TimeSpan EffectiveLatency => Latency > TimeSpan.Zero ? Latency : TimeSpan.FromMilliseconds(Math.Max(0, LatencyMs));

    public EmulatorOptions Clone() => (EmulatorOptions)MemberwiseClone();
}
