using CommunityAI.Formats.Policies;
using System.Numerics;

namespace CommunityAI.RewardLedger.Domain;

/// <summary>
/// One credit as a balanced double-entry journal entry: the emission account gives, the contributor receives.
/// Stored as a read model (id = contribution id) in the same transaction as the credit's history event.
/// </summary>
/// <param name="Slashed">In an appeal's settlement entry, the part of the account's move that is its slash as a reviewer (token base units); null otherwise.</param>
public sealed record JournalEntry(
    string Id,
    string Contributor,
    string Amount,
    long Epoch,
    string PolicyVersion,
    long Number,
    DateTimeOffset CreditedAt,
    IReadOnlyList<Posting> Lines,
    string? Slashed = null)
{
    /// <summary>The account every reward is emitted from; its balance is minus everything ever credited.</summary>
    public const string EmissionAccount = "emission";

    /// <param name="number">The entry's position among the contributor's entries (1, 2, …), for paging.</param>
    public static JournalEntry Credit(
        string contributionId, string contributor, BigInteger amount, long epoch, string policyVersion, long number, DateTimeOffset at)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(amount);
        var text = TokenAmount.Format(amount);
        return new JournalEntry(contributionId, contributor, text, epoch, policyVersion, number, at,
            [new Posting(EmissionAccount, TokenAmount.Format(-amount)), new Posting(contributor, text)]);
    }

    /// <summary>
    /// The journal entry of a reversed credit's debit: its id beside the credit entry's, which the store refuses twice. The
    /// contribution's credit entry is named by the contribution id, so its reversal is <c>reversal:{contributionId}</c>; a
    /// gain credit's (<c>gain:{contributionId}</c>) is <c>reversal:gain:{contributionId}</c>.
    /// </summary>
    public static string ReversalId(string creditEntryId) => "reversal:" + creditEntryId;

    /// <summary>
    /// The mirror of a contribution's credit: the contributor gives back what it was credited and the emission account, the
    /// credit's source, takes it back, so the journal stays balanced and the emission account's balance stays minus every
    /// reward still standing.
    /// </summary>
    /// <param name="creditEntryId">The reversed credit's journal entry: the contribution id, or a gain credit's entry id.</param>
    /// <param name="credited">What the credit gave (non-negative); the entry's amount is minus that.</param>
    /// <param name="policyVersion">The reversed credit's policy version, so the two entries read as a pair.</param>
    public static JournalEntry Reversal(
        string creditEntryId, string contributor, BigInteger credited, long epoch, string policyVersion, long number, DateTimeOffset at)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(credited);
        return new JournalEntry(ReversalId(creditEntryId), contributor, TokenAmount.Format(-credited), epoch, policyVersion, number, at,
            [new Posting(EmissionAccount, TokenAmount.Format(credited)), new Posting(contributor, TokenAmount.Format(-credited))]);
    }

    /// <summary>The journal entry of one account's move in an appeal's settlement: refused twice, like the credit's.</summary>
    public static string SettlementId(string contributionId, string account) => $"appeal:{contributionId}:{account}";

    /// <summary>
    /// One account's move in an appeal's settlement (<see cref="Contracts.AppealSettled"/>): a positive delta is emitted like a
    /// credit, a negative one goes back to the emission account like a reversal, so the journal stays balanced either way.
    /// </summary>
    /// <param name="slashed">
    /// The part of a negative delta that is the reviewer's slash (<see cref="Contracts.AppealSettled.Slashes"/>), so a
    /// validator's account says why it went down; null when the account was not slashed.
    /// </param>
    public static JournalEntry Settlement(
        string contributionId, string account, BigInteger delta, long epoch, string policyVersion, long number, DateTimeOffset at,
        string? slashed = null) =>
        new(SettlementId(contributionId, account), account, TokenAmount.Format(delta), epoch, policyVersion, number, at,
            [new Posting(EmissionAccount, TokenAmount.Format(-delta)), new Posting(account, TokenAmount.Format(delta))], slashed);

    /// <summary>A journal entry is valid only when its lines sum to zero.</summary>
    public bool IsBalanced => Lines.Aggregate(BigInteger.Zero, (sum, line) => sum + BigInteger.Parse(line.Amount, System.Globalization.CultureInfo.InvariantCulture)) == 0;
}

/// <summary>One line of a journal entry: a signed amount (token base units, decimal string) on one account.</summary>
public sealed record Posting(string Account, string Amount);
