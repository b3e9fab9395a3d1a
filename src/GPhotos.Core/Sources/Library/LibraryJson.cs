using System;
using GPhotos.Model;
using Newtonsoft.Json.Linq;
using static GPhotos.Sources.JsonValues;

namespace GPhotos.Sources.Library
{
    /// <summary>Library API JSON (proto3 mapping) to our plain objects.</summary>
    internal static class LibraryJson
    {
        public static MediaItem ToMediaItem(JObject json, DateTime receivedUtc)
        {
            JToken meta = Child(json, "mediaMetadata");
            JToken photo = Child(meta, "photo");
            JToken video = Child(meta, "video");
            string mime = String(json, "mimeType");

            var metadata = new MediaMetadata
            {
                CreationTime = Timestamp(meta, "creationTime"),
                Width = Int64(meta, "width"),
                Height = Int64(meta, "height"),
            };
            if (video is JObject)
            {
                metadata.Video = new VideoMetadata
                {
                    CameraMake = String(video, "cameraMake"),
                    CameraModel = String(video, "cameraModel"),
                    Fps = Double(video, "fps"),
                    Status = ParseStatus(String(video, "status")),
                };
            }
            else if (photo is JObject || meta != null)
            {
                metadata.Photo = new PhotoMetadata
                {
                    CameraMake = String(photo, "cameraMake"),
                    CameraModel = String(photo, "cameraModel"),
                    FocalLength = Double(photo, "focalLength"),
                    ApertureFNumber = Double(photo, "apertureFNumber"),
                    IsoEquivalent = Int32(photo, "isoEquivalent"),
                    ExposureTime = Duration(photo, "exposureTime"),
                };
            }

            MediaType type = video is JObject ? MediaType.Video
                : photo is JObject ? MediaType.Photo
                : MediaTypes.FromMime(mime);

            return new MediaItem
            {
                Id = String(json, "id"),
                Source = MediaSource.Library,
                Filename = String(json, "filename"),
                MimeType = mime,
                MediaType = type,
                Description = String(json, "description"),
                ProductUrl = String(json, "productUrl"),
                BaseUrl = String(json, "baseUrl"),
                BaseUrlReceived = receivedUtc,
                // Capture time, size and camera live in MediaMetadata only; MediaItem's flat properties read them there.
                MediaMetadata = metadata,
                ContributorName = String(Child(json, "contributorInfo"), "displayName"),
            };
        }

        public static Album ToAlbum(JObject json) => new Album
        {
            Id = String(json, "id"),
            Title = String(json, "title"),
            ProductUrl = String(json, "productUrl"),
            MediaItemsCount = Int64(json, "mediaItemsCount"),
            CoverPhotoBaseUrl = String(json, "coverPhotoBaseUrl"),
            CoverPhotoMediaItemId = String(json, "coverPhotoMediaItemId"),
            IsWriteable = Bool(json, "isWriteable"),
        };

        public static VideoProcessingStatus ParseStatus(string status)
        {
            switch (status?.ToUpperInvariant())
            {
                case "READY": return VideoProcessingStatus.Ready;
                case "PROCESSING": return VideoProcessingStatus.Processing;
                case "FAILED": return VideoProcessingStatus.Failed;
                default: return VideoProcessingStatus.Unspecified;
            }
        }
    }

    internal static class MediaTypes
    {
        public static MediaType FromMime(string mime)
        {
            if (mime == null) return MediaType.Unspecified;
            if (mime.StartsWith("video/", StringComparison.OrdinalIgnoreCase)) return MediaType.Video;
            if (mime.StartsWith("image/", StringComparison.OrdinalIgnoreCase)) return MediaType.Photo;
            return MediaType.Unspecified;
        }
    }
}
