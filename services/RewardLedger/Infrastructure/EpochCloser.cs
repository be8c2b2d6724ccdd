using System.Globalization;
using CommunityAI.RewardLedger.Domain;
using CommunityAI.ServiceDefaults.History;
using Marten;
using Npgsql;

namespace CommunityAI.RewardLedger.Infrastructure;

/// <summary>
/// Closes epochs in order, each exactly once: stream <c>ledger/epochs/{n}</c> can start only once, and the epoch gate
/// (see <see cref="LedgerLocks"/>) makes the close wait for credits in flight and keeps later credits out of it. Totals
/// and the claim root come from the credits the history records (<see cref="CreditHistory"/>), most of them read before
/// the gate is taken.
/// </summary>
public sealed class EpochCloser(IDocumentStore store, NpgsqlDataSource dataSource, TimeProvider clock)
{
    /// <summary>How long a close waits for transactions open at its start to end before it sums everything under the gate.</summary>
    private static readonly TimeSpan SettleWithin = TimeSpan.FromSeconds(5);

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
        // Most of the work before the gate, while credits go on: the sum of every entry up to a sequence at which all
        // transactions that drew one had ended, which no later commit can add to, and the claim tree of those totals.
        // Under the gate only what came after is read, so a credit waits for the entries of the last moments instead of
        // for a pass over every entry ever recorded. Credits made after the epoch's end on the clock belong to the next
        // one, so what comes after is nearly always nothing for this epoch, and the tree built before stands.
        var before = await SettledAsync(epoch, ct);
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
            var closed = await CloseUnderGateAsync(connection, epoch, before, ct);
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

    /// <summary>
    /// The entries up to a settled sequence (<see cref="TransactionHorizon.SettledSequenceAsync"/>), that sequence, and the
    /// close those entries alone would make; null when none settled in time, and the close then reads every entry under
    /// the gate, as it always could.
    /// </summary>
    private async Task<SettledClose?> SettledAsync(long epoch, CancellationToken ct)
    {
        if (await TransactionHorizon.For(dataSource).SettledSequenceAsync(SettleWithin, ct) is not { } through)
            return null;
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        var entries = await CreditHistory.ThroughAsync(connection, epoch, through, ct);
        var totals = CreditEntries.TotalsAt(epoch, entries);
        return new SettledClose(through, entries, EpochClosing.Close(epoch, totals.Cumulative, totals.InEpoch, clock.GetUtcNow()));
    }

    // The epoch's close from the history as it stands under the gate: what was prepared before it when nothing for this
    // epoch came after the settled sequence, else the totals of both reads.
    private async Task<ClosedEpoch> CloseUnderGateAsync(
        NpgsqlConnection connection, long epoch, SettledClose? before, CancellationToken ct)
    {
        var closedAt = clock.GetUtcNow();
        if (before is not var (through, entries, closing))
        {
            var all = await CreditHistory.UpToAsync(connection, epoch, ct);
            return EpochClosing.Close(epoch, all.Cumulative, all.InEpoch, closedAt);
        }
        var after = await CreditHistory.AfterAsync(connection, epoch, through, ct);
        if (after.Net.Count == 0)
            return closing with { Closed = closing.Closed with { ClosedAt = closedAt } };
        var totals = CreditEntries.TotalsAt(epoch, entries, after);
        return EpochClosing.Close(epoch, totals.Cumulative, totals.InEpoch, closedAt);
    }

    /// <summary>The entries up to a settled sequence, that sequence, and the close those entries alone would make.</summary>
    private sealed record SettledClose(long Through, CreditEntries Entries, ClosedEpoch Closing);
}
