namespace ChainBridge.IntegrationTests;

/// <summary>Reverts the class's chain to its deployed state after every test (xunit builds one instance per test).</summary>
public abstract class ChainTestBase(DeployedChain chain) : IClassFixture<DeployedChain>, IAsyncLifetime
{
    private string _snapshot = "";

    protected DeployedChain Chain { get; } = chain;

    public async Task InitializeAsync() => _snapshot = await Chain.SnapshotAsync();

    public Task DisposeAsync() => Chain.RevertAsync(_snapshot);

    protected static byte[] Hash(int seed)
    {
        var hash = new byte[32];
        hash[0] = 0xab;
        BitConverter.TryWriteBytes(hash.AsSpan(28), seed);
        return hash;
    }
}
