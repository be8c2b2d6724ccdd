namespace CommunityAI.Audit.Replay;

/// <summary>
/// What differs between the kinds of take-back <see cref="ReversalCheck"/> checks: where they are recorded and how their
/// findings read. The finding names and texts are the ones reports and their readers already know, so each kind keeps its
/// own words; the rules behind them are the one set in <see cref="ReversalCheck"/>.
/// </summary>
/// <param name="Streams">The stream prefix a reversal of contribution id is recorded under (the stream is prefix + id).</param>
/// <param name="Finding">The start of every finding's name ("adjustment" gives "adjustment amount").</param>
/// <param name="Twice">The finding name of a second reversal of one contribution.</param>
/// <param name="WrongStream">Why a reversal outside its contribution's stream is named, after the event's description.</param>
/// <param name="Taken">The reversal said of a contribution id ("contribution 1 is reversed").</param>
/// <param name="Records">The recorded field named in a mismatch ("a reversal amount of").</param>
internal sealed record ReversalKind(
    string Streams,
    string Finding,
    string Twice,
    string WrongStream,
    Func<string, string> Taken,
    Func<string, string> Records)
{
    /// <summary>A RewardAdjusted in <c>ledger/credits/{id}</c>, taking back a contribution's reward.</summary>
    public static readonly ReversalKind Adjustment = new(
        "ledger/credits/", "adjustment", "adjusted twice",
        "a RewardAdjusted belongs in ledger/credits/ of the contribution its contributionId names",
        id => $"contribution {id} is reversed",
        field => $"a reversal {field} of");

    /// <summary>A ModelGainReversed in <c>ledger/gains/{id}</c>, taking back a contributed model's gain credit.</summary>
    public static readonly ReversalKind Gain = new(
        "ledger/gains/", "gain reversal", "gain reversed twice",
        "its contributionId does not name its stream",
        id => $"the gain of contribution {id} is taken back",
        field => $"gain reversal {field}");

    /// <summary>A DataValueReversed in <c>ledger/data-value/{id}</c>, taking back a contribution's data-value credit.</summary>
    public static readonly ReversalKind DataValue = new(
        "ledger/data-value/", "data value reversal", "data value reversed twice",
        "its contributionId does not name its stream",
        id => $"the data value of contribution {id} is taken back",
        field => $"data value reversal {field}");
}
