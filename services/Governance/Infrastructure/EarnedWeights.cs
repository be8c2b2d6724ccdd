using System.Collections.Concurrent;
using System.Numerics;
using CommunityAI.Contracts;
using CommunityAI.Formats.Claims;
using CommunityAI.ServiceDefaults.History;
using Marten;
using Npgsql;

namespace CommunityAI.Governance.Infrastructure;

/// <summary>
/// Every address's cumulative earned amount at a closed epoch, read from the ledger's events in the history and
/// checked against that epoch's published claim root, so a weight is exactly what the address can prove with its
/// claim proof against the distributor. A closed epoch never changes, so each is read once and kept.
/// </summary>
public sealed class EarnedWeights(IDocumentStore store, NpgsqlDataSource dataSource)
{
    public const string LedgerStreamPrefix = "ledger/";

    private const string Events = HistoryStoreExtensions.EventsSchema + ".mt_events";

    // The ledger's closings through the set-up's index holding exactly them (HistoryIndexes.EpochCloses), the type
    // named as a literal so even a prepared statement's generic plan reads it: every voter page and every proposal asks
    // for the newest closing, and without the index each asked by reading every event the history holds.
    internal static readonly string NewestClosedSql = $"""
        SELECT data FROM {Events}
        WHERE type = '{OutboxRoutes.EventTypeName(typeof(EpochClosed))}' AND starts_with(stream_id, @prefix)
        ORDER BY seq_id DESC LIMIT 1
        """;

    internal static readonly string ClosedSql = $"""
        SELECT data FROM {Events}
        WHERE type = '{OutboxRoutes.EventTypeName(typeof(EpochClosed))}' AND starts_with(stream_id, @prefix) AND (data->>'epoch')::bigint = @epoch
        ORDER BY seq_id LIMIT 1
        """;

    private readonly ConcurrentDictionary<long, Task<EpochWeights>> _byEpoch = new();
    private readonly ConcurrentDictionary<long, EpochClosed> _closed = new();

    /// <summary>The latest epoch closed so far, or null when none has.</summary>
    public Task<EpochClosed?> LatestClosedAsync(CancellationToken ct) => ReadClosedAsync(NewestClosedSql, epoch: null, ct);

    /// <summary>A closed epoch by number, or null when the history does not hold it.</summary>
    /// <remarks>
    /// Every vote asks for its proposal's snapshot epoch; reading the history for it each time scanned the event
    /// table per vote. A closed epoch never changes, so once found it is kept (an epoch not yet found is asked again).
    /// </remarks>
    public async Task<EpochClosed?> ClosedAsync(long epoch, CancellationToken ct)
    {
        if (_closed.TryGetValue(epoch, out var known))
            return known;
        var found = await ReadClosedAsync(ClosedSql, epoch, ct);
        if (found is not null)
            _closed.TryAdd(epoch, found);
        return found;
    }

    /// <summary>The weights of a closed epoch; throws <see cref="InvalidOperationException"/> when the ledger's events disagree with its root.</summary>
    /// <remarks>
    /// The read is shared by every request that asks for the epoch meanwhile, so it runs on no request's token: with the
    /// first caller's, a client hanging up would cancel the read under everyone else waiting on it, and their requests would
    /// fail with a cancellation they never asked for. Each caller stops waiting on its own token.
    /// </remarks>
    public Task<EpochWeights> ForAsync(EpochClosed epoch, CancellationToken ct) =>
        _byEpoch.GetOrAdd(epoch.Epoch, _ => LoadAsync(epoch)).WaitAsync(ct);

    // Only the ledger's own streams count here too: an EpochClosed elsewhere in the history closed nothing.
    private async Task<EpochClosed?> ReadClosedAsync(string sql, long? epoch, CancellationToken ct)
    {
        await using var command = dataSource.CreateCommand(sql);
        command.Parameters.AddWithValue("prefix", LedgerStreamPrefix);
        if (epoch is { } number)
            command.Parameters.AddWithValue("epoch", number);
        await using var reader = await command.ExecuteReaderAsync(ct);
        return await reader.ReadAsync(ct) ? await store.Options.Serializer().FromJsonAsync<EpochClosed>(reader, 0, ct) : null;
    }

    // Only the ledger's own streams count: an event of the same type elsewhere in the history is not a credit. The type
    // is a literal, one query text per type, so each reads the set-up's index holding its type (the ledger entries',
    // the rewards' in order) even as a prepared statement's generic plan, where a parameter would leave the planner no
    // partial index to match and every event to read.
    internal static string LedgerEventsSql<T>() => $"""
        SELECT data FROM {Events}
        WHERE type = '{OutboxRoutes.EventTypeName(typeof(T))}' AND starts_with(stream_id, @prefix)
        ORDER BY seq_id
        """;

    private async Task<IReadOnlyList<T>> LedgerEvents<T>(string prefix) where T : class
    {
        var serializer = store.Options.Serializer();
        await using var command = dataSource.CreateCommand(LedgerEventsSql<T>());
        command.Parameters.AddWithValue("prefix", prefix);
        await using var reader = await command.ExecuteReaderAsync(CancellationToken.None);
        var events = new List<T>();
        while (await reader.ReadAsync(CancellationToken.None))
            events.Add(await serializer.FromJsonAsync<T>(reader, 0, CancellationToken.None));
        return events;
    }

    private async Task<EpochWeights> LoadAsync(EpochClosed epoch)
    {
        try
        {
            // Every read runs on CancellationToken.None: it is shared by every waiter, none of whose tokens may end it (see ForAsync).
            // As the ledger builds its claim trees: rewards, validator pay, revenue lines, gain and data-value credits, each from its own streams, less the
            // reversals of invalidated contributions, plus or minus appeals' settlements, under the one published rule (a cumulative amount never goes down).
            var entries = (await LedgerEvents<ContributionRewarded>(LedgerStreamPrefix + "credits/"))
                .Select(c => (Address: c.Contributor, c.Amount, c.Epoch))
                .Concat((await LedgerEvents<ValidatorsRewarded>(LedgerStreamPrefix + "credits/"))
                    .SelectMany(v => v.Lines.Select(l => (Address: l.Validator, l.Amount, v.Epoch))))
                .Concat((await LedgerEvents<RevenueSplit>(LedgerStreamPrefix + "revenue/"))
                    .SelectMany(r => r.Lines.Select(l => (l.Address, l.Amount, r.Epoch))))
                .Concat((await LedgerEvents<RewardAdjusted>(LedgerStreamPrefix + "credits/"))
                    .Select(a => (Address: a.Account, a.Amount, a.Epoch)))
                // An appeal's settlement moves its accounts up or down (signed lines), in its own epoch.
                .Concat((await LedgerEvents<AppealSettled>(LedgerStreamPrefix + "credits/"))
                    .SelectMany(a => a.Lines.Select(l => (Address: l.Account, l.Amount, a.Epoch))))
                // A contributed model's gain credit, from the ledger's gain streams.
                .Concat((await LedgerEvents<ModelGainRewarded>(LedgerStreamPrefix + "gains/"))
                    .Select(g => (Address: g.Contributor, g.Amount, g.Epoch)))
                // Less its reversal when the contribution was invalidated.
                .Concat((await LedgerEvents<ModelGainReversed>(LedgerStreamPrefix + "gains/"))
                    .Select(g => (Address: g.Account, g.Amount, g.Epoch)))
                // A contribution's data-value credit, from the ledger's data-value streams, less its reversal likewise.
                .Concat((await LedgerEvents<DataValueRewarded>(LedgerStreamPrefix + "data-value/"))
                    .Select(d => (Address: d.Contributor, d.Amount, d.Epoch)))
                .Concat((await LedgerEvents<DataValueReversed>(LedgerStreamPrefix + "data-value/"))
                    .Select(d => (Address: d.Account, d.Amount, d.Epoch)))
                .Select(e => (e.Address, e.Epoch, BigInteger.Parse(e.Amount, System.Globalization.CultureInfo.InvariantCulture)));
            var earned = CumulativeClaims.At(entries, epoch.Epoch).ToDictionary(e => e.Address, e => e.Amount, StringComparer.Ordinal);

            var tree = ClaimTree.OfCumulativeAmounts(earned.Select(e => (e.Key, e.Value)));
            var root = tree?.Root ?? "0x" + new string('0', 64);
            if (!string.Equals(root, epoch.ClaimRoot, StringComparison.OrdinalIgnoreCase))
                throw new InvalidOperationException(
                    $"the credits of epochs up to {epoch.Epoch} build claim root {root}, but the epoch closed with {epoch.ClaimRoot}: weights would not match the claim proofs");
            return new EpochWeights(epoch, earned, tree);
        }
        catch
        {
            // A failed read is not cached: the next request tries again.
            _byEpoch.TryRemove(epoch.Epoch, out _);
            throw;
        }
    }
}

/// <summary>A closed epoch's earned amounts and its claim tree (null when nobody had earned anything).</summary>
public sealed record EpochWeights(EpochClosed Epoch, IReadOnlyDictionary<string, BigInteger> Earned, ClaimTree? Tree);
