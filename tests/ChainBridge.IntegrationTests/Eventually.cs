namespace ChainBridge.IntegrationTests;

/// <summary>Polls until a condition holds, failing with what was last seen; the bus is asynchronous by design.</summary>
public static class Eventually
{
    public static async Task<T> MatchesAsync<T>(Func<Task<T>> probe, Func<T, bool> condition, string what, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(30));
        T last;
        do
        {
            last = await probe();
            if (condition(last))
                return last;
            await Task.Delay(100);
        }
        while (DateTime.UtcNow < deadline);
        throw new Xunit.Sdk.XunitException($"Timed out waiting for {what}; last seen: {last}");
    }
}
