using System;
using System.Threading;
using System.Threading.Tasks;
using GPhotos.Model;
using GPhotos.Sources.Takeout;

namespace GPhotos.Sources
{
    /// <summary>
    /// Takeout items' bytes: streamed bit for bit from their archive entry (or extracted file). Local data, so no
    /// refresh and no token; a motion photo's companion video is the second entry Takeout shipped beside it.
    /// </summary>
    public sealed class TakeoutContentSource : IMediaContentSource
    {
        public static TakeoutContentSource Instance { get; } = new TakeoutContentSource();

        public Task<MediaContent> OpenAsync(MediaItem item, ContentVariant variant, CancellationToken cancellationToken)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (variant == ContentVariant.MotionVideo && string.IsNullOrEmpty(item.MotionVideoEntry))
                return Task.FromResult<MediaContent>(null);
            if (string.IsNullOrEmpty(item.TakeoutArchive) || string.IsNullOrEmpty(item.TakeoutEntry))
                throw new InvalidOperationException($"'{item.Filename}' ({item.Id}) says it came from Takeout but names no archive entry; read it again with Get-GPhotosMediaItem -TakeoutPath.");
            // Opening a zip entry is synchronous file I/O: keep it off the caller's thread.
            return Task.Run(() =>
            {
                TakeoutContentStream stream = TakeoutContent.Open(item, variant, cancellationToken);
                if (stream.Length == 0)
                {
                    // Not "the server sent an empty body": the export itself holds an empty file, and no retry helps.
                    stream.Dispose();
                    var entry = variant == ContentVariant.MotionVideo ? item.MotionVideoEntry : item.TakeoutEntry;
                    var archive = variant == ContentVariant.MotionVideo ? item.MotionVideoArchive ?? item.TakeoutArchive : item.TakeoutArchive;
                    throw new TakeoutArchiveException(archive, entry,
                        $"'{entry}' in Takeout part '{archive}' is an empty file (0 bytes): the export holds no bytes for '{item.Filename}'. Nothing was saved; export it again or download it from Google Photos.");
                }
                // A motion photo's companion is a video whatever the photo's type: let the bytes speak for it.
                return new MediaContent(stream, stream.Length, variant == ContentVariant.MotionVideo ? null : item.MimeType);
            }, cancellationToken);
        }
    }
}
