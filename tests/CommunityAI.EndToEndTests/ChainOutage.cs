namespace CommunityAI.EndToEndTests;

/// <summary>The chain node taken away under load and brought back with its chain.</summary>
public static class ChainOutage
{
    /// <summary>Load, the node stopped for <paramref name="outage"/> and restarted with its chain, then every invariant.</summary>
    public static async Task RunAsync(SystemUnderTest system, TimeSpan outage, int run)
    {
        using var cancel = new CancellationTokenSource(outage + TimeSpan.FromMinutes(4));
        var load = SignedContributions.SubmitSteadilyAsync(() => system.Contributions, 30, TimeSpan.FromMilliseconds(150), run, cancel.Token);
        await Task.Delay(1000);
        await system.Chain.StopAsync();
        await Task.Delay(outage);
        await system.Chain.RestartAsync();

        var accepted = await load;
        await HistoryInvariants.AssertSettledAsync(system.History, accepted, TimeSpan.FromMinutes(3), system.Chain.RpcUrl);
    }
}
