using CommunityAI.ChainBridge.Chain;
using CommunityAI.ServiceDefaults.Secrets;
using CommunityAI.Formats.Notes;
using Microsoft.Extensions.Options;

namespace CommunityAI.ChainBridge.Checkpoints;

/// <summary>
/// The log's checkpoint key and its known witnesses, read once at start-up (before the server listens): from the Dapr
/// secret <c>Dapr:CheckpointKeySecretName</c> when set, otherwise from <c>Checkpoints:SigningKey</c>. A missing or
/// malformed key in the store, or a malformed configured key, fails start-up with a message that names the source, never
/// the key; with no key at all outside Development the checkpoint endpoints answer 503.
/// </summary>
public sealed partial class CheckpointSigner(
    IOptions<CheckpointOptions> options,
    IOptions<BridgeKeySecretOptions> dapr,
    DaprSecretReader secrets,
    IHostEnvironment environment,
    ILogger<CheckpointSigner> logger) : IHostedLifecycleService
{
    /// <summary>The signer, or null when no key is configured outside Development.</summary>
    public NoteSigner? Signer { get; private set; }

    public IReadOnlyList<NoteKey> Witnesses { get; } = ParseWitnesses(options.Value.Witnesses);

    public async Task StartingAsync(CancellationToken cancellationToken)
    {
        if (Signer is not null)
            return;
        var d = dapr.Value;
        if (secrets.Enabled && !string.IsNullOrWhiteSpace(d.CheckpointKeySecretName))
        {
            string value;
            try
            {
                value = await secrets.ReadAsync(d.CheckpointKeySecretName, d.CheckpointKeyValueName, "Dapr:CheckpointKeyValueName", "the checkpoint key", cancellationToken);
            }
            catch (DaprSecretUnavailableException e)
            {
                throw new InvalidOperationException(e.Message, e.InnerException);
            }
            Signer = Parse(value, secrets.Describe(d.CheckpointKeySecretName));
            LogKeyFromDapr(logger, secrets.Store!, d.CheckpointKeySecretName);
        }
        else if (!string.IsNullOrWhiteSpace(options.Value.SigningKey))
        {
            Signer = Parse(options.Value.SigningKey, "Checkpoints:SigningKey");
        }
        else if (environment.IsDevelopment())
        {
            Signer = DevelopmentCheckpointKey.Create();
            LogDevelopmentKey(logger, Signer.Key.ToString());
        }
        else
        {
            LogNoKey(logger);
        }
        if (Signer is not null)
            LogKey(logger, Signer.Key.ToString(), Witnesses.Count, options.Value.WitnessesRequired);
    }

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private static NoteSigner Parse(string text, string source)
    {
        NoteSigner signer;
        try
        {
            signer = NoteSigner.ParsePrivateKey(text.Trim());
        }
        catch (FormatException e)
        {
            // The parser's message says what is wrong with the format, not what the key is.
            throw new InvalidOperationException($"{source} is not a private note key: {e.Message}");
        }
        if (signer.Key.Type != NoteKey.Ed25519Type)
            throw new InvalidOperationException($"{source} must be an Ed25519 note key (type 0x01)");
        return signer;
    }

    private static List<NoteKey> ParseWitnesses(string[] texts)
    {
        var witnesses = new List<NoteKey>();
        foreach (var text in texts)
        {
            if (!NoteKey.TryParse(text, out var key, out var error) || key.Type != NoteKey.CosignatureType)
                throw new InvalidOperationException($"Checkpoints:Witnesses entry \"{text}\" is not a cosignature/v1 verifier key: {(error.Length > 0 ? error : "type must be 0x04")}");
            witnesses.Add(key);
        }
        return witnesses;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "No Checkpoints:SigningKey in Development: signing checkpoints with the public development key {VerifierKey}")]
    private static partial void LogDevelopmentKey(ILogger logger, string verifierKey);

    [LoggerMessage(Level = LogLevel.Warning, Message = "No Checkpoints:SigningKey: /checkpoint answers 503 until one is configured")]
    private static partial void LogNoKey(ILogger logger);

    [LoggerMessage(Level = LogLevel.Information, Message = "Checkpoint key read from Dapr secret {SecretName} in store {SecretStore}")]
    private static partial void LogKeyFromDapr(ILogger logger, string secretStore, string secretName);

    [LoggerMessage(Level = LogLevel.Information, Message = "Signing checkpoints as {VerifierKey}; {WitnessCount} known witnesses, {WitnessesRequired} required for /checkpoint")]
    private static partial void LogKey(ILogger logger, string verifierKey, int witnessCount, int witnessesRequired);
}
