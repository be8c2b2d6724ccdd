
namespace CommunityAI.ChainBridge.Chain;

/// <summary>
/// The chain we anchor on, from configuration section "Chain" and connection string "chain" (the RPC URL).
/// Contract addresses come from here (for a public network, from its published file under deploy/networks). The
/// bridge deploys contracts only on the development chain (31337) or when <see cref="Deploy"/> is set, and never
/// when a deployment may already exist: see <see cref="ContractLocator"/>.
/// </summary>
public sealed class ChainOptions
{
    public const string Section = "Chain";

    public string RpcUrl { get; set; } = "";

    /// <summary>
    /// The transaction chain id, <c>Chain:Id</c>: the same one setting the services check signatures against
    /// (SigningChainOptions), so it is configured once for the whole deployment. anvil's by default.
    /// </summary>
    public long Id { get; set; } = 31337;

    /// <summary>The anchoring key (hex). Never logged; from a Dapr secret store when a sidecar is configured.</summary>
    public string AnchorerKey { get; set; } = "";

    public string? AnchorContract { get; set; }
    public string? TokenContract { get; set; }
    public string? DistributorContract { get; set; }

    /// <summary>The DatasetRevenuePool of a configured deployment; optional (without it no payment is watched).</summary>
    public string? RevenuePoolContract { get; set; }

    /// <summary>
    /// The community treasury a deployed DatasetRevenuePool names: it receives what an exact split leaves over. On the
    /// development chain anvil's account #7 by default; elsewhere a deployment without it has no revenue pool.
    /// </summary>
    public string? TreasuryAddress { get; set; }

    /// <summary>
    /// DEFAULT_ADMIN_ROLE of a deployment the bridge makes: a cold key, a multisig or a timelock, never the anchoring
    /// key. Required to deploy outside development; on the development chain anvil's account #9 by default.
    /// </summary>
    public string? AdminAddress { get; set; }

    /// <summary>Who may pause and veto on a deployment the bridge makes; on the development chain anvil's account #8 by default.</summary>
    public string? GuardianAddress { get; set; }

    /// <summary>Deploy on a chain other than the development chain when no deployment is configured or recorded.</summary>
    public bool Deploy { get; set; }

    /// <summary>The most entries one anchor may add (a constructor argument of HistoryAnchor).</summary>
    public ulong MaxTreeGrowth { get; set; } = ContractLimits.Default.MaxTreeGrowth;

    /// <summary>The most a published epoch may exceed the latest one (a constructor argument of RewardDistributor).</summary>
    public ulong MaxEpochStep { get; set; } = ContractLimits.Default.MaxEpochStep;

    /// <summary>How long a published claim root waits before it is claimable, while the guardian may veto it.</summary>
    public TimeSpan ChallengeDelay { get; set; } = TimeSpan.Zero;

    /// <summary>
    /// How often the bridge's loops ask the node for its latest block, <c>Chain:HeadPoll</c> (<see cref="ChainHead"/>),
    /// once for all of them: each ask is a request a hosted RPC endpoint counts. A quarter second by default, for the
    /// development chain, which mines at once; on a public network a few seconds (the production overlay: 3 s), since
    /// blocks come every 2–12 s there.
    /// </summary>
    public TimeSpan HeadPoll { get; set; } = TimeSpan.FromMilliseconds(250);

    /// <summary>The shortest and longest <see cref="HeadPoll"/> the service starts with.</summary>
    public static readonly (TimeSpan Shortest, TimeSpan Longest) HeadPollRange = (TimeSpan.FromMilliseconds(10), TimeSpan.FromMinutes(1));
}
