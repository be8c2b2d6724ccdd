using System.Diagnostics;
using System.Reflection;
using System.Text.Json;

namespace CommunityAI.Deploy.Tests;

/// <summary>
/// The local system as the AppHost describes it (its publish manifest, written by the AppHost's own Program without
/// starting anything): the witness <c>eng/run.sh</c> runs, and the chain-bridge and the portal knowing it, or, with
/// <c>--Demo:Witness=false</c>, none of the three; the local demo's epochs and validator crew.
/// </summary>
public sealed class AppHostManifestTests
{
    [Fact]
    public async Task The_local_witness_cosigns_with_the_witness_key_from_the_environment_and_the_bridge_and_the_portal_require_it()
    {
        var resources = await ManifestAsync();

        var witness = resources.GetProperty("witness");
        Assert.EndsWith("tools/Audit/Audit.csproj", witness.GetProperty("path").GetString(), StringComparison.Ordinal);
        var args = witness.GetProperty("args").EnumerateArray().Select(a => a.GetString()).ToList();
        Assert.Equal(["witness", "--url", "{chain-bridge.bindings.api.url}", "--log-key", "{log-key.value}", "--key-env", "WITNESS_KEY"], args.Take(7));
        // The private key reaches the witness through its environment, never its command line.
        Assert.Equal("{witness-key.value}", witness.GetProperty("env").GetProperty("WITNESS_KEY").GetString());
        Assert.DoesNotContain(args, a => a!.Contains("witness-key", StringComparison.Ordinal));
        // It checks each head against the chain's anchors too: the node the services use, and the HistoryAnchor of the
        // signed development network file, which must be the one the services bind their signatures to.
        Assert.Equal(resources.GetProperty("chain-bridge").GetProperty("env").GetProperty("ConnectionStrings__chain").GetString(), args[args.IndexOf("--rpc") + 1]);
        var networkFile = args[args.IndexOf("--network-file") + 1]!;
        Assert.EndsWith("deploy/networks/development.json", networkFile, StringComparison.Ordinal);
        var anchor = System.Text.Json.JsonDocument.Parse(File.ReadAllText(networkFile)).RootElement.GetProperty("contracts").GetProperty("historyAnchor").GetString();
        var bridge = resources.GetProperty("chain-bridge").GetProperty("env");
        Assert.Equal(bridge.GetProperty("Chain__VerifyingContract").GetString(), anchor);
        Assert.Equal("{witness-verifier-key.value}", bridge.GetProperty("Checkpoints__Witnesses__0").GetString());
        Assert.Equal("1", bridge.GetProperty("Checkpoints__WitnessesRequired").GetString());
        var portal = resources.GetProperty("portal").GetProperty("env");
        Assert.Equal("{witness-verifier-key.value}", portal.GetProperty("Portal__WitnessKeys__0").GetString());
        Assert.Equal("1", portal.GetProperty("Portal__WitnessesRequired").GetString());
        Assert.Equal("{log-key.value}", portal.GetProperty("Portal__LogKey").GetString());
    }

    [Fact]
    public async Task Without_the_demo_witness_neither_the_bridge_nor_the_portal_asks_for_one()
    {
        var resources = await ManifestAsync("--Demo:Witness=false");

        Assert.False(resources.TryGetProperty("witness", out _));
        Assert.False(resources.GetProperty("chain-bridge").GetProperty("env").TryGetProperty("Checkpoints__WitnessesRequired", out _));
        Assert.False(resources.GetProperty("portal").GetProperty("env").TryGetProperty("Portal__WitnessesRequired", out _));
    }

    /// <summary>
    /// The local demo a newcomer runs: epochs of five minutes (so a claim can be tried the same hour) for every service that
    /// reckons epochs, from one genesis, and the crew of demo validators reviewing the cases, unless switched off.
    /// </summary>
    [Fact]
    public async Task The_local_system_closes_epochs_in_minutes_and_a_demo_crew_reviews_unless_switched_off()
    {
        var resources = await ManifestAsync();

        foreach (var service in new[] { "quality-scoring", "reward-ledger" })
        {
            var env = resources.GetProperty(service).GetProperty("env");
            Assert.Equal("00:05:00", env.GetProperty("Epochs__Length").GetString());
            Assert.Equal("2026-12-01T00:00:00Z", env.GetProperty("Epochs__Genesis").GetString());
        }
        var crew = resources.GetProperty("demo-validators");
        Assert.EndsWith("DemoValidators.csproj", crew.GetProperty("path").GetString(), StringComparison.Ordinal);
        Assert.Contains(crew.GetProperty("env").EnumerateObject(), e => e.Name.StartsWith("services__quality-scoring__", StringComparison.Ordinal));

        var without = await ManifestAsync("--Demo:Validators=false");
        Assert.False(without.TryGetProperty("demo-validators", out _));
    }

    /// <summary>
    /// Every trace is kept for the local dashboard unless a share is asked for; then every service samples the same way,
    /// so a trace kept where it starts is kept by each service it crosses.
    /// </summary>
    [Fact]
    public async Task A_trace_sample_ratio_reaches_every_service_and_none_is_set_without_one()
    {
        var sampled = await ManifestAsync("--Telemetry:TraceSampleRatio=0.1");
        var services = sampled.EnumerateObject().Where(r => r.Value.GetProperty("type").GetString() == "project.v0").ToList();
        Assert.Contains(services, s => s.Name == "quality-scoring");
        foreach (var service in services)
        {
            var env = service.Value.GetProperty("env");
            Assert.Equal("parentbased_traceidratio", env.GetProperty("OTEL_TRACES_SAMPLER").GetString());
            Assert.Equal("0.1", env.GetProperty("OTEL_TRACES_SAMPLER_ARG").GetString());
        }

        var whole = await ManifestAsync();
        Assert.All(whole.EnumerateObject().Where(r => r.Value.TryGetProperty("env", out _)),
            r => Assert.False(r.Value.GetProperty("env").TryGetProperty("OTEL_TRACES_SAMPLER_ARG", out _)));
    }

    [Theory]
    [InlineData("2")]
    [InlineData("-0.5")]
    [InlineData("one in ten")]
    public async Task A_sample_ratio_that_is_not_a_share_stops_the_start_and_says_why(string ratio)
    {
        var (exitCode, output) = await PublishAsync(Path.Combine(Path.GetTempPath(), $"apphost-{Guid.NewGuid():N}.json"), $"--Telemetry:TraceSampleRatio={ratio}");

        Assert.NotEqual(0, exitCode);
        Assert.Contains("Telemetry:TraceSampleRatio must be a number from 0 to 1", output, StringComparison.Ordinal);
    }

    /// <summary>The AppHost's resources, from its manifest publisher run on the build this test project was built with.</summary>
    private static async Task<JsonElement> ManifestAsync(params string[] extra)
    {
        var output = Path.Combine(Path.GetTempPath(), $"apphost-{Guid.NewGuid():N}.json");
        try
        {
            var (exitCode, printed) = await PublishAsync(output, extra);
            Assert.True(exitCode == 0, $"the AppHost's manifest publisher failed: {printed}");
            using var manifest = JsonDocument.Parse(await File.ReadAllTextAsync(output));
            return manifest.RootElement.GetProperty("resources").Clone();
        }
        finally
        {
            File.Delete(output);
        }
    }

    /// <summary>Runs the AppHost's manifest publisher; its exit code and everything it printed.</summary>
    private static async Task<(int ExitCode, string Output)> PublishAsync(string output, params string[] extra)
    {
        var configuration = typeof(AppHostManifestTests).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()!.Configuration;
        var start = new ProcessStartInfo("dotnet")
        {
            ArgumentList = { "run", "--no-build", "-c", configuration, "--project", Path.Combine(RepositoryRoot.Find(), "AppHost", "CommunityAI.AppHost.csproj"),
                "--", "--publisher", "manifest", "--output-path", output },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var argument in extra)
            start.ArgumentList.Add(argument);
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, $"{await stdout}\n{await stderr}");
    }
}
