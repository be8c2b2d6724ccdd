using System.Globalization;
using System.Numerics;
using CommunityAI.Audit.Chain;

namespace CommunityAI.Audit.Verification;

/// <summary>
/// Compares what the RewardDistributor and its token did on chain with what the history allows: every published root
/// is an epoch's root in the history and what its credits recompute to; every claim pays an amount of that epoch's
/// tree; every new token comes from a claim; the supply is what claims paid and never more than the published roots
/// allow; nobody but the distributor was ever made a minter. Pure: the chain and the history are read elsewhere.
/// </summary>
internal static class DistributorChecks
{
    // A report names this many offending mints or claims one by one, then counts the rest.
    private const int Named = 10;

    public static List<Finding> Run(ClaimHistory history, DistributorActivity chain, string? expectedToken)
    {
        var findings = new List<Finding>();
        if (expectedToken is { Length: > 0 } && !Same(expectedToken, chain.Token))
            findings.Add(new Finding("token", false,
                $"the distributor {chain.Distributor} mints token {chain.Token}, but the deployment names token {expectedToken}"));

        var backed = CheckRoots(history, chain, findings);
        CheckRecordedPublications(history, chain, findings);
        CheckClaims(history, chain, findings);
        CheckMints(chain, backed, findings);
        return findings;
    }

    /// <returns>The largest cumulative total among published roots the history backs: the most claims may ever pay.</returns>
    private static BigInteger CheckRoots(ClaimHistory history, DistributorActivity chain, List<Finding> findings)
    {
        var backed = BigInteger.Zero;
        if (chain.Roots.Count == 0)
            findings.Add(Finding.Pass("claim roots", $"the distributor {chain.Distributor} has published no root yet"));
        foreach (var root in chain.Roots)
        {
            var name = $"claim root epoch {root.Epoch} (tx {root.TransactionHash})";
            var veto = chain.Vetoes.FirstOrDefault(v => v.Epoch == root.Epoch && Same(v.Root, root.Root) && v.BlockNumber >= root.BlockNumber);
            var closing = history.Closing(checked((long)root.Epoch));
            var recorded = history.Publications.Any(p => p.Epoch == (long)root.Epoch && Same(p.Root, root.Root));
            string? wrong =
                closing is null
                    ? $"the distributor published root {root.Root} for epoch {root.Epoch}, but the history closes no epoch {root.Epoch}: a root not in the history"
                : !Same(closing.RecordedRoot, root.Root)
                    ? $"the distributor published root {root.Root} for epoch {root.Epoch}, but the history's EpochClosed (log index {closing.Index}) records {closing.RecordedRoot ?? "no root"}"
                : closing.Recomputed is null || !Same(closing.Recomputed.Root, root.Root)
                    ? $"root {root.Root} of epoch {root.Epoch} is the one the history records, but its credits recompute to {closing.Recomputed?.Root ?? "no tree (nobody earned)"}"
                : closing.Recomputed.Total != root.CumulativeTotal
                    ? $"the root of epoch {root.Epoch} was published with cumulative total {root.CumulativeTotal}, but its tree adds up to {closing.Recomputed.Total} (the history records {closing.RecordedTotal})"
                : null;
            if (wrong is not null && veto is not null)
            {
                // The guardian did its job: the root never became claimable, so nothing was paid against it.
                findings.Add(Finding.Pass(name, $"vetoed by the guardian {veto.Guardian} (tx {veto.TransactionHash}) before it could pay: {wrong}"));
                continue;
            }
            if (wrong is not null)
            {
                findings.Add(new Finding(name, false, wrong));
                continue;
            }
            if (veto is null)
                backed = BigInteger.Max(backed, root.CumulativeTotal);
            findings.Add(Finding.Pass(name,
                $"root {root.Root} and total {root.CumulativeTotal} equal the EpochClosed at log index {closing!.Index} and the tree its credits recompute to"
                + (recorded ? "" : "; the history holds no ClaimRootPublished for it (the bridge stopped between mining and recording)")
                + (veto is null ? "" : $"; vetoed by {veto.Guardian}")));
        }
        return backed;
    }

    /// <summary>
    /// Every publication the history records is on chain, unless a reorg took it away and the distributor moved past it
    /// anyway: roots are cumulative, so a later epoch's root on chain pays everything the lost one would have (the
    /// claim-root keeper republishes only the newest closed epoch). The same root re-mined in another transaction counts.
    /// </summary>
    private static void CheckRecordedPublications(ClaimHistory history, DistributorActivity chain, List<Finding> findings)
    {
        foreach (var recorded in history.Publications.Where(p => p.Distributor.Length == 0 || Same(p.Distributor, chain.Distributor)))
        {
            if (chain.Roots.Any(r => (long)r.Epoch == recorded.Epoch && Same(r.Root, recorded.Root)))
                continue;
            var name = $"ClaimRootPublished at log index {recorded.Index}";
            if (chain.Roots.Where(r => (long)r.Epoch > recorded.Epoch).MaxBy(r => r.Epoch) is { } later)
            {
                findings.Add(Finding.Pass(name,
                    $"root {recorded.Root} of epoch {recorded.Epoch} (tx {recorded.TxHash}) is no longer on chain (a reorg took it), " +
                    $"and the cumulative root of the later epoch {later.Epoch} (tx {later.TransactionHash}) pays everything it would have"));
                continue;
            }
            findings.Add(new Finding(name, false,
                $"the history records root {recorded.Root} of epoch {recorded.Epoch} as published in tx {recorded.TxHash}, " +
                $"but the distributor's logs up to block {chain.AtBlock} hold no such publication, no later root supersedes it and no ClaimRootDropped took it back"));
        }
    }

    private static void CheckClaims(ClaimHistory history, DistributorActivity chain, List<Finding> findings)
    {
        var wrong = new List<string>();
        foreach (var claim in chain.Claims)
        {
            var tree = history.Closing(checked((long)claim.Epoch))?.Recomputed;
            if (tree is null || !tree.Contains(claim.Account) || tree.GetAmount(claim.Account) != claim.CumulativeAmount)
                wrong.Add($"tx {claim.TransactionHash} paid {claim.Account} up to {claim.CumulativeAmount} against epoch {claim.Epoch}, " +
                    $"where the history's tree gives {(tree is not null && tree.Contains(claim.Account) ? tree.GetAmount(claim.Account).ToString(CultureInfo.InvariantCulture) : "nothing")}");
        }
        var paid = chain.Claims.Aggregate(BigInteger.Zero, (s, c) => s + c.Amount);
        findings.Add(wrong.Count == 0
            ? Finding.Pass("claims", $"{chain.Claims.Count} claims paid {paid} in all, each its account's cumulative amount in the history's tree of its epoch")
            : new Finding("claims", false, $"{wrong.Count} of {chain.Claims.Count} claims pay what the history does not: {List(wrong)}"));
        if (paid != chain.TotalPaid)
            findings.Add(new Finding("totalPaid()", false, $"the distributor's totalPaid() is {chain.TotalPaid}, but its Claimed events add up to {paid}"));
    }

    private static void CheckMints(DistributorActivity chain, BigInteger backed, List<Finding> findings)
    {
        foreach (var grant in chain.MinterGrants.Where(g => !Same(g.Account, chain.Distributor)))
            findings.Add(new Finding($"minter {grant.Account}", false,
                $"MINTER_ROLE on token {chain.Token} was granted to {grant.Account} by {grant.Sender} (tx {grant.TransactionHash}, block {grant.BlockNumber}): only the distributor may mint"));

        // Each claim mints exactly its amount to its account in its own transaction; any other new token is a mint by someone else.
        var claims = chain.Claims.GroupBy(c => (Tx: c.TransactionHash.ToLowerInvariant(), Account: c.Account.ToLowerInvariant(), c.Amount))
            .ToDictionary(g => g.Key, g => g.Count());
        var foreign = new List<ChainMint>();
        foreach (var mint in chain.Mints)
        {
            var key = (mint.TransactionHash.ToLowerInvariant(), mint.To.ToLowerInvariant(), mint.Amount);
            if (claims.TryGetValue(key, out var left) && left > 0)
                claims[key] = left - 1;
            else
                foreign.Add(mint);
        }
        var minted = chain.Mints.Aggregate(BigInteger.Zero, (s, m) => s + m.Amount);
        findings.Add(foreign.Count == 0
            ? Finding.Pass("mints", $"all {chain.Mints.Count} mints of token {chain.Token} ({minted} in all) are claims paid by the distributor")
            : new Finding("mints", false, $"{foreign.Count} mints of token {chain.Token} are not claims paid by the distributor: " +
                List(foreign.Select(m => $"{m.Amount} to {m.To} in tx {m.TransactionHash} (block {m.BlockNumber})").ToList())));

        var paid = chain.Claims.Aggregate(BigInteger.Zero, (s, c) => s + c.Amount);
        findings.Add(chain.TotalSupply == paid && paid <= backed
            ? Finding.Pass("token supply", $"total supply {chain.TotalSupply} equals what claims paid, within the {backed} the published roots allow")
            : new Finding("token supply", false, chain.TotalSupply != paid
                ? $"total supply {chain.TotalSupply} of token {chain.Token} is not the {paid} claims paid ({chain.TotalSupply - paid} more)" +
                  (chain.TotalSupply > backed ? $", and exceeds the {backed} the published roots allow" : "")
                : $"claims paid {paid}, more than the {backed} the history-backed roots allow"));
    }

    private static string List(List<string> items) =>
        string.Join("; ", items.Take(Named)) + (items.Count > Named ? $"; and {items.Count - Named} more" : "");

    private static bool Same(string? a, string? b) => a is not null && b is not null && string.Equals(a, b, StringComparison.OrdinalIgnoreCase);
}
