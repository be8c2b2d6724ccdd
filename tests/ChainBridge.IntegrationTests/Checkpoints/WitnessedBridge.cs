using ChainBridge.IntegrationTests.Log;
using CommunityAI.Formats.Notes;

namespace ChainBridge.IntegrationTests.Checkpoints;

/// <summary>
/// The logged bridge with two known witnesses of which <see cref="Required"/> must cosign a size before
/// <c>/checkpoint</c> serves it.
/// </summary>
public class WitnessedBridge : LoggedBridge
{
    public static readonly NoteSigner Second = new("second.witness.example", Enumerable.Repeat((byte)10, 32).ToArray(), NoteKey.CosignatureType);

    protected virtual int Required => 2;

    protected override IEnumerable<(string Key, string Value)> ExtraSettings =>
    [
        ("Checkpoints:SigningKey", CheckpointedBridge.LogKey.ToPrivateKey()),
        ("Checkpoints:Witnesses:0", CheckpointedBridge.Witness.Key.ToString()),
        ("Checkpoints:Witnesses:1", Second.Key.ToString()),
        ("Checkpoints:WitnessesRequired", Required.ToString(System.Globalization.CultureInfo.InvariantCulture)),
    ];
}
