namespace CommunityAI.ChainBridge.Anchoring;

/// <summary>What a look at the canonical chain means for one recorded anchor.</summary>
public enum AnchorVerdict
{
    /// <summary>Nothing to record: still waiting for confirmations, already confirmed, or already dropped.</summary>
    Unchanged,

    /// <summary>Enough blocks lie on top of the anchoring block.</summary>
    Confirmed,

    /// <summary>The transaction sits in another block than recorded (a reorg re-mined it); confirmations start over.</summary>
    Moved,

    /// <summary>No canonical block holds the transaction any more, or its re-mined copy failed.</summary>
    Dropped,
}
