using Dapr;
using Dapr.Client;
using Grpc.Core;
using Microsoft.Extensions.Options;

namespace CommunityAI.ChainBridge.Chain;

/// <summary>
/// Finds the anchoring key once, at start-up: from the Dapr secret store when <c>Dapr:SecretStore</c> is set
/// (the sidecar's address from DAPR_GRPC_ENDPOINT or DAPR_GRPC_PORT, as Dapr injects them), otherwise from
/// <c>Chain:AnchorerKey</c> (user secrets or environment). Fails start-up with a message naming the source and
/// the rule broken, never the key.
/// </summary>
public sealed partial class AnchorerKeySource(
    IOptions<DaprSecretOptions> dapr,
    IOptions<ChainOptions> chain,
    IConfiguration configuration,
    TimeProvider clock,
    ILogger<AnchorerKeySource> logger)
{
    // Dapr's own default when the sidecar's address is not injected.
    private const string DefaultSidecarEndpoint = "http://127.0.0.1:50001";
    private static readonly TimeSpan AttemptTimeout = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan RetryDelay = TimeSpan.FromMilliseconds(500);

    public async Task<string> LoadAsync(CancellationToken ct)
    {
        var options = dapr.Value;
        if (!options.Enabled)
        {
            var key = Validated(chain.Value.AnchorerKey, "configuration value Chain:AnchorerKey",
                "set it (user secrets or environment Chain__AnchorerKey), or set Dapr:SecretStore to read it from a Dapr secret store");
            LogKeyFromConfiguration();
            return key;
        }

        if (!string.IsNullOrWhiteSpace(chain.Value.AnchorerKey))
            LogConfiguredKeyIgnored(options.SecretStore!);
        var endpoint = SidecarEndpoint();
        var secret = await ReadSecretAsync(options, endpoint, ct);
        var described = $"Dapr secret {options.AnchorerKeySecretName} in store {options.SecretStore}";
        var value = PickValue(secret, options, described);
        var validated = Validated(value, described, $"store the key there as 64 hex digits");
        LogKeyFromDapr(options.SecretStore!, options.AnchorerKeySecretName!);
        return validated;
    }

    private string SidecarEndpoint()
    {
        if (configuration["DAPR_GRPC_ENDPOINT"] is { Length: > 0 } endpoint)
            return endpoint;
        if (configuration["DAPR_GRPC_PORT"] is { Length: > 0 } port)
            return int.TryParse(port, out var number) && number is > 0 and < 65536
                ? $"http://127.0.0.1:{number}"
                : throw new AnchorerKeyUnavailableException("DAPR_GRPC_PORT is not a port number (1-65535).");
        return DefaultSidecarEndpoint;
    }

    private async Task<IReadOnlyDictionary<string, string>> ReadSecretAsync(DaprSecretOptions options, string endpoint, CancellationToken ct)
    {
        var where = $"Dapr secret {options.AnchorerKeySecretName} in store {options.SecretStore} (sidecar {endpoint})";
        var builder = new DaprClientBuilder().UseGrpcEndpoint(endpoint);
        if (configuration["DAPR_API_TOKEN"] is { Length: > 0 } token)
            builder.UseDaprApiToken(token);
        using var client = builder.Build();

        var started = clock.GetTimestamp();
        while (true)
        {
            using var attempt = CancellationTokenSource.CreateLinkedTokenSource(ct);
            attempt.CancelAfter(AttemptTimeout);
            try
            {
                return await client.GetSecretAsync(options.SecretStore!, options.AnchorerKeySecretName!, cancellationToken: attempt.Token);
            }
            catch (Exception ex) when (!ct.IsCancellationRequested && IsSidecarAway(ex))
            {
                // An injected sidecar may start after the app: keep asking until the timeout, then give up clearly.
                if (clock.GetElapsedTime(started) >= options.SidecarTimeout)
                    throw new AnchorerKeyUnavailableException(
                        $"Could not read the anchoring key: the Dapr sidecar at {endpoint} did not answer within {options.SidecarTimeout} " +
                        $"(asked for {where}). Is the sidecar injected (dapr.io/enabled) and DAPR_GRPC_ENDPOINT right?", ex);
                LogSidecarNotReady(endpoint);
                await Task.Delay(RetryDelay, clock, ct);
            }
            catch (DaprException ex) when (ex.InnerException is RpcException rpc)
            {
                throw new AnchorerKeyUnavailableException(
                    $"Could not read the anchoring key from {where}: the sidecar answered {rpc.StatusCode} ({rpc.Status.Detail}).", rpc);
            }
        }
    }

    private static bool IsSidecarAway(Exception ex) =>
        ex is OperationCanceledException
        || (ex is DaprException { InnerException: RpcException rpc } && rpc.StatusCode is StatusCode.Unavailable or StatusCode.DeadlineExceeded or StatusCode.Cancelled)
        || ex is RpcException { StatusCode: StatusCode.Unavailable or StatusCode.DeadlineExceeded or StatusCode.Cancelled }
        || ex is HttpRequestException;

    private static string PickValue(IReadOnlyDictionary<string, string> secret, DaprSecretOptions options, string described)
    {
        if (options.AnchorerKeyValueName is { Length: > 0 } name)
            return secret.TryGetValue(name, out var value)
                ? value
                : throw new AnchorerKeyUnavailableException(
                    $"{described} has no value named {name} (Dapr:AnchorerKeyValueName); it has {Names(secret)}.");
        return secret.Count == 1
            ? secret.Values.Single()
            : throw new AnchorerKeyUnavailableException(
                $"{described} holds {Names(secret)}: set Dapr:AnchorerKeyValueName to the one holding the key.");
    }

    // Names of values are not secret; their contents are.
    private static string Names(IReadOnlyDictionary<string, string> secret) =>
        secret.Count == 0 ? "no values" : "values named " + string.Join(", ", secret.Keys.Order(StringComparer.Ordinal));

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

    [LoggerMessage(Level = LogLevel.Information, Message = "Dapr sidecar at {Endpoint} not answering yet; asking again")]
    private partial void LogSidecarNotReady(string endpoint);
}
