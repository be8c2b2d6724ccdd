using System.Text.Json;

namespace CommunityAI.ChainBridge.Chain;

/// <summary>
/// The compiled contracts embedded in this assembly. They are checked in next to their sources
/// (Solidity/artifacts) so the service is built and deployed without node or solc.
/// </summary>
public static class ContractArtifacts
{
    private static readonly Lazy<ContractArtifact> s_historyAnchor = new(() => Load("HistoryAnchor"));
    private static readonly Lazy<ContractArtifact> s_communityToken = new(() => Load("CommunityToken"));
    private static readonly Lazy<ContractArtifact> s_rewardDistributor = new(() => Load("RewardDistributor"));
    private static readonly Lazy<ContractArtifact> s_datasetRevenuePool = new(() => Load("DatasetRevenuePool"));

    public static ContractArtifact HistoryAnchor => s_historyAnchor.Value;
    public static ContractArtifact CommunityToken => s_communityToken.Value;
    public static ContractArtifact RewardDistributor => s_rewardDistributor.Value;
    public static ContractArtifact DatasetRevenuePool => s_datasetRevenuePool.Value;

    public static IReadOnlyList<ContractArtifact> All => [HistoryAnchor, CommunityToken, RewardDistributor, DatasetRevenuePool];

    /// <summary>Loads the artifact of <paramref name="contractName"/> from the embedded resources.</summary>
    public static ContractArtifact Load(string contractName)
    {
        // The logical name is set in ChainBridge.csproj, so it does not follow folder renames.
        var resource = $"CommunityAI.ChainBridge.Solidity.{contractName}.json";
        using var stream = typeof(ContractArtifacts).Assembly.GetManifestResourceStream(resource)
            ?? throw new InvalidOperationException($"Embedded contract artifact '{resource}' is missing; run Solidity/compile.mjs and rebuild.");
        using var json = JsonDocument.Parse(stream);
        var root = json.RootElement;
        return new ContractArtifact(
            root.GetProperty("contractName").GetString()!,
            root.GetProperty("abi").GetRawText(),
            root.GetProperty("bytecode").GetString()!,
            root.GetProperty("deployedBytecode").GetString()!);
    }
}
