using CommunityAI.Formats.Notes;

namespace CommunityAI.ChainBridge.Checkpoints;

internal static class CheckpointExtensions
{
    /// <summary>Signed checkpoints, tiles and witness cosignatures over the log's tables.</summary>
    public static void AddCheckpoints(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<CheckpointOptions>()
            .BindConfiguration(CheckpointOptions.Section)
            .Validate(o => string.IsNullOrWhiteSpace(o.SigningKey) || IsPrivateKey(o.SigningKey.Trim()),
                "Checkpoints:SigningKey must be a private note key, PRIVATE+KEY+<origin>+<hash>+<base64>")
            .Validate(o => o.Witnesses.All(w => NoteKey.TryParse(w, out var k, out _) && k.Type == NoteKey.CosignatureType),
                "Checkpoints:Witnesses must be cosignature/v1 verifier keys, <name>+<hash>+<base64 of 0x04 and the key>")
            // More than the known witnesses could never be met: /checkpoint would serve unwitnessed heads for ever.
            .Validate(o => o.WitnessesRequired >= 0 && o.WitnessesRequired <= o.Witnesses.Length,
                "Checkpoints:WitnessesRequired must be between 0 and the number of Checkpoints:Witnesses")
            .Validate(o => o.WitnessCadenceSeconds is >= 0 and <= 3600, "Checkpoints:WitnessCadenceSeconds must be between 0 and 3600")
            .ValidateOnStart();
        builder.Services.AddSingleton<CheckpointSigner>();
        // Reads its key before the server listens (it may come from a Dapr sidecar, a network call).
        builder.Services.AddHostedService(sp => sp.GetRequiredService<CheckpointSigner>());
        builder.Services.AddSingleton<TileStore>();
        builder.Services.AddSingleton<CosignatureStore>();
        builder.Services.AddSingleton<CheckpointOffer>();
    }

    private static bool IsPrivateKey(string text)
    {
        try
        {
            return NoteSigner.ParsePrivateKey(text).Key.Type == NoteKey.Ed25519Type;
        }
        catch (FormatException)
        {
            return false;
        }
    }
}
