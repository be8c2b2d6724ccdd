namespace CommunityAI.ChainBridge.Anchoring;

/// <summary>
/// Why anchoring is halted, shared between the <see cref="ForeignHistoryGuard"/> (which writes it) and the health check
/// (which reports the service unhealthy with the reason). Unlike an outage it does not pass by itself: the log and the
/// chain disagree until an operator restores the history the chain anchors.
/// </summary>
public sealed class AnchoringHalt
{
    private volatile string? _reason;

    /// <summary>The reason anchoring is halted, or null while the log extends the chain's head.</summary>
    public string? Reason => _reason;

    public void Halt(string reason) => _reason = reason;

    public void Clear() => _reason = null;
}
