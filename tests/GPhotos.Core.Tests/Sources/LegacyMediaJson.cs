#nullable enable
using System.Globalization;
using GPhotos.Http;
using GPhotos.Model;
using GPhotos.Sources;
using GPhotos.Sources.Library;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;

namespace GPhotos.Core.Tests.Sources;

/// <summary>
/// The media parsers as they were before pages were read from the stream (main at e55f569: GoogleApiClient.ParseObject,
/// LibraryClient.ParsePage/ParseBatch, LibraryJson/PickerJson.ToMediaItem, JsonValues), copied verbatim but for names:
/// the reference <see cref="StreamingPageFuzzTests"/> holds the streaming parsers to. Do not "fix" anything here: a
/// difference from src is a change of behaviour to explain, not a bug in this copy.
/// </summary>
internal static class LegacyMediaJson
{
    public static JObject ParseObject(Stream body, Uri uri)
    {
        try
        {
            using var reader = new JsonTextReader(new StreamReader(body, System.Text.Encoding.UTF8, true, 16384)) { DateParseHandling = DateParseHandling.None, FloatParseHandling = FloatParseHandling.Double };
            if (!reader.Read()) return new JObject(); // an empty body
            return JObject.Load(reader);
        }
        catch (JsonException ex)
        {
            throw new GoogleApiException(0, null, null, $"{uri.GetLeftPart(UriPartial.Path)} answered with something that is not JSON: {ex.Message}", null, ex);
        }
    }

    public static MediaPage ParseLibraryPage(JObject json, DateTime received)
    {
        var items = new List<MediaItem>();
        if (json["mediaItems"] is JArray array)
            foreach (JObject item in array.OfType<JObject>())
                items.Add(LibraryItem(item, received));
        return new MediaPage(items, String(json, "nextPageToken"));
    }

    public static MediaPage ParsePickerPage(JObject json, string sessionId, DateTime received)
    {
        var items = new List<MediaItem>();
        if (json["mediaItems"] is JArray array)
            foreach (JObject item in array.OfType<JObject>())
                items.Add(PickerItem(item, sessionId, received));
        return new MediaPage(items, String(json, "nextPageToken"));
    }

    public static List<BatchGetResult> ParseBatch(JObject json, IReadOnlyList<string> chunk, DateTime received)
    {
        JArray answers = json["mediaItemResults"] as JArray ?? new JArray();
        var results = new List<BatchGetResult>(chunk.Count);
        for (int i = 0; i < chunk.Count; i++)
        {
            JObject? answer = i < answers.Count ? answers[i] as JObject : null;
            if (answer?["mediaItem"] is JObject mi)
            {
                results.Add(new BatchGetResult(chunk[i], LibraryItem(mi, received), 0, null));
            }
            else
            {
                JToken? status = answer?["status"];
                results.Add(new BatchGetResult(chunk[i], null,
                    Int32(status, "code") ?? 5,
                    String(status, "message") ?? "No answer for this id."));
            }
        }
        return results;
    }

    public static MediaItem LibraryItem(JObject json, DateTime receivedUtc)
    {
        JToken? meta = Child(json, "mediaMetadata");
        JToken? photo = Child(meta, "photo");
        JToken? video = Child(meta, "video");
        string? mime = String(json, "mimeType");

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
                Status = LibraryJson.ParseStatus(String(video, "status")),
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
            : FromMime(mime);

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
            MediaMetadata = metadata,
            ContributorName = String(Child(json, "contributorInfo"), "displayName"),
        };
    }

    public static MediaItem PickerItem(JObject json, string sessionId, DateTime receivedUtc)
    {
        JToken? file = Child(json, "mediaFile");
        JToken? meta = Child(file, "mediaFileMetadata");
        JToken? photo = Child(meta, "photoMetadata");
        JToken? video = Child(meta, "videoMetadata");
        string? type = String(json, "type");
        string? mime = String(file, "mimeType");

        MediaType mediaType = string.Equals(type, "VIDEO", StringComparison.OrdinalIgnoreCase) ? MediaType.Video
            : string.Equals(type, "PHOTO", StringComparison.OrdinalIgnoreCase) ? MediaType.Photo
            : FromMime(mime);

        var metadata = new MediaMetadata
        {
            CreationTime = Timestamp(json, "createTime"),
            Width = Int64(meta, "width"),
            Height = Int64(meta, "height"),
        };
        string? make = String(meta, "cameraMake"), model = String(meta, "cameraModel");
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
            MediaMetadata = metadata,
        };
    }

    private static MediaType FromMime(string? mime)
    {
        if (mime == null) return MediaType.Unspecified;
        if (mime.StartsWith("video/", StringComparison.OrdinalIgnoreCase)) return MediaType.Video;
        if (mime.StartsWith("image/", StringComparison.OrdinalIgnoreCase)) return MediaType.Photo;
        return MediaType.Unspecified;
    }

    // ---- JsonValues as it was

    private static JToken? Child(JToken? token, string name) => token is JObject o ? o[name] : null;

    private static string? String(JToken? token, string name) => Child(token, name) is JValue v && v.Type != JTokenType.Null ? Convert.ToString(v.Value, CultureInfo.InvariantCulture) : null;

    private static long? Int64(JToken? token, string name)
    {
        if (!(Child(token, name) is JValue v) || v.Type == JTokenType.Null) return null;
        switch (v.Type)
        {
            case JTokenType.Integer: return v.Value is long l64 ? l64 : (long?)null;
            case JTokenType.Float:
                double d = Convert.ToDouble(v.Value, CultureInfo.InvariantCulture);
                return d > -9.2e18 && d < 9.2e18 ? (long)Math.Round(d) : (long?)null;
            case JTokenType.String:
                return long.TryParse((string)v.Value!, NumberStyles.Integer, CultureInfo.InvariantCulture, out long l) ? l : (long?)null;
            default: return null;
        }
    }

    private static int? Int32(JToken? token, string name)
    {
        long? value = Int64(token, name);
        return value.HasValue && value.Value >= int.MinValue && value.Value <= int.MaxValue ? (int)value.Value : (int?)null;
    }

    private static double? Double(JToken? token, string name)
    {
        if (!(Child(token, name) is JValue v) || v.Type == JTokenType.Null) return null;
        switch (v.Type)
        {
            case JTokenType.Integer:
            case JTokenType.Float:
                return v.Value is System.Numerics.BigInteger big ? (double)big : Convert.ToDouble(v.Value, CultureInfo.InvariantCulture);
            case JTokenType.String:
                return double.TryParse((string)v.Value!, NumberStyles.Float, CultureInfo.InvariantCulture, out double d) ? d : (double?)null;
            default: return null;
        }
    }

    private static DateTime? Timestamp(JToken? token, string name)
    {
        if (!(Child(token, name) is JValue v) || v.Type == JTokenType.Null) return null;
        if (v.Type == JTokenType.Date) return ((DateTime)v.Value!).ToUniversalTime();
        string? s = Convert.ToString(v.Value, CultureInfo.InvariantCulture);
        return DateTimeOffset.TryParse(s, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out DateTimeOffset dto)
            ? dto.UtcDateTime
            : (DateTime?)null;
    }

    private static TimeSpan? Duration(JToken? token, string name) => JsonValues.ParseDuration(String(token, name));
}
