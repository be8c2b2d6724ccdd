using System.Security.Cryptography;
using System.Text;
using CommunityAI.Formats;

namespace CommunityAI.CommunityModel.Domain;

/// <summary>
/// When a newly trained model replaces the champion (the model served), pure. Both are measured on the challenger's
/// private held-out examples whose text the champion was not trained on, so neither has seen any of them (the champion
/// was trained under an earlier period's split, where some of today's held-out texts were on its training side). The
/// challenger wins only on a strictly higher micro accuracy there; a tie or an empty comparison set keeps the champion.
/// </summary>
public static class ChampionRule
{
    /// <summary>How a training set is remembered: SHA-256 of each text, 0x-hex (the texts themselves stay out of it).</summary>
    public static string TextHash(string text) => Hex.Encode(SHA256.HashData(Encoding.UTF8.GetBytes(text)));

    /// <summary>The held-out examples the champion was not trained on, in the held-out order.</summary>
    public static IReadOnlyList<LabelledExample> ComparisonSet(IEnumerable<LabelledExample> heldOut, IReadOnlySet<string> championTrainTextHashes)
    {
        ArgumentNullException.ThrowIfNull(heldOut);
        ArgumentNullException.ThrowIfNull(championTrainTextHashes);
        return heldOut.Where(e => !championTrainTextHashes.Contains(TextHash(e.Text))).ToList();
    }

    /// <summary>True when the challenger becomes champion: there is none, or it measured strictly better on a non-empty comparison set.</summary>
    public static bool BecomesChampion(bool hasChampion, int comparedCount, int challengerBasisPoints, int? championBasisPoints) =>
        !hasChampion || (comparedCount > 0 && championBasisPoints is { } champion && challengerBasisPoints > champion);
}
