using System.CommandLine;
using CommunityAI.Audit.History;
using CommunityAI.Audit.Verification;

namespace CommunityAI.Audit.Commands;

/// <summary><c>verify</c>: recompute every leaf and head, check the anchors and the stored log, name the first divergence.</summary>
internal static class VerifyCommand
{
    public static Command Create(TextWriter output, TextWriter error)
    {
        var database = CommonOptions.Database();
        var export = CommonOptions.Export();
        var rpc = CommonOptions.Rpc();
        var anchor = CommonOptions.Anchor();
        var networkFile = ChainTarget.NetworkFileOption();
        var strict = new Option<bool>("--strict") { Description = "also check that every entry is canonical and states its own index (slower)" };
        var json = CommonOptions.Json();
        var command = new Command("verify", "recomputes the log from the history and checks it against the anchored heads and the stored log")
        {
            database, export, rpc, anchor, networkFile, strict, json,
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
            var (rpcUrl, anchorAddress, targetError) = await ChainTarget.ResolveAsync(parse.GetValue(rpc), parse.GetValue(anchor), parse.GetValue(networkFile), ct);
            if (targetError is not null)
            {
                console.Error(targetError);
                return ExitCodes.Usage;
            }
            if (input.ExportPath is { } path && !File.Exists(path))
            {
                console.Error($"{path} does not exist");
                return ExitCodes.Usage;
            }

            VerifyReport report;
            try
            {
                report = await new HistoryVerification(input, rpcUrl, anchorAddress, parse.GetValue(strict), console).RunAsync(ct);
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
        console.Table("checks", ["check", "result", "detail"],
            report.Findings.Select(f => new[] { f.Check, f.Passed ? "ok" : "FAILED", f.Detail }));
        if (report.FirstDivergence is { } d)
            console.Line(d.Describe());
        console.Line(!report.Passed ? "NOT verified"
            : report.Anchors == 0 ? "recomputed without a chain: nothing vouches for this root yet (give --rpc and --anchor)"
            : "verified: the history matches every anchored head");
    }
}
