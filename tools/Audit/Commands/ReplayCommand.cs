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
        foreach (var section in result.Sections.Values.OfType<IReplaySection>())
            section.Print(console);
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
