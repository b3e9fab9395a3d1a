using System.Collections.Concurrent;

namespace GPhotos.Emulator;

public sealed class PickerSession
{
    public string Id { get; init; } = "";
    internal int Number { get; init; }
    public string RequestId { get; init; }
    public DateTimeOffset CreateTime { get; init; }
    public DateTimeOffset ExpireTime { get; init; }
    public int MaxItemCount { get; init; }
    public volatile bool MediaItemsSet;
    /// <summary>Ids the user picked (in order), set when <see cref="MediaItemsSet"/>.</summary>
    public IReadOnlyList<string> PickedIds { get; internal set; } = Array.Empty<string>();
}

/// <summary>Picker sessions (thread-safe).</summary>
public sealed class PickerStore
{
    private readonly EmulatorClock _clock;
    private readonly ConcurrentDictionary<string, PickerSession> _byId = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<int, PickerSession> _byNumber = new();
    private readonly object _gate = new();
    private int _next;

    internal PickerStore(EmulatorClock clock) => _clock = clock;

    public IReadOnlyCollection<PickerSession> Sessions => _byId.Values.ToList();

    public PickerSession Get(string id) => id != null && _byId.TryGetValue(id, out var s) ? s : null;
    internal PickerSession GetByNumber(int n) => _byNumber.TryGetValue(n, out var s) ? s : null;

    public bool IsExpired(PickerSession s) => _clock.UtcNow >= s.ExpireTime;

    public int LiveCount => _byId.Values.Count(s => !IsExpired(s));

    /// <summary>Creates a session; null when too many sessions are live.</summary>
    internal PickerSession Create(int maxItemCount, string requestId, int lifetimeSeconds, int maxLive, out bool existing)
    {
        lock (_gate)
        {
            existing = false;
            if (requestId != null)
            {
                var same = _byId.Values.FirstOrDefault(s => s.RequestId == requestId);
                if (same != null) { existing = true; return same; }
            }
            if (LiveCount >= maxLive) return null;
            var now = _clock.UtcNow;
            var s = new PickerSession
            {
                Id = Guid.NewGuid().ToString(),
                Number = Interlocked.Increment(ref _next),
                RequestId = requestId,
                CreateTime = now,
                ExpireTime = now.AddSeconds(lifetimeSeconds),
                MaxItemCount = maxItemCount,
            };
            _byId[s.Id] = s;
            _byNumber[s.Number] = s;
            return s;
        }
    }

    public bool Delete(string id)
    {
        if (id == null || !_byId.TryRemove(id, out var s)) return false;
        _byNumber.TryRemove(s.Number, out _);
        return true;
    }

    /// <summary>The user picked these items and tapped Done.</summary>
    public void SetPicked(PickerSession s, IReadOnlyList<string> ids)
    {
        s.PickedIds = ids;
        s.MediaItemsSet = true;
    }

    public void Clear()
    {
        lock (_gate)
        {
            _byId.Clear();
            _byNumber.Clear();
        }
    }
}
