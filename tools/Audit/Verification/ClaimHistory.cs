using System.Globalization;
using System.Numerics;
using System.Text;
using System.Text.Json;
using CommunityAI.Audit.History;
using CommunityAI.Formats.Claims;
using CommunityAI.Formats.Signing;
using static CommunityAI.Audit.Scores.EventData;

namespace CommunityAI.Audit.Verification;

/// <summary>
/// What the history says about claims, for comparison with the chain: each closed epoch's recorded root and total
/// next to the tree recomputed from the credits and debits (ContributionRewarded, revenue splits, validator pay, reversals,
/// appeal settlements, gain and data-value credits and their reversals) (OpenZeppelin StandardMerkleTree of cumulative
/// amounts, <see cref="ClaimTree"/>), the chain-bridge's ClaimRootPublished/ClaimRootDropped records and its
/// ContractsDeployed records. Pure: fed one event at a time, in log order. Malformed or repeated credits are
/// stepped over here; <c>replay</c> names them.
/// </summary>
internal sealed class ClaimHistory
{
    private static readonly byte[] TypeMember = "\"type\":\""u8.ToArray();
    private static readonly HashSet<string> Types = ["contributionrewarded", "revenuesplit", "validatorsrewarded", "rewardadjusted", "appealsettled", "modelgainrewarded", "modelgainreversed", "datavaluerewarded", "datavaluereversed", "epochclosed", "claimrootpublished", "claimrootdropped", "contractsdeployed"];

    // Per address: the net total of its entries folded so far, and its cumulative amount (CumulativeClaims, step by step).
    private readonly Dictionary<string, (BigInteger Net, BigInteger Cumulative)> _cumulative = new(StringComparer.OrdinalIgnoreCase);
    private readonly List<(string Address, BigInteger Amount, long Epoch)> _pending = [];
    private readonly HashSet<string> _credited = new(StringComparer.OrdinalIgnoreCase);
    private readonly List<ClosedEpoch> _closings = [];
    private readonly List<RecordedPublication> _publications = [];
    private readonly HashSet<string> _droppedTransactions = new(StringComparer.OrdinalIgnoreCase);
    private readonly List<RecordedDeployment> _deployments = [];

    public IReadOnlyList<ClosedEpoch> Closings => _closings;

    public IReadOnlyList<RecordedDeployment> Deployments => _deployments;

    /// <summary>ClaimRootPublished records whose transaction no ClaimRootDropped took back.</summary>
    public IEnumerable<RecordedPublication> Publications => _publications.Where(p => !_droppedTransactions.Contains(p.TxHash));

    /// <summary>
    /// A cheap look at an entry's top-level type before parsing it: in canonical JSON the members are sorted, so the
    /// last <c>"type":"</c> is the envelope's (only <c>version</c>, a number, follows it), whatever the data holds.
    /// </summary>
    public static bool IsRelevant(ReadOnlySpan<byte> entry)
    {
        var at = entry.LastIndexOf(TypeMember);
        if (at < 0)
            return false;
        var rest = entry[(at + TypeMember.Length)..];
        var end = rest.IndexOf((byte)'"');
        return end > 0 && Types.Contains(Normalize(Encoding.UTF8.GetString(rest[..end])));
    }

    /// <summary>The latest closing of <paramref name="epoch"/> in the history, or null.</summary>
    public ClosedEpoch? Closing(long epoch) => _closings.LastOrDefault(c => c.Epoch == epoch);

    public void Add(LogEvent e)
    {
        var data = e.Data;
        switch (Normalize(e.Type))
        {
            case "contributionrewarded":
                if (Text(data, "contributionId") is { } id && Text(data, "contributor") is { } address && Address.IsValid(address)
                    && TryAmount(Text(data, "amount"), out var amount) && Long(data, "epoch") is { } creditEpoch && _credited.Add(id))
                    _pending.Add((address, amount, creditEpoch));
                break;
            case "revenuesplit":
                // Its lines are credits, from the ledger's revenue streams only (replay checks the split itself).
                if (e.Stream.StartsWith("ledger/revenue/", StringComparison.Ordinal) && Text(data, "paymentId") is { } paymentId
                    && Long(data, "epoch") is { } splitEpoch && Array(data, "lines") is { } lines)
                {
                    for (var i = 0; i < lines.Count; i++)
                    {
                        if (Text(lines[i], "address") is { } to && Address.IsValid(to) && TryAmount(Text(lines[i], "amount"), out var share)
                            && _credited.Add($"revenue:{paymentId}:{i}"))
                            _pending.Add((to, share, splitEpoch));
                    }
                }
                break;
            case "validatorsrewarded":
                // Its lines are credits, from the ledger's credit streams only (replay checks the pay itself).
                if (e.Stream.StartsWith("ledger/credits/", StringComparison.Ordinal) && Text(data, "contributionId") is { } paidFor
                    && Long(data, "epoch") is { } payEpoch && Array(data, "lines") is { } paid)
                {
                    foreach (var line in paid)
                    {
                        if (Text(line, "validator") is { } validator && Address.IsValid(validator) && TryAmount(Text(line, "amount"), out var pay)
                            && _credited.Add($"validators:{paidFor}:{validator}"))
                            _pending.Add((validator, pay, payEpoch));
                    }
                }
                break;
            case "rewardadjusted":
                // A reversal is a debit, from the ledger's credit streams only, once per contribution (replay checks it against
                // its activation and its credit).
                if (e.Stream.StartsWith("ledger/credits/", StringComparison.Ordinal) && Text(data, "contributionId") is { } reversed
                    && Text(data, "account") is { } debited && Address.IsValid(debited) && Text(data, "amount") is ['-', .. var digits]
                    && TryAmount(digits, out var debit) && Long(data, "epoch") is { } debitEpoch && _credited.Add($"reversal:{reversed}"))
                    _pending.Add((debited, -debit, debitEpoch));
                break;
            case "appealsettled":
                // Its lines are signed entries of their accounts (the contributor's difference, the panel and first round's
                // pay, slashes), from the ledger's credit streams only, once per contribution (replay checks the settlement).
                // Left out, every root closed after a settled appeal disagreed with the one the ledger published.
                if (e.Stream.StartsWith("ledger/credits/", StringComparison.Ordinal) && Text(data, "contributionId") is { } settled
                    && Long(data, "epoch") is { } settleEpoch && Array(data, "lines") is { } settlement && _credited.Add($"appeal:{settled}"))
                {
                    foreach (var line in settlement)
                    {
                        if (Text(line, "account") is { } account && Address.IsValid(account)
                            && Replay.AppealSettlementReplay.Signed(Text(line, "amount")) is { } signed)
                            _pending.Add((account, signed, settleEpoch));
                    }
                }
                break;
            // A measured credit (a contributed model's gain, a contribution's data value) and its reversal, from its kind's
            // streams only, once per contribution (replay checks them).
            case "modelgainrewarded":
                AddMeasured(e, Replay.CreditKind.Gain, "gain", debit: false);
                break;
            case "modelgainreversed":
                AddMeasured(e, Replay.CreditKind.Gain, "gain", debit: true);
                break;
            case "datavaluerewarded":
                AddMeasured(e, Replay.CreditKind.DataValue, "data-value", debit: false);
                break;
            case "datavaluereversed":
                AddMeasured(e, Replay.CreditKind.DataValue, "data-value", debit: true);
                break;
            case "epochclosed":
                if (Long(data, "epoch") is { } epoch)
                    _closings.Add(Close(e.Index, epoch, Text(data, "claimRoot"), Text(data, "cumulativeTotal")));
                break;
            case "claimrootpublished":
                if (Long(data, "epoch") is { } published && Text(data, "claimRoot") is { } root && Text(data, "txHash") is { } tx)
                    _publications.Add(new RecordedPublication(e.Index, published, root, tx, Text(data, "distributorContract") ?? ""));
                break;
            case "claimrootdropped":
                if (Text(data, "txHash") is { } dropped)
                    _droppedTransactions.Add(dropped);
                break;
            case "contractsdeployed":
                if (Long(data, "chainId") is { } chainId && Text(data, "anchorContract") is { } anchor
                    && Text(data, "distributorContract") is { } distributor && Long(data, "deploymentBlock") is { } block)
                    _deployments.Add(new RecordedDeployment(e.Index, chainId, anchor, Text(data, "tokenContract") ?? "", distributor, block));
                break;
        }
    }

    // Only what was in the history when the epoch closed can have gone into its root: the credits seen so far for this
    // epoch or an earlier one. Later epochs' credits wait in _pending; epochs close in order, so folding is for good.
    /// <summary>
    /// A measured credit (contributor, amount) or its reversal (account, minus the amount) as an entry of its account, when
    /// it lies in its kind's streams, reads, and is the first of its contribution; <paramref name="key"/> keeps the kinds apart.
    /// </summary>
    private void AddMeasured(LogEvent e, Replay.CreditKind kind, string key, bool debit)
    {
        var data = e.Data;
        if (!e.Stream.StartsWith(kind.Streams, StringComparison.Ordinal) || Text(data, "contributionId") is not { } id
            || Text(data, debit ? "account" : "contributor") is not { } account || !Address.IsValid(account) || Long(data, "epoch") is not { } epoch)
            return;
        // A reversal's amount is negative: its digits after the sign are what it takes back.
        var amount = Text(data, "amount");
        if (!TryAmount(debit ? amount is ['-', .. var digits] ? digits : null : amount, out var entry))
            return;
        if (_credited.Add(debit ? $"reversal:{key}:{id}" : $"{key}:{id}"))
            _pending.Add((account, debit ? -entry : entry, epoch));
    }

    private ClosedEpoch Close(long index, long epoch, string? recordedRoot, string? recordedTotal)
    {
        // Epoch by epoch, as the published rule (CumulativeClaims) reads the history: within an epoch entries net out, and an
        // address's amount never goes below what an earlier epoch gave it.
        var due = _pending.Where(c => c.Epoch <= epoch).ToList();
        _pending.RemoveAll(c => c.Epoch <= epoch);
        foreach (var epochEntries in due.GroupBy(c => c.Epoch).OrderBy(g => g.Key))
            foreach (var address in epochEntries.GroupBy(c => c.Address, StringComparer.OrdinalIgnoreCase))
            {
                var (net, cumulative) = _cumulative.GetValueOrDefault(address.Key);
                net += address.Aggregate(BigInteger.Zero, (sum, c) => sum + c.Amount);
                _cumulative[address.Key] = (net, CumulativeClaims.Next(cumulative, net));
            }
        // The published format's rule (ClaimTree.LeavesOf): an address whose cumulative amount is zero is no leaf.
        var tree = ClaimTree.OfCumulativeAmounts(_cumulative.Select(kv => (kv.Key, kv.Value.Cumulative)));
        return new ClosedEpoch(index, epoch, recordedRoot, recordedTotal, tree);
    }
}

/// <summary>An EpochClosed: the root and total it records, and the tree its credits recompute to (null when nobody earned).</summary>
internal sealed record ClosedEpoch(long Index, long Epoch, string? RecordedRoot, string? RecordedTotal, ClaimTree? Recomputed);

/// <summary>A ClaimRootPublished: the chain-bridge's record of a root it saw mined on the distributor.</summary>
internal sealed record RecordedPublication(long Index, long Epoch, string Root, string TxHash, string Distributor);

/// <summary>A ContractsDeployed: where the chain-bridge deployed (or found) the contracts, and from which block.</summary>
internal sealed record RecordedDeployment(long Index, long ChainId, string Anchor, string Token, string Distributor, long DeploymentBlock);
