using CommunityAI.Audit.Chain;
using System.CommandLine;
using System.Text;
using CommunityAI.Audit.History;
using CommunityAI.Audit.Log;
using CommunityAI.Formats;
using CommunityAI.Formats.Log;

namespace CommunityAI.Audit.Commands;

/// <summary><c>prove</c>: inclusion proofs of a contribution's events against the latest anchored head, with its transaction.</summary>
internal static class ProveCommand
{
    public static Command Create(TextWriter output, TextWriter error)
    {
        var id = new Argument<string>("contributionId") { Description = "the contribution id (0x-hex); every event of a stream whose key holds it is proved" };
        var database = CommonOptions.Database();
        var export = CommonOptions.Export();
        var json = CommonOptions.Json();
        var command = new Command("prove", "inclusion proofs of a contribution's events against the latest anchored head")
        {
            id, database, export, json,
        };
        var chain = ChainTarget.AddTo(command, rpcRequired: true);
        command.SetAction(async (parse, ct) =>
        {
            var console = new AuditConsole(parse.GetValue(json), output, error);
            var input = HistoryInput.From(parse.GetValue(database), parse.GetValue(export));
            var contribution = parse.GetValue(id)!;
            if (input is null || !Hex.TryDecode(contribution, out _, 32))
            {
                console.Error(input is null ? "give exactly one of --database and --export" : "contributionId must be 0x-prefixed hex of 32 bytes");
                return ExitCodes.Usage;
            }

            var (deployment, targetError) = await chain.ResolveAsync(parse, ct);
            if (targetError is not null || deployment is null)
            {
                console.Error(targetError ?? "give --anchor or --network-file");
                return ExitCodes.Usage;
            }
            var (heads, _) = await AnchorReader.ReadAllAsync(deployment, ct);
            if (heads.Count == 0)
            {
                console.Error("no head is anchored yet: nothing to prove against");
                return ExitCodes.CheckFailed;
            }
            var head = heads[^1];

            // Pass 1: which log indexes hold the contribution's events.
            var needle = Encoding.UTF8.GetBytes(contribution.ToLowerInvariant());
            var matches = new List<LogEvent>();
            await input.ForEachEntryAsync((index, entry) =>
            {
                if (ContainsIgnoringCase(entry, needle))
                {
                    var e = LogEntryFormat.Parse(index, entry);
                    if (e.Stream.Contains(contribution, StringComparison.OrdinalIgnoreCase))
                        matches.Add(e);
                }
            }, _ => { }, ct);
            if (matches.Count == 0)
            {
                console.Error($"no stream of the history holds {contribution}");
                return ExitCodes.CheckFailed;
            }

            // Pass 2: recompute the tree, keeping the anchored root and the nodes the proofs need.
            var provable = matches.Where(m => m.Index < head.TreeSize).ToList();
            var plans = provable.ToDictionary(m => m.Index, m => InclusionProof.Plan(m.Index, head.TreeSize));
            var tree = new LogRecomputer([head.TreeSize], plans.Values.SelectMany(p => p.NodeIds).Concat(provable.Select(m => NodeId.Leaf(m.Index))));
            var (total, _) = await input.SizeAsync(ct);
            await console.ProgressAsync("recomputing the log", total, progress => input.ForEachEntryAsync(
                (_, entry) => tree.AppendEntry(entry), progress, ct));
            if (tree.Size < head.TreeSize || !tree.Roots[head.TreeSize].AsSpan().SequenceEqual(head.RootHash))
            {
                console.Error($"the history does not reproduce the anchored root at tree size {head.TreeSize} (tx {head.TransactionHash}): run verify");
                return ExitCodes.CheckFailed;
            }

            var proofs = provable.Select(m =>
            {
                var path = tree.Build(plans[m.Index])!;
                var leaf = tree.Nodes[NodeId.Leaf(m.Index)];
                var check = ProofVerifier.VerifyInclusion(m.Index, head.TreeSize, leaf, path, head.RootHash);
                return new
                {
                    leafIndex = m.Index,
                    treeSize = head.TreeSize,
                    rootHash = Hex.Encode(head.RootHash),
                    leafHash = Hex.Encode(leaf),
                    auditPath = path.Select(h => Hex.Encode(h)).ToList(),
                    stream = m.Stream,
                    type = m.Type,
                    sequence = m.Sequence,
                    verified = check.IsValid,
                };
            }).ToList();
            var result = new
            {
                contributionId = contribution,
                anchor = new { treeSize = head.TreeSize, rootHash = Hex.Encode(head.RootHash), transactionHash = head.TransactionHash, blockNumber = head.BlockNumber },
                proofs,
                notYetAnchored = matches.Where(m => m.Index >= head.TreeSize)
                    .Select(m => new { leafIndex = m.Index, stream = m.Stream, type = m.Type, sequence = m.Sequence }).ToList(),
            };
            if (console.Json)
                console.WriteJson(result);
            else
            {
                console.Line($"anchored head: tree size {head.TreeSize}, root {result.anchor.rootHash}, tx {head.TransactionHash} (block {head.BlockNumber})");
                console.Table($"events of {contribution}", ["index", "stream", "type", "seq", "proof"],
                    proofs.Select(p => new[] { p.leafIndex.ToString(System.Globalization.CultureInfo.InvariantCulture), p.stream, p.type,
                        p.sequence.ToString(System.Globalization.CultureInfo.InvariantCulture), p.verified ? "verified" : "FAILED" }));
                foreach (var late in result.notYetAnchored)
                    console.Line($"index {late.leafIndex} ({late.stream}, {late.type}) is not covered by an anchored head yet");
            }
            return proofs.Count > 0 && proofs.All(p => p.verified) ? ExitCodes.Ok : ExitCodes.CheckFailed;
        });
        return command;
    }

    private static bool ContainsIgnoringCase(ReadOnlySpan<byte> haystack, ReadOnlySpan<byte> lowerNeedle)
    {
        // Ids are ASCII hex; the line is searched as is, then lower-cased only if the fast search misses.
        if (haystack.IndexOf(lowerNeedle) >= 0)
            return true;
        Span<byte> lowered = haystack.Length <= 4096 ? stackalloc byte[haystack.Length] : new byte[haystack.Length];
        for (int i = 0; i < haystack.Length; i++)
            lowered[i] = haystack[i] is >= (byte)'A' and <= (byte)'Z' ? (byte)(haystack[i] | 0x20) : haystack[i];
        return lowered.IndexOf(lowerNeedle) >= 0;
    }
}
