namespace CommunityAI.Deploy.Tests;

/// <summary>
/// Every configuration key each service reads, as listed in deploy/README.md "Configuration reference".
/// Keep the three in step: the code (grep for BindConfiguration / GetConnectionString / Configuration[…]), the runbook, this list.
/// Optional keys with a safe default (Chain:AnchorContract, Chain:TokenContract, Chain:DistributorContract) are not required.
/// </summary>
public static class ServiceSettings
{
    private static readonly string[] Common =
    [
        "ConnectionStrings:history", "ConnectionStrings:rabbitmq", "Bus:PrefetchCount", "Bus:ConcurrentMessageLimit",
        "Bus:TransientRetryWindow", "Bus:PublishConfirmTimeout", "Bus:StartTimeout",
        "OTEL_EXPORTER_OTLP_ENDPOINT", "RateLimits:PerClientAddress", "RateLimits:Window",
    ];

    public static IReadOnlyDictionary<string, string[]> Required { get; } = new Dictionary<string, string[]>
    {
        ["contributions"] =
        [
            .. Common, "Chain:Id", "Chain:VerifyingContract", "Intake:MaxContentBytes", "Intake:MaxDeadlineAhead", "Intake:MaxContentUriLength",
            "RateLimits:PerContributor", "Dapr:SecretStore", "ContentStore:MasterKeysSecretName", "ContentStore:ActiveMasterKey", "DAPR_GRPC_ENDPOINT",
        ],
        ["quality-scoring"] = [.. Common, "Chain:Id", "Chain:VerifyingContract", "Epochs:Genesis", "Epochs:Length"],
        ["reward-ledger"] = [.. Common, "Epochs:Genesis", "Epochs:Length"],
        ["chain-bridge"] =
        [
            .. Common, "ConnectionStrings:chain", "Chain:Id", "Chain:AnchorerKey",
            "Anchoring:Period", "Anchoring:EveryEntries", "Anchoring:Confirmations",
            "Anchoring:ReorgWindow", "Anchoring:RetryInitialDelay", "Anchoring:RetryMaxDelay",
            "ClaimRoots:RetryInitialDelay", "ClaimRoots:RetryMaxDelay", "Revenue:Confirmations",
            "Dapr:SecretStore", "Dapr:AnchorerKeySecretName", "Dapr:AnchorerKeyValueName",
            "Dapr:CheckpointKeySecretName", "Dapr:CheckpointKeyValueName", "DAPR_GRPC_ENDPOINT", "Relayer:Key",
        ],
        ["governance"] = [.. Common, "Chain:Id", "Chain:VerifyingContract", "Governance:Genesis", "Governance:Guardian"],
        ["community-model"] =
        [
            "ConnectionStrings:history", "OTEL_EXPORTER_OTLP_ENDPOINT", "RateLimits:PerClientAddress", "RateLimits:Window", "Chain:Id", "Chain:VerifyingContract", "Model:BuilderKey",
            "Model:ContributionsUrl",
        ],
        ["portal"] =
        [
            "OTEL_EXPORTER_OTLP_ENDPOINT", "RateLimits:PerClientAddress", "RateLimits:Window", "Chain:Id", "Portal:ChainRpcUrl", "Portal:ChainName",
            .. Portal.Proxy.ServiceRoutes.PathsByService.Keys.Select(service => $"services:{service}:api:0"),
        ],
    };

    /// <summary>The services that keep the history, each under its own PostgreSQL role (ServiceRoles).</summary>
    public static IReadOnlyList<string> HistoryOwners { get; } =
        ["contributions", "quality-scoring", "reward-ledger", "chain-bridge", "governance", "community-model"];

    /// <summary>The services that read the one chain setting (they check signatures, or send to the chain).</summary>
    public static IReadOnlyList<string> ChainReaders { get; } = ["contributions", "quality-scoring", "chain-bridge", "governance", "community-model", "portal"];

    /// <summary>The chain setting's keys; each is set once, in the common ConfigMap.</summary>
    public static IReadOnlyList<string> ChainSetting { get; } = ["Chain__Id", "Chain__VerifyingContract"];

    /// <summary>The services that count pay epochs: the ledger's credits and roots, and scoring's cap on reviews per epoch.</summary>
    public static IReadOnlyList<string> EpochReaders { get; } = ["reward-ledger", "quality-scoring"];

    /// <summary>The pay epochs' keys; each is set once, in the common ConfigMap.</summary>
    public static IReadOnlyList<string> EpochSetting { get; } = ["Epochs__Genesis", "Epochs__Length"];

    /// <summary>The queues each service consumes (MassTransit kebab-case endpoint names prefixed with the service).</summary>
    public static IReadOnlyDictionary<string, string[]> ScaledQueues { get; } = new Dictionary<string, string[]>
    {
        ["contributions"] = ["contributions-submit", "contributions-submit-batch"],
        ["quality-scoring"] = ["quality-scoring-contribution-submitted"],
    };

    /// <summary>The environment variable .NET configuration reads a key from ("Chain:Id" → "Chain__Id").</summary>
    public static string EnvironmentName(string key) => key.Replace(":", "__", StringComparison.Ordinal);
}
