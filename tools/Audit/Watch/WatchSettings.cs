using CommunityAI.Audit.Chain;
using CommunityAI.Formats.Notes;

namespace CommunityAI.Audit.Watch;

/// <summary>What <c>watch</c> and <c>witness</c> were told on the command line, checked.</summary>
/// <param name="CheckpointPath">
/// Where the checkpoint is read: <c>watch</c> reads the one the log serves clients (witnessed when the log requires
/// witnesses), <c>witness</c> the newest head, since only a head nobody cosigned yet can become witnessed.
/// </param>
/// <param name="UnreachableAlertAfter">
/// How long a followed log may stay unreachable (no answer, a timeout) before that is an alert; until then each failed
/// check is a warning and the next interval tries again. Never more than one check with <c>--once</c>.
/// </param>
internal sealed record WatchSettings(
    Uri Url, NoteKey LogKey, IReadOnlyList<NoteKey> Witnesses, int WitnessesRequired, string? StatePath,
    bool Once, TimeSpan Interval, Uri? Webhook, ChainDeployment? Chain, string CheckpointPath, TimeSpan UnreachableAlertAfter);
