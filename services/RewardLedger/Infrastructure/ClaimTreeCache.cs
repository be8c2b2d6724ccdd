using CommunityAI.Formats.Claims;
using CommunityAI.RewardLedger.Domain;

namespace CommunityAI.RewardLedger.Infrastructure;

/// <summary>
/// The claim tree of the newest closed epoch, rebuilt from its stored claims once per epoch rather than per request
/// (a million-address tree takes seconds to build).
/// </summary>
public sealed class ClaimTreeCache
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private (long Epoch, ClaimTree Tree)? _latest;

    public async Task<ClaimTree> GetAsync(ClosedEpoch epoch, CancellationToken ct)
    {
        if (_latest is { } hit && hit.Epoch == epoch.Id)
            return hit.Tree;
        await _gate.WaitAsync(ct);
        try
        {
            if (_latest is { } again && again.Epoch == epoch.Id)
                return again.Tree;
            var tree = ClaimTree.Build(epoch.Claims.Select(c => (c.Address, TokenAmount.Parse(c.Amount))).ToList());
            _latest = (epoch.Id, tree);
            return tree;
        }
        finally
        {
            _gate.Release();
        }
    }
}
