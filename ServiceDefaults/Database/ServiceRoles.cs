namespace CommunityAI.ServiceDefaults.Database;

/// <summary>
/// The PostgreSQL roles of the system. Each service appends only to its own streams and writes only its own schemas,
/// and the database enforces both (<see cref="HistoryGuard"/>, schema ownership), so a leaked service password cannot
/// rewrite another service's facts. The names are the contract between the set-up, the AppHost and deploy/.
/// </summary>
public static class ServiceRoles
{
    /// <summary>Reads the history and the stored log, writes nothing: auditors' exports and checks.</summary>
    public const string Audit = "communityai_audit";

    public static readonly ServiceRole Contributions = new("contributions", "communityai_contributions", "contributions/", ["contributions"]);
    public static readonly ServiceRole QualityScoring = new("quality-scoring", "communityai_quality_scoring", "scoring/", ["scoring"]);
    public static readonly ServiceRole RewardLedger = new("reward-ledger", "communityai_reward_ledger", "ledger/", ["ledger"]);
    public static readonly ServiceRole ChainBridge = new("chain-bridge", "communityai_chain_bridge", "chain/", ["chainbridge_docs", "chainbridge"]);
    public static readonly ServiceRole Governance = new("governance", "communityai_governance", "governance/", ["governance"]);
    public static readonly ServiceRole CommunityModel = new("community-model", "communityai_community_model", "model/", ["model"]);

    public static IReadOnlyList<ServiceRole> All { get; } = [Contributions, QualityScoring, RewardLedger, ChainBridge, Governance, CommunityModel];

    /// <summary>
    /// The chain-bridge's stored log (<c>chainbridge.log_entries</c>), read but never written by these roles: governance
    /// names a vote's log index, the audit role compares the stored log with the history.
    /// </summary>
    public const string LogSchema = "chainbridge";

    public static IReadOnlyList<string> LogReaders { get; } = [Audit, Governance.Role];

    public static ServiceRole Of(string service) =>
        All.FirstOrDefault(r => r.Service == service) ?? throw new ArgumentException($"no database role for service '{service}'", nameof(service));
}
