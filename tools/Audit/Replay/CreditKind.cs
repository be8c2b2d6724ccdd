namespace CommunityAI.Audit.Replay;

/// <summary>
/// What differs between the kinds of measured credit <see cref="CreditCheck"/> checks (a contributed model's gain, a
/// contribution's data value): their streams and event types, the take-back that answers each, and how their findings
/// and tables read. The finding names are the ones reports and their readers already know, so each kind keeps its own
/// words; the rules behind them are the one set in <see cref="CreditCheck"/>.
/// </summary>
/// <param name="Streams">The stream prefix a credit of contribution id is recorded under (the stream is prefix + id).</param>
/// <param name="CreditType">The credit's event type, normalized (<c>modelgainrewarded</c>).</param>
/// <param name="ReversalType">Its reversal's event type, normalized.</param>
/// <param name="ReversalEvent">Its reversal's event type as findings name it (<c>ModelGainReversed</c>).</param>
/// <param name="Reversal">Where its reversal lives and how the reversal's findings read.</param>
/// <param name="Finding">The start of a credit finding's name ("gain reward" gives "gain reward amount").</param>
/// <param name="Twice">The finding name of a second credit of one contribution.</param>
/// <param name="Of">The credit said of a contribution id ("the gain of contribution 1").</param>
/// <param name="Credit">The credit as a noun ("gain credit").</param>
/// <param name="Title">What the section's tables are titled after ("model gain" gives "model gain credits").</param>
/// <param name="DueColumn">What the section's due column counts.</param>
internal sealed record CreditKind(
    string Streams,
    string CreditType,
    string ReversalType,
    string ReversalEvent,
    ReversalKind Reversal,
    string Finding,
    string Twice,
    Func<string, string> Of,
    string Credit,
    string Title,
    string DueColumn)
{
    /// <summary>A ModelGainRewarded in <c>ledger/gains/{id}</c>: a contributed model's measured gain.</summary>
    public static readonly CreditKind Gain = new(
        "ledger/gains/", "modelgainrewarded", "modelgainreversed", "ModelGainReversed", ReversalKind.Gain,
        "gain reward", "gain rewarded twice", id => $"the gain of contribution {id}", "gain credit",
        "model gain", "champion changes");

    /// <summary>A DataValueRewarded in <c>ledger/data-value/{id}</c>: a contribution's share of its batch's measured value.</summary>
    public static readonly CreditKind DataValue = new(
        "ledger/data-value/", "datavaluerewarded", "datavaluereversed", "DataValueReversed", ReversalKind.DataValue,
        "data value reward", "data value rewarded twice", id => $"the data value of contribution {id}", "data-value credit",
        "data value", "shares due");
}
