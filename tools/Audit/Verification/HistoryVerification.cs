using System.Text;
using CommunityAI.Audit.Chain;
using CommunityAI.Audit.Commands;
using CommunityAI.Audit.History;
using CommunityAI.Audit.Log;
using CommunityAI.Formats;
using CommunityAI.Formats.Json;

namespace CommunityAI.Audit.Verification;

/// <summary>
/// The edge of <c>verify</c>: reads the chain, the history and the stored log, feeds the pure checks, and names the
/// first divergent index with the event behind it. With a chain it also reads the history's claim facts
/// (<see cref="ClaimHistory"/>) and the RewardDistributor and token (<see cref="DistributorChecks"/>); chain logs are
/// read from the deployment block in pages of the chain's page size.
/// </summary>
internal sealed class HistoryVerification(HistoryInput input, ChainDeployment? chain, bool strict, AuditConsole console)
{
    public async Task<VerifyReport> RunAsync(CancellationToken ct)
    {
        var findings = new List<Finding>();
        IReadOnlyList<AnchoredHead> heads = [];
        AnchoredHead? latest = null;
        ClaimHistory? claims = null;
        ChainLogScan? scan = null;
        RecordedDeployment? deployment = null;
        if (chain is not null)
        {
            // The history first: its ContractsDeployed says where the contracts are and from which block to read logs.
            claims = await ReadClaimHistoryAsync(ct);
            deployment = claims.Deployments
                .Where(d => string.Equals(d.Anchor, chain.Anchor, StringComparison.OrdinalIgnoreCase))
                .OrderBy(d => d.DeploymentBlock)
                .FirstOrDefault();
            var fromBlock = chain.DeploymentBlock ?? (deployment is null ? null : checked((ulong)deployment.DeploymentBlock));
            if (fromBlock is null)
                findings.Add(Finding.Pass("deployment block",
                    "neither a network file, --from-block nor the history's ContractsDeployed gives the deployment block: found on chain from the anchor's code"));
            scan = await ChainLogScan.StartAsync(chain with { DeploymentBlock = fromBlock }, ct);
            (heads, latest) = await new AnchorReader(chain.Anchor, scan).ReadAsync(ct);
        }

        var (sizes, nodes) = AnchorChecks.Needs(heads);
        bool compareStored = input.Database is not null && await input.Database.HasStoredLogAsync(ct);
        var tree = new LogRecomputer(sizes, nodes, keepLeaves: compareStored);
        Finding? malformed = null;
        var (total, _) = await input.SizeAsync(ct);
        if (input.ExportPath is { } path && !strict)
        {
            // The fast path: an export's bytes are the entries, hashed in blocks on every core.
            await console.ProgressAsync("recomputing the log", total, progress =>
            {
                using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.SequentialScan);
                return Task.FromResult(ParallelExportHashing.Run(stream, tree, progress));
            });
        }
        else
        {
            await console.ProgressAsync("recomputing the log", total, progress => input.ForEachEntryAsync((index, entry) =>
            {
                if (strict && malformed is null)
                    malformed = CheckCanonical(index, entry);
                tree.AppendEntry(entry);
            }, progress, ct));
        }
        if (malformed is not null)
            findings.Add(malformed);

        if (chain is null)
            findings.Add(new Finding("anchors", true, "no --rpc/--anchor given: the recomputed tree was not compared with the chain"));
        else
            findings.AddRange(AnchorChecks.Run(heads, latest, tree));

        DistributorActivity? activity = null;
        if (chain is not null && (chain.Distributor ?? deployment?.Distributor) is { } distributor)
        {
            activity = await new DistributorReader(scan!, distributor).ReadAsync(ct);
            findings.AddRange(DistributorChecks.Run(claims!, activity, chain.Token ?? deployment?.Token));
        }
        else if (chain is not null)
        {
            findings.Add(new Finding("claim roots", false,
                "no RewardDistributor to check: give --network-file or --distributor (the history records no ContractsDeployed for this anchor)"));
        }

        LogEvent? recorded = null;
        if (compareStored)
        {
            var comparison = new StoredLogComparison(tree, heads);
            await foreach (var stored in input.Database!.ReadStoredLogAsync(ct))
                comparison.Add(stored);
            findings.AddRange(comparison.Finish());
            recorded = comparison.StoredEventAtMismatch;
        }

        var divergence = await LocateAsync(findings, recorded, ct);
        var chainRead = scan is null ? null
            : new ChainRead(scan.FromBlock, scan.ToBlock, scan.PageSize, scan.Queries, activity?.Distributor, activity?.Token);
        return new VerifyReport(input.Describe, tree.Size, Hex.Encode(tree.Root()), heads.Count,
            findings.All(f => f.Passed), divergence, findings)
        { Chain = chainRead };
    }

    // A second pass, parsing only the few event types claims depend on (a byte test skips the rest unparsed).
    private async Task<ClaimHistory> ReadClaimHistoryAsync(CancellationToken ct)
    {
        var claims = new ClaimHistory();
        await input.ForEachEntryAsync((index, entry) =>
        {
            if (!ClaimHistory.IsRelevant(entry))
                return;
            try
            {
                claims.Add(LogEntryFormat.Parse(index, entry));
            }
            catch (FormatException)
            {
                // A malformed entry is the log recomputation's finding, named there with its index.
            }
        }, _ => { }, ct);
        return claims;
    }

    private async Task<Divergence?> LocateAsync(List<Finding> findings, LogEvent? recorded, CancellationToken ct)
    {
        var failed = findings.Where(f => !f.Passed).ToList();
        if (failed.Count == 0)
            return null;
        // An exact index (stored log, strict format check) beats a range known from anchored roots alone.
        var exact = failed.Where(f => f.DivergentIndex is not null).Select(f => f.DivergentIndex!.Value).DefaultIfEmpty(-1).Min();
        var ranged = failed.Where(f => f.RangeStart is not null).OrderBy(f => f.RangeStart).ThenBy(f => f.RangeEnd).FirstOrDefault();
        if (exact < 0 && ranged is null)
            return null;
        if (exact >= 0)
        {
            var now = await input.DescribeAsync(exact, ct);
            return new Divergence(exact, null, null, EventView.From(now), recorded?.Index == exact ? EventView.From(recorded) : null);
        }
        var first = await input.DescribeAsync(ranged!.RangeStart!.Value, ct);
        return new Divergence(null, ranged.RangeStart, ranged.RangeEnd, EventView.From(first), null);
    }

    private static Finding? CheckCanonical(long index, ReadOnlySpan<byte> entry)
    {
        try
        {
            var canonical = JsonCanonicalizer.Canonicalize(entry);
            if (!canonical.AsSpan().SequenceEqual(entry))
                return new Finding("entry format", false, $"entry {index} is not in RFC 8785 canonical form", DivergentIndex: index);
            var parsed = LogEntryFormat.Parse(index, entry);
            return parsed.ClaimedIndex == index
                ? null
                : new Finding("entry format", false, $"entry {index} states index {parsed.ClaimedIndex}", DivergentIndex: index);
        }
        catch (Exception e) when (e is JsonCanonicalizationException or FormatException)
        {
            return new Finding("entry format", false, $"entry {index} is malformed: {e.Message} ({Encoding.UTF8.GetString(entry[..Math.Min(entry.Length, 80)])}…)", DivergentIndex: index);
        }
    }
}
