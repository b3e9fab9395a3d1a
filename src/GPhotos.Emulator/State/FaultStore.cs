namespace GPhotos.Emulator;

/// <summary>A fault to inject into the next matching requests.</summary>
public sealed class FaultRule
{
    public static readonly string[] Kinds = { "429", "429noRetryAfter", "500", "503", "drop", "truncate", "slow", "html", "unauthorized", "dailyQuota", "expireUrl",
        "redirect", "redirect401", "emptyPage", "repeatItem", "htmlError", "429html", "stallBody", "tooManySessions" };
    public static readonly string[] Targets = { "library", "picker", "media", "oauth", "any" };

    /// <summary>library | picker | media | oauth | any.</summary>
    public string Target { get; set; } = "any";
    /// <summary>One of <see cref="Kinds"/>.</summary>
    public string Kind { get; set; } = "500";
    /// <summary>How many matching requests get the fault.</summary>
    public int Count { get; set; } = 1;
    /// <summary>Retry-After header (seconds) for 429/503 (never sent with 429noRetryAfter).</summary>
    public int? RetryAfterSeconds { get; set; }
    /// <summary>Raw Retry-After header value, sent verbatim (wins over <see cref="RetryAfterSeconds"/>): "2147483647",
    /// "-5", "soon", or "date:+N" for an HTTP date N seconds from now (real clock, as the client compares it with its own).</summary>
    public string RetryAfter { get; set; }
    /// <summary>HTTP status for htmlError (default 502) and stallBody (default 503).</summary>
    public int? Status { get; set; }
    /// <summary>Delay for "slow" (default 1000 ms) and how long "stallBody" stalls (default 600000 ms).</summary>
    public int? DelayMs { get; set; }
    /// <summary>Only media requests for this item.</summary>
    public string ItemId { get; set; }

    internal int Remaining;

    internal FaultRule Copy() => (FaultRule)MemberwiseClone();
}

/// <summary>Scripted faults (applied in order to the next matching requests) and seeded random faults.</summary>
public sealed class FaultStore
{
    private readonly object _gate = new();
    private readonly List<FaultRule> _rules = new();
    private SplitMix64 _rng;
    private double _probability;
    private string[] _randomKinds = Array.Empty<string>();
    private string[] _randomTargets;

    public void Add(params FaultRule[] rules) => Add((IEnumerable<FaultRule>)rules);

    public void Add(IEnumerable<FaultRule> rules)
    {
        lock (_gate)
        {
            foreach (var r in rules)
            {
                Validate(r);
                var c = r.Copy();
                c.Remaining = Math.Max(1, r.Count);
                _rules.Add(c);
            }
        }
    }

    internal static void Validate(FaultRule r)
    {
        if (!FaultRule.Kinds.Contains(r.Kind, StringComparer.Ordinal)) throw new ArgumentException($"Unknown fault kind '{r.Kind}'. Known: {string.Join(", ", FaultRule.Kinds)}.");
        if (!FaultRule.Targets.Contains(r.Target ?? "any", StringComparer.Ordinal)) throw new ArgumentException($"Unknown fault target '{r.Target}'. Known: {string.Join(", ", FaultRule.Targets)}.");
    }

    /// <summary>Rules still pending (with their remaining counts).</summary>
    public IReadOnlyList<(FaultRule Rule, int Remaining)> Pending
    {
        get { lock (_gate) return _rules.Select(r => (r, r.Remaining)).ToList(); }
    }

    public void Clear()
    {
        lock (_gate) _rules.Clear();
    }

    /// <summary>Seeded random faults across all non-control requests (optionally only some targets).</summary>
    public void SetRandom(int seed, double probability, IEnumerable<string> kinds, IEnumerable<string> targets = null)
    {
        var k = (kinds ?? Array.Empty<string>()).ToArray();
        if (k.Length == 0) k = new[] { "500", "503", "429" };
        foreach (var kind in k) Validate(new FaultRule { Kind = kind });
        lock (_gate)
        {
            _rng = new SplitMix64((ulong)(uint)seed * 0x9E3779B97F4A7C15UL + 1);
            _probability = Math.Clamp(probability, 0, 1);
            _randomKinds = k;
            _randomTargets = targets?.ToArray();
        }
    }

    public void ClearRandom()
    {
        lock (_gate) { _probability = 0; _randomKinds = Array.Empty<string>(); _randomTargets = null; }
    }

    internal FaultRule Take(string group, string itemId)
    {
        lock (_gate)
        {
            for (int i = 0; i < _rules.Count; i++)
            {
                var r = _rules[i];
                if (r.Target != "any" && r.Target != null && r.Target != group) continue;
                if (r.ItemId != null && r.ItemId != itemId) continue;
                if (--r.Remaining <= 0) _rules.RemoveAt(i);
                return r.Copy();
            }
            if (_probability > 0 && (_randomTargets == null || _randomTargets.Contains(group)))
            {
                if (_rng.NextDouble() < _probability)
                    return new FaultRule { Target = group, Kind = _randomKinds[_rng.Next(_randomKinds.Length)], Count = 1, RetryAfterSeconds = 1, DelayMs = 200 };
            }
            return null;
        }
    }
}
