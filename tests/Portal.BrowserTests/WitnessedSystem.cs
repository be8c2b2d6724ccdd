using CommunityAI.Formats.Notes;

namespace CommunityAI.Portal.BrowserTests;

/// <summary>
/// The portal's system with a log key of its own and two known witnesses, of which the explorer requires both: the
/// chain-bridge signs its checkpoints with <see cref="LogKey"/>, accepts cosignatures from the witnesses and, requiring
/// both too, serves the newest head they cosigned.
/// </summary>
public sealed class WitnessedSystem : PortalSystem
{
    public static readonly NoteSigner LogKey = new("portal.test/log", Enumerable.Repeat((byte)21, 32).ToArray());
    public static readonly NoteSigner[] Witnesses =
    [
        new("witness-a.portal.test", Enumerable.Repeat((byte)22, 32).ToArray(), NoteKey.CosignatureType),
        new("witness-b.portal.test", Enumerable.Repeat((byte)23, 32).ToArray(), NoteKey.CosignatureType),
    ];

    protected override IReadOnlyDictionary<string, string> ServiceSettings { get; } = new Dictionary<string, string>
    {
        ["Checkpoints:SigningKey"] = LogKey.ToPrivateKey(),
        ["Checkpoints:Witnesses:0"] = Witnesses[0].Key.ToString(),
        ["Checkpoints:Witnesses:1"] = Witnesses[1].Key.ToString(),
        ["Checkpoints:WitnessesRequired"] = "2",
    };

    protected override IReadOnlyDictionary<string, string> PortalSettings { get; } = new Dictionary<string, string>
    {
        ["Portal:LogKey"] = LogKey.Key.ToString(),
        ["Portal:WitnessKeys:0"] = Witnesses[0].Key.ToString(),
        ["Portal:WitnessKeys:1"] = Witnesses[1].Key.ToString(),
        ["Portal:WitnessesRequired"] = "2",
    };
}
