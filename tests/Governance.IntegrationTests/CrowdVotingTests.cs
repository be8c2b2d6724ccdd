using Nethereum.Signer;

namespace CommunityAI.Governance.IntegrationTests;

/// <summary>
/// Voting tests with a crowd of their own: epoch 1 credits the i-th of <paramref name="crowd"/> (i + 1) tokens, once per
/// class's system, so each crowd member votes with a weight the test can add up.
/// </summary>
public abstract class CrowdVotingTests(GovernanceSystem system, IReadOnlyList<EthECKey> crowd) : VotingTests(system)
{
    protected IReadOnlyList<EthECKey> Keys { get; } = crowd;

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        if (await System.CountEventsAsync("ledger/epochs/1") > 0)
            return;
        await System.CloseEpochAsync(1, Keys.Select((key, i) => (key.GetPublicAddress(), (i + 1) * GovernanceSystem.Token))
            .ToDictionary(k => k.Item1, k => k.Item2));
    }

    /// <summary>A crowd of fresh keys; a class keeps its own in a static field, since each test gets a new instance.</summary>
    protected static EthECKey[] NewCrowd(int size) => [.. Enumerable.Range(0, size).Select(_ => EthECKey.GenerateKey())];
}
