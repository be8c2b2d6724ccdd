namespace CommunityAI.Governance.Domain;

/// <summary>A vote's direction, numbered as OpenZeppelin Governor numbers it (the signed <c>Vote.support</c>).</summary>
public enum VoteSupport : byte
{
    Against = 0,
    For = 1,
    Abstain = 2,
}
