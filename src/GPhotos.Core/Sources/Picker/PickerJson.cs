using System;
using GPhotos.Model;
using GPhotos.Sources.Library;
using Newtonsoft.Json.Linq;
using static GPhotos.Sources.JsonValues;

namespace GPhotos.Sources.Picker
{
    /// <summary>PickedMediaItem JSON to our plain MediaItem (same type as every other source).</summary>
    internal static class PickerJson
    {
        public static MediaItem ToMediaItem(JObject json, string sessionId, DateTime receivedUtc)
        {
            JToken file = Child(json, "mediaFile");
            JToken meta = Child(file, "mediaFileMetadata");
            JToken photo = Child(meta, "photoMetadata");
            JToken video = Child(meta, "videoMetadata");
            string type = String(json, "type");
            string mime = String(file, "mimeType");

            MediaType mediaType = string.Equals(type, "VIDEO", StringComparison.OrdinalIgnoreCase) ? MediaType.Video
                : string.Equals(type, "PHOTO", StringComparison.OrdinalIgnoreCase) ? MediaType.Photo
                : MediaTypes.FromMime(mime);

            var metadata = new MediaMetadata
            {
                CreationTime = Timestamp(json, "createTime"),
                Width = Int64(meta, "width"),
                Height = Int64(meta, "height"),
            };
            string make = String(meta, "cameraMake"), model = String(meta, "cameraModel");
            if (mediaType == MediaType.Video)
            {
                metadata.Video = new VideoMetadata
                {
                    CameraMake = make,
                    CameraModel = model,
                    Fps = Double(video, "fps"),
                    Status = LibraryJson.ParseStatus(String(video, "processingStatus")),
                };
            }
            else
            {
                metadata.Photo = new PhotoMetadata
                {
                    CameraMake = make,
                    CameraModel = model,
                    FocalLength = Double(photo, "focalLength"),
                    ApertureFNumber = Double(photo, "apertureFNumber"),
                    IsoEquivalent = Int32(photo, "isoEquivalent"),
                    ExposureTime = Duration(photo, "exposureTime"),
                };
            }

            return new MediaItem
            {
                Id = String(json, "id"),
                Source = MediaSource.Picker,
                SessionId = sessionId,
                Filename = String(file, "filename"),
                MimeType = mime,
                MediaType = mediaType,
                BaseUrl = String(file, "baseUrl"),
                BaseUrlReceived = receivedUtc,
                // Capture time, size and camera live in MediaMetadata only; MediaItem's flat properties read them there.
                MediaMetadata = metadata,
            };
        }
    }
}
