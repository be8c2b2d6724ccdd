using System.Globalization;
using CommunityAI.ChainBridge.Log;
using CommunityAI.Formats.Notes;
using CommunityAI.Testing;

namespace CommunityAI.Audit.Tests.Watch;

/// <summary>
/// The real chain-bridge on Kestrel over a copy of an audited history, signing checkpoints with <see cref="LogKey"/> and
/// collecting cosignatures from <see cref="Witness"/>, of which it requires <paramref name="witnessesRequired"/> before
/// <c>/checkpoint</c> serves a size. Its chain address answers nothing, so it only logs and serves.
/// </summary>
internal sealed class CheckpointingBridge(string database, string broker, int witnessesRequired = 0)
    : ServiceHost<LogStore>(new Dictionary<string, string>
    {
        ["ConnectionStrings:history"] = database,
        ["ConnectionStrings:rabbitmq"] = broker,
        ["ConnectionStrings:chain"] = "http://127.0.0.1:9",
        ["Chain:Id"] = AnvilNode.ChainId.ToString(CultureInfo.InvariantCulture),
        ["Chain:AnchorerKey"] = AnvilNode.DevPrivateKeys[0],
        ["Checkpoints:SigningKey"] = LogKey.ToPrivateKey(),
        ["Checkpoints:Witnesses:0"] = Witness.Key.ToString(),
        ["Checkpoints:WitnessesRequired"] = witnessesRequired.ToString(CultureInfo.InvariantCulture),
        // The newest head is offered to witnesses at once, so a test can have the witness cosign a head it just logged;
        // the offer's cadence has tests of its own (ChainBridge's WitnessOfferTests).
        ["Checkpoints:WitnessCadenceSeconds"] = "0",
        ["Logging:LogLevel:Default"] = "Warning",
    })
{
    public static readonly NoteSigner LogKey = new("audit.test/log", Enumerable.Repeat((byte)11, 32).ToArray());
    public static readonly NoteSigner Witness = new("witness.audit.test", Enumerable.Repeat((byte)12, 32).ToArray(), NoteKey.CosignatureType);
}
