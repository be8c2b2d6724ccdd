namespace CommunityAI.ChainBridge.Chain;

/// <summary>
/// The bridge found no deployment it may use and must not deploy one: anchoring stays stopped and readiness reports
/// unhealthy until an operator configures the addresses.
/// </summary>
public sealed class DeploymentRefusedException(string message) : Exception(message);
