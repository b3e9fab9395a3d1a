#nullable enable
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text;
using GPhotos.Http;
using GPhotos.Model;
using GPhotos.Saving;
using GPhotos.Sources;

namespace GPhotos.Core.Tests.Saving;

/// <summary>A temp destination per test, deleted afterwards.</summary>
public sealed class TempFolder : IDisposable
{
    public TempFolder()
    {
        Root = Path.Combine(Path.GetTempPath(), "gphotos-save-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Root);
        Destination = Path.Combine(Root, "dest");
    }

    public string Root { get; }
    public string Destination { get; }
    public string StateFolder => Path.Combine(Destination, ".gphotos");
    public string TempFolderPath => Path.Combine(StateFolder, "tmp");
    public string IndexPath => Path.Combine(StateFolder, "index.jsonl");

    public string[] TempFiles() => Directory.Exists(TempFolderPath) ? Directory.GetFiles(TempFolderPath) : [];

    /// <summary>Files under the destination, relative, '/'-separated, excluding .gphotos.</summary>
    public string[] UserVisibleFiles() => Directory.Exists(Destination)
        ? Directory.GetFiles(Destination, "*", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(Destination, f).Replace('\\', '/'))
            .Where(f => !f.StartsWith(".gphotos/", StringComparison.Ordinal))
            .OrderBy(f => f, StringComparer.Ordinal).ToArray()
        : [];

    public void Dispose()
    {
        try { Directory.Delete(Root, true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}

/// <summary>
/// An in-test content source: deterministic bytes per item and variant, scripted failures, concurrency and call
/// counting. Only for the engine's own logic; the real sources are tested against the emulator elsewhere.
/// </summary>
public sealed class FakeSource : IMediaContentSource
{
    private readonly ConcurrentDictionary<string, int> _calls = new();
    private int _current;
    private int _max;

    /// <summary>Scripts an answer: (item, variant, attempt number from 1, token) → content, or null for "no such variant". Default: <see cref="Default"/>.</summary>
    public Func<MediaItem, ContentVariant, int, CancellationToken, Task<MediaContent?>>? Handler { get; set; }

    /// <summary>Items whose MotionVideo variant exists (default: none).</summary>
    public HashSet<string> MotionPhotos { get; } = new();

    /// <summary>Changes every item's bytes (to test Force).</summary>
    public string Generation { get; set; } = "1";

    /// <summary>Delay per read, to make downloads overlap.</summary>
    public TimeSpan ReadDelay { get; set; } = TimeSpan.Zero;

    public int MaxConcurrent => Volatile.Read(ref _max);
    public int TotalCalls => _calls.Values.Sum();
    public int Calls(string id, ContentVariant variant = ContentVariant.Original) => _calls.TryGetValue(id + "|" + variant, out int n) ? n : 0;

    public async Task<MediaContent> OpenAsync(MediaItem item, ContentVariant variant, CancellationToken cancellationToken)
    {
        int attempt = _calls.AddOrUpdate(item.Id + "|" + variant, 1, (_, n) => n + 1);
        int now = Interlocked.Increment(ref _current);
        int seen;
        while ((seen = Volatile.Read(ref _max)) < now && Interlocked.CompareExchange(ref _max, now, seen) != seen) { }
        bool handedOut = false;
        try
        {
            MediaContent? content = await (Handler ?? Default)(item, variant, attempt, cancellationToken).ConfigureAwait(false);
            if (content == null) return null!;
            handedOut = true;
            return new MediaContent(content.Body, content.Length, content.ContentType, new Release(this, content));
        }
        finally
        {
            if (!handedOut) Interlocked.Decrement(ref _current);
        }
    }

    public Task<MediaContent?> Default(MediaItem item, ContentVariant variant, int attempt, CancellationToken ct)
    {
        if (variant == ContentVariant.MotionVideo && !MotionPhotos.Contains(item.Id)) return Task.FromResult<MediaContent?>(null);
        bool video = variant == ContentVariant.MotionVideo || item.IsVideo;
        byte[] data = item.IsVideo && variant == ContentVariant.Original ? VideoBytes(item.Id, Generation) : BytesFor(item.Id, variant, Generation);
        return Task.FromResult<MediaContent?>(Content(data, video ? "video/mp4" : "image/jpeg", delay: ReadDelay));
    }

    public static byte[] BytesFor(string id, ContentVariant variant, string generation = "1")
    {
        bool video = variant == ContentVariant.MotionVideo;
        var header = video ? new byte[] { 0, 0, 0, 0x18, (byte)'f', (byte)'t', (byte)'y', (byte)'p' } : new byte[] { 0xFF, 0xD8, 0xFF, 0xE0 };
        byte[] body = Encoding.UTF8.GetBytes($"{id}/{variant}/{generation};");
        int size = 3000 + (int)(StableHash(id) % 200000);
        var data = new byte[size];
        header.CopyTo(data, 0);
        for (int i = header.Length; i < size; i++) data[i] = body[i % body.Length];
        return data;
    }

    private static uint StableHash(string text)
    {
        uint hash = 2166136261;
        foreach (char c in text) hash = (hash ^ c) * 16777619;
        return hash;
    }

    public static byte[] VideoBytes(string id, string generation = "1")
    {
        byte[] data = BytesFor(id, ContentVariant.Original, generation);
        data[0] = 0; data[1] = 0; data[2] = 0; data[3] = 0x18; // not a JPEG
        return data;
    }

    public static MediaContent Content(byte[] data, string? contentType, long? length = -1, TimeSpan delay = default) =>
        new(new ScriptedStream(data, delay), length == -1 ? data.Length : length, contentType);

    private sealed class Release(FakeSource owner, MediaContent inner) : IDisposable
    {
        private int _done;
        public void Dispose()
        {
            if (Interlocked.Exchange(ref _done, 1) == 0)
            {
                inner.Dispose();
                Interlocked.Decrement(ref owner._current);
            }
        }
    }
}

/// <summary>Serves bytes in small chunks (optionally slowly), or stalls after a prefix.</summary>
public sealed class ScriptedStream : GPhotos.IO.ReadOnlyStream
{
    private readonly byte[] _data;
    private readonly TimeSpan _delay;
    private readonly int _stallAfter;
    private readonly bool _honourToken;
    private readonly TaskCompletionSource<int> _disposed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _position;

    public ScriptedStream(byte[] data, TimeSpan delay = default, int stallAfter = -1, bool honourToken = true)
    {
        _data = data;
        _delay = delay;
        _stallAfter = stallAfter;
        _honourToken = honourToken;
    }

    public int ReadCalls;
    public bool IsDisposed => _disposed.Task.IsCompleted;

    public override async Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref ReadCalls);
        if (IsDisposed) throw new ObjectDisposedException(nameof(ScriptedStream));
        if (_stallAfter >= 0 && _position >= _stallAfter)
        {
            if (_honourToken) await Task.WhenAny(Task.Delay(Timeout.Infinite, cancellationToken), _disposed.Task).ConfigureAwait(false);
            else await _disposed.Task.ConfigureAwait(false); // like .NET Framework's HTTP streams: only closing helps
            cancellationToken.ThrowIfCancellationRequested();
            throw new ObjectDisposedException(nameof(ScriptedStream));
        }
        if (_delay > TimeSpan.Zero) await Task.Delay(_delay, cancellationToken).ConfigureAwait(false);
        int limit = _stallAfter >= 0 ? _stallAfter : _data.Length;
        int n = Math.Min(Math.Min(count, 16384), limit - _position);
        if (n <= 0) return 0;
        Buffer.BlockCopy(_data, _position, buffer, offset, n);
        _position += n;
        return n;
    }

    public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer, offset, count, CancellationToken.None).GetAwaiter().GetResult();

    protected override void Dispose(bool disposing)
    {
        _disposed.TrySetResult(0);
        base.Dispose(disposing);
    }
}

public static class Items
{
    public static readonly DateTime Taken = new(2024, 3, 5, 10, 20, 30, DateTimeKind.Utc);

    public static MediaItem Photo(string id, string? filename = "IMG_0001.JPG", DateTime? created = null) => new()
    {
        Id = id,
        Filename = filename,
        MimeType = "image/jpeg",
        MediaType = MediaType.Photo,
        BaseUrl = "https://lh3.googleusercontent.com/secret-" + id,
        ProductUrl = "https://photos.google.com/lr/photo/" + id,
        MediaMetadata = new MediaMetadata { CreationTime = created ?? Taken, Width = 4032, Height = 3024, Photo = new PhotoMetadata { CameraMake = "Google", FocalLength = 4.2 } },
    };

    public static MediaItem Video(string id, string filename = "VID_0001.MP4", VideoProcessingStatus status = VideoProcessingStatus.Ready) => new()
    {
        Id = id,
        Filename = filename,
        MimeType = "video/mp4",
        MediaType = MediaType.Video,
        MediaMetadata = new MediaMetadata { CreationTime = Taken, Video = new VideoMetadata { Fps = 30, Status = status } },
    };
}

public static class SessionKit
{
    static SessionKit()
    {
        // xunit runs a test on a thread-pool thread, and these tests block it in Enqueue/WaitForEvent as a cmdlet
        // blocks its pipeline thread. The pipeline thread is not a pool thread, so in PowerShell the workers have the
        // whole pool; here, with a minimum of 2 threads on a small machine (one of them the test's, one the test
        // host's), they would wait ~0.5 s per injected thread. Give the pool the headroom production has.
        ThreadPool.GetMinThreads(out int workers, out int io);
        ThreadPool.SetMinThreads(Math.Max(workers, 32), Math.Max(io, 32));
    }

    public static SaveOptions Options(TempFolder folder, Action<SaveOptions>? configure = null)
    {
        var options = new SaveOptions
        {
            Destination = folder.Destination,
            Retry = new RetryPolicy { DelayScale = 0, MaxAttempts = 4 },
        };
        configure?.Invoke(options);
        return options;
    }

    /// <summary>Plays the cmdlet: enqueue (draining between), complete, drain until done. Fails after <paramref name="limit"/>.</summary>
    public static List<SaveEvent> Run(SaveSession session, IEnumerable<MediaItem> items, TimeSpan? limit = null)
    {
        var events = new List<SaveEvent>();
        var clock = Stopwatch.StartNew();
        TimeSpan max = limit ?? TimeSpan.FromSeconds(20);
        foreach (MediaItem item in items)
        {
            while (true)
            {
                EnqueueResult r = session.TryEnqueue(item, TimeSpan.FromMilliseconds(20));
                Drain(session, events);
                if (r != EnqueueResult.Full) break;
                if (clock.Elapsed > max) throw new TimeoutException("enqueue never got a slot");
            }
        }
        session.CompleteAdding();
        DrainToEnd(session, events, max - clock.Elapsed);
        return events;
    }

    public static void DrainToEnd(SaveSession session, List<SaveEvent> events, TimeSpan limit)
    {
        var clock = Stopwatch.StartNew();
        while (!session.IsCompleted)
        {
            session.WaitForEvent(TimeSpan.FromMilliseconds(50));
            Drain(session, events);
            if (clock.Elapsed > limit) throw new TimeoutException("the session did not complete");
        }
        Drain(session, events);
    }

    public static void Drain(SaveSession session, List<SaveEvent> events)
    {
        while (session.TryTake(out SaveEvent? e)) events.Add(e!);
    }

    public static List<SaveEvent> Save(TempFolder folder, FakeSource source, IEnumerable<MediaItem> items, Action<SaveOptions>? configure = null)
    {
        using var session = new SaveSession(Options(folder, configure), _ => source);
        return Run(session, items);
    }

    public static List<SaveResult> Results(this IEnumerable<SaveEvent> events) =>
        events.Where(e => e.Kind == SaveEventKind.Result).Select(e => e.Result).ToList();

    public static List<SaveEvent> Errors(this IEnumerable<SaveEvent> events) =>
        events.Where(e => e.Kind == SaveEventKind.Error).ToList();

    public static SaveResult Single(this IEnumerable<SaveEvent> events, string id) =>
        events.Results().Single(r => r.Id == id);
}
