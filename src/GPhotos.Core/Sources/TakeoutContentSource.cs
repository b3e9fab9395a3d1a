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
            // A tgz scan or a part in Drive can take long: off the caller's thread. A zip entry or a file on disk is
            // opened in microseconds, less than the thread switch would cost (measured: docs/benchmarks.md, "Takeout
            // Save per item").
            var archive = variant == ContentVariant.MotionVideo ? item.MotionVideoArchive ?? item.TakeoutArchive : item.TakeoutArchive;
            if (!TakeoutContent.OpensQuickly(archive)) return Task.Run(() => Open(item, variant, cancellationToken), cancellationToken);
            try { return Task.FromResult(Open(item, variant, cancellationToken)); }
            catch (Exception ex) { return Task.FromException<MediaContent>(ex); }
        }

        private static MediaContent Open(MediaItem item, ContentVariant variant, CancellationToken cancellationToken)
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
        }
    }
}
