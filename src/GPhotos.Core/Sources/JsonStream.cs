using System.Globalization;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;

namespace GPhotos.Sources
{
    /// <summary>
    /// Walks a JSON response token by token, straight from the stream, the way <c>JObject.Load</c> would read it:
    /// the same <see cref="JsonTextReader"/> settings, every token of the top object read (so a broken page fails
    /// exactly where and how it failed when it was loaded whole), comments skipped, the top object's end the end (what
    /// follows it is not read), and the same exception when the body ends early. Callers keep the last of repeated
    /// keys (JObject.Load replaces a repeated property). A listing page then costs its MediaItems, not a JObject tree
    /// per item (about 9.8 KB allocated per listed item before).
    /// </summary>
    internal static class JsonStream
    {
        /// <summary>
        /// Every property name the media parsers read: the reader hands these out without allocating a string per
        /// name (unknown names still get their own). Filled once, then only read (<see cref="DefaultJsonNameTable.Get"/>
        /// does not write), so readers on several threads may share it.
        /// </summary>
        private static readonly DefaultJsonNameTable Names = CreateNames();

        private static DefaultJsonNameTable CreateNames()
        {
            var table = new DefaultJsonNameTable();
            foreach (string name in new[]
            {
                "mediaItems", "nextPageToken", "mediaItemResults", "mediaItem", "status", "code", "message",
                "id", "description", "productUrl", "baseUrl", "mimeType", "filename", "mediaMetadata", "contributorInfo",
                "displayName", "profilePictureBaseUrl", "creationTime", "width", "height", "photo", "video",
                "cameraMake", "cameraModel", "focalLength", "apertureFNumber", "isoEquivalent", "exposureTime", "fps",
                "createTime", "type", "mediaFile", "mediaFileMetadata", "photoMetadata", "videoMetadata", "processingStatus",
            })
                table.Add(name);
            return table;
        }

        /// <summary>
        /// Moves to the body's top object: null for an empty body ({} then), else a reader standing on its StartObject.
        /// Anything but an object fails through <c>JObject.Load</c> itself, so the error is the one it always was; a
        /// body that opens with a comment is loaded whole (rare) and walked from the JObject.
        /// </summary>
        public static JsonReader OpenObject(JsonReader reader)
        {
            // The HTTP layer made the reader (it knows nothing of media fields); the names are ours to add.
            if (reader is JsonTextReader text && text.PropertyNameTable == null) text.PropertyNameTable = Names;
            if (!reader.Read()) return null;
            if (reader.TokenType == JsonToken.StartObject) return reader;
            var whole = new JTokenReader(JObject.Load(reader));
            whole.Read();
            return whole;
        }

        /// <summary>
        /// The next property of the object being walked: false at its end, else its name, with the reader on the
        /// property's value. <paramref name="first"/>: this is the first read after the top object's StartObject.
        /// </summary>
        public static bool NextProperty(JsonReader reader, out string name, bool first = false)
        {
            Next(reader, first);
            if (reader.TokenType == JsonToken.EndObject)
            {
                name = null;
                return false;
            }
            name = (string)reader.Value;
            Next(reader, false);
            return true;
        }

        /// <summary>The next element of the array being walked: false at its end, else the reader is on the element.</summary>
        public static bool NextElement(JsonReader reader)
        {
            Next(reader, false);
            return reader.TokenType != JsonToken.EndArray;
        }

        /// <summary>The value the reader is on, read past (a container to its end).</summary>
        public static JsonScalar Value(JsonReader reader)
        {
            JsonScalar value = JsonScalar.Of(reader);
            Skip(reader);
            return value;
        }

        /// <summary>Reads past the value the reader is on (a container to its end; a scalar is already read).</summary>
        public static void Skip(JsonReader reader)
        {
            JsonToken t = reader.TokenType;
            if (t != JsonToken.StartObject && t != JsonToken.StartArray && t != JsonToken.StartConstructor) return;
            int depth = reader.Depth;
            do Next(reader, false);
            while (reader.Depth > depth);
        }

        private static void Next(JsonReader reader, bool first)
        {
            do
            {
                // JObject.Load: the first read after the top StartObject, and any later read, fail with these words.
                if (!reader.Read())
                    throw EndOfContent(reader, first ? "Error reading JObject from JsonReader." : "Unexpected end of content while loading JObject.");
                first = false;
            }
            while (reader.TokenType == JsonToken.Comment);
        }

        /// <summary>What <c>JsonReaderException.Create(reader, message)</c> (internal to Json.NET) makes.</summary>
        private static JsonReaderException EndOfContent(JsonReader reader, string message)
        {
            var info = reader as IJsonLineInfo;
            bool lines = info != null && info.HasLineInfo();
            string text = message + " Path '" + reader.Path + "'"
                + (lines ? ", line " + info.LineNumber.ToString(CultureInfo.InvariantCulture) + ", position " + info.LinePosition.ToString(CultureInfo.InvariantCulture) : "")
                + ".";
            return new JsonReaderException(text, reader.Path, lines ? info.LineNumber : 0, lines ? info.LinePosition : 0, null);
        }
    }
}
