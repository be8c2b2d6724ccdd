using CommunityAI.Audit.Chain;
using CommunityAI.Formats.Notes;

namespace CommunityAI.Audit.Watch;

/// <summary>What <c>watch</c> and <c>witness</c> were told on the command line, checked.</summary>
internal sealed record WatchSettings(
    Uri Url, NoteKey LogKey, IReadOnlyList<NoteKey> Witnesses, int WitnessesRequired, string? StatePath,
    bool Once, TimeSpan Interval, Uri? Webhook, ChainDeployment? Chain);
