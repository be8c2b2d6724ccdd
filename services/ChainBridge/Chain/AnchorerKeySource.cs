using CommunityAI.ServiceDefaults.Secrets;
using Microsoft.Extensions.Options;

namespace CommunityAI.ChainBridge.Chain;

/// <summary>
/// Finds the anchoring key once, at start-up: from the Dapr secret store when <c>Dapr:SecretStore</c> is set
/// (<see cref="DaprSecretReader"/>), otherwise from <c>Chain:AnchorerKey</c> (user secrets or environment). Fails
/// start-up with a message naming the source and the rule broken, never the key.
/// </summary>
public sealed partial class AnchorerKeySource(
    IOptions<BridgeKeySecretOptions> dapr,
    IOptions<ChainOptions> chain,
    DaprSecretReader secrets,
    ILogger<AnchorerKeySource> logger)
{
    public async Task<string> LoadAsync(CancellationToken ct)
    {
        var options = dapr.Value;
        if (!secrets.Enabled)
        {
            var key = Validated(chain.Value.AnchorerKey, "configuration value Chain:AnchorerKey",
                "set it (user secrets or environment Chain__AnchorerKey), or set Dapr:SecretStore to read it from a Dapr secret store");
            LogKeyFromConfiguration();
            return key;
        }

        if (!string.IsNullOrWhiteSpace(chain.Value.AnchorerKey))
            LogConfiguredKeyIgnored(secrets.Store!);
        string value;
        try
        {
            value = await secrets.ReadAsync(options.AnchorerKeySecretName!, options.AnchorerKeyValueName, "Dapr:AnchorerKeyValueName", "the anchoring key", ct);
        }
        catch (DaprSecretUnavailableException e)
        {
            throw new AnchorerKeyUnavailableException(e.Message, e.InnerException);
        }
        var described = secrets.Describe(options.AnchorerKeySecretName!);
        var validated = Validated(value, described, $"store the key there as 64 hex digits");
        LogKeyFromDapr(secrets.Store!, options.AnchorerKeySecretName!);
        return validated;
    }

    private static string Validated(string? value, string source, string remedy)
    {
        if (string.IsNullOrWhiteSpace(value))
            throw new AnchorerKeyUnavailableException($"No anchoring key: {source} is empty or not set; {remedy}.");
        return AnchorerKeyFormat.Normalize(value, out var problem)
            ?? throw new AnchorerKeyUnavailableException($"The anchoring key from {source} is not a 32-byte hex private key: {problem}.");
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Anchoring key read from configuration (Chain:AnchorerKey)")]
    private partial void LogKeyFromConfiguration();

    [LoggerMessage(Level = LogLevel.Information, Message = "Anchoring key read from Dapr secret {SecretName} in store {SecretStore}")]
    private partial void LogKeyFromDapr(string secretStore, string secretName);

    [LoggerMessage(Level = LogLevel.Information, Message = "Chain:AnchorerKey is set but not used: Dapr store {SecretStore} is the key's source")]
    private partial void LogConfiguredKeyIgnored(string secretStore);
}
