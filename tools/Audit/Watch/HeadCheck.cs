using CommunityAI.Formats.Notes;

namespace CommunityAI.Audit.Watch;

/// <summary>What one look at the log found.</summary>
/// <param name="Alert">Null when all is well; else the inconsistency, in words an operator can act on.</param>
/// <param name="Checkpoint">The verified checkpoint (null when its signature did not verify).</param>
/// <param name="Note">The signed note as served.</param>
/// <param name="State">The state to keep: the new head when it verified, else the old one.</param>
/// <param name="Waiting">Set when the head is not yet cosigned by enough witnesses: not an inconsistency, not accepted either.</param>
/// <param name="Older">
/// Set when the log served a head older than one verified before and proven a prefix of it (a log serving its newest
/// witnessed checkpoint goes back once, when the first one is witnessed): not an inconsistency, not news either.
/// </param>
internal sealed record HeadCheck(string? Alert, Checkpoint? Checkpoint, SignedNote? Note, WatchState? State, string? Waiting = null, string? Older = null)
{
    public bool IsAlert => Alert is not null;
}
