namespace CommunityAI.ChainBridge.Chain;

/// <summary>Who holds which role on a deployment of our contracts.</summary>
/// <param name="Admin">
/// DEFAULT_ADMIN_ROLE on the token, the distributor and the anchor: grants and revokes every other role, sets the
/// challenge delay, unpauses. A cold key, a multisig or a timelock; never the bridge's hot key outside development.
/// </param>
/// <param name="Guardian">May pause anchoring, publishing and claiming, and veto a root during its challenge delay.</param>
/// <param name="Anchorer">May anchor tree heads (the bridge's hot key).</param>
/// <param name="Publisher">May publish claim roots (the bridge's hot key).</param>
/// <param name="Treasury">
/// The community treasury of the DatasetRevenuePool (an account, not a role: the pool has none). Null deploys no pool.
/// </param>
public sealed record ContractRoles(string Admin, string Guardian, string Anchorer, string Publisher, string? Treasury = null);
