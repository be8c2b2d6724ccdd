using System.Globalization;
using CommunityAI.RewardLedger.Domain;
using CommunityAI.ServiceDefaults.History;
using Marten;
using Npgsql;

namespace CommunityAI.RewardLedger.Infrastructure;

/// <summary>
/// Closes epochs in order, each exactly once: stream <c>ledger/epochs/{n}</c> can start only once, and the epoch gate
/// (see <see cref="LedgerLocks"/>) makes the close wait for credits in flight and keeps later credits out of it. Totals
/// and the claim root come from the credits the history records (<see cref="CreditHistory"/>).
/// </summary>
public sealed class EpochCloser(IDocumentStore store, NpgsqlDataSource dataSource, TimeProvider clock)
{
    public static string StreamFor(long epoch) => Extensions.StreamPrefix + "epochs/" + epoch.ToString(CultureInfo.InvariantCulture);

    /// <summary>The next epoch to close, or null while nothing was ever credited (no empty epochs before the first credit).</summary>
    public async Task<long?> NextToCloseAsync(CancellationToken ct)
    {
        await using var session = store.QuerySession();
        var state = await session.LoadAsync<EpochState>(EpochState.Key, ct);
        if (state is { LastClosed: >= 0 })
            return state.LastClosed + 1; // the state may exist before any close: recording a policy counts policies there
        return await CreditHistory.FirstEpochAsync(dataSource, ct);
    }

    /// <summary>Closes <paramref name="epoch"/>; returns null when it was already closed.</summary>
    public async Task<ClosedEpoch?> CloseAsync(long epoch, CancellationToken ct)
    {
        try
        {
            await using var session = store.LightweightSession();
            await session.BeginTransactionAsync(ct);
            var connection = session.Connection!;
            await LedgerLocks.ForClosingAsync(connection, ct);
            var state = await session.LoadAsync<EpochState>(EpochState.Key, ct) ?? EpochState.None;
            if (epoch <= state.LastClosed)
                return null;
            if (state.LastClosed >= 0 && epoch != state.LastClosed + 1)
                throw new InvalidOperationException($"epoch {epoch} cannot close before epoch {state.LastClosed + 1}");

            // From the history's credits, never from the journal table: a row written there must not move the root.
            var totals = await CreditHistory.UpToAsync(connection, epoch, ct);
            var closed = EpochClosing.Close(epoch, totals.Cumulative, totals.InEpoch, clock.GetUtcNow());
            session.Events.StartStream(StreamFor(epoch), closed.Closed);
            session.Store(closed);
            session.Store(state with { LastClosed = epoch });
            await session.SaveChangesAsync(ct);
            return closed;
        }
        catch (Exception ex) when (StoreConflicts.IsDuplicate(ex))
        {
            return null;
        }
    }
}
