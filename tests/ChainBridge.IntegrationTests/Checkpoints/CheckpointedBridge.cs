using ChainBridge.IntegrationTests.Log;
using CommunityAI.Formats.Notes;

namespace ChainBridge.IntegrationTests.Checkpoints;

/// <summary>The logged bridge with a checkpoint key and one known witness.</summary>
public sealed class CheckpointedBridge : LoggedBridge
{
    public static readonly NoteSigner LogKey = new("test.communityai.example/log", Enumerable.Repeat((byte)7, 32).ToArray());
    public static readonly NoteSigner Witness = new("witness.example", Enumerable.Repeat((byte)8, 32).ToArray(), NoteKey.CosignatureType);
    public static readonly NoteSigner Stranger = new("stranger.example", Enumerable.Repeat((byte)9, 32).ToArray(), NoteKey.CosignatureType);

    protected override IEnumerable<(string Key, string Value)> ExtraSettings =>
    [
        ("Checkpoints:SigningKey", LogKey.ToPrivateKey()),
        ("Checkpoints:Witnesses:0", Witness.Key.ToString()),
    ];
}
