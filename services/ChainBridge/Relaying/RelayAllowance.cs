namespace CommunityAI.ChainBridge.Relaying;

/// <summary>
/// How many claims the relayer sent for one account on one UTC day, in the bridge's own schema (a document, not a
/// history fact: the claims themselves are public on chain). Updated with Marten's optimistic concurrency, so two
/// replicas cannot both take the last relay of the day.
/// </summary>
public sealed class RelayAllowance
{
    public string Id { get; set; } = "";

    public int Sent { get; set; }

    public static string IdOf(string account, DateOnly day) => $"{account.ToLowerInvariant()}|{day:yyyy-MM-dd}";
}
