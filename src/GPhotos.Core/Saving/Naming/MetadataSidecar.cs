using System.Collections.Generic;
using System.Linq;
using System.Text;
using GPhotos.Model;
using Newtonsoft.Json;
using Newtonsoft.Json.Converters;
using Newtonsoft.Json.Serialization;

namespace GPhotos.Saving
{
    /// <summary>
    /// The <c>&lt;file&gt;.json</c> beside a saved item: every <see cref="MediaItem"/> property, camelCase, enums as
    /// names, times as ISO 8601 UTC. The base URL is left out: it is a short-lived credential-like link, useless an
    /// hour later and not something to leave lying in a backup.
    /// </summary>
    internal static class MetadataSidecar
    {
        public const string Extension = ".json";

        /// <summary>
        /// The sidecar's path for a file saved at <paramref name="relativePath"/> ('/'-separated): beside it, named by
        /// <see cref="FileNamer.AppendExtension"/> so it obeys the same length rule as the file's own name (and the
        /// index, which accepts only such names, keeps it).
        /// </summary>
        public static string PathFor(string relativePath)
        {
            int slash = relativePath.LastIndexOf('/');
            return relativePath.Substring(0, slash + 1) + FileNamer.AppendExtension(relativePath.Substring(slash + 1), Extension);
        }

        private static readonly JsonSerializerSettings Settings = new JsonSerializerSettings
        {
            ContractResolver = new SidecarContractResolver(),
            Formatting = Formatting.Indented,
            DateTimeZoneHandling = DateTimeZoneHandling.Utc,
            DateFormatHandling = DateFormatHandling.IsoDateFormat,
            NullValueHandling = NullValueHandling.Include,
            Converters = { new StringEnumConverter() },
        };

        public static byte[] Serialize(MediaItem item) =>
            new UTF8Encoding(false).GetBytes(JsonConvert.SerializeObject(item, Settings) + "\n");

        private sealed class SidecarContractResolver : DefaultContractResolver
        {
            public SidecarContractResolver()
            {
                NamingStrategy = new CamelCaseNamingStrategy();
            }

            protected override IList<JsonProperty> CreateProperties(System.Type type, MemberSerialization memberSerialization)
            {
                IList<JsonProperty> properties = base.CreateProperties(type, memberSerialization);
                if (type != typeof(MediaItem)) return properties;
                return properties.Where(p => p.UnderlyingName != nameof(MediaItem.BaseUrl)).ToList();
            }
        }
    }
}
