using System.Globalization;
using System.Numerics;
using System.Security.Cryptography;
using CommunityAI.Contracts;
using CommunityAI.Formats;
using CommunityAI.Formats.Claims;
using CommunityAI.Testing;
using Marten;

namespace CommunityAI.Audit.Tests;

/// <summary>A reward policy event the tool does not know: replay must step over it.</summary>
public sealed record RewardPolicyPublished(string Version, int BaseReward);

/// <summary>
/// Writes a history the way the services do (Marten, schema "history", string stream keys, quick append, camelCase
/// System.Text.Json): contributions scored and credited over several epochs, each epoch closed with its claim root.
/// </summary>
public sealed class SyntheticHistory(string connectionString) : IAsyncDisposable
{
    private readonly DocumentStore _store = WrittenHistory.Store(connectionString, events =>
    {
        events.AddEventType<ContributionScored>();
        events.AddEventType<ContributionRewarded>();
        events.AddEventType<EpochClosed>();
        events.AddEventType<RewardPolicyPublished>();
    });

    private readonly Dictionary<string, BigInteger> _cumulative = new(StringComparer.OrdinalIgnoreCase);
    private int _counter;

    public List<string> ContributionIds { get; } = [];

    /// <summary>The claim tree of the last closed epoch: what its root pays.</summary>
    public ClaimTree ClaimTree => ClaimTree.Build(_cumulative.Select(kv => (kv.Key, kv.Value)));

    public async Task PublishPolicyAsync(string version)
    {
        await using var session = _store.LightweightSession();
        session.Events.StartStream($"ledger/policies/{version}", new RewardPolicyPublished(version, 100));
        await session.SaveChangesAsync();
    }

    /// <summary>Scores and credits <paramref name="count"/> contributions in <paramref name="epoch"/>, then closes it.</summary>
    /// <returns>The closing and its event id, for a test to publish on the bus as the ledger's outbox does.</returns>
    public async Task<(EpochClosed Closed, Guid EventId)> WriteEpochAsync(long epoch, int count)
    {
        BigInteger credited = 0;
        for (var i = 0; i < count; i++)
        {
            var id = Hex.Encode(RandomNumberGenerator.GetBytes(32));
            var contributor = AnvilNode.DevAddresses[1 + (_counter++ % 3)];
            var amount = BigInteger.Parse("1000000000000000000", CultureInfo.InvariantCulture) * (i + 1) + epoch;
            var now = DateTimeOffset.UtcNow;
            await using var session = _store.LightweightSession();
            session.Events.StartStream($"scoring/{id}", new ContributionScored(id, contributor, "data", 50 + i, "v1", now));
            session.Events.StartStream($"ledger/credits/{id}",
                new ContributionRewarded(id, contributor, amount.ToString(CultureInfo.InvariantCulture), epoch, "v1", now));
            await session.SaveChangesAsync();
            ContributionIds.Add(id);
            _cumulative[contributor] = _cumulative.GetValueOrDefault(contributor) + amount;
            credited += amount;
        }
        var tree = ClaimTree.Build(_cumulative.Select(kv => (kv.Key, kv.Value)));
        var total = _cumulative.Values.Aggregate(BigInteger.Zero, (s, a) => s + a);
        var closed = new EpochClosed(epoch, DateTimeOffset.UtcNow,
            credited.ToString(CultureInfo.InvariantCulture), total.ToString(CultureInfo.InvariantCulture), _cumulative.Count, tree.Root);
        await using var close = _store.LightweightSession();
        close.Events.StartStream($"ledger/epochs/{epoch}", closed);
        await close.SaveChangesAsync();
        var stored = await close.Events.FetchStreamAsync($"ledger/epochs/{epoch}");
        return (closed, stored[0].Id);
    }

    public async Task AppendUnknownAsync(string stream)
    {
        await using var session = _store.LightweightSession();
        session.Events.StartStream(stream, new RewardPolicyPublished("draft", 0));
        await session.SaveChangesAsync();
    }

    /// <summary>
    /// The chain-bridge's records of a claim root published, taken off the chain by a reorg, and published again:
    /// ClaimRootPublished, then ClaimRootDropped with ClaimRootPublished in one transaction, in stream "chain/claim-roots".
    /// </summary>
    public async Task RecordRepublishedClaimRootAsync(long epoch, string claimRoot, string distributor)
    {
        var lost = new ClaimRootPublished(epoch, claimRoot, AnvilNode.ChainId, distributor, Hex.Encode(RandomNumberGenerator.GetBytes(32)), 40,
            DateTimeOffset.UtcNow);
        await using (var session = _store.LightweightSession())
        {
            session.Events.Append("chain/claim-roots", lost);
            await session.SaveChangesAsync();
        }
        await using (var session = _store.LightweightSession())
        {
            session.Events.Append("chain/claim-roots",
                new ClaimRootDropped(epoch, claimRoot, AnvilNode.ChainId, distributor, lost.TxHash, lost.BlockNumber, epoch - 1, DateTimeOffset.UtcNow),
                lost with { TxHash = Hex.Encode(RandomNumberGenerator.GetBytes(32)), BlockNumber = 41, PublishedAt = DateTimeOffset.UtcNow });
            await session.SaveChangesAsync();
        }
    }

    public ValueTask DisposeAsync() => _store.DisposeAsync();
}
