using System.CommandLine;
using CommunityAI.Audit.Chain;

namespace CommunityAI.Audit.Commands;

/// <summary>The command line: parsing with System.CommandLine, usage errors as exit code 2.</summary>
public static class AuditApp
{
    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter error, CancellationToken ct = default)
    {
        var root = new RootCommand("Audits CommunityAI's history from the outside: export, verify, replay, prove, watch and witness.")
        {
            Subcommands =
            {
                ExportCommand.Create(output, error),
                VerifyCommand.Create(output, error),
                ReplayCommand.Create(output, error),
                ProveCommand.Create(output, error),
                ProofFileCommands.CreateInclusion(output, error),
                ProofFileCommands.CreateConsistency(output, error),
                WatchCommands.CreateWatch(output, error),
                WatchCommands.CreateWitness(output, error),
                WatchCommands.CreateWitnessKey(output, error),
                WatchCommands.CreateLogKey(output, error),
            },
        };
        var parsed = root.Parse(args);
        if (parsed.Errors.Count > 0)
        {
            foreach (var e in parsed.Errors)
                await error.WriteLineAsync(e.Message);
            await error.WriteLineAsync("Run with --help for usage.");
            return ExitCodes.Usage;
        }
        // A bare invocation or a group without a subcommand shows help; that is a usage error too, unless help was asked for.
        int code;
        try
        {
            code = await parsed.InvokeAsync(new InvocationConfiguration { Output = output, Error = error, EnableDefaultExceptionHandler = false }, ct);
        }
        catch (Exception e) when (ChainReadException.IsChainFailure(e))
        {
            await error.WriteLineAsync($"the chain could not be read: {e.Message}");
            return ExitCodes.CheckFailed;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // What System.CommandLine's own handler did: anything else is a bug, shown whole.
            await error.WriteLineAsync($"Unhandled exception: {e}");
            return ExitCodes.CheckFailed;
        }
        return parsed.CommandResult.Command is RootCommand && !args.Any(a => a is "--help" or "-h" or "-?" or "--version")
            ? ExitCodes.Usage
            : code;
    }
}
