namespace CommunityAI.Audit.Tests;

/// <summary>Usage errors exit with 2 and say what was wrong; nothing is read or written.</summary>
public sealed class UsageTests
{
    [Theory]
    [InlineData]
    [InlineData("verify")]
    [InlineData("verify", "--database", "Host=x", "--export", "y.jsonl")]
    [InlineData("verify", "--export", "y.jsonl", "--rpc", "http://127.0.0.1:1")]
    [InlineData("verify-inclusion")]
    [InlineData("replay", "--database")]
    [InlineData("replay", "--export", "y.jsonl", "--chain-id", "abc")]
    [InlineData("replay", "--export", "y.jsonl", "--chain-id", "-1")]
    [InlineData("export", "--output", "x.jsonl")]
    [InlineData("frobnicate")]
    [InlineData("verify", "--no-such-option")]
    public async Task Bad_command_lines_exit_with_2(params string[] args)
    {
        var run = await AuditRun.RunAsync(args);
        Assert.True(run.ExitCode == 2, run.ToString());
    }

    [Fact]
    public async Task A_missing_proof_file_is_a_usage_error()
    {
        var run = await AuditRun.RunAsync("verify-consistency", "--file", "/nonexistent/proof.json");
        Assert.Equal(2, run.ExitCode);
    }

    [Fact]
    public async Task Help_exits_with_0()
    {
        Assert.Equal(0, (await AuditRun.RunAsync("--help")).ExitCode);
        Assert.Equal(0, (await AuditRun.RunAsync("verify", "--help")).ExitCode);
    }
}
