using CommunityAI.Contributions.Domain;
using CommunityAI.ServiceDefaults.Secrets;
using Microsoft.Extensions.Options;

namespace CommunityAI.Contributions.Infrastructure;

/// <summary>
/// Finds the master keys once, at start-up (before the server listens or any loop runs): from the Dapr secret
/// <c>ContentStore:MasterKeysSecretName</c> when <c>Dapr:SecretStore</c> is set, one value per key id with the active one
/// named by <c>ContentStore:ActiveMasterKey</c>; otherwise from <c>ContentStore:MasterKeys</c>. A sidecar that does not
/// answer, a missing secret, a malformed key or an absent active key stops start-up with a message naming the store,
/// the secret and the key ids, never a key.
/// </summary>
public sealed partial class MasterKeySource(
    IOptions<ContentStoreOptions> options,
    DaprSecretReader secrets,
    ILogger<MasterKeySource> logger) : IHostedLifecycleService
{
    private MasterKeyRing? _ring;

    public MasterKeyRing Ring => _ring ?? throw new InvalidOperationException("The master keys are read when the host starts; it has not started.");

    public async Task StartingAsync(CancellationToken cancellationToken)
    {
        if (_ring is not null)
            return;
        var o = options.Value;
        if (!secrets.Enabled)
        {
            // Already checked by the options' validation at start.
            _ring = new MasterKeyRing(o);
            LogKeysFromConfiguration(o.MasterKeys.Count, _ring.ActiveKeyId);
            return;
        }

        if (o.MasterKeys.Count > 0)
            LogConfiguredKeysIgnored(secrets.Store!);
        var secretName = o.MasterKeysSecretName!;
        IReadOnlyDictionary<string, string> keys;
        try
        {
            keys = await secrets.ReadAllAsync(secretName, "the content store's master keys", cancellationToken);
        }
        catch (DaprSecretUnavailableException e)
        {
            throw new MasterKeysUnavailableException(e.Message, e.InnerException);
        }
        var described = secrets.Describe(secretName);
        var problems = MasterKeyRing.Problems(keys, o.ActiveMasterKey, described, id => $"value {id} of {described}").ToList();
        if (problems.Count > 0)
            throw new MasterKeysUnavailableException($"The content store's master keys are unusable: {string.Join("; ", problems)}.");
        _ring = new MasterKeyRing(keys, o.ActiveMasterKey!);
        LogKeysFromDapr(keys.Count, secretName, secrets.Store!, _ring.ActiveKeyId);
    }

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(Level = LogLevel.Information, Message = "{Count} master keys read from configuration (ContentStore:MasterKeys); active {ActiveKeyId}")]
    private partial void LogKeysFromConfiguration(int count, string activeKeyId);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Count} master keys read from Dapr secret {SecretName} in store {SecretStore}; active {ActiveKeyId}")]
    private partial void LogKeysFromDapr(int count, string secretName, string secretStore, string activeKeyId);

    [LoggerMessage(Level = LogLevel.Information, Message = "ContentStore:MasterKeys is set but not used: Dapr store {SecretStore} is the keys' source")]
    private partial void LogConfiguredKeysIgnored(string secretStore);
}
