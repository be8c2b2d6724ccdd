using System.CommandLine;
using System.CommandLine.Invocation;
using System.Globalization;
using CommunityAI.Audit.Commands;
using CommunityAI.Audit.History;

namespace CommunityAI.Audit.Replay;

/// <summary>
/// The community model's part of <c>replay</c>, attached to the command in one call: it adds <c>--model-content</c>,
/// runs after the other replays over the same history, prints its own table (or, with <c>--json</c>, one more JSON
/// document <c>{"models": …}</c>, only when the history holds model events), and fails the command on any finding.
/// </summary>
internal static class ModelReplayStep
{
    public static Command Attach(Command replay, TextWriter output, TextWriter error)
    {
        var contentOption = new Option<string?>("--model-content")
        {
            Description = "a JSON file with the dataset snapshots' content ({\"members\":[{contributionId, content (base64)}], \"predictions\":[{predictionId, text, label}]}) to re-run the community model's recorded trainings from",
        };
        replay.Options.Add(contentOption);
        replay.Action = new Step(replay.Action as AsynchronousCommandLineAction
            ?? throw new InvalidOperationException("replay has no asynchronous action"), contentOption, output, error);
        return replay;
    }

    private sealed class Step(AsynchronousCommandLineAction inner, Option<string?> contentOption, TextWriter output, TextWriter error)
        : AsynchronousCommandLineAction
    {
        public override async Task<int> InvokeAsync(ParseResult parse, CancellationToken ct = default)
        {
            var code = await inner.InvokeAsync(parse, ct);
            if (code == ExitCodes.Usage)
                return code;
            var json = parse.GetValue<bool>("--json");
            var console = new AuditConsole(json, output, error);
            var input = HistoryInput.From(parse.GetValue<string?>("--database"), parse.GetValue<string?>("--export"));
            if (input is null)
                return code;
            var contentPath = parse.GetValue(contentOption);
            if (contentPath is not null && !File.Exists(contentPath))
            {
                console.Error($"{contentPath} does not exist");
                return ExitCodes.Usage;
            }
            var replay = new ModelReplay(contentPath is null ? null : ModelContent.Read(contentPath));
            try
            {
                await input.ForEachEntryAsync((index, entry) => replay.Add(LogEntryFormat.Parse(index, entry)), _ => { }, ct);
            }
            catch (FormatException)
            {
                return code; // the replays before this one already reported the malformed history
            }
            if (!replay.Any)
                return code;
            var result = replay.Finish();
            Print(console, result);
            return result.Findings.Count > 0 ? ExitCodes.CheckFailed : code;
        }

        private static void Print(AuditConsole console, ModelReplayResult result)
        {
            if (console.Json)
            {
                console.WriteJson(new { models = result });
                return;
            }
            string I(int n) => n.ToString(CultureInfo.InvariantCulture);
            console.Table("community model trainings", ["trained", "public split (before periods)", "periods", "revealed", "evaluated", "re-run", "not re-run", "champion", "findings",
                    "contributed models", "refused", "contributed re-run", "data valued", "data values re-run"],
                [[I(result.Trained), I(result.Legacy), I(result.Periods), I(result.Revealed), I(result.Evaluated), I(result.Rerun), I(result.NotRerun),
                  result.Champion ?? "-", I(result.Findings.Count), I(result.Contributed), I(result.Refused), I(result.ContributedRerun),
                  I(result.Valued), I(result.ValuedRerun)]]);
            console.Findings("community model findings", result.Findings);
        }
    }
}
