using System.Text.Json;
using CommunityAI.Audit.Commands;

namespace CommunityAI.Audit.Tests;

/// <summary>Runs the tool's real command line in process and captures what it prints.</summary>
public sealed record AuditRun(int ExitCode, string Output, string Error)
{
    public static async Task<AuditRun> RunAsync(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var code = await AuditApp.RunAsync(args, output, error);
        return new AuditRun(code, output.ToString(), error.ToString());
    }

    public JsonElement Json => JsonDocument.Parse(Output).RootElement;

    public override string ToString() => $"exit {ExitCode}\n{Output}\n{Error}";
}
