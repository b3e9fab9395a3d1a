using System;
using GPhotos.Http;
using Newtonsoft.Json.Linq;
using static GPhotos.Sources.JsonValues;

namespace GPhotos.Sources.Picker
{
    /// <summary>A Picker API session: the user picks items in Google's own UI at <see cref="PickerUri"/>.</summary>
    public sealed class PickerSession
    {
        public string Id { get; set; }
        public string PickerUri { get; set; }

        /// <summary>True once the user tapped Done: the items can be listed.</summary>
        public bool MediaItemsSet { get; set; }

        /// <summary>How often Google wants to be polled (only while not set).</summary>
        public TimeSpan? PollInterval { get; set; }

        /// <summary>How long Google will wait for the user from now (only while not set).</summary>
        public TimeSpan? TimeoutIn { get; set; }
        public DateTime? ExpireTime { get; set; }
        public long? MaxItemCount { get; set; }

        public override string ToString() => Id;

        internal static PickerSession FromJson(JObject json) => new PickerSession
        {
            Id = String(json, "id"),
            PickerUri = String(json, "pickerUri"),
            MediaItemsSet = Bool(json, "mediaItemsSet"),
            PollInterval = Duration(Child(json, "pollingConfig"), "pollInterval"),
            TimeoutIn = Duration(Child(json, "pollingConfig"), "timeoutIn"),
            ExpireTime = Timestamp(json, "expireTime"),
            MaxItemCount = Int64(Child(json, "pickingConfig"), "maxItemCount"),
        };
    }

    /// <summary>The user did not finish picking before Google's <c>timeoutIn</c> (or ours) ran out.</summary>
    public sealed class PickingTimeoutException : TimeoutException
    {
        public PickingTimeoutException(string sessionId, TimeSpan waited)
            : base($"Nobody finished picking in session {sessionId} within {waited.TotalMinutes:0.#} minutes. Run the command again and tap Done in the Google Photos picker when you have chosen your items.")
        {
            SessionId = sessionId;
        }

        public string SessionId { get; }
    }
}
