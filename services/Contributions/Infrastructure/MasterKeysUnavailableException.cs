namespace CommunityAI.Contributions.Infrastructure;

/// <summary>The master keys could not be read or are unusable; the message names the source and what to fix, never a key.</summary>
public sealed class MasterKeysUnavailableException(string message, Exception? innerException = null)
    : InvalidOperationException(message, innerException);
