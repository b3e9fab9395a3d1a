using System;
using System.IO;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Threading;
using System.Threading.Tasks;
using GPhotos.Model;
using GPhotos.Sources;

namespace GPhotos.Saving
{
    /// <summary>
    /// A verified download sitting in the temp folder, waiting to be renamed into place: flushed to disk already, or
    /// still open (<see cref="Unflushed"/>) for its commit group to flush it (<see cref="CommitGroups"/>).
    /// </summary>
    internal sealed class DownloadedFile
    {
        public DownloadedFile(string tempPath, long bytes, string contentType, string sha256 = null, TempFile unflushed = null)
        {
            TempPath = tempPath;
            Bytes = bytes;
            ContentType = contentType;
            Sha256 = sha256;
            Unflushed = unflushed;
        }

        /// <summary>
        /// The temp file, still open for writing, its bytes not yet flushed to the disk (only handed to the OS). The
        /// handle is kept because Windows' FlushFileBuffers needs a writable one. Null once flushed and closed.
        /// </summary>
        public TempFile Unflushed { get; private set; }

        /// <summary>To the disk, then closed (a file must be closed before Windows renames it). Throws what the flush throws.</summary>
        public void FlushToDisk()
        {
            TempFile file = Unflushed;
            if (file == null) return;
            file.FlushToDisk();
            Close();
        }

        /// <summary>Closes the handle, if still open; never throws (a failed flush already made this item's error).</summary>
        public void Close()
        {
            TempFile file = Unflushed;
            Unflushed = null;
            try { file?.Dispose(); }
            catch (IOException) { }
            catch (UnauthorizedAccessException) { }
        }

        public string TempPath { get; }
        public long Bytes { get; }
        public string ContentType { get; }

        /// <summary>SHA-256 of the bytes written, lowercase hex: hashed from the same buffer as they streamed to disk.</summary>
        public string Sha256 { get; }

        /// <summary>Renamed into place: there is no temp file left to delete.</summary>
        public bool Placed { get; set; }
    }

    /// <summary>
    /// One download attempt: open the content, stream it into a new temp file through a fixed buffer (hashing each
    /// chunk with SHA-256 while it is being written: never a second read), check what arrived, flush to disk. On any failure or cancellation the temp file is deleted before the exception leaves.
    /// </summary>
    internal static class ContentDownloader
    {
        /// <summary>80 KiB: Stream.CopyTo's default, and below the 85,000-byte large-object-heap threshold.</summary>
        public const int BufferSize = 81920;

        /// <summary>Windows has overlapped file I/O; elsewhere a FileStream's async write is a sync write on the thread pool.</summary>
        private static readonly bool OverlappedWrites = TempFile.OverlappedWrites;

        /// <summary>Bytes kept from the start of the body to recognise a JPEG or an HTML page.</summary>
        private const int HeadSize = 64;

        /// <summary>
        /// Downloads <paramref name="variant"/> of <paramref name="item"/> into a new file in
        /// <paramref name="tempFolder"/>. Returns null when the source says the variant does not exist.
        /// </summary>
        public static async Task<DownloadedFile> DownloadAsync(IMediaContentSource source, MediaItem item, ContentVariant variant,
            string tempFolder, byte[] buffer, Action<long> onBytes, CancellationToken cancellationToken, bool deferFlush = false)
        {
            cancellationToken.ThrowIfCancellationRequested();
            MediaContent content = await source.OpenAsync(item, variant, cancellationToken).ConfigureAwait(false);
            if (content == null) return null;

            string temp = AtomicFile.NewTempPath(tempFolder, ".part");
            bool kept = false;
            try
            {
                using (content)
                // Some streams ignore the token once a read is pending (.NET Framework's HTTP streams do): disposing
                // the content aborts the connection so Ctrl+C is prompt anyway.
                using (cancellationToken.Register(state => ((MediaContent)state).Dispose(), content))
                {
                    bool expectVideo = variant == ContentVariant.MotionVideo || item.IsVideo;
                    CheckContentType(content.ContentType, expectVideo, item, variant);

                    var head = new byte[HeadSize];
                    int headLength = 0;
                    long total = 0;
                    TempFile file;
                    try
                    {
                        // No second buffer behind ours. Asynchronous only where the OS has overlapped I/O (Windows);
                        // elsewhere .NET "async" file writes are synchronous ones queued to the thread pool, a hop
                        // per chunk that cost CPU per file and bought nothing.
                        file = TempFile.CreateNew(temp);
                    }
                    catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException)
                    {
                        throw new DestinationWriteException($"Cannot create a temp file in '{tempFolder}': {ex.Message}", temp, ex);
                    }
                    bool handedOver = false;
                    try
                    {
                        using (IncrementalHash sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256))
                        {
                            // The buffer is filled before it is written and hashed: a socket hands over 16-64 KB
                            // a read, and each write and hash call has its own cost (a 300 KB photo: 4 writes, not 6).
                            int filled = 0;
                            bool ended = false;
                            while (!ended)
                            {
                                int read;
                                try
                                {
                                    read = await content.Body.ReadAsync(buffer, filled, buffer.Length - filled, cancellationToken).ConfigureAwait(false);
                                }
                                catch (Exception) when (cancellationToken.IsCancellationRequested)
                                {
                                    throw new OperationCanceledException(cancellationToken); // ObjectDisposed/IOException from the abort above
                                }
                                if (read == 0) ended = true;
                                else
                                {
                                    if (headLength < HeadSize)
                                    {
                                        int take = Math.Min(read, HeadSize - headLength);
                                        Buffer.BlockCopy(buffer, filled, head, headLength, take);
                                        headLength += take;
                                        if (headLength == HeadSize) CheckHead(head, headLength, expectVideo, item, variant);
                                    }
                                    filled += read;
                                    total += read;
                                    onBytes?.Invoke(read);
                                    if (content.Length.HasValue && total > content.Length.Value)
                                        throw Truncated(item, variant, content.Length.Value, total);
                                    // Keep filling, unless the buffer is full or all announced bytes are here.
                                    if (filled < buffer.Length && !(content.Length.HasValue && total == content.Length.Value)) continue;
                                }
                                if (filled == 0) continue;
                                try
                                {
                                    if (OverlappedWrites)
                                    {
                                        // Hash while the write is in flight (both only read the buffer).
                                        Task write = file.WriteAsync(buffer, 0, filled, cancellationToken);
                                        sha.AppendData(buffer, 0, filled);
                                        await write.ConfigureAwait(false);
                                    }
                                    else
                                    {
                                        // Into the page cache: microseconds, on this thread (the fsync below is what waits for the disk).
                                        file.Write(buffer, 0, filled);
                                        sha.AppendData(buffer, 0, filled);
                                    }
                                }
                                catch (Exception ex) when ((ex is IOException || ex is UnauthorizedAccessException) && !cancellationToken.IsCancellationRequested)
                                {
                                    throw WriteFailed(item, temp, ex);
                                }
                                filled = 0;
                            }

                            if (total == 0)
                                throw new UnexpectedContentException(UnexpectedContentKind.Empty,
                                    $"{Describe(item, variant)}: the server sent an empty body. Nothing was saved.", content.Length, 0);
                            if (headLength < HeadSize) CheckHead(head, headLength, expectVideo, item, variant);
                            if (content.Length.HasValue && total != content.Length.Value)
                                throw Truncated(item, variant, content.Length.Value, total);

                            try
                            {
                                if (OverlappedWrites) await file.FlushAsync(cancellationToken).ConfigureAwait(false);
                                // To the disk, not just the OS cache: the rename must not outrun the data. Deferred: the
                                // commit group flushes it, with others, before its rename.
                                if (!deferFlush) file.FlushToDisk();
                            }
                            catch (Exception ex) when ((ex is IOException || ex is UnauthorizedAccessException) && !cancellationToken.IsCancellationRequested)
                            {
                                throw WriteFailed(item, temp, ex);
                            }
                            kept = true;
                            handedOver = deferFlush;
                            return new DownloadedFile(temp, total, content.ContentType, Hex(sha.GetHashAndReset()), deferFlush ? file : null);
                        }
                    }
                    finally
                    {
                        if (!handedOver) file.Dispose();
                    }
                }
            }
            finally
            {
                if (!kept) AtomicFile.TryDelete(temp);
            }
        }

        internal static DestinationWriteException WriteFailed(MediaItem item, string temp, Exception ex) =>
            new DestinationWriteException($"Writing '{item.Filename ?? item.Id}' to the destination failed: {ex.Message}", temp, ex);

        /// <summary>Lowercase hex, as sha256sum and Get-FileHash (case-insensitively) print it.</summary>
        [MethodImpl(HotPath.Optimized)]
        internal static string Hex(byte[] hash)
        {
            var chars = new char[hash.Length * 2];
            for (int i = 0; i < hash.Length; i++)
            {
                chars[2 * i] = "0123456789abcdef"[hash[i] >> 4];
                chars[2 * i + 1] = "0123456789abcdef"[hash[i] & 15];
            }
            return new string(chars);
        }

        private static UnexpectedContentException Truncated(MediaItem item, ContentVariant variant, long expected, long received) =>
            new UnexpectedContentException(UnexpectedContentKind.Truncated,
                $"{Describe(item, variant)}: {received:N0} bytes arrived, {expected:N0} were announced. The download is incomplete.", expected, received);

        private static void CheckContentType(string contentType, bool expectVideo, MediaItem item, ContentVariant variant)
        {
            if (string.IsNullOrEmpty(contentType)) return;
            string type = contentType.Trim().ToLowerInvariant();
            if (type.StartsWith("text/html", StringComparison.Ordinal))
                throw Html(item, variant);
            if (expectVideo && type.StartsWith("image/", StringComparison.Ordinal))
                throw Thumbnail(item, variant, $"Content-Type {contentType}");
        }

        [MethodImpl(HotPath.Optimized)]
        private static void CheckHead(byte[] head, int length, bool expectVideo, MediaItem item, ContentVariant variant)
        {
            if (expectVideo && length >= 3 && head[0] == 0xFF && head[1] == 0xD8 && head[2] == 0xFF)
                throw Thumbnail(item, variant, "JPEG bytes");
            int i = 0;
            if (length >= 3 && head[0] == 0xEF && head[1] == 0xBB && head[2] == 0xBF) i = 3; // UTF-8 BOM
            while (i < length && (head[i] == ' ' || head[i] == '\t' || head[i] == '\r' || head[i] == '\n')) i++;
            if (StartsWithIgnoreCase(head, i, length, "<!doctype") || StartsWithIgnoreCase(head, i, length, "<html"))
                throw Html(item, variant);
        }

        private static bool StartsWithIgnoreCase(byte[] data, int start, int length, string ascii)
        {
            if (length - start < ascii.Length) return false;
            for (int i = 0; i < ascii.Length; i++)
            {
                byte b = data[start + i];
                if (b >= 'A' && b <= 'Z') b = (byte)(b + 32);
                if (b != ascii[i]) return false;
            }
            return true;
        }

        private static UnexpectedContentException Html(MediaItem item, ContentVariant variant) =>
            new UnexpectedContentException(UnexpectedContentKind.Html,
                $"{Describe(item, variant)}: the server sent an HTML page instead of the media (an error or sign-in page). Nothing was saved.");

        private static UnexpectedContentException Thumbnail(MediaItem item, ContentVariant variant, string evidence) =>
            new UnexpectedContentException(UnexpectedContentKind.ThumbnailInsteadOfVideo,
                $"{Describe(item, variant)}: Google served a thumbnail instead of the video ({evidence}). Nothing was saved; a still image under a video name is the classic broken backup. If Google is still processing the video, try again later.");

        internal static string Describe(MediaItem item, ContentVariant variant)
        {
            string name = item.Filename ?? item.Id;
            return variant == ContentVariant.MotionVideo ? $"'{name}' (motion video)" : $"'{name}'";
        }
    }
}
