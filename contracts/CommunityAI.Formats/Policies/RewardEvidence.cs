namespace CommunityAI.Formats.Policies;

/// <summary>
/// What backs a score, which decides the share of the reward a policy pays for it ("no pay without evidence").
/// </summary>
public enum RewardEvidence
{
    /// <summary>Validators reached a consensus (or the automated checks refused a duplicate outright): paid in full.</summary>
    Consensus,

    /// <summary>The automated score decided (no validators or no quorum), over content the system checked: the fallback share.</summary>
    Automated,

    /// <summary>The automated score decided and the system never saw the content (a pointer only): the smaller of the two shares.</summary>
    Unseen,
}
