using System;
using GPhotos.Model;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;
using static GPhotos.Sources.JsonValues;

namespace GPhotos.Sources.Library
{
    /// <summary>
    /// Library API JSON (proto3 mapping) to our plain objects. A media item is read straight from the response stream
    /// (<see cref="JsonStream"/>): no JObject per item. Fields of the wrong JSON type count as absent, unknown fields
    /// are skipped, and the last of repeated keys wins, as when the page was a JObject.
    /// </summary>
    internal static class LibraryJson
    {
        /// <summary>One item from a JObject (tests, and callers that hold one): walked like the stream.</summary>
        public static MediaItem ToMediaItem(JObject json, DateTime receivedUtc)
        {
            var reader = new JTokenReader(json);
            reader.Read();
            return ReadMediaItem(reader, receivedUtc);
        }

        /// <summary>One item; the reader stands on its StartObject and is left on its EndObject.</summary>
        public static MediaItem ReadMediaItem(JsonReader reader, DateTime receivedUtc)
        {
            JsonScalar id = default, filename = default, mime = default, description = default, productUrl = default,
                baseUrl = default, contributor = default;
            bool hasMeta = false;
            var meta = new MetadataFields();
            while (JsonStream.NextProperty(reader, out string name))
            {
                switch (name)
                {
                    case "id": id = JsonStream.Value(reader); break;
                    case "filename": filename = JsonStream.Value(reader); break;
                    case "mimeType": mime = JsonStream.Value(reader); break;
                    case "description": description = JsonStream.Value(reader); break;
                    case "productUrl": productUrl = JsonStream.Value(reader); break;
                    case "baseUrl": baseUrl = JsonStream.Value(reader); break;
                    case "mediaMetadata":
                        // Present at all (even null or a string): the item gets photo metadata, as before.
                        hasMeta = true;
                        meta = new MetadataFields();
                        if (reader.TokenType == JsonToken.StartObject) meta.Read(reader);
                        else JsonStream.Skip(reader);
                        break;
                    case "contributorInfo":
                        contributor = default;
                        if (reader.TokenType != JsonToken.StartObject) { JsonStream.Skip(reader); break; }
                        while (JsonStream.NextProperty(reader, out string field))
                            if (field == "displayName") contributor = JsonStream.Value(reader);
                            else JsonStream.Skip(reader);
                        break;
                    default: JsonStream.Skip(reader); break;
                }
            }

            string mimeType = mime.AsString();
            var item = new MediaItem
            {
                Id = id.AsString(),
                Source = MediaSource.Library,
                Filename = filename.AsString(),
                MimeType = mimeType,
                MediaType = meta.Video.IsObject ? MediaType.Video
                    : meta.Photo.IsObject ? MediaType.Photo
                    : MediaTypes.FromMime(mimeType),
                Description = description.AsString(),
                ProductUrl = productUrl.AsString(),
                BaseUrl = baseUrl.AsString(),
                BaseUrlReceived = receivedUtc,
                ContributorName = contributor.AsString(),
            };
            // Capture time, size and camera live in MediaMetadata only; MediaItem's flat properties read them there.
            // Filled in the one a new MediaItem already has (a second one per item was 56 bytes of garbage).
            MediaMetadata metadata = item.MediaMetadata ?? (item.MediaMetadata = new MediaMetadata());
            metadata.CreationTime = meta.CreationTime.AsTimestamp();
            metadata.Width = meta.Width.AsInt64();
            metadata.Height = meta.Height.AsInt64();
            if (meta.Video.IsObject)
            {
                metadata.Video = new VideoMetadata
                {
                    CameraMake = meta.Video.CameraMake.AsString(),
                    CameraModel = meta.Video.CameraModel.AsString(),
                    Fps = meta.Video.Fps.AsDouble(),
                    Status = ParseStatus(meta.Video.Status.AsString()),
                };
            }
            else if (meta.Photo.IsObject || hasMeta)
            {
                metadata.Photo = meta.Photo.ToMetadata(meta.Photo.CameraMake, meta.Photo.CameraModel);
            }
            return item;
        }

        /// <summary>Library <c>mediaMetadata</c> as read (a struct: nothing allocated per item for it).</summary>
        private struct MetadataFields
        {
            public JsonScalar CreationTime, Width, Height;
            public PhotoFields Photo;
            public VideoFields Video;

            public void Read(JsonReader reader)
            {
                while (JsonStream.NextProperty(reader, out string name))
                {
                    switch (name)
                    {
                        case "creationTime": CreationTime = JsonStream.Value(reader); break;
                        case "width": Width = JsonStream.Value(reader); break;
                        case "height": Height = JsonStream.Value(reader); break;
                        case "photo": Photo = PhotoFields.Read(reader); break;
                        case "video": Video = VideoFields.Read(reader); break;
                        default: JsonStream.Skip(reader); break;
                    }
                }
            }
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

    /// <summary>
    /// Photo fields as read: Library's <c>photo</c> and Picker's <c>photoMetadata</c> (whose camera is one level up).
    /// <see cref="IsObject"/> is false when the key is absent or not an object (then every field is absent).
    /// </summary>
    internal struct PhotoFields
    {
        public bool IsObject;
        public JsonScalar CameraMake, CameraModel, FocalLength, ApertureFNumber, IsoEquivalent, ExposureTime;

        /// <summary>The value the reader stands on; a repeated key starts again from nothing (the last one wins).</summary>
        public static PhotoFields Read(JsonReader reader)
        {
            var f = new PhotoFields { IsObject = reader.TokenType == JsonToken.StartObject };
            if (!f.IsObject) { JsonStream.Skip(reader); return f; }
            while (JsonStream.NextProperty(reader, out string name))
            {
                switch (name)
                {
                    case "cameraMake": f.CameraMake = JsonStream.Value(reader); break;
                    case "cameraModel": f.CameraModel = JsonStream.Value(reader); break;
                    case "focalLength": f.FocalLength = JsonStream.Value(reader); break;
                    case "apertureFNumber": f.ApertureFNumber = JsonStream.Value(reader); break;
                    case "isoEquivalent": f.IsoEquivalent = JsonStream.Value(reader); break;
                    case "exposureTime": f.ExposureTime = JsonStream.Value(reader); break;
                    default: JsonStream.Skip(reader); break;
                }
            }
            return f;
        }

        public PhotoMetadata ToMetadata(JsonScalar make, JsonScalar model) => new PhotoMetadata
        {
            CameraMake = make.AsString(),
            CameraModel = model.AsString(),
            FocalLength = FocalLength.AsDouble(),
            ApertureFNumber = ApertureFNumber.AsDouble(),
            IsoEquivalent = IsoEquivalent.AsInt32(),
            ExposureTime = ExposureTime.AsDuration(),
        };
    }

    /// <summary>Video fields as read: Library's <c>video</c> (status) and Picker's <c>videoMetadata</c> (processingStatus).</summary>
    internal struct VideoFields
    {
        public bool IsObject;
        public JsonScalar CameraMake, CameraModel, Fps, Status, ProcessingStatus;

        public static VideoFields Read(JsonReader reader)
        {
            var f = new VideoFields { IsObject = reader.TokenType == JsonToken.StartObject };
            if (!f.IsObject) { JsonStream.Skip(reader); return f; }
            while (JsonStream.NextProperty(reader, out string name))
            {
                switch (name)
                {
                    case "cameraMake": f.CameraMake = JsonStream.Value(reader); break;
                    case "cameraModel": f.CameraModel = JsonStream.Value(reader); break;
                    case "fps": f.Fps = JsonStream.Value(reader); break;
                    case "status": f.Status = JsonStream.Value(reader); break;
                    case "processingStatus": f.ProcessingStatus = JsonStream.Value(reader); break;
                    default: JsonStream.Skip(reader); break;
                }
            }
            return f;
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
