using System.Diagnostics;

namespace ServiceDefaults.IntegrationTests.Database;

/// <summary>
/// The schema Job's tool holds the database owner's password, the most powerful login there is: it is held to the
/// services' rule, so outside development it refuses an owner connection that does not verify the server before it
/// sends anything. Run as the Job runs it: the built program, settings in its environment.
/// </summary>
public sealed class DatabaseSetupTransportTests
{
    private const string Unverified = "Host=db.example.invalid;Database=communityai;Username=owner;Password=secret;SSL Mode=Require";

    [Fact]
    public async Task An_owner_connection_that_does_not_verify_the_server_is_refused_before_connecting()
    {
        var (exit, error) = await RunAsync(new() { ["ConnectionStrings__owner"] = Unverified });

        Assert.Equal(2, exit);
        Assert.Contains("ConnectionStrings:owner reaches db.example.invalid with SSL Mode=Require", error, StringComparison.Ordinal);
        Assert.DoesNotContain("secret", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Allowed_knowingly_the_same_connection_is_tried()
    {
        var (exit, error) = await RunAsync(new()
        {
            ["ConnectionStrings__owner"] = Unverified, ["Database__AllowUnverifiedConnection"] = "true",
        });

        // It went on to connect (and the name does not resolve): not refused by the rule.
        Assert.NotEqual(0, exit);
        Assert.DoesNotContain("does not verify", error, StringComparison.Ordinal);
    }

    private static async Task<(int Exit, string Error)> RunAsync(Dictionary<string, string> environment)
    {
        var start = new ProcessStartInfo("dotnet", Path.Combine(AppContext.BaseDirectory, "CommunityAI.DatabaseSetup.dll"))
        {
            RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false,
        };
        foreach (var (key, value) in environment)
            start.Environment[key] = value;
        start.Environment.Remove("DOTNET_ENVIRONMENT");
        using var process = Process.Start(start)!;
        var error = process.StandardError.ReadToEndAsync();
        var output = process.StandardOutput.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await error + await output);
    }
}
