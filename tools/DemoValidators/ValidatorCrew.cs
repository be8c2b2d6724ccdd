using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using CommunityAI.Formats;
using CommunityAI.Formats.Signing;
using CommunityAI.QualityScoring.Domain;
using HdrHistogram;
using Nethereum.Signer;

namespace CommunityAI.DemoValidators;

/// <summary>What the validators did during a run; <paramref name="Reasons"/> counts refusals by status and problem title.</summary>
public sealed record ReviewResult(int Accepted, int Refused, LongHistogram Latency, IReadOnlyDictionary<string, int> Reasons);

/// <summary>What a contribution is worth to an honest reviewer (0–100): the crew's judgement of one case.</summary>
public delegate ValueTask<int> Judgement(string contributionId, CancellationToken ct);

/// <summary>
/// Validators signing with anvil's public dev keys 3 to 7, the development genesis validators (AppHost; only admitted
/// addresses may register): each registers with a signed request (again on a later run: already registered is fine), then keeps polling its open assignments
/// and reviews each with a sealed commitment and its reveal (EIP-712 ReviewCommit and Review). Most score within 5
/// points of the <paramref name="judge"/>'s value, one in five is a careless outlier, so the consensus has something to clip.
/// </summary>
public sealed class ValidatorCrew(HttpClient scoring, SigningDomain domain, int size, Judgement judge)
{
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(500);
    private const int ReviewsAtOnce = 4;
    /// <summary>anvil's public dev keys 3 to 7, whose addresses the AppHost admits as genesis validators.</summary>
    public static readonly IReadOnlyList<string> GenesisKeys =
    [
        "0x7c852118294e51e653712a81e05800f419141751be58f605c371e15141b007a6",
        "0x47e179ec197488593b187f80a00eb0da91f1b9d0b13f8733639f19c30a34926a",
        "0x8b3a350cf5c34c9194ca85829a2df0ec3153be0318b5e2d3348e872092edffba",
        "0x92db14e403b83dfe3df233f83dfa3a0d7096f21ca9b0d6d6b8d88b2b4ec1564e",
        "0x4bbbf85ce3377467afe5d46f804f221813b2bb87f24d81f60f1fcdbf7cbf4356",
    ];

    /// <summary>
    /// A contribution's "true" quality derived from its id alone: what the load driver uses, so a run's reviews cost no
    /// reads and do not depend on the content.
    /// </summary>
    public static readonly Judgement ByContributionId = (id, _) => ValueTask.FromResult(40 + Hex.Decode(id, 32)[0] % 50);

    // One in five is careless, by its place in the genesis list, so leaving a removed member out changes nobody else's manner.
    private readonly List<(EthECKey Key, bool Careless)> _members = GenesisKeys.Take(size).Select((k, i) => (new EthECKey(k), i % 5 == 4)).ToList();
    private readonly LongHistogram _latency = new(TimeStamp.Minutes(5), 3);
    private int _accepted, _refused;
    private readonly ConcurrentDictionary<string, int> _reasons = new();

    /// <summary>
    /// Registers every member (already registered is fine) and leaves out the ones the community removed (a validator
    /// that sat at the reputation floor too long, typically the careless one): a removed validator is refused as not
    /// admitted although its record exists, which tells it apart from one quality-scoring has not admitted yet.
    /// </summary>
    /// <returns>The addresses left out because they were removed.</returns>
    /// <exception cref="InvalidOperationException">a member is not admitted (yet), or every member was removed.</exception>
    public async Task<IReadOnlyList<string>> RegisterAsync(CancellationToken ct)
    {
        var deadline = (ulong)DateTimeOffset.UtcNow.AddHours(1).ToUnixTimeSeconds();
        var removed = new List<string>();
        foreach (var member in _members.ToList())
        {
            var registration = new ValidatorRegistrationPayload(member.Key.GetPublicAddress(), 1, deadline);
            using var response = await scoring.PostAsJsonAsync("/api/validators", new
            {
                registration.Validator, registration.Nonce, registration.Deadline,
                signature = TypedDataSigner.Sign(registration, domain, member.Key.GetPrivateKey()),
            }, ct);
            if (response.StatusCode is HttpStatusCode.Created or HttpStatusCode.Conflict)
                continue;
            if (response.StatusCode == HttpStatusCode.Forbidden && await WasRegisteredAsync(registration.Validator, ct))
            {
                _members.Remove(member);
                removed.Add(registration.Validator);
                continue;
            }
            throw new InvalidOperationException($"registering validator {registration.Validator}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(ct)}");
        }
        // A crew of none (the load driver's --validators 0) has nobody to lose; one whose every member was removed cannot review.
        return _members.Count > 0 || removed.Count == 0 ? removed
            : throw new InvalidOperationException("every validator of the crew has been removed; a new local history (delete .local) starts with the genesis set again");
    }

    /// <summary>How many members review (after <see cref="RegisterAsync"/>, the ones not removed).</summary>
    public int Size => _members.Count;

    private async Task<bool> WasRegisteredAsync(string validator, CancellationToken ct)
    {
        using var found = await scoring.GetAsync($"/api/validators/{validator}", ct);
        return found.IsSuccessStatusCode;
    }

    /// <summary>Reviews until cancelled, then reports.</summary>
    public async Task<ReviewResult> ReviewUntilAsync(CancellationToken stop)
    {
        await Task.WhenAll(_members.Select(member => ReviewLoopAsync(member.Key, member.Careless, stop)));
        return new ReviewResult(_accepted, _refused, _latency, _reasons);
    }

    private async Task ReviewLoopAsync(EthECKey key, bool careless, CancellationToken stop)
    {
        var address = key.GetPublicAddress();
        // Each signed type takes a nonce once per signer, for good: starting from the clock lets a restarted crew, or the
        // load driver beside the demo crew, sign again with the same keys without meeting a used nonce.
        var nonce = (long)DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() * 1000;
        // What this member has sealed, by case: a commitment whose answer was lost (a timeout on a busy machine) is sent
        // again unchanged, which the service answers as already accepted, and then revealed. A new one would be refused
        // as a changed commitment and the case left unrevealed.
        var sealedReviews = new ConcurrentDictionary<string, ReviewPayload>();
        var finished = new ConcurrentDictionary<string, bool>();
        while (!stop.IsCancellationRequested)
        {
            try
            {
                var open = await scoring.GetFromJsonAsync<JsonElement>($"/api/validators/{address}/assignments", stop);
                var listed = open.EnumerateArray().Select(a => a.GetProperty("contributionId").GetString()!).ToList();
                foreach (var gone in finished.Keys.Except(listed).ToList())
                    finished.TryRemove(gone, out _);
                var cases = listed.Where(id => !finished.ContainsKey(id)).ToList();
                // A few cases at once: one after another, a validator drawn for many cases at a high rate fell behind
                // their commit windows and most cases ended on the fallback.
                await Parallel.ForEachAsync(cases, new ParallelOptions { MaxDegreeOfParallelism = ReviewsAtOnce, CancellationToken = stop },
                    async (id, ct) =>
                    {
                        var payload = sealedReviews.TryGetValue(id, out var kept) ? kept
                            : sealedReviews.GetOrAdd(id, await SealAsync(address, id, careless, (ulong)Interlocked.Increment(ref nonce), ct));
                        if (await ReviewAsync(key, payload, ct))
                        {
                            finished[id] = true;
                            sealedReviews.TryRemove(id, out _);
                        }
                    });
                await Task.Delay(Poll, stop);
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                return;
            }
            // Polly's rejections are how the resilience handler reports its own timeout: they ended a member's loop for good.
            catch (Exception e) when (e is HttpRequestException or JsonException or TimeoutException or Polly.ExecutionRejectedException
                                       || e is OperationCanceledException && !stop.IsCancellationRequested)
            {
                await Task.Delay(Poll, CancellationToken.None); // the service is busy, restarting or timed out: poll again
            }
        }
    }

    private async Task<ReviewPayload> SealAsync(string address, string contributionId, bool careless, ulong nonce, CancellationToken ct)
    {
        var quality = await judge(contributionId, ct);
        var score = careless ? (quality + 50) % 101 : Math.Clamp(quality + Random.Shared.Next(-5, 6), 0, 100);
        var salt = Hex.Encode(RandomNumberGenerator.GetBytes(32));
        var deadline = (ulong)DateTimeOffset.UtcNow.AddMinutes(30).ToUnixTimeSeconds();
        return new ReviewPayload(address, contributionId, (ushort)score, "accept", salt, nonce, deadline);
    }

    /// <summary>Commits and reveals one sealed review.</summary>
    /// <returns>Whether the case is done for this member (revealed, or refused for good); false to try again later.</returns>
    private async Task<bool> ReviewAsync(EthECKey key, ReviewPayload payload, CancellationToken ct)
    {
        // Sealed first, revealed straight after: an honest validator has nothing to wait for, and the case closes once
        // every reviewer has committed and revealed.
        var commit = new ReviewCommitPayload(payload.Validator, payload.ContributionId,
            ReviewCommitment.Compute(payload.Score, payload.Verdict, payload.Salt), payload.Nonce, payload.Deadline);
        var started = Stopwatch.GetTimestamp();
        using var committed = await scoring.PostAsJsonAsync("/api/reviews/commitments", new
        {
            commit.Validator, commit.ContributionId, commit.Commitment, commit.Nonce, commit.Deadline,
            signature = TypedDataSigner.Sign(commit, domain, key.GetPrivateKey()),
        }, ct);
        if (committed.StatusCode is not (HttpStatusCode.Created or HttpStatusCode.OK))
        {
            await RefusedAsync("commitment", committed, ct);
            return (int)committed.StatusCode < 500; // a refusal stands; a failing service may answer later
        }
        var body = new
        {
            payload.Validator, payload.ContributionId, score = payload.Score, payload.Verdict, payload.Salt, payload.Nonce, payload.Deadline,
            signature = TypedDataSigner.Sign(payload, domain, key.GetPrivateKey()),
        };
        using var response = await scoring.PostAsJsonAsync("/api/reviews", body, ct);
        Latency.Record(_latency, Stopwatch.GetTimestamp() - started);
        if (response.StatusCode is HttpStatusCode.Created or HttpStatusCode.OK)
        {
            Interlocked.Increment(ref _accepted);
            return true;
        }
        await RefusedAsync("reveal", response, ct);
        return (int)response.StatusCode < 500;
    }

    // Counted by what the service said, so a run that reviews nothing tells why (a closed window, a cap, a removal).
    private async Task RefusedAsync(string step, HttpResponseMessage response, CancellationToken ct)
    {
        Interlocked.Increment(ref _refused);
        var title = "";
        try
        {
            var problem = await response.Content.ReadFromJsonAsync<JsonElement>(ct);
            if (problem.ValueKind == JsonValueKind.Object && problem.TryGetProperty("title", out var t))
                title = t.GetString() ?? "";
        }
        catch (JsonException)
        {
        }
        _reasons.AddOrUpdate($"{step}: {(int)response.StatusCode} {title}".TrimEnd(), 1, (_, n) => n + 1);
    }
}
