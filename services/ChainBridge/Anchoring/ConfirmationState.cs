namespace CommunityAI.ChainBridge.Anchoring;

/// <summary>The confirmation states of an anchor, as strings since they are part of the API's JSON.</summary>
public static class ConfirmationState
{
    /// <summary>Mined in a block that a reorg may still replace.</summary>
    public const string Included = "included";

    /// <summary>At least <see cref="AnchorOptions.Confirmations"/> blocks lie on top of the anchoring block.</summary>
    public const string Confirmed = "confirmed";

    /// <summary>A reorg removed the transaction; the head it carried is not on chain.</summary>
    public const string Dropped = "dropped";
}
