using CommunityAI.Formats.Signing;
using System.CommandLine;
using System.Globalization;
using CommunityAI.Audit.History;
using CommunityAI.Audit.Policies;
using CommunityAI.Audit.Replay;
using CommunityAI.Audit.Revenue;
using CommunityAI.Audit.Scores;

namespace CommunityAI.Audit.Commands;

/// <summary>
/// <c>replay</c>: recompute rewards and claim roots, and every quality score, from the history alone and list every
/// difference.
/// </summary>
internal static class ReplayCommand
{
    public static Command Create(TextWriter output, TextWriter error)
    {
        var database = CommonOptions.Database();
        var export = CommonOptions.Export();
        var json = CommonOptions.Json();
        var chainId = new Option<ulong>("--chain-id")
        {
            Description = "chain id of the EIP-712 domain validators signed their reviews in",
            DefaultValueFactory = _ => 31337,
        };
        var verifyingContract = new Option<string>("--verifying-contract")
        {
            Description = "the deployment's HistoryAnchor address, the EIP-712 domain's verifying contract (default: the development chain's)",
            DefaultValueFactory = _ => "0xe7f1725E7734CE288F8367e1Bb143E90bb3F0512",
        };
        var command = new Command("replay",
            "recomputes credits per address and epoch, every epoch's claim root, every contribution's score, every validator pay and reputation change, the reward policy in force for every credit and every governance tally from the history")
        {
            database, export, json, chainId, verifyingContract,
        };
        command.SetAction(async (parse, ct) =>
        {
            var console = new AuditConsole(parse.GetValue(json), output, error);
            var input = HistoryInput.From(parse.GetValue(database), parse.GetValue(export));
            if (input is null)
            {
                console.Error("give exactly one of --database and --export");
                return ExitCodes.Usage;
            }
            if (input.ExportPath is { } path && !File.Exists(path))
            {
                console.Error($"{path} does not exist");
                return ExitCodes.Usage;
            }
            if (parse.GetValue(chainId) is 0 || !Address.IsValid(parse.GetValue(verifyingContract)) || parse.GetValue(verifyingContract) is null or Address.Zero)
            {
                console.Error("--chain-id must be at least 1 and --verifying-contract a contract address");
                return ExitCodes.Usage;
            }
            var replay = new HistoryReplay(new SigningDomain(parse.GetValue(chainId), parse.GetValue(verifyingContract)!));
            var (total, _) = await input.SizeAsync(ct);
            try
            {
                await console.ProgressAsync("replaying", total, progress => input.ForEachEntryAsync(
                    (index, entry) => replay.Add(LogEntryFormat.Parse(index, entry)), progress, ct));
            }
            catch (FormatException e)
            {
                console.Error($"the history is malformed: {e.Message}");
                return ExitCodes.CheckFailed;
            }
            var result = replay.Finish();
            Print(console, result);
            return result.Agrees ? ExitCodes.Ok : ExitCodes.CheckFailed;
        });
        return Replay.ModelReplayStep.Attach(command, output, error);
    }

    private static void Print(AuditConsole console, ReplayResult result)
    {
        if (console.Json)
        {
            console.WriteJson(result);
            return;
        }
        string N(System.Numerics.BigInteger n) => n.ToString(CultureInfo.InvariantCulture);
        console.Line($"{result.Events} events, {result.Credits} credits, {result.Epochs.Count} closed epochs");
        console.Table("credits per address", ["address", "amount", "credits"],
            result.Balances.Select(b => new[] { b.Address, N(b.Amount), b.Credits.ToString(CultureInfo.InvariantCulture) }));
        console.Table("credits per epoch", ["epoch", "amount", "credits"],
            result.PerEpoch.Select(e => new[] { e.Epoch.ToString(CultureInfo.InvariantCulture), N(e.Amount), e.Credits.ToString(CultureInfo.InvariantCulture) }));
        console.Table("closed epochs", ["epoch", "log index", "published root", "recomputed root", "match"],
            result.Epochs.Select(e => new[]
            {
                e.Epoch.ToString(CultureInfo.InvariantCulture), e.Index.ToString(CultureInfo.InvariantCulture),
                e.PublishedRoot ?? "-", e.RecomputedRoot ?? "-", e.Matches ? "yes" : "NO",
            }));
        if (result.UnknownTypes.Count > 0)
            console.Line("other event types (not part of rewards): " + string.Join(", ", result.UnknownTypes.Select(t => $"{t.Key} ×{t.Value}")));
        if (result.Scores is { } scores)
        {
            string I(int n) => n.ToString(CultureInfo.InvariantCulture);
            console.Table("scores recomputed", ["scored", "recomputed equal", "by consensus", "fallback", "duplicate", "without components", "findings"],
                [[I(scores.Scored), I(scores.RecomputedEqual), I(scores.ByConsensus), I(scores.Fallback), I(scores.Duplicate), I(scores.WithoutComponents), I(scores.Findings.Count)]]);
            if (scores.Findings.Count > 0)
                console.Table("score findings", ["log index", "what", "detail"],
                    scores.Findings.Select(d => new[] { d.Index.ToString(CultureInfo.InvariantCulture), d.What, d.Detail }));
        }
        if (result.Policies is { } policies)
        {
            string L(long n) => n.ToString(CultureInfo.InvariantCulture);
            console.Table("reward policies", ["log index", "version", "from epoch", "proposal", "credits"],
                policies.RewardPolicies.Select(p => new[] { L(p.Index), L(p.Version), L(p.EffectiveFromEpoch), p.ProposalId ?? "genesis", L(p.Credits) }));
            console.Table("governance tallies", ["log index", "proposal", "kind", "recorded", "recomputed", "for", "against", "abstain", "match"],
                policies.Tallies.Select(t => new[] { L(t.Index), t.ProposalId, t.Kind, t.Recorded, t.Recomputed, t.For, t.Against, t.Abstain, t.Matches ? "yes" : "NO" }));
            if (policies.Findings.Count > 0)
                console.Table("policy and governance findings", ["log index", "what", "detail"],
                    policies.Findings.Select(d => new[] { L(d.Index), d.What, d.Detail }));
        }
        if (result.Assignments is { } assigned)
        {
            string I(int n) => n.ToString(CultureInfo.InvariantCulture);
            console.Table("assignments and sealed reviews", ["assigned", "recomputed", "unseeded", "pending round", "rounds revealed", "commitments", "reveals", "findings"],
                [[I(assigned.Assigned), I(assigned.Recomputed), I(assigned.Unseeded), I(assigned.Pending), I(assigned.RoundsRevealed),
                  I(assigned.Commitments), I(assigned.Reveals), I(assigned.Findings.Count)]]);
            console.Table("validator admission", ["admitted now", "admissions", "removals", "activations pending", "reassignments"],
                [[I(assigned.Admitted), I(assigned.Admissions), I(assigned.Removals), I(assigned.PendingActivations), I(assigned.Reassigned)]]);
            if (assigned.Findings.Count > 0)
                console.Table("assignment findings", ["log index", "what", "detail"],
                    assigned.Findings.Select(d => new[] { d.Index.ToString(CultureInfo.InvariantCulture), d.What, d.Detail }));
        }
        if (result.Revenue is { } revenue)
        {
            string I(int n) => n.ToString(CultureInfo.InvariantCulture);
            console.Table("revenue splits", ["payments", "split", "pending", "paid", "to contributors", "to treasury", "findings"],
                [[I(revenue.Payments), I(revenue.Splits), I(revenue.Pending), N(revenue.Paid), N(revenue.ToContributors), N(revenue.ToTreasury), I(revenue.Findings.Count)]]);
            if (revenue.Findings.Count > 0)
                console.Table("revenue findings", ["log index", "what", "detail"],
                    revenue.Findings.Select(d => new[] { d.Index.ToString(CultureInfo.InvariantCulture), d.What, d.Detail }));
        }
        if (result.Validators is { } paid)
        {
            string I(int n) => n.ToString(CultureInfo.InvariantCulture);
            console.Table("validator pay", ["cases due", "recorded", "lines", "paid", "findings"],
                [[I(paid.Due), I(paid.Recorded), I(paid.Lines), N(paid.Paid), I(paid.Findings.Count)]]);
            if (paid.Findings.Count > 0)
                console.Table("validator pay findings", ["log index", "what", "detail"],
                    paid.Findings.Select(d => new[] { d.Index.ToString(CultureInfo.InvariantCulture), d.What, d.Detail }));
        }
        if (result.Adjustments is { } reversed)
        {
            string I(int n) => n.ToString(CultureInfo.InvariantCulture);
            console.Table("reversals", ["invalidations", "due", "recorded", "debited", "findings"],
                [[I(reversed.Invalidations), I(reversed.Due), I(reversed.Recorded), N(reversed.Debited), I(reversed.Findings.Count)]]);
            if (reversed.Findings.Count > 0)
                console.Table("reversal findings", ["log index", "what", "detail"],
                    reversed.Findings.Select(d => new[] { d.Index.ToString(CultureInfo.InvariantCulture), d.What, d.Detail }));
        }
        if (result.Appeals is { } appealed)
        {
            string I(int n) => n.ToString(CultureInfo.InvariantCulture);
            console.Table("appeals", ["appeals", "audit rounds", "panels recomputed", "pending round", "audit draws pending", "decided", "findings"],
                [[I(appealed.Appeals), I(appealed.Audits), I(appealed.Recomputed), I(appealed.Pending), I(appealed.AuditsPending), I(appealed.Decided), I(appealed.Findings.Count)]]);
            if (appealed.Findings.Count > 0)
                console.Table("appeal findings", ["log index", "what", "detail"],
                    appealed.Findings.Select(d => new[] { d.Index.ToString(CultureInfo.InvariantCulture), d.What, d.Detail }));
        }
        if (result.Settlements is { } settled)
        {
            string I(int n) => n.ToString(CultureInfo.InvariantCulture);
            console.Table("appeal settlements", ["decided", "settled", "credited", "debited", "findings"],
                [[I(settled.Decided), I(settled.Settled), N(settled.Credited), N(settled.Debited), I(settled.Findings.Count)]]);
            if (settled.Findings.Count > 0)
                console.Table("settlement findings", ["log index", "what", "detail"],
                    settled.Findings.Select(d => new[] { d.Index.ToString(CultureInfo.InvariantCulture), d.What, d.Detail }));
        }
        if (result.Reputation is { } reputation)
        {
            string I(int n) => n.ToString(CultureInfo.InvariantCulture);
            console.Table("reputation", ["registered", "changes recomputed", "weights checked", "findings"],
                [[I(reputation.Registered), I(reputation.Changes), I(reputation.WeightsChecked), I(reputation.Findings.Count)]]);
            if (reputation.Findings.Count > 0)
                console.Table("reputation findings", ["log index", "what", "detail"],
                    reputation.Findings.Select(d => new[] { d.Index.ToString(CultureInfo.InvariantCulture), d.What, d.Detail }));
        }
        if (result.Signatures is { } signed)
        {
            console.Table("signatures verified", ["signed message", "verified"],
                signed.Verified.Select(v => new[] { v.Key, v.Value.ToString(CultureInfo.InvariantCulture) }));
            if (signed.Findings.Count > 0)
                console.Table("signature findings", ["log index", "what", "detail"],
                    signed.Findings.Select(d => new[] { d.Index.ToString(CultureInfo.InvariantCulture), d.What, d.Detail }));
        }
        if (result.Agrees)
        {
            console.Line("replay agrees with the history");
            return;
        }
        if (result.Differences.Count > 0)
            console.Table("differences", ["log index", "what", "detail"],
                result.Differences.Select(d => new[] { d.Index.ToString(CultureInfo.InvariantCulture), d.What, d.Detail }));
    }
}
