namespace CommunityAI.Governance.Domain;

/// <summary>Where a proposal is in its life, in OpenZeppelin Governor's words where they fit.</summary>
public enum ProposalState
{
    /// <summary>Submitted; voting has not started (the voting delay).</summary>
    Pending,
    /// <summary>Votes are taken.</summary>
    Active,
    /// <summary>Voting ended without quorum, or with no more For than Against.</summary>
    Defeated,
    /// <summary>Passed and waiting out the timelock, during which the guardian may veto it.</summary>
    Queued,
    /// <summary>The guardian vetoed it during the timelock, with a public reason.</summary>
    Vetoed,
    /// <summary>The timelock ended and its payload is in force.</summary>
    Activated,
}
