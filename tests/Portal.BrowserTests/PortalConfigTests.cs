using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Logging;

namespace CommunityAI.Portal.BrowserTests;

/// <summary>The chain the page signs for: a deployment sets Chain:Id once, and the portal follows it unless told otherwise.</summary>
public sealed class PortalConfigTests
{
    [Theory]
    [InlineData(null, "11155111", 11155111)]
    [InlineData("5", "11155111", 5)]
    [InlineData(null, null, 31337)]
    public async Task The_page_gets_the_deployments_chain_id_unless_the_portal_names_its_own(string? portalChainId, string? chainId, long expected)
    {
        using var host = new Host(new Dictionary<string, string?> { ["Portal:ChainId"] = portalChainId, ["Chain:Id"] = chainId });
        var config = await host.CreateClient().GetFromJsonAsync<JsonElement>("/portal/config.json");
        Assert.Equal(expected, config.GetProperty("chainId").GetInt64());
    }

    [Theory]
    [InlineData("not a key", null, "0", "Portal:LogKey must be the log's Ed25519 note verifier key")]
    [InlineData(null, "localhost/communityai-log+f1f15765+AXavUaJ6qfkeVwtgLH8fPyT7OqamckNabhFpiyHSBCIy", "0", "is not a cosignature/v1 verifier key")]
    [InlineData(null, null, "1", "more than the 0 witness keys configured")]
    public void A_portal_given_keys_it_cannot_check_with_refuses_to_start(string? logKey, string? witnessKey, string required, string expected)
    {
        using var host = new Host(new Dictionary<string, string?>
        {
            ["Portal:LogKey"] = logKey, ["Portal:WitnessKeys:0"] = witnessKey, ["Portal:WitnessesRequired"] = required,
        });
        var error = Refusal(host, expected);
        Assert.Contains(expected, error.ToString());
    }

    [Fact]
    public async Task The_page_gets_the_log_key_and_the_witnesses_it_checks_the_checkpoint_with()
    {
        var log = WitnessedSystem.LogKey.Key.ToString();
        var witness = WitnessedSystem.Witnesses[0].Key.ToString();
        using var host = new Host(new Dictionary<string, string?>
        {
            ["Portal:LogKey"] = log, ["Portal:WitnessKeys:0"] = witness, ["Portal:WitnessesRequired"] = "1",
        });
        var config = await host.CreateClient().GetFromJsonAsync<JsonElement>("/portal/config.json");
        Assert.Equal(log, config.GetProperty("logKey").GetString());
        // The two kinds of key are not interchangeable: a witness's cosignature key (type 0x04) is not the log's.
        using var swapped = new Host(new Dictionary<string, string?> { ["Portal:LogKey"] = witness });
        Assert.Contains("Portal:LogKey must be", Refusal(swapped, "Portal:LogKey must be").ToString());
        Assert.Equal(witness, config.GetProperty("witnessKeys")[0].GetString());
        Assert.Equal(1, config.GetProperty("witnessesRequired").GetInt32());
    }

    /// <summary>
    /// The start-up failure saying <paramref name="expected"/>, in what was thrown or what the host logged: the factory
    /// can throw ObjectDisposedException in its place when the app stops at once (<see cref="StartUpFailure"/>).
    /// </summary>
    private static Exception Refusal(Host host, string expected) =>
        StartUpFailure.Find(() => host.CreateClient(), host.Logs, e => e.ToString().Contains(expected, StringComparison.Ordinal), expected);

    /// <summary>The portal with the given settings (a null value: not set), its logs captured.</summary>
    private sealed class Host : ServiceHost<PortalOptions>
    {
        public Host(Dictionary<string, string?> settings)
            : this(settings, new CapturedLogs())
        {
        }

        private Host(Dictionary<string, string?> settings, CapturedLogs logs)
            : base(settings.Where(s => s.Value is not null).ToDictionary(s => s.Key, s => s.Value!),
                configure: web => web.ConfigureLogging(logging => logging.AddProvider(logs))) => Logs = logs;

        public CapturedLogs Logs { get; }
    }
}
