namespace CommunityAI.ChainBridge.ClaimRoots;

/// <summary>What a look at the distributor means for the claim roots we published.</summary>
public enum ClaimRootVerdict
{
    /// <summary>The distributor holds our newest publication or a later one: nothing to do.</summary>
    UpToDate,

    /// <summary>The distributor fell behind our newest publication: publish the newest closed epoch's root again.</summary>
    Republish,

    /// <summary>The distributor fell behind, but the history gives no root we may publish; an operator must look.</summary>
    Refused,
}
