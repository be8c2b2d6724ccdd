namespace CommunityAI.ChainBridge.Chain;

/// <summary>
/// The anchoring key could not be had at start-up. The message says which source was asked and what
/// failed; it never holds the key, nor an inner exception that could.
/// </summary>
public sealed class AnchorerKeyUnavailableException(string message, Exception? innerException = null)
    : InvalidOperationException(message, innerException);
