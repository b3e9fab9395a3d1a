using System;
using System.Collections.Generic;

namespace GPhotos.Model
{
    /// <summary>Where a <see cref="MediaItem"/> came from. Save uses it to find the item's bytes.</summary>
    public enum MediaSource
    {
        Library,
        Picker,
        Takeout,
    }

    public enum MediaType
    {
        Unspecified,
        Photo,
        Video,
    }

    /// <summary>Google's video processing state. Only <see cref="Ready"/> videos have real video bytes.</summary>
    public enum VideoProcessingStatus
    {
        Unspecified,
        Processing,
        Ready,
        Failed,
    }

    /// <summary>
    /// One photo or video, whatever the source (Library API, Picker API, Takeout archive).
    /// A plain object: no Google type, no live connection, safe to keep, filter, sort and export.
    /// </summary>
    public sealed class MediaItem
    {
        public string Id { get; set; }
        public MediaSource Source { get; set; }

        /// <summary>The original file name as Google reports it (never trusted as a path).</summary>
        public string Filename { get; set; }
        public string MimeType { get; set; }
        public MediaType MediaType { get; set; }
        public bool IsPhoto => MediaType == MediaType.Photo;
        public bool IsVideo => MediaType == MediaType.Video;

        /// <summary>
        /// Capture time in UTC (Library: creationTime; Picker: createTime; Takeout: photoTakenTime). Stored once, in
        /// <see cref="MediaMetadata"/> (Google's nesting); this is the short name for it.
        /// </summary>
        public DateTime? CreationTime
        {
            get => MediaMetadata?.CreationTime;
            set => Metadata().CreationTime = value;
        }

        /// <summary>Pixels; stored in <see cref="MediaMetadata"/>.</summary>
        public long? Width
        {
            get => MediaMetadata?.Width;
            set => Metadata().Width = value;
        }

        /// <summary>Pixels; stored in <see cref="MediaMetadata"/>.</summary>
        public long? Height
        {
            get => MediaMetadata?.Height;
            set => Metadata().Height = value;
        }
        public string CameraMake { get; set; }
        public string CameraModel { get; set; }
        public string Description { get; set; }
        public string ProductUrl { get; set; }

        /// <summary>The base URL as the server returned it. Valid about 60 minutes; Save refreshes it itself.</summary>
        public string BaseUrl { get; set; }

        /// <summary>When <see cref="BaseUrl"/> was received (UTC), so Save can tell a stale URL without a request.</summary>
        public DateTime? BaseUrlReceived { get; set; }

        /// <summary>Mirrors Google's nesting: <c>MediaMetadata.Photo</c> or <c>MediaMetadata.Video</c> (the other is null).</summary>
        public MediaMetadata MediaMetadata { get; set; } = new MediaMetadata();

        /// <summary>Video processing status; null for photos.</summary>
        public VideoProcessingStatus? VideoStatus => MediaMetadata?.Video?.Status;

        /// <summary>Picker items: the picking session they belong to (needed to refresh their base URLs).</summary>
        public string SessionId { get; set; }

        /// <summary>Library items: the display name of the contributor in a shared album, if any.</summary>
        public string ContributorName { get; set; }

        // --- Takeout: what only an export carries -----------------------------------------------

        public double? Latitude { get; set; }
        public double? Longitude { get; set; }
        public double? Altitude { get; set; }
        public IReadOnlyList<string> People { get; set; } = Array.Empty<string>();
        public IReadOnlyList<string> Albums { get; set; } = Array.Empty<string>();
        public bool IsFavorite { get; set; }
        public bool IsArchived { get; set; }
        public bool IsTrashed { get; set; }

        /// <summary>Takeout items: the archive (zip, tgz) or folder that holds the bytes.</summary>
        public string TakeoutArchive { get; set; }

        /// <summary>Takeout items: the entry path inside <see cref="TakeoutArchive"/> (forward slashes).</summary>
        public string TakeoutEntry { get; set; }

        /// <summary>Takeout items: size of the original in bytes, when known.</summary>
        public long? Size { get; set; }

        /// <summary>Takeout motion/live photos: the companion video's entry (same archive set), if any.</summary>
        public string MotionVideoEntry { get; set; }

        /// <summary>Takeout motion/live photos: the archive holding <see cref="MotionVideoEntry"/>.</summary>
        public string MotionVideoArchive { get; set; }

        public override string ToString() => Filename ?? Id ?? base.ToString();

        private MediaMetadata Metadata() => MediaMetadata ?? (MediaMetadata = new MediaMetadata());

        /// <summary>
        /// A copy a content source may refresh (its base URL) without touching the caller's object. Shallow: the
        /// source only writes <see cref="BaseUrl"/> and <see cref="BaseUrlReceived"/>.
        /// </summary>
        internal MediaItem CopyForRefresh() => (MediaItem)MemberwiseClone();
    }

    public sealed class MediaMetadata
    {
        public DateTime? CreationTime { get; set; }
        public long? Width { get; set; }
        public long? Height { get; set; }
        public PhotoMetadata Photo { get; set; }
        public VideoMetadata Video { get; set; }
    }

    public sealed class PhotoMetadata
    {
        public string CameraMake { get; set; }
        public string CameraModel { get; set; }
        public double? FocalLength { get; set; }
        public double? ApertureFNumber { get; set; }
        public int? IsoEquivalent { get; set; }

        /// <summary>Exposure time; Google sends a duration string such as "0.008s".</summary>
        public TimeSpan? ExposureTime { get; set; }
    }

    public sealed class VideoMetadata
    {
        public string CameraMake { get; set; }
        public string CameraModel { get; set; }
        public double? Fps { get; set; }
        public VideoProcessingStatus Status { get; set; }
    }

    public sealed class Album
    {
        public string Id { get; set; }
        public string Title { get; set; }
        public string ProductUrl { get; set; }
        public long? MediaItemsCount { get; set; }
        public string CoverPhotoBaseUrl { get; set; }
        public string CoverPhotoMediaItemId { get; set; }
        public bool IsWriteable { get; set; }
        public override string ToString() => Title ?? Id;
    }
}
