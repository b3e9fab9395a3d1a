using System;
using GPhotos.Model;
using GPhotos.Sources.Library;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;

namespace GPhotos.Sources.Picker
{
    /// <summary>
    /// PickedMediaItem JSON to our plain MediaItem (same type as every other source), read straight from the response
    /// stream like Library items (<see cref="LibraryJson"/>): wrong types count as absent, the last of repeated keys wins.
    /// </summary>
    internal static class PickerJson
    {
        /// <summary>One item from a JObject (tests, and callers that hold one): walked like the stream.</summary>
        public static MediaItem ToMediaItem(JObject json, string sessionId, DateTime receivedUtc)
        {
            var reader = new JTokenReader(json);
            reader.Read();
            return ReadMediaItem(reader, sessionId, receivedUtc);
        }

        /// <summary>One item; the reader stands on its StartObject and is left on its EndObject.</summary>
        public static MediaItem ReadMediaItem(JsonReader reader, string sessionId, DateTime receivedUtc)
        {
            JsonScalar id = default, createTime = default, kind = default;
            var file = new FileFields();
            while (JsonStream.NextProperty(reader, out string name))
            {
                switch (name)
                {
                    case "id": id = JsonStream.Value(reader); break;
                    case "createTime": createTime = JsonStream.Value(reader); break;
                    case "type": kind = JsonStream.Value(reader); break;
                    case "mediaFile": file = FileFields.Read(reader); break;
                    default: JsonStream.Skip(reader); break;
                }
            }

            string type = kind.AsString();
            string mime = file.MimeType.AsString();
            MediaType mediaType = string.Equals(type, "VIDEO", StringComparison.OrdinalIgnoreCase) ? MediaType.Video
                : string.Equals(type, "PHOTO", StringComparison.OrdinalIgnoreCase) ? MediaType.Photo
                : MediaTypes.FromMime(mime);

            var item = new MediaItem
            {
                Id = id.AsString(),
                Source = MediaSource.Picker,
                SessionId = sessionId,
                Filename = file.Filename.AsString(),
                MimeType = mime,
                MediaType = mediaType,
                BaseUrl = file.BaseUrl.AsString(),
                BaseUrlReceived = receivedUtc,
            };
            // Capture time, size and camera live in MediaMetadata only (the one a new MediaItem already has).
            FileMetadataFields meta = file.Metadata;
            MediaMetadata metadata = item.MediaMetadata ?? (item.MediaMetadata = new MediaMetadata());
            metadata.CreationTime = createTime.AsTimestamp();
            metadata.Width = meta.Width.AsInt64();
            metadata.Height = meta.Height.AsInt64();
            if (mediaType == MediaType.Video)
            {
                metadata.Video = new VideoMetadata
                {
                    CameraMake = meta.CameraMake.AsString(),
                    CameraModel = meta.CameraModel.AsString(),
                    Fps = meta.Video.Fps.AsDouble(),
                    Status = LibraryJson.ParseStatus(meta.Video.ProcessingStatus.AsString()),
                };
            }
            else
            {
                // Picker puts the camera beside photoMetadata, not in it.
                metadata.Photo = meta.Photo.ToMetadata(meta.CameraMake, meta.CameraModel);
            }
            return item;
        }

        /// <summary><c>mediaFile</c> as read; all absent when it is not an object.</summary>
        private struct FileFields
        {
            public JsonScalar BaseUrl, MimeType, Filename;
            public FileMetadataFields Metadata;

            public static FileFields Read(JsonReader reader)
            {
                var f = new FileFields();
                if (reader.TokenType != JsonToken.StartObject) { JsonStream.Skip(reader); return f; }
                while (JsonStream.NextProperty(reader, out string name))
                {
                    switch (name)
                    {
                        case "baseUrl": f.BaseUrl = JsonStream.Value(reader); break;
                        case "mimeType": f.MimeType = JsonStream.Value(reader); break;
                        case "filename": f.Filename = JsonStream.Value(reader); break;
                        case "mediaFileMetadata": f.Metadata = FileMetadataFields.Read(reader); break;
                        default: JsonStream.Skip(reader); break;
                    }
                }
                return f;
            }
        }

        /// <summary><c>mediaFileMetadata</c> as read: width and height as JSON numbers here, the camera beside the photo fields.</summary>
        private struct FileMetadataFields
        {
            public JsonScalar Width, Height, CameraMake, CameraModel;
            public PhotoFields Photo;
            public VideoFields Video;

            public static FileMetadataFields Read(JsonReader reader)
            {
                var f = new FileMetadataFields();
                if (reader.TokenType != JsonToken.StartObject) { JsonStream.Skip(reader); return f; }
                while (JsonStream.NextProperty(reader, out string name))
                {
                    switch (name)
                    {
                        case "width": f.Width = JsonStream.Value(reader); break;
                        case "height": f.Height = JsonStream.Value(reader); break;
                        case "cameraMake": f.CameraMake = JsonStream.Value(reader); break;
                        case "cameraModel": f.CameraModel = JsonStream.Value(reader); break;
                        case "photoMetadata": f.Photo = PhotoFields.Read(reader); break;
                        case "videoMetadata": f.Video = VideoFields.Read(reader); break;
                        default: JsonStream.Skip(reader); break;
                    }
                }
                return f;
            }
        }
    }
}
