using System.CommandLine;
using CommunityAI.Audit.Chain;
using CommunityAI.Audit.History;
using CommunityAI.Audit.Verification;
using Nethereum.Util;

namespace CommunityAI.Audit.Commands;

/// <summary><c>verify</c>: recompute every leaf and head, check the anchors and the stored log, name the first divergence.</summary>
internal static class VerifyCommand
{
    public static Command Create(TextWriter output, TextWriter error)
    {
        var database = CommonOptions.Database();
        var export = CommonOptions.Export();
        var distributor = new Option<string?>("--distributor")
        {
            Description = "address of the RewardDistributor (default: the network file's, or the history's ContractsDeployed for the anchor)",
        };
        var strict = new Option<bool>("--strict") { Description = "also check that every entry is canonical and states its own index (slower)" };
        var json = CommonOptions.Json();
        var command = new Command("verify", "recomputes the log from the history and checks it against the anchored heads and the stored log")
        {
            database, export, distributor, strict, json,
        };
        var chain = ChainTarget.AddTo(command);
        command.SetAction(async (parse, ct) =>
        {
            var console = new AuditConsole(parse.GetValue(json), output, error);
            var input = HistoryInput.From(parse.GetValue(database), parse.GetValue(export));
            if (input is null)
            {
                console.Error("give exactly one of --database and --export");
                return ExitCodes.Usage;
            }
            var (target, targetError) = await chain.ResolveAsync(parse, ct);
            if (targetError is null && target is null && parse.GetValue(distributor) is not null)
                targetError = "--distributor needs --rpc with --anchor or --network-file";
            if (targetError is null && parse.GetValue(distributor) is { } d && !AddressUtil.Current.IsValidEthereumAddressHexFormat(d))
                targetError = $"--distributor {d} is not an address";
            if (targetError is not null)
            {
                console.Error(targetError);
                return ExitCodes.Usage;
            }
            if (target is not null && parse.GetValue(distributor) is { } given)
            {
                if (target.Distributor is { } published && !AddressUtil.Current.AreAddressesTheSame(published, given))
                {
                    console.Error($"--distributor {given} differs from the published RewardDistributor {published}");
                    return ExitCodes.Usage;
                }
                target = target with { Distributor = given };
            }
            if (input.ExportPath is { } path && !File.Exists(path))
            {
                console.Error($"{path} does not exist");
                return ExitCodes.Usage;
            }

            VerifyReport report;
            try
            {
                report = await new HistoryVerification(input, target, parse.GetValue(strict), console).RunAsync(ct);
            }
            catch (FormatException e)
            {
                // A truncated or broken export is a failed check, not a crash.
                console.Error($"the export is malformed: {e.Message}");
                return ExitCodes.CheckFailed;
            }
            Print(console, report);
            return report.Passed ? ExitCodes.Ok : ExitCodes.CheckFailed;
        });
        return command;
    }

    private static void Print(AuditConsole console, VerifyReport report)
    {
        if (console.Json)
        {
            console.WriteJson(report);
            return;
        }
        console.Line($"{report.Source}: {report.TreeSize} entries, root {report.RootHash}, {report.Anchors} anchored heads");
        if (report.Chain is { } chain)
            console.Line($"chain logs read from block {chain.FromBlock} to {chain.ToBlock} in {chain.LogQueries} queries of at most {chain.PageSize} blocks");
        console.Table("checks", ["check", "result", "detail"],
            report.Findings.Select(f => new[] { f.Check, f.Passed ? "ok" : "FAILED", f.Detail }));
        if (report.FirstDivergence is { } d)
            console.Line(d.Describe());
        console.Line(!report.Passed ? "NOT verified"
            : report.Anchors == 0 ? "recomputed without a chain: nothing vouches for this root yet (give --rpc and --anchor)"
            : "verified: the history matches every anchored head, and the distributor and token match the history's claims");
    }
}
