using System.Globalization;
using System.Security.Cryptography;
using CommunityAI.Contracts;
using CommunityAI.Formats;
using CommunityAI.RewardLedger.Infrastructure;
using CommunityAI.ServiceDefaults.History;
using CommunityAI.Testing;
using Marten;
using MassTransit;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace CommunityAI.RewardLedger.IntegrationTests;

/// <summary>
/// A fresh database and virtual host per test class, and reward-ledger replicas started from the service's own
/// Program against them (two replicas share the queue, as two pods would).
/// </summary>
public class LedgerSystem : IAsyncLifetime
{
    private readonly List<WebApplicationFactory<CreditWriter>> _hosts = [];
    private readonly HashSet<int> _stopped = [];

    public string History { get; private set; } = "";
    public string Broker { get; private set; } = "";

    /// <summary>Epoch settings for this class; the default is a day long, so nothing closes during a test.</summary>
    protected virtual IReadOnlyDictionary<string, string> EpochSettings => new Dictionary<string, string>();

    /// <summary>Genesis policy settings (<c>Rewards:Genesis:…</c>) for this class; none means the built-in genesis, which pays nothing for fallbacks.</summary>
    protected virtual IReadOnlyDictionary<string, string> GenesisSettings => new Dictionary<string, string>();

    public async Task InitializeAsync()
    {
        History = await PostgresServer.CreateDatabaseAsync("ledger");
        Broker = await RabbitServer.CreateVirtualHostAsync("ledger");
    }

    private HttpClient? _api;

    /// <summary>The first replica's API, started on first use and shared by the class's tests.</summary>
    public HttpClient Api => _api ??= StartReplica();

    public HttpClient StartReplica()
    {
        var settings = new Dictionary<string, string>
        {
            ["ConnectionStrings:history"] = History,
            ["ConnectionStrings:rabbitmq"] = Broker,
            ["Logging:LogLevel:Default"] = "Warning",
        };
        foreach (var (key, value) in EpochSettings.Concat(GenesisSettings))
            settings[key] = value;
        var host = new ServiceHost<CreditWriter>(settings);
        _hosts.Add(host);
        return host.CreateClient();
    }

    public IServiceProvider Services(int replica) => _hosts[replica].Services;

    /// <summary>How many credits the history holds that match <paramref name="where"/> (SQL over history.mt_events), or how many contributions they credit.</summary>
    public Task<long> CreditsAsync(string where, bool distinct = false) => LedgerSql.CountAsync(History,
        $"SELECT count({(distinct ? "DISTINCT data->>'contributionId'" : "*")}) FROM history.mt_events WHERE type = 'contribution_rewarded' AND {where}");

    /// <summary>Stops a replica as a rolling restart would (its host shuts down; its slot stays, so indexes keep their meaning).</summary>
    public Task StopReplicaAsync(int replica)
    {
        _stopped.Add(replica);
        return _hosts[replica].DisposeAsync().AsTask();
    }

    // The store of a replica still running, for fixtures that record history events as other services would.
    private IDocumentStore Store => Services(Enumerable.Range(0, _hosts.Count).First(i => !_stopped.Contains(i))).GetRequiredService<IDocumentStore>();

    /// <summary>
    /// Records each distinct score in quality-scoring's stream of its contribution, then publishes every message on the
    /// real broker with the event's id, as quality-scoring's outbox would (a message given twice is delivered twice). The
    /// ledger credits from the history, so the notices must change nothing.
    /// </summary>
    public async Task PublishAsync(IEnumerable<ContributionScored> messages)
    {
        var deliveries = messages.ToList();
        var ids = await RecordAsync(deliveries.DistinctBy(m => m.ContributionId));
        await NotifyAsync(deliveries, ids);
    }

    /// <summary>Publishes recorded scores with their events' ids (<paramref name="ids"/> by contribution id), as the outbox does.</summary>
    public async Task NotifyAsync(IEnumerable<ContributionScored> deliveries, IReadOnlyDictionary<string, Guid> ids)
    {
        var bus = Bus.Factory.CreateUsingRabbitMq(rabbit => rabbit.Host(new Uri(Broker)));
        await bus.StartAsync();
        try
        {
            foreach (var chunk in deliveries.Chunk(200))
                await Task.WhenAll(chunk.Select(m => bus.Publish(m, context => context.MessageId = ids[m.ContributionId])));
        }
        finally
        {
            await bus.StopAsync();
        }
    }

    /// <summary>Records scores as quality-scoring does (stream <c>scoring/{contributionId}</c>); returns each one's event id.</summary>
    public async Task<Dictionary<string, Guid>> RecordAsync(IEnumerable<ContributionScored> scores)
    {
        if (_hosts.Count == 0)
            _ = Api; // a replica's store: its schema settings are the service's
        var store = Store;
        var ids = new Dictionary<string, Guid>(StringComparer.Ordinal);
        foreach (var chunk in scores.Chunk(200))
        {
            await using var session = store.LightweightSession();
            var started = chunk.Select(m => (m.ContributionId, Stream: session.Events.StartStream("scoring/" + m.ContributionId, m))).ToList();
            await session.SaveChangesAsync();
            foreach (var (contributionId, stream) in started)
                ids[contributionId] = stream.Events[0].Id;
        }
        return ids;
    }

    /// <summary>
    /// Records a passed proposal's activation as governance does (stream <c>governance/proposals/{id}</c>), then publishes
    /// its notice with the event's id, as governance's outbox would. Returns the proposal id.
    /// </summary>
    public async Task<string> ActivateAsync(string kind, string payload, string streamPrefix = "governance/proposals/", string? proposalId = null)
    {
        proposalId ??= Hex.Encode(RandomNumberGenerator.GetBytes(32));
        var activated = new PolicyActivated(proposalId, kind, payload, Hex.Encode(SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(payload))), DateTimeOffset.UtcNow);
        var id = await AppendAsync(streamPrefix + proposalId, activated);
        await NotifyOneAsync(activated, id);
        return proposalId;
    }

    /// <summary>Records a contribution's submission as the contributions service does; <paramref name="contentSize"/> null means a pointer only.</summary>
    public Task RecordSubmissionAsync(string contributionId, string contributor, long? contentSize) =>
        AppendAsync("contributions/" + contributionId, new ContributionSubmitted(contributionId, contributor, "data",
            Hex.Encode(RandomNumberGenerator.GetBytes(32)), "ipfs://bafy", "1", 4_000_000_000, "0x" + new string('1', 130), contentSize, DateTimeOffset.UtcNow));

    public async Task<Guid> AppendAsync(string stream, object data)
    {
        if (_hosts.Count == 0)
            _ = Api;
        await using var session = Store.LightweightSession();
        var started = session.Events.StartStream(stream, data);
        await session.SaveChangesAsync();
        return started.Events[0].Id;
    }

    /// <summary>Appends an event to a stream that may exist already (a contribution's scoring stream, as quality-scoring does); returns its sequence.</summary>
    /// <summary>Appends the events to the stream in one transaction; returns the stream's last sequence.</summary>
    public async Task<long> AppendToAsync(string stream, params object[] data)
    {
        if (_hosts.Count == 0)
            _ = Api;
        await using var session = Store.LightweightSession();
        session.Events.Append(stream, data);
        await session.SaveChangesAsync();
        return await LedgerSql.CountAsync(History, $"SELECT max(seq_id) FROM history.mt_events WHERE stream_id = '{stream}'");
    }

    /// <summary>Appends an event stored with the trace context <paramref name="traceParent"/>, as one appended in that trace's operation is.</summary>
    public async Task AppendInTraceAsync(string stream, string traceParent, object data)
    {
        if (_hosts.Count == 0)
            _ = Api;
        await using var session = Store.LightweightSession();
        HistoryTraceContext.Carry(session.Events.Append(stream, data), traceParent);
        await session.SaveChangesAsync();
    }

    /// <summary>Publishes one message with the given id on the real broker, as an outbox (or, with an id of nothing stored, a forger) would.</summary>
    public async Task NotifyOneAsync<T>(T message, Guid id) where T : class
    {
        var bus = Bus.Factory.CreateUsingRabbitMq(rabbit => rabbit.Host(new Uri(Broker)));
        await bus.StartAsync();
        try
        {
            await bus.Publish(message, context => context.MessageId = id);
        }
        finally
        {
            await bus.StopAsync();
        }
    }

    public static ContributionScored Scored(string contributor, int score, string kind = "data") => new(
        Hex.Encode(RandomNumberGenerator.GetBytes(32)), contributor, kind, score, "scoring-1", DateTimeOffset.UtcNow);

    /// <summary>A fresh random address, lowercase as any wallet may send it.</summary>
    public static string RandomAddress() => Hex.Encode(RandomNumberGenerator.GetBytes(20));

    public async Task DisposeAsync()
    {
        foreach (var host in _hosts)
            await host.DisposeAsync();
        await RabbitServer.DeleteVirtualHostAsync(Broker);
        await PostgresServer.DropDatabaseAsync(History);
    }
}

/// <summary>A genesis policy that pays half for fallback scores and a tenth for fallback scores of content never seen.</summary>
public sealed class FallbackShareLedgerSystem : LedgerSystem
{
    protected override IReadOnlyDictionary<string, string> GenesisSettings => new Dictionary<string, string>
    {
        ["Rewards:Genesis:FallbackShareBasisPoints"] = "5000",
        ["Rewards:Genesis:UnseenContentShareBasisPoints"] = "1000",
    };
}

/// <summary>Epochs two seconds long starting now, so they close while a test watches.</summary>
public sealed class ShortEpochLedgerSystem : LedgerSystem
{
    protected override IReadOnlyDictionary<string, string> EpochSettings => new Dictionary<string, string>
    {
        ["Epochs:Genesis"] = DateTimeOffset.UtcNow.ToString("O", CultureInfo.InvariantCulture),
        ["Epochs:Length"] = "00:00:02",
    };
}

/// <summary>
/// Epochs three seconds long, for reversals followed across several closed epochs. The genesis lies a few epochs back: the
/// distributor takes epochs above 0 only, so the first credit must not fall in epoch 0.
/// </summary>
public sealed class ReversalLedgerSystem : LedgerSystem
{
    protected override IReadOnlyDictionary<string, string> EpochSettings => new Dictionary<string, string>
    {
        ["Epochs:Genesis"] = DateTimeOffset.UtcNow.AddSeconds(-10).ToString("O", CultureInfo.InvariantCulture),
        ["Epochs:Length"] = "00:00:03",
    };
}

/// <summary>Short epochs and a genesis policy that gives a consensus case's validators a tenth of the kind's base.</summary>
public sealed class ValidatorPayLedgerSystem : LedgerSystem
{
    protected override IReadOnlyDictionary<string, string> EpochSettings => new Dictionary<string, string>
    {
        ["Epochs:Genesis"] = DateTimeOffset.UtcNow.ToString("O", CultureInfo.InvariantCulture),
        ["Epochs:Length"] = "00:00:02",
    };

    protected override IReadOnlyDictionary<string, string> GenesisSettings => new Dictionary<string, string>
    {
        ["Rewards:Genesis:ValidatorShareBasisPoints"] = "1000",
    };
}

/// <summary>
/// A per-epoch cap of 25 tokens (two and a half full data scores) and validators paid a tenth of the kind's base, in
/// a day-long epoch that began an hour ago: credits of one contributor in one batch cross the cap, so their order shows in their amounts.
/// </summary>
public sealed class SmallCapLedgerSystem : LedgerSystem
{
    public const int CapTokens = 25;

    // The class's epoch began an hour ago and lasts a day, so no boundary falls between a batch and its one-by-one twin.
    protected override IReadOnlyDictionary<string, string> EpochSettings => new Dictionary<string, string>
    {
        ["Epochs:Genesis"] = DateTimeOffset.UtcNow.AddHours(-1).ToString("O", CultureInfo.InvariantCulture),
        ["Epochs:Length"] = "1.00:00:00",
    };

    protected override IReadOnlyDictionary<string, string> GenesisSettings => new Dictionary<string, string>
    {
        ["Rewards:Genesis:CapPerAddressPerEpoch"] = (CapTokens * Formats.Policies.TokenAmount.OneToken).ToString(CultureInfo.InvariantCulture),
        ["Rewards:Genesis:ValidatorShareBasisPoints"] = "1000",
    };
}

/// <summary>Epochs three seconds long from a genesis a few epochs back, and validators paid a tenth of the kind's base: appeals settled across closed epochs.</summary>
public sealed class AppealLedgerSystem : LedgerSystem
{
    protected override IReadOnlyDictionary<string, string> EpochSettings => new Dictionary<string, string>
    {
        ["Epochs:Genesis"] = DateTimeOffset.UtcNow.AddSeconds(-10).ToString("O", CultureInfo.InvariantCulture),
        ["Epochs:Length"] = "00:00:03",
    };

    protected override IReadOnlyDictionary<string, string> GenesisSettings => new Dictionary<string, string>
    {
        ["Rewards:Genesis:ValidatorShareBasisPoints"] = "1000",
    };
}

/// <summary>
/// Epochs three seconds long from a genesis a few epochs back, and a genesis policy that pays a contributed model
/// <see cref="GainLedgerSystem.RewardPerBasisPoint"/> (a hundredth of a token) per basis point of measured gain, and a
/// valued batch's shares <see cref="GainLedgerSystem.DataRewardPerBasisPoint"/> (a tenth of a token) per basis point of its gain.
/// </summary>
public sealed class GainLedgerSystem : LedgerSystem
{
    public static readonly System.Numerics.BigInteger RewardPerBasisPoint = Formats.Policies.TokenAmount.OneToken / 100;
    public static readonly System.Numerics.BigInteger DataRewardPerBasisPoint = Formats.Policies.TokenAmount.OneToken / 10;

    protected override IReadOnlyDictionary<string, string> EpochSettings => new Dictionary<string, string>
    {
        ["Epochs:Genesis"] = DateTimeOffset.UtcNow.AddSeconds(-10).ToString("O", CultureInfo.InvariantCulture),
        ["Epochs:Length"] = "00:00:03",
    };

    protected override IReadOnlyDictionary<string, string> GenesisSettings => new Dictionary<string, string>
    {
        ["Rewards:Genesis:ModelGainRewardPerBasisPoint"] = RewardPerBasisPoint.ToString(CultureInfo.InvariantCulture),
        ["Rewards:Genesis:DataGainRewardPerBasisPoint"] = DataRewardPerBasisPoint.ToString(CultureInfo.InvariantCulture),
    };
}
