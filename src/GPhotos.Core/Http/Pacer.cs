using System;
using System.Net.Http;
using System.Runtime.CompilerServices;
using System.Threading;
using System.Threading.Tasks;

namespace GPhotos.Http
{
    /// <summary>
    /// The quotas Google counts separately: a 429 from one pauses every request of that group, not the others
    /// (a Library API throttle says nothing about base-URL downloads).
    /// </summary>
    public enum QuotaGroup
    {
        LibraryApi,
        PickerApi,
        Media,
        Drive,
        OAuth,
    }

    /// <summary>
    /// The rules of one kind of request for <see cref="Pacer.ExecuteAsync{T}"/>: its quota group, what counts as worth
    /// another try, endpoint-specific refiners, and when a run of 429s stops the run instead of retrying for hours.
    /// </summary>
    public sealed class PaceRules
    {
        public PaceRules(QuotaGroup group) { Group = group; }

        public QuotaGroup Group { get; }

        /// <summary>
        /// Retry <paramref name="error"/> after attempt n? null (the default) asks <see cref="RetryPolicy.IsTransient"/>
        /// and <see cref="RetryPolicy.MaxAttempts"/>. Drive's 403 rate limits and Save's wrong-content limits plug in here.
        /// </summary>
        public Func<Exception, int, CancellationToken, bool> IsRetryable { get; set; }

        /// <summary>Turns an endpoint-specific error into its own exception before any retry is considered (null: keep it).</summary>
        public Func<Exception, Exception> Refine { get; set; }

        /// <summary>This many 429s in a row across the group stop the run (0: never; the budget alone bounds it).</summary>
        public int StreakLimit { get; set; }

        /// <summary>
        /// The error that stops the run when <see cref="StreakLimit"/> is reached (given the last 429 and the streak);
        /// null makes a generic one resuming after an hour or the server's Retry-After.
        /// </summary>
        public Func<GoogleApiException, int, RateLimitedException> StreakStop { get; set; }

        /// <summary>Told before each wait (verbose output naming the item).</summary>
        public Action<RetryNotice> OnRetry { get; set; }
    }

    /// <summary>What the pacer made of one failed attempt.</summary>
    public enum PaceAction
    {
        /// <summary>Wait <see cref="PaceVerdict.Delay"/>, then try again.</summary>
        Retry,
        /// <summary>Throw <see cref="PaceVerdict.Stop"/>: the whole run stops with "resume after".</summary>
        StopRun,
        /// <summary>Rethrow the attempt's error: this request (or item) fails, the run goes on.</summary>
        GiveUp,
    }

    public readonly struct PaceVerdict
    {
        internal PaceVerdict(PaceAction action, TimeSpan delay, RateLimitedException stop) { Action = action; Delay = delay; Stop = stop; }
        public PaceAction Action { get; }
        public TimeSpan Delay { get; }
        public RateLimitedException Stop { get; }
    }

    /// <summary>
    /// One per connection: every request to Google goes through it. It owns backoff and Retry-After (through its
    /// <see cref="RetryPolicy"/>: honoured up to an hour, a longer plausible one stops the run, an absurd one is
    /// ignored), the shared "not before" gate per <see cref="QuotaGroup"/> that a 429 sets and every request waits on
    /// with its caller's token, the consecutive-429 streak per group, and the wait budget per request or item.
    /// Callers that run attempts themselves (Save's whole-download attempts) use <see cref="Begin"/>; the rest
    /// <see cref="ExecuteAsync{T}"/>.
    /// </summary>
    public sealed class Pacer
    {
        private static readonly ConditionalWeakTable<RetryPolicy, Pacer> ByPolicy = new ConditionalWeakTable<RetryPolicy, Pacer>();
        private static readonly int GroupCount = Enum.GetValues(typeof(QuotaGroup)).Length;

        private readonly long[] _notBeforeTicks = new long[GroupCount];
        private readonly int[] _streak = new int[GroupCount];

        public Pacer(RetryPolicy policy) { Policy = policy ?? throw new ArgumentNullException(nameof(policy)); }

        /// <summary>
        /// The pacer of <paramref name="policy"/>: one policy instance (one connection's settings) means one pacer, so
        /// whoever holds the connection's policy shares its gates and streaks.
        /// </summary>
        public static Pacer For(RetryPolicy policy) =>
            ByPolicy.GetValue(policy ?? throw new ArgumentNullException(nameof(policy)), p => new Pacer(p));

        public RetryPolicy Policy { get; }

        /// <summary>The clock of the gates; replaceable in tests (waits go through <see cref="RetryPolicy.Delay"/>).</summary>
        public Func<DateTime> UtcNow { get; set; } = () => DateTime.UtcNow;

        /// <summary>
        /// Told before every retry whose rules do not report it themselves (no <see cref="PaceRules.OnRetry"/>: Save's
        /// downloads name their item there), so that no retry is told twice. The connection sets it (verbose output);
        /// <see cref="Current"/> says what request is being retried.
        /// </summary>
        public Action<RetryNotice> Observer { get; set; }

        private static readonly AsyncLocal<PacedRequest> CurrentRequest = new AsyncLocal<PacedRequest>();

        /// <summary>
        /// The request <see cref="ExecuteAsync{T}"/> is running on this async flow (null outside one): read it from an
        /// <see cref="Observer"/> or <see cref="PaceRules.OnRetry"/>, which are called on that flow.
        /// </summary>
        public static PacedRequest Current => CurrentRequest.Value;

        /// <summary>
        /// Notes the request an attempt is sending (a <see cref="RequestNotingHandler"/> calls it), so a retry message can
        /// name it: method, host and path only.
        /// </summary>
        public static void NoteRequest(HttpRequestMessage request)
        {
            PacedRequest current = CurrentRequest.Value;
            if (current != null && request?.RequestUri != null) current.Note(request.Method, request.RequestUri);
        }

        /// <summary>How many 429s in a row <paramref name="group"/> has had (0 after any success).</summary>
        public int StreakOf(QuotaGroup group) => Volatile.Read(ref _streak[(int)group]);

        /// <summary>Waits until <paramref name="group"/>'s 429 pause is over (never longer than an hour); Ctrl+C ends it.</summary>
        public Task WaitTurnAsync(QuotaGroup group, CancellationToken cancellationToken)
        {
            long wait = Math.Min(Interlocked.Read(ref _notBeforeTicks[(int)group]) - UtcNow().Ticks, RetryAfterHeader.HonouredUpTo.Ticks);
            return wait > 0 ? Policy.Delay(TimeSpan.FromTicks(wait), cancellationToken) : Task.FromResult(0);
        }

        /// <summary>Holds off every request of <paramref name="group"/> for <paramref name="delay"/> (bounded: a poisoned pause would stall every later one).</summary>
        public void Pause(QuotaGroup group, TimeSpan delay)
        {
            if (delay > RetryAfterHeader.HonouredUpTo) delay = RetryAfterHeader.HonouredUpTo;
            if (delay <= TimeSpan.Zero) return;
            long until = UtcNow().Ticks + delay.Ticks;
            long current;
            do
            {
                current = Interlocked.Read(ref _notBeforeTicks[(int)group]);
                if (current >= until) return;
            }
            while (Interlocked.CompareExchange(ref _notBeforeTicks[(int)group], until, current) != current);
        }

        /// <summary>Starts one request's (or one item's) attempts: its own attempt count and wait budget.</summary>
        public PacedAttempts Begin(PaceRules rules) => new PacedAttempts(this, rules ?? throw new ArgumentNullException(nameof(rules)));

        /// <summary>Runs <paramref name="operation"/> until it succeeds, the rules give up, or the run must stop.</summary>
        public async Task<T> ExecuteAsync<T>(PaceRules rules, Func<CancellationToken, Task<T>> operation, CancellationToken cancellationToken)
        {
            PacedAttempts attempts = Begin(rules);
            // Local to this call's async flow (restored when it returns): the operation's HTTP handler notes into it.
            CurrentRequest.Value = new PacedRequest(rules.Group);
            for (;;)
            {
                await attempts.WaitTurnAsync(cancellationToken).ConfigureAwait(false);
                PaceVerdict verdict;
                try
                {
                    T result = await operation(cancellationToken).ConfigureAwait(false);
                    attempts.Succeeded();
                    return result;
                }
                catch (Exception ex) when (Refined(rules, ex) is Exception refined && !ReferenceEquals(refined, ex))
                {
                    verdict = attempts.Judge(refined, cancellationToken);
                    if (verdict.Action == PaceAction.StopRun) throw verdict.Stop;
                    if (verdict.Action == PaceAction.GiveUp) throw refined;
                }
                catch (Exception ex) when ((verdict = attempts.Judge(ex, cancellationToken)).Action != PaceAction.GiveUp)
                {
                    if (verdict.Action == PaceAction.StopRun) throw verdict.Stop;
                }
                await attempts.WaitAsync(verdict, cancellationToken).ConfigureAwait(false);
            }
        }

        private static Exception Refined(PaceRules rules, Exception error) => rules.Refine?.Invoke(error) ?? error;

        internal void ResetStreak(QuotaGroup group) => Interlocked.Exchange(ref _streak[(int)group], 0);

        internal int Add429(QuotaGroup group) => Interlocked.Increment(ref _streak[(int)group]);
    }

    /// <summary>
    /// One request's or item's run of attempts under a <see cref="Pacer"/>: the caller makes each attempt, reports the
    /// outcome, and does what the verdict says. Not thread-safe (one caller drives it).
    /// </summary>
    public sealed class PacedAttempts
    {
        private readonly Pacer _pacer;
        private readonly PaceRules _rules;
        private TimeSpan _waited;

        internal PacedAttempts(Pacer pacer, PaceRules rules) { _pacer = pacer; _rules = rules; }

        /// <summary>The attempt about to be made or just failed (1-based).</summary>
        public int Attempt { get; private set; } = 1;

        /// <summary>Before each attempt: waits out the group's 429 pause.</summary>
        public Task WaitTurnAsync(CancellationToken cancellationToken)
        {
            cancellationToken.ThrowIfCancellationRequested();
            return _pacer.WaitTurnAsync(_rules.Group, cancellationToken);
        }

        /// <summary>After a successful attempt: the group's 429 streak ends.</summary>
        public void Succeeded() => _pacer.ResetStreak(_rules.Group);

        /// <summary>
        /// What to do after <paramref name="error"/>: stop the run (a plausible Retry-After beyond an hour, or the
        /// group's 429 streak at its limit), give up (not retryable, out of attempts, or the delay would pass the
        /// wait budget), or retry after a delay. A retried 429 pauses the whole group.
        /// </summary>
        public PaceVerdict Judge(Exception error, CancellationToken cancellationToken)
        {
            RetryPolicy policy = _pacer.Policy;
            if (RetryPolicy.StopFor(error) is RateLimitedException tooLong) return new PaceVerdict(PaceAction.StopRun, TimeSpan.Zero, tooLong);
            if (error is GoogleApiException api && api.HttpStatus == 429 && !(error is QuotaExhaustedException))
            {
                int streak = _pacer.Add429(_rules.Group);
                if (_rules.StreakLimit > 0 && streak >= _rules.StreakLimit)
                    return new PaceVerdict(PaceAction.StopRun, TimeSpan.Zero, _rules.StreakStop?.Invoke(api, streak) ?? DefaultStreakStop(api, streak));
            }
            if (cancellationToken.IsCancellationRequested) return GiveUp;
            bool retryable = _rules.IsRetryable != null
                ? _rules.IsRetryable(error, Attempt, cancellationToken)
                : Attempt < policy.MaxAttempts && RetryPolicy.IsTransient(error, cancellationToken);
            if (!retryable) return GiveUp;
            TimeSpan delay = policy.GetDelay(Attempt, error);
            if (_waited + delay > policy.ScaledBudget) return GiveUp; // one request never holds a worker for hours
            _waited += delay;
            if (error is GoogleApiException limited && limited.HttpStatus == 429) _pacer.Pause(_rules.Group, delay);
            var notice = new RetryNotice(Attempt, delay, error);
            if (_rules.OnRetry != null) _rules.OnRetry(notice);
            else _pacer.Observer?.Invoke(notice);
            return new PaceVerdict(PaceAction.Retry, delay, null);
        }

        /// <summary>Waits a <see cref="PaceAction.Retry"/> verdict's delay and counts the next attempt.</summary>
        public async Task WaitAsync(PaceVerdict verdict, CancellationToken cancellationToken)
        {
            if (verdict.Action != PaceAction.Retry) throw new InvalidOperationException("Only a Retry verdict is waited on.");
            await _pacer.Policy.Delay(verdict.Delay, cancellationToken).ConfigureAwait(false);
            Attempt++;
        }

        private static PaceVerdict GiveUp => new PaceVerdict(PaceAction.GiveUp, TimeSpan.Zero, null);

        private RateLimitedException DefaultStreakStop(GoogleApiException api, int streak) =>
            new RateLimitedException(api, DateTimeOffset.Now + (api.RetryAfter ?? TimeSpan.FromHours(1)),
                $"Google answered {streak} {_rules.Group} requests in a row with 429 Too Many Requests, so the run stops instead of retrying for hours.");
    }

    /// <summary>What one paced request is, for retry messages (never its query string, headers or body).</summary>
    public sealed class PacedRequest
    {
        // Every paced request (each download too) is noted, but only a retry reads it: keep the parts, make the text
        // when asked. One object, so the method and the address are always of the same attempt.
        private volatile Sent _sent;

        private sealed class Sent
        {
            public Sent(HttpMethod method, Uri uri) { Method = method; Uri = uri; }
            public readonly HttpMethod Method;
            public readonly Uri Uri;
        }

        internal PacedRequest(QuotaGroup group) { Group = group; }

        public QuotaGroup Group { get; }

        internal void Note(HttpMethod method, Uri uri) => _sent = new Sent(method, uri);

        /// <summary>"GET host/path" of the attempt last sent through a <see cref="RequestNotingHandler"/>; null if none was.</summary>
        public string Request
        {
            get
            {
                Sent sent = _sent;
                return sent == null ? null : Describe(sent.Method, sent.Uri);
            }
        }

        /// <summary>
        /// "METHOD host[:port]/path": the query (page tokens, Drive's fields, anything a caller put there) and any user
        /// info are left out, so the text is safe for a log.
        /// </summary>
        public static string Describe(HttpMethod method, Uri uri) =>
            (method?.Method ?? "?") + " " + (uri.IsAbsoluteUri ? uri.Authority + uri.AbsolutePath : "(relative)");
    }

    /// <summary>Notes each request it sends for <see cref="Pacer.Current"/> (the retry messages' "what request").</summary>
    public sealed class RequestNotingHandler : DelegatingHandler
    {
        public RequestNotingHandler(HttpMessageHandler inner) : base(inner) { }

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Pacer.NoteRequest(request);
            return base.SendAsync(request, cancellationToken);
        }
    }
}
