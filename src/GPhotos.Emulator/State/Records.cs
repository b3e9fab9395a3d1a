namespace GPhotos.Emulator;

public enum MediaKind { Photo, Video }

/// <summary>Video processing status as the Library API spells it.</summary>
public enum VideoStatus { Unspecified, Processing, Ready, Failed }

/// <summary>One item of the emulated library, with the hidden facts Google never reveals (size, app-created...).
/// Immutable once created.</summary>
public sealed class MediaItemRecord
{
    /// <summary>Position in the library's item table (internal, stable for one generation).</summary>
    public int Index { get; internal set; }
    public string Id { get; init; } = "";
    public string Filename { get; init; } = "";
    public string MimeType { get; init; } = "image/jpeg";
    public MediaKind Kind { get; init; }
    /// <summary>Videos only.</summary>
    public VideoStatus Status { get; init; } = VideoStatus.Unspecified;
    /// <summary>Motion photo: a photo whose <c>=dv</c> is its video part.</summary>
    public bool Motion { get; init; }
    public bool AppCreated { get; init; } = true;
    /// <summary>Capture date; null = none (falls back to <see cref="UploadTime"/> in JSON, never matches a date filter).</summary>
    public DateTimeOffset? CaptureTime { get; init; }
    public DateTimeOffset UploadTime { get; init; }
    public int Width { get; init; }
    public int Height { get; init; }
    public string CameraMake { get; init; }
    public string CameraModel { get; init; }
    public double? FocalLength { get; init; }
    public double? ApertureFNumber { get; init; }
    public int? IsoEquivalent { get; init; }
    /// <summary>Seconds.</summary>
    public double? ExposureTime { get; init; }
    public double? Fps { get; init; }
    public string Description { get; init; }
    public bool Favorite { get; init; }
    public bool Archived { get; init; }
    public string[] Categories { get; init; } = Array.Empty<string>();
    /// <summary>Bytes of the original: <c>=d</c> of a photo, <c>=dv</c> of a READY video.</summary>
    public long Size { get; init; }
    /// <summary>Bytes of a motion photo's video part (<c>=dv</c>).</summary>
    public long MotionVideoSize { get; init; }
    /// <summary>Key from seed + id from which the media bytes are derived.</summary>
    public ulong ContentKey { get; internal set; }

    public bool IsVideo => Kind == MediaKind.Video;
    /// <summary>The creationTime Google reports: capture time, else upload time.</summary>
    public DateTimeOffset CreationTime => CaptureTime ?? UploadTime;
    public bool HasPhotoMetadata => CameraMake != null || CameraModel != null || FocalLength != null || ApertureFNumber != null || IsoEquivalent != null || ExposureTime != null;
}

public sealed class AlbumRecord
{
    public string Id { get; init; } = "";
    public string Title { get; init; } = "";
    public bool AppCreated { get; init; } = true;
    /// <summary>Ids of the items in album order (may include items that are not app-created).</summary>
    public string[] ItemIds { get; init; } = Array.Empty<string>();
    public string CoverItemId { get; init; }
}

/// <summary>What a test passes to <see cref="EmulatorLibrary.AddItems"/> (and the JSON of <c>POST /__emulator/items</c>).
/// Every property is optional.</summary>
public sealed class MediaItemSpec
{
    public string Id { get; set; }
    public string Filename { get; set; }
    public string MimeType { get; set; }
    /// <summary>"PHOTO" or "VIDEO" (default from mimeType, else PHOTO).</summary>
    public string Type { get; set; }
    /// <summary>Video status: READY (default), PROCESSING, FAILED, UNSPECIFIED.</summary>
    public string Status { get; set; }
    public bool Motion { get; set; }
    public bool AppCreated { get; set; } = true;
    public DateTimeOffset? CreationTime { get; set; }
    /// <summary>The item has no capture date (JSON: "creationTime": null).</summary>
    public bool NoCaptureDate { get; set; }
    public int? Width { get; set; }
    public int? Height { get; set; }
    public string CameraMake { get; set; }
    public string CameraModel { get; set; }
    public double? FocalLength { get; set; }
    public double? ApertureFNumber { get; set; }
    public int? IsoEquivalent { get; set; }
    public double? ExposureTime { get; set; }
    public double? Fps { get; set; }
    public string Description { get; set; }
    public bool Favorite { get; set; }
    public bool Archived { get; set; }
    public string[] AlbumIds { get; set; }
    public string[] Categories { get; set; }
    /// <summary>Bytes of the original (photo <c>=d</c> / video <c>=dv</c>); default from the options.</summary>
    public long? Size { get; set; }
    public long? MotionVideoSize { get; set; }
}
