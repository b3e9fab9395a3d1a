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

        /// <summary>
        /// Stored once, in <see cref="MediaMetadata"/>'s <c>Video</c> or <c>Photo</c> (Google's nesting); this is the short
        /// name for it. Setting it writes there (the video's when the item has video metadata or is a video).
        /// </summary>
        public string CameraMake
        {
            get => MediaMetadata?.Video?.CameraMake ?? MediaMetadata?.Photo?.CameraMake;
            set { if (value != null || HasCamera) { var v = VideoFor(); if (v != null) v.CameraMake = value; else PhotoFor().CameraMake = value; } }
        }

        /// <summary>Stored once, like <see cref="CameraMake"/>.</summary>
        public string CameraModel
        {
            get => MediaMetadata?.Video?.CameraModel ?? MediaMetadata?.Photo?.CameraModel;
            set { if (value != null || HasCamera) { var v = VideoFor(); if (v != null) v.CameraModel = value; else PhotoFor().CameraModel = value; } }
        }

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

        /// <summary>
        /// Takeout items: where the bytes are (part, entry, size, CRC-32, motion companion, Drive file id), each stored
        /// once; null for other sources. The flat properties below read and write it (kept for scripts and Save).
        /// </summary>
        public TakeoutInfo Takeout { get; set; }

        private TakeoutInfo TakeoutOrNew => Takeout ?? (Takeout = new TakeoutInfo());

        /// <summary>Takeout items: the archive (zip, tgz) or folder that holds the bytes (<see cref="TakeoutInfo.Archive"/>).</summary>
        public string TakeoutArchive { get => Takeout?.Archive; set { if (value != null || Takeout != null) TakeoutOrNew.Archive = value; } }

        /// <summary>Takeout items: the entry path inside <see cref="TakeoutArchive"/> (forward slashes).</summary>
        public string TakeoutEntry { get => Takeout?.Entry; set { if (value != null || Takeout != null) TakeoutOrNew.Entry = value; } }

        /// <summary>Takeout items: size of the original in bytes, when known.</summary>
        public long? Size { get => Takeout?.Size; set { if (value != null || Takeout != null) TakeoutOrNew.Size = value; } }

        /// <summary>Takeout motion/live photos: the companion video's entry (same archive set), if any.</summary>
        public string MotionVideoEntry { get => Takeout?.MotionVideoEntry; set { if (value != null || Takeout != null) TakeoutOrNew.MotionVideoEntry = value; } }

        /// <summary>Takeout motion/live photos: the archive holding <see cref="MotionVideoEntry"/>.</summary>
        public string MotionVideoArchive { get => Takeout?.MotionVideoArchive; set { if (value != null || Takeout != null) TakeoutOrNew.MotionVideoArchive = value; } }

        public override string ToString() => Filename ?? Id ?? base.ToString();

        private MediaMetadata Metadata() => MediaMetadata ?? (MediaMetadata = new MediaMetadata());

        private bool HasCamera => MediaMetadata?.Photo != null || MediaMetadata?.Video != null;

        // Where a camera field set from outside goes: the video metadata when there is some (or the item is a video),
        // else the photo metadata (made when missing): never a second copy.
        private VideoMetadata VideoFor()
        {
            var m = Metadata();
            if (m.Video == null && m.Photo == null && MediaType == MediaType.Video) m.Video = new VideoMetadata();
            return m.Video;
        }

        private PhotoMetadata PhotoFor()
        {
            var m = Metadata();
            return m.Photo ?? (m.Photo = new PhotoMetadata());
        }

        /// <summary>
        /// A copy a content source may refresh (its base URL) without touching the caller's object. Shallow: the
        /// source only writes <see cref="BaseUrl"/> and <see cref="BaseUrlReceived"/>.
        /// </summary>
        internal MediaItem CopyForRefresh() => (MediaItem)MemberwiseClone();
    }

    /// <summary>Where a Takeout item's bytes are: what the export's directory says about its entry.</summary>
    public sealed class TakeoutInfo
    {
        /// <summary>The part (zip, tgz), folder, or Drive part (drive:&lt;file id&gt;/&lt;name&gt;) holding the bytes.</summary>
        public string Archive { get; set; }
        /// <summary>The entry path inside <see cref="Archive"/> (forward slashes; "#n" for the n-th entry of a repeated name).</summary>
        public string Entry { get; set; }
        /// <summary>Size of the original in bytes, when known.</summary>
        public long? Size { get; set; }
        /// <summary>CRC-32 of the entry from the zip's central directory (zip parts only).</summary>
        public uint? Crc32 { get; set; }
        /// <summary>Motion/live photos: the companion video's entry, if any.</summary>
        public string MotionVideoEntry { get; set; }
        /// <summary>Motion/live photos: the part holding <see cref="MotionVideoEntry"/>.</summary>
        public string MotionVideoArchive { get; set; }
        /// <summary>The Drive file id of <see cref="Archive"/> when it is a part read in place from Drive.</summary>
        public string DriveFileId { get; set; }

        public override string ToString() => Archive + ":" + Entry;
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
