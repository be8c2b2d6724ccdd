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

/// <summary>What the validators did during a run.</summary>
public sealed record ReviewResult(int Accepted, int Refused, LongHistogram Latency);

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

    private readonly EthECKey[] _keys = GenesisKeys.Take(size).Select(k => new EthECKey(k)).ToArray();
    private readonly LongHistogram _latency = new(TimeStamp.Minutes(5), 3);
    private int _accepted, _refused;

    public async Task RegisterAsync(CancellationToken ct)
    {
        var deadline = (ulong)DateTimeOffset.UtcNow.AddHours(1).ToUnixTimeSeconds();
        foreach (var key in _keys)
        {
            var registration = new ValidatorRegistrationPayload(key.GetPublicAddress(), 1, deadline);
            using var response = await scoring.PostAsJsonAsync("/api/validators", new
            {
                registration.Validator, registration.Nonce, registration.Deadline,
                signature = TypedDataSigner.Sign(registration, domain, key.GetPrivateKey()),
            }, ct);
            if (response.StatusCode is not (HttpStatusCode.Created or HttpStatusCode.Conflict))
                throw new InvalidOperationException($"registering validator {registration.Validator}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(ct)}");
        }
    }

    /// <summary>Reviews until cancelled, then reports.</summary>
    public async Task<ReviewResult> ReviewUntilAsync(CancellationToken stop)
    {
        await Task.WhenAll(_keys.Select((key, index) => ReviewLoopAsync(key, careless: index % 5 == 4, stop)));
        return new ReviewResult(_accepted, _refused, _latency);
    }

    private async Task ReviewLoopAsync(EthECKey key, bool careless, CancellationToken stop)
    {
        var address = key.GetPublicAddress();
        // Each signed type takes a nonce once per signer, for good: starting from the clock lets a restarted crew, or the
        // load driver beside the demo crew, sign again with the same keys without meeting a used nonce.
        var nonce = (ulong)DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() * 1000;
        while (!stop.IsCancellationRequested)
        {
            try
            {
                var open = await scoring.GetFromJsonAsync<JsonElement>($"/api/validators/{address}/assignments", stop);
                foreach (var assignment in open.EnumerateArray())
                    await ReviewAsync(key, address, assignment.GetProperty("contributionId").GetString()!, careless, nonce++, stop);
                await Task.Delay(Poll, stop);
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is HttpRequestException or JsonException or TimeoutException
                                       || e is OperationCanceledException && !stop.IsCancellationRequested)
            {
                await Task.Delay(Poll, CancellationToken.None); // the service is busy, restarting or timed out: poll again
            }
        }
    }

    private async Task ReviewAsync(EthECKey key, string address, string contributionId, bool careless, ulong nonce, CancellationToken ct)
    {
        var quality = await judge(contributionId, ct);
        var score = careless ? (quality + 50) % 101 : Math.Clamp(quality + Random.Shared.Next(-5, 6), 0, 100);
        var salt = Hex.Encode(RandomNumberGenerator.GetBytes(32));
        var deadline = (ulong)DateTimeOffset.UtcNow.AddMinutes(30).ToUnixTimeSeconds();
        var payload = new ReviewPayload(address, contributionId, (ushort)score, "accept", salt, nonce, deadline);
        // Sealed first, revealed straight after: an honest validator has nothing to wait for, and the case closes once
        // every reviewer has committed and revealed.
        var commit = new ReviewCommitPayload(address, contributionId, ReviewCommitment.Compute(payload.Score, payload.Verdict, salt), nonce, deadline);
        var started = Stopwatch.GetTimestamp();
        using var committed = await scoring.PostAsJsonAsync("/api/reviews/commitments", new
        {
            commit.Validator, commit.ContributionId, commit.Commitment, commit.Nonce, commit.Deadline,
            signature = TypedDataSigner.Sign(commit, domain, key.GetPrivateKey()),
        }, ct);
        if (committed.StatusCode is not (HttpStatusCode.Created or HttpStatusCode.OK))
        {
            Interlocked.Increment(ref _refused);
            return;
        }
        var body = new
        {
            payload.Validator, payload.ContributionId, score, payload.Verdict, payload.Salt, payload.Nonce, payload.Deadline,
            signature = TypedDataSigner.Sign(payload, domain, key.GetPrivateKey()),
        };
        using var response = await scoring.PostAsJsonAsync("/api/reviews", body, ct);
        lock (_latency)
            _latency.RecordValue(Stopwatch.GetTimestamp() - started);
        if (response.StatusCode is HttpStatusCode.Created or HttpStatusCode.OK)
            Interlocked.Increment(ref _accepted);
        else
            Interlocked.Increment(ref _refused);
    }
}
