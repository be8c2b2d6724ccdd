using System.CommandLine;
using CommunityAI.Audit.Chain;
using CommunityAI.Audit.Proofs;

namespace CommunityAI.Audit.Commands;

/// <summary><c>verify-inclusion</c> and <c>verify-consistency</c>: offline checks of the chain-bridge's proof JSON.</summary>
internal static class ProofFileCommands
{
    public static Command CreateInclusion(TextWriter output, TextWriter error) =>
        Create("verify-inclusion", "checks an inclusion proof file { leafIndex, treeSize, rootHash, leafHash, auditPath }",
            ProofFile.VerifyInclusion, output, error);

    public static Command CreateConsistency(TextWriter output, TextWriter error) =>
        Create("verify-consistency", "checks a consistency proof file { first, second, firstRoot, secondRoot, proof }",
            ProofFile.VerifyConsistency, output, error);

    private delegate VerificationResultView Check(ReadOnlySpan<byte> json);

    private static Command Create(string name, string description, Check check, TextWriter output, TextWriter error)
    {
        var file = new Option<FileInfo>("--file", "-f") { Description = "the proof JSON file", Required = true };
        var json = CommonOptions.Json();
        var command = new Command(name, description + "; with --rpc/--anchor, also that its tree head is anchored on chain")
        {
            file, json,
        };
        var chain = ChainTarget.AddTo(command);
        command.SetAction(async (parse, ct) =>
        {
            var console = new AuditConsole(parse.GetValue(json), output, error);
            var path = parse.GetValue(file)!;
            var (deployment, targetError) = await chain.ResolveAsync(parse, ct);
            if (targetError is not null)
            {
                console.Error(targetError);
                return ExitCodes.Usage;
            }
            if (!path.Exists)
            {
                console.Error($"{path.FullName} does not exist");
                return ExitCodes.Usage;
            }
            // Read at most one byte past the limit, so a huge file is refused without loading it.
            byte[] bytes;
            await using (var stream = path.OpenRead())
            {
                bytes = new byte[(int)Math.Min(stream.Length, ProofFile.MaxBytes + 1)];
                await stream.ReadExactlyAsync(bytes, ct);
            }
            var result = check(bytes);
            if (deployment is not null)
                result = AnchoredHeadCheck.Apply(result, (await AnchorReader.ReadAllAsync(deployment, ct)).Heads);
            if (console.Json)
                console.WriteJson(new { file = path.FullName, valid = result.IsValid, anchoredOnChain = deployment is not null, reason = result.Message });
            else if (result.IsValid)
                console.Line($"valid: {result.Message}");
            else
                console.Error($"invalid: {result.Message}");
            return result.IsValid ? ExitCodes.Ok : ExitCodes.CheckFailed;
        });
        return command;
    }
}
