using CommunityAI.Formats.Policies;
using System.Numerics;

namespace CommunityAI.RewardLedger.Domain;

/// <summary>
/// One credit as a balanced double-entry journal entry: the emission account gives, the contributor receives.
/// Stored as a read model (id = contribution id) in the same transaction as the credit's history event.
/// </summary>
public sealed record JournalEntry(
    string Id,
    string Contributor,
    string Amount,
    long Epoch,
    string PolicyVersion,
    long Number,
    DateTimeOffset CreditedAt,
    IReadOnlyList<Posting> Lines)
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

    /// <summary>A journal entry is valid only when its lines sum to zero.</summary>
    public bool IsBalanced => Lines.Aggregate(BigInteger.Zero, (sum, line) => sum + BigInteger.Parse(line.Amount, System.Globalization.CultureInfo.InvariantCulture)) == 0;
}

/// <summary>One line of a journal entry: a signed amount (token base units, decimal string) on one account.</summary>
public sealed record Posting(string Account, string Amount);
