using System;
using System.IO;
using System.Threading;
using System.Threading.Tasks;
using GPhotos.Http;
using GPhotos.Model;

namespace GPhotos.Sources
{
    /// <summary>Which bytes of an item to fetch.</summary>
    public enum ContentVariant
    {
        /// <summary>The original: <c>=d</c> for photos (full resolution, EXIF), <c>=dv</c> for videos, the archive entry for Takeout.</summary>
        Original,

        /// <summary>The video part of a motion photo (<c>=dv</c> on a photo; the companion file in Takeout).</summary>
        MotionVideo,
    }

    /// <summary>An open content stream with what the server said about it. Dispose it.</summary>
    public sealed class MediaContent : IDisposable
    {
        private readonly IDisposable _owner;

        public MediaContent(Stream body, long? length, string contentType, IDisposable owner = null)
        {
            Body = body ?? throw new ArgumentNullException(nameof(body));
            Length = length;
            ContentType = contentType;
            _owner = owner;
        }

        public Stream Body { get; }

        /// <summary>The declared length (Content-Length, archive entry size) or null when unknown.</summary>
        public long? Length { get; }
        public string ContentType { get; }

        public void Dispose()
        {
            Body.Dispose();
            _owner?.Dispose();
        }
    }

    /// <summary>
    /// A source opens the bytes of one of its items. It refreshes a stale base URL itself (Library: batchGet;
    /// Picker: listing the session again) so the save engine never needs to know which API an item came from.
    /// Implementations are thread-safe.
    /// </summary>
    public interface IMediaContentSource
    {
        /// <summary>
        /// Opens the content. Returns null when the variant does not exist for this item (e.g. a photo that is not a
        /// motion photo). Throws <see cref="GPhotos.Http.GoogleApiException"/>, <see cref="IOException"/> and the like on
        /// failure; transient ones are retried by the caller.
        /// </summary>
        Task<MediaContent> OpenAsync(MediaItem item, ContentVariant variant, CancellationToken cancellationToken);
    }
}

namespace GPhotos.Sources
{
    /// <summary>
    /// The core's choice of content source for an item, by <see cref="MediaItem.Source"/>: Takeout items read their
    /// archive; Library and Picker items need a connection (<see cref="Api"/>), set by the host before such items are
    /// saved. One instance per save: the API sources keep the base URLs they refreshed. Thread-safe.
    /// </summary>
    public sealed class ContentSources
    {
        private readonly object _gate = new object();
        private GoogleApiClient _api;
        private IMediaContentSource _library;
        private IMediaContentSource _picker;

        /// <summary>The connection's API client for Library and Picker items; null until connected.</summary>
        public GoogleApiClient Api
        {
            get { lock (_gate) return _api; }
            set
            {
                lock (_gate)
                {
                    if (ReferenceEquals(_api, value)) return;
                    _api = value;
                    _library = value == null ? null : new Library.LibraryContentSource(value);
                    _picker = value == null ? null : new Picker.PickerContentSource(value);
                }
            }
        }

        /// <summary>Whether saving <paramref name="item"/> needs <see cref="Api"/>.</summary>
        public static bool NeedsApi(MediaItem item) => item != null && item.Source != MediaSource.Takeout;

        /// <summary>The source that opens <paramref name="item"/>'s bytes. Called from worker threads.</summary>
        public IMediaContentSource For(MediaItem item)
        {
            if (item.Source == MediaSource.Takeout) return TakeoutContentSource.Instance;
            lock (_gate)
            {
                if (item.Source == MediaSource.Picker)
                    return _picker ?? throw new InvalidOperationException("Not connected to Google Photos: run Connect-GPhotos before saving Picker items.");
                return _library ?? throw new InvalidOperationException("Not connected to Google Photos: run Connect-GPhotos before saving Library items.");
            }
        }
    }
}
