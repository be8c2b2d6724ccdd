namespace CommunityAI.ServiceDefaults.Messaging;

/// <summary>
/// A handler's precondition that another part of the service establishes shortly, such as the first assignment round
/// the seed beacon commits at start-up: "not now" rather than "never", so the message is retried (see
/// <see cref="TransientFailures"/>) instead of parked in the error queue, where the contribution would never be scored.
/// </summary>
public sealed class NotReadyException(string message) : Exception(message);
