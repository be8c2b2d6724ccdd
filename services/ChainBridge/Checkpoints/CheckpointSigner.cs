using CommunityAI.Formats.Notes;
using Microsoft.Extensions.Options;

namespace CommunityAI.ChainBridge.Checkpoints;

/// <summary>
/// The log's checkpoint key and its known witnesses, read once at start-up. A malformed key fails start-up with a
/// message that names the setting, never the key; with no key outside Development the checkpoint endpoints answer 503.
/// </summary>
public sealed partial class CheckpointSigner
{
    public CheckpointSigner(IOptions<CheckpointOptions> options, IHostEnvironment environment, ILogger<CheckpointSigner> logger)
    {
        var o = options.Value;
        if (!string.IsNullOrWhiteSpace(o.SigningKey))
        {
            try
            {
                Signer = NoteSigner.ParsePrivateKey(o.SigningKey.Trim());
            }
            catch (FormatException e)
            {
                throw new InvalidOperationException($"Checkpoints:SigningKey is not a private note key: {e.Message}", e);
            }
            if (Signer.Key.Type != NoteKey.Ed25519Type)
                throw new InvalidOperationException("Checkpoints:SigningKey must be an Ed25519 note key (type 0x01)");
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

        var witnesses = new List<NoteKey>();
        foreach (var text in o.Witnesses)
        {
            if (!NoteKey.TryParse(text, out var key, out var error) || key.Type != NoteKey.CosignatureType)
                throw new InvalidOperationException($"Checkpoints:Witnesses entry \"{text}\" is not a cosignature/v1 verifier key: {(error.Length > 0 ? error : "type must be 0x04")}");
            witnesses.Add(key);
        }
        Witnesses = witnesses;
        if (Signer is not null)
            LogKey(logger, Signer.Key.ToString(), witnesses.Count);
    }

    /// <summary>The signer, or null when no key is configured outside Development.</summary>
    public NoteSigner? Signer { get; }

    public IReadOnlyList<NoteKey> Witnesses { get; }

    [LoggerMessage(Level = LogLevel.Warning, Message = "No Checkpoints:SigningKey in Development: signing checkpoints with the public development key {VerifierKey}")]
    private static partial void LogDevelopmentKey(ILogger logger, string verifierKey);

    [LoggerMessage(Level = LogLevel.Warning, Message = "No Checkpoints:SigningKey: /checkpoint answers 503 until one is configured")]
    private static partial void LogNoKey(ILogger logger);

    [LoggerMessage(Level = LogLevel.Information, Message = "Signing checkpoints as {VerifierKey}; {WitnessCount} known witnesses")]
    private static partial void LogKey(ILogger logger, string verifierKey, int witnessCount);
}
