#nullable enable
using System.Text.Json.Serialization;

namespace GPhotos.Emulator.Takeout;

/// <summary>Options of <see cref="TakeoutGenerator.Generate"/> (and of the <c>takeout</c> verb).</summary>
public sealed class TakeoutGeneratorOptions
{
    /// <summary>Folder the parts and manifest.json are written to (created; existing parts are overwritten).</summary>
    public string OutputDirectory { get; set; } = "";

    /// <summary>Same seed, same options: byte-identical output.</summary>
    public int Seed { get; set; } = 1;

    /// <summary>Number of parts (at least 1; the cross-part quirks need 2).</summary>
    public int Parts { get; set; } = 3;

    /// <summary>Write every even-numbered part as .tgz (a mixed zip+tgz export).</summary>
    public bool Tgz { get; set; }

    /// <summary>Write the parts as extracted folders (<c>takeout-…-001/Takeout/…</c>) instead of archives.</summary>
    public bool Folders { get; set; }

    /// <summary>Add plain items until the export holds at least this many logical items (the quirk set is always there).</summary>
    public int Items { get; set; }

    /// <summary>Folder-name language: en, de, fr, es.</summary>
    public string Language { get; set; } = "en";

    /// <summary>Add one video of 4 GiB + 1 MiB as a stored zip64 entry of part 1 (about 7 s and 4 GB of disk).</summary>
    public bool Large { get; set; }

    /// <summary>Bytes of each plain (filler) photo; 0: 0.5–2 KB. Realistic sizes make download throughput measurable.</summary>
    public long PhotoSize { get; set; }

    /// <summary>Bytes of each plain (filler) video; 0: 2–8 KB.</summary>
    public long VideoSize { get; set; }
}

/// <summary>What a correct Takeout reader must produce from a generated export (written as manifest.json).</summary>
public sealed class TakeoutManifest
{
    public int Seed { get; set; }
    public string Language { get; set; } = "";

    /// <summary>The output folder (absolute).</summary>
    public string Directory { get; set; } = "";

    /// <summary>"Takeout/Google Photos" or its localized form.</summary>
    public string PhotosRoot { get; set; } = "";

    /// <summary>Part file (or folder) names, relative to <see cref="Directory"/>, in order.</summary>
    public List<string> Parts { get; set; } = new();

    /// <summary>Every item, trashed ones included (see <see cref="TakeoutManifestItem.IsTrashed"/>).</summary>
    public List<TakeoutManifestItem> Items { get; set; } = new();

    /// <summary>Sidecars without media ("part|entry"): a reader warns about them.</summary>
    public List<string> OrphanSidecars { get; set; } = new();

    /// <summary>Expected counters of a read without IncludeTrashed.</summary>
    public TakeoutManifestCounts Expected { get; set; } = new();
}

public sealed class TakeoutManifestCounts
{
    public int Items { get; set; }
    public int TrashedSkipped { get; set; }
    public int WithoutSidecar { get; set; }
    public int DuplicatesMerged { get; set; }
    public int EditedCopies { get; set; }
    public int MotionCompanions { get; set; }
    public int OrphanSidecars { get; set; }
}

public sealed class TakeoutManifestItem
{
    public string Id { get; set; } = "";
    public string Filename { get; set; } = "";

    /// <summary>Which naming quirk this item exercises ("plain" for filler items).</summary>
    public string Quirk { get; set; } = "";

    public string MediaType { get; set; } = "";  // Photo | Video
    public string MimeType { get; set; } = "";
    public DateTime? CreationTime { get; set; }  // UTC
    public long? Width { get; set; }
    public long? Height { get; set; }
    public double? Latitude { get; set; }
    public double? Longitude { get; set; }
    public double? Altitude { get; set; }
    public string? Description { get; set; }
    public List<string> People { get; set; } = new();
    public List<string> Albums { get; set; } = new();   // sorted, case-insensitive ordinal
    public bool IsFavorite { get; set; }
    public bool IsArchived { get; set; }
    public bool IsTrashed { get; set; }
    public bool HasSidecar { get; set; }

    /// <summary>How many copies (year folder + albums) the export holds.</summary>
    public int Copies { get; set; }

    /// <summary>Part name relative to the output folder, and the entry inside it (the year-folder copy when there is one).</summary>
    public string Archive { get; set; } = "";
    public string Entry { get; set; } = "";
    public long Size { get; set; }
    public string Sha256 { get; set; } = "";

    /// <summary>Where the primary copy's sidecar is (null without sidecar); it may be in another part than the media.</summary>
    public string? SidecarArchive { get; set; }
    public string? SidecarEntry { get; set; }

    public string? MotionVideoArchive { get; set; }
    public string? MotionVideoEntry { get; set; }
    public long? MotionVideoSize { get; set; }
    public string? MotionVideoSha256 { get; set; }

    [JsonIgnore]
    public bool IsLarge => Size > uint.MaxValue;
}
