using Dapr;
using Dapr.Client;
using Grpc.Core;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CommunityAI.ServiceDefaults.Secrets;

/// <summary>
/// Reads one value of a secret from the Dapr secret store <c>Dapr:SecretStore</c> through the sidecar (its address from
/// DAPR_GRPC_ENDPOINT or DAPR_GRPC_PORT, as Dapr injects them), waiting up to <c>Dapr:SidecarTimeout</c> for a sidecar
/// that starts after the app. The one way a service reads a Dapr secret: chain-bridge's anchoring and checkpoint keys and
/// the content store's master keys are read this way at start-up. Failures name the store, the secret and the sidecar,
/// never a value.
/// </summary>
public sealed partial class DaprSecretReader(
    IOptions<DaprSecretStoreOptions> options,
    IConfiguration configuration,
    TimeProvider clock,
    ILogger<DaprSecretReader> logger)
{
    // Dapr's own default when the sidecar's address is not injected.
    private const string DefaultSidecarEndpoint = "http://127.0.0.1:50001";
    private static readonly TimeSpan AttemptTimeout = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan RetryDelay = TimeSpan.FromMilliseconds(500);

    public string? Store => options.Value.SecretStore;

    /// <summary>Whether a store is configured (<c>Dapr:SecretStore</c>); without one, services read configuration.</summary>
    public bool Enabled => options.Value.Enabled;

    /// <summary>The value of secret <paramref name="secretName"/>.</summary>
    /// <param name="valueName">The value inside the secret (a Kubernetes Secret holds several); null when it has one.</param>
    /// <param name="valueNameSetting">The setting that names <paramref name="valueName"/>, to say what to set.</param>
    /// <param name="what">What the secret is, for messages ("the anchoring key").</param>
    public async Task<string> ReadAsync(string secretName, string? valueName, string valueNameSetting, string what, CancellationToken ct) =>
        PickValue(await ReadAllAsync(secretName, what, ct), valueName, valueNameSetting, Describe(secretName));

    /// <summary>Every value of secret <paramref name="secretName"/> by name (a Kubernetes Secret's data keys).</summary>
    /// <param name="what">What the secret is, for messages ("the content store's master keys").</param>
    public async Task<IReadOnlyDictionary<string, string>> ReadAllAsync(string secretName, string what, CancellationToken ct)
    {
        var o = options.Value;
        if (!o.Enabled)
            throw new DaprSecretUnavailableException($"Could not read {what} from Dapr secret {secretName}: Dapr:SecretStore is not set.");
        var endpoint = SidecarEndpoint();
        var where = $"{Describe(secretName)} (sidecar {endpoint})";
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
                return await client.GetSecretAsync(o.SecretStore!, secretName, cancellationToken: attempt.Token);
            }
            catch (Exception ex) when (!ct.IsCancellationRequested && IsSidecarAway(ex))
            {
                // An injected sidecar may start after the app: keep asking until the timeout, then give up clearly.
                if (clock.GetElapsedTime(started) >= o.SidecarTimeout)
                    throw new DaprSecretUnavailableException(
                        $"Could not read {what}: the Dapr sidecar at {endpoint} did not answer within {o.SidecarTimeout} " +
                        $"(asked for {where}). Is the sidecar injected (dapr.io/enabled) and DAPR_GRPC_ENDPOINT right?", ex);
                LogSidecarNotReady(endpoint);
                await Task.Delay(RetryDelay, clock, ct);
            }
            catch (DaprException ex) when (ex.InnerException is RpcException rpc)
            {
                throw new DaprSecretUnavailableException(
                    $"Could not read {what} from {where}: the sidecar answered {rpc.StatusCode} ({rpc.Status.Detail}).", rpc);
            }
        }
    }

    /// <summary>"Dapr secret X in store Y", for messages that name where a key came from.</summary>
    public string Describe(string secretName) => $"Dapr secret {secretName} in store {options.Value.SecretStore}";

    private string SidecarEndpoint()
    {
        if (configuration["DAPR_GRPC_ENDPOINT"] is { Length: > 0 } endpoint)
            return endpoint;
        if (configuration["DAPR_GRPC_PORT"] is { Length: > 0 } port)
            return int.TryParse(port, out var number) && number is > 0 and < 65536
                ? $"http://127.0.0.1:{number}"
                : throw new DaprSecretUnavailableException("DAPR_GRPC_PORT is not a port number (1-65535).");
        return DefaultSidecarEndpoint;
    }

    private static bool IsSidecarAway(Exception ex) =>
        ex is OperationCanceledException
        || (ex is DaprException { InnerException: RpcException rpc } && rpc.StatusCode is StatusCode.Unavailable or StatusCode.DeadlineExceeded or StatusCode.Cancelled)
        || ex is RpcException { StatusCode: StatusCode.Unavailable or StatusCode.DeadlineExceeded or StatusCode.Cancelled }
        || ex is HttpRequestException;

    private static string PickValue(IReadOnlyDictionary<string, string> secret, string? valueName, string valueNameSetting, string described)
    {
        if (valueName is { Length: > 0 })
            return secret.TryGetValue(valueName, out var value)
                ? value
                : throw new DaprSecretUnavailableException(
                    $"{described} has no value named {valueName} ({valueNameSetting}); it has {Names(secret)}.");
        return secret.Count == 1
            ? secret.Values.Single()
            : throw new DaprSecretUnavailableException(
                $"{described} holds {Names(secret)}: set {valueNameSetting} to the one holding the key.");
    }

    /// <summary>The names of a secret's values, for messages: names are not secret, their contents are.</summary>
    public static string Names(IReadOnlyDictionary<string, string> secret) =>
        secret.Count == 0 ? "no values" : "values named " + string.Join(", ", secret.Keys.Order(StringComparer.Ordinal));

    [LoggerMessage(Level = LogLevel.Information, Message = "Dapr sidecar at {Endpoint} not answering yet; asking again")]
    private partial void LogSidecarNotReady(string endpoint);
}
