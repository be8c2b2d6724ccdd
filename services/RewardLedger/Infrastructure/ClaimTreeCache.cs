using CommunityAI.Contracts;
using CommunityAI.Formats.Claims;
using CommunityAI.RewardLedger.Domain;
using Marten;
using Npgsql;

namespace CommunityAI.RewardLedger.Infrastructure;

/// <summary>
/// The claim tree of the newest closed epoch, rebuilt from the history's credits once per epoch rather than per request
/// (a million-address tree takes seconds to build), and served only when its root is the one the epoch's
/// <see cref="EpochClosed"/> recorded: a proof from an edited read model would not match the distributor anyway, and
/// the disagreement is a failure someone must see.
/// </summary>
public sealed class ClaimTreeCache(IDocumentStore store, NpgsqlDataSource dataSource)
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private EpochClaims? _latest;

    /// <summary>The closed epoch <paramref name="epoch"/> and its tree; null when the history holds no such closing.</summary>
    public async Task<EpochClaims?> GetAsync(long epoch, CancellationToken ct)
    {
        if (_latest is { } hit && hit.Closed.Epoch == epoch)
            return hit;
        await _gate.WaitAsync(ct);
        try
        {
            if (_latest is { } again && again.Closed.Epoch == epoch)
                return again;
            if (await BuildAsync(epoch, ct) is not { } built)
                return null;
            _latest = built;
            return built;
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task<EpochClaims?> BuildAsync(long epoch, CancellationToken ct)
    {
        await using var session = store.QuerySession();
        var events = await session.Events.FetchStreamAsync(EpochCloser.StreamFor(epoch), token: ct);
        if (events.Count == 0 || events[0].Data is not EpochClosed closed)
            return null;

        await using var connection = await dataSource.OpenConnectionAsync(ct);
        var claims = EpochClosing.Claims((await CreditHistory.UpToAsync(connection, epoch, ct)).Cumulative);
        var tree = claims.Count == 0 ? null : ClaimTree.Build(claims);
        var root = tree?.Root ?? EpochClosing.EmptyRoot;
        if (!string.Equals(root, closed.ClaimRoot, StringComparison.OrdinalIgnoreCase))
            throw new InvalidOperationException(
                $"the history's credits rebuild epoch {epoch}'s claim root as {root}, but its EpochClosed recorded {closed.ClaimRoot}; no proof is served");
        return new EpochClaims(closed, tree);
    }
}
