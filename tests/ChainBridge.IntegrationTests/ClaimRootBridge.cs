using System.Globalization;
using System.Numerics;
using System.Security.Cryptography;
using System.Text.RegularExpressions;
using CommunityAI.ChainBridge.Chain;
using CommunityAI.ChainBridge.ClaimRoots;
using CommunityAI.Contracts;
using CommunityAI.Formats;
using CommunityAI.Formats.Claims;
using CommunityAI.ServiceDefaults.Messaging;
using Marten;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Nethereum.Web3;

namespace ChainBridge.IntegrationTests;

/// <summary>
/// The chain bridge over a database, virtual host and anvil of its own, with the reward ledger played by the test:
/// it records <see cref="EpochClosed"/> in the ledger's stream and publishes it on the bus under its event id, as the ledger's outbox does.
/// Anchoring waits a day between anchors, so after the first one the bridge account sends only claim roots.
/// </summary>
public sealed partial class ClaimRootBridge : IAsyncLifetime
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);
    private readonly BridgeBackends _backends = new();

    public ChainBridgeHost Host { get; private set; } = null!;
    public AnvilNode Anvil => _backends.Anvil;

    /// <summary>The bridge's virtual host on the broker, amqp:// URI.</summary>
    public string Broker => _backends.Broker;
    public DeployedContracts Deployment { get; private set; } = null!;
    public IWeb3 Reader => new Web3(Anvil.RpcUrl);

    /// <summary>The distributor, read-only.</summary>
    public DistributorContract Distributor => new(Reader, Deployment.DistributorAddress);

    public async Task InitializeAsync()
    {
        await _backends.InitializeAsync();
        Host = new ChainBridgeHost(_backends.Settings(
            ("Chain:AnchorerKey", AnvilNode.DevPrivateKeys[1]),
            ("ClaimRoots:RetryInitialDelay", "00:00:00.200"),
            ("ClaimRoots:RetryMaxDelay", "00:00:01"),
            // The keeper's line per look says when it last found the roots current: tests wait for it.
            ("Logging:LogLevel:CommunityAI.ChainBridge.ClaimRoots", "Debug")));
        var chain = Host.Chain; // starts the host
        Deployment = (await Eventually.MatchesAsync(() => Task.FromResult(chain.Deployment), d => d is not null, "the contracts deployed", Patience))!;
    }

    /// <summary>Closes <paramref name="epoch"/> as the ledger does: its claim tree over the cumulative amounts, recorded and published.</summary>
    public async Task<(EpochClosed Closed, ClaimTree Tree)> CloseEpochAsync(long epoch, params (string Address, BigInteger Amount)[] cumulative)
    {
        var tree = ClaimTree.Build(cumulative);
        var total = cumulative.Aggregate(BigInteger.Zero, (sum, c) => sum + c.Amount).ToString(CultureInfo.InvariantCulture);
        var closed = new EpochClosed(epoch, DateTimeOffset.UtcNow, total, total, cumulative.Length, tree.Root);
        await NotifyAsync(closed, await RecordAsync($"ledger/epochs/{epoch}", closed));
        return (closed, tree);
    }

    /// <summary>Appends one event to the history; returns its id, which the outbox would publish it under.</summary>
    public async Task<Guid> RecordAsync(string stream, object @event)
    {
        await using var session = Host.Services.GetRequiredService<IDocumentStore>().LightweightSession();
        var action = session.Events.Append(stream, @event);
        await session.SaveChangesAsync();
        return action.Events[0].Id;
    }

    /// <summary>Publishes a recorded closing with its event's id, as the ledger's outbox does (bounded, as its publishes are).</summary>
    public Task NotifyAsync(EpochClosed closed, Guid eventId) =>
        Host.Services.GetRequiredService<ConfirmedPublisher>().PublishAsync(closed, typeof(EpochClosed), context => context.MessageId = eventId, CancellationToken.None);

    /// <summary>Appends events to the history in one transaction.</summary>
    public async Task AppendAsync(params (string Stream, object Event)[] events)
    {
        await using var session = Host.Services.GetRequiredService<IDocumentStore>().LightweightSession();
        foreach (var (stream, @event) in events)
            session.Events.Append(stream, @event);
        await session.SaveChangesAsync();
    }

    /// <summary>
    /// A publication as EpochClosedConsumer records it, on this chain and distributor unless told otherwise, whose
    /// transaction the chain does not hold (lost, or taken by a reorg).
    /// </summary>
    public ClaimRootPublished LostPublication(long epoch, string root, string? distributor = null) => new(epoch, root, AnvilNode.ChainId,
        distributor ?? Deployment.DistributorAddress, Hex.Encode(RandomNumberGenerator.GetBytes(32)), 1, DateTimeOffset.UtcNow);

    /// <summary>Every event of the bridge's claim-root stream, in order.</summary>
    public async Task<IReadOnlyList<object>> RecordsAsync()
    {
        await using var session = Host.Services.GetRequiredService<IDocumentStore>().QuerySession();
        return [.. (await session.Events.FetchStreamAsync(ClaimRootHistory.StreamKey)).Select(e => e.Data)];
    }

    /// <summary>Waits until the bridge has recorded a publication of <paramref name="epoch"/>.</summary>
    public async Task<ClaimRootPublished> PublicationOfAsync(long epoch)
    {
        var records = await Eventually.MatchesAsync(RecordsAsync, r => r.OfType<ClaimRootPublished>().Any(p => p.Epoch == epoch),
            $"epoch {epoch}'s root published", Patience);
        return records.OfType<ClaimRootPublished>().First(p => p.Epoch == epoch);
    }

    /// <summary>Every <c>RootPublished</c> the distributor emitted on the canonical chain.</summary>
    public async Task<IReadOnlyList<RootPublishedEvent>> RootsOnChainAsync() =>
        await Distributor.GetPublishedRootsAsync(Deployment.DeploymentBlock, await Anvil.BlockNumberAsync());

    /// <summary>Waits until the keeper looked at block <paramref name="block"/> or later and found the roots current; returns the epoch it saw.</summary>
    public async Task<ulong> LookedAtAsync(ulong block)
    {
        var seen = await Eventually.MatchesAsync(() => Task.FromResult(CurrentLooks().ToList()), looks => looks.Any(l => l.Block >= block),
            $"the claim root keeper to look at block {block}", Patience);
        return seen.First(l => l.Block >= block).Epoch;
    }

    /// <summary>How many times the keeper found the roots current at <paramref name="block"/>, and the newest block it looked at.</summary>
    public (int Looks, ulong Newest) LooksAt(ulong block)
    {
        var looks = CurrentLooks().ToList();
        return (looks.Count(l => l.Block == block), looks.Select(l => l.Block).DefaultIfEmpty().Max());
    }

    /// <summary>What the keeper logged at error level: its refusals.</summary>
    public IReadOnlyList<string> Refusals() =>
        [.. Host.Logs.Lines.Where(l => l.StartsWith("Error ", StringComparison.Ordinal) && l.Contains(nameof(ClaimRootKeeper), StringComparison.Ordinal))];

    /// <summary>
    /// What the keeper logged above debug level: a republication, a publication found superseded (a transaction tried
    /// and refused by the contract), a refusal or an outage.
    /// </summary>
    public IReadOnlyList<string> KeeperNotices() =>
        [.. Host.Logs.Lines.Where(l => !l.StartsWith("Debug ", StringComparison.Ordinal) && l.Contains(nameof(ClaimRootKeeper), StringComparison.Ordinal))];

    private IEnumerable<(ulong Epoch, ulong Block)> CurrentLooks() =>
        from line in Host.Logs.Lines
        where line.Contains(nameof(ClaimRootKeeper), StringComparison.Ordinal)
        let match = CurrentLine().Match(line)
        where match.Success
        select (ulong.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture), ulong.Parse(match.Groups[2].Value, CultureInfo.InvariantCulture));

    [GeneratedRegex(@"holds epoch (\d+) at block (\d+); claim roots are current")]
    private static partial Regex CurrentLine();

    public async Task DisposeAsync()
    {
        await Host.DisposeAsync();
        await _backends.DisposeAsync();
    }
}
