namespace CommunityAI.ServiceDefaults.Secrets;

/// <summary>A secret could not be read from Dapr; the message names the store, secret and sidecar, never a value.</summary>
public sealed class DaprSecretUnavailableException(string message, Exception? innerException = null)
    : InvalidOperationException(message, innerException);
