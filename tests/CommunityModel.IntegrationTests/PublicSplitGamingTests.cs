using System.Security.Cryptography;
using System.Text;
using CommunityAI.CommunityModel.Domain;

namespace CommunityModel.IntegrationTests;

/// <summary>
/// What the secret salt buys, measured: a contributor who can compute the split (the public split, SHA-256(text)) can
/// grind its texts until each lands on the evaluated side, and so fill the held-out set with examples it made easy,
/// inflating the measured accuracy. Under a salted split it cannot choose: without the salt, the side of every text is
/// independent of the contributor's choice, so its texts land held out at the base rate (20%), not all of them. That
/// is the exact property, and all the test claims beyond measuring the public split's inflation.
/// </summary>
public sealed class PublicSplitGamingTests
{
    private const int Percent = 20;

    private static readonly Dictionary<string, string> Easy = new()
    {
        ["question"] = "how why where what could anyone explain",
        ["bug-report"] = "crash error broken fails exception freeze stuck",
        ["idea"] = "suggest propose feature imagine add option support",
        ["praise"] = "thanks great love awesome excellent amazing brilliant",
    };

    [Fact]
    public void Texts_ground_onto_the_public_held_out_side_are_all_evaluated_there_but_land_at_the_base_rate_under_a_secret_salt()
    {
        var honest = CommunityTexts.Examples(20, seed: 41);
        var planted = Ground(40);
        Assert.All(planted, e => Assert.True(HeldOutSplit.IsHeldOut(e.Text, Percent)));

        var publicInflation = Accuracy(honest.Concat(planted), []) - Accuracy(honest, []);
        var salted = Enumerable.Range(0, 3).Select(i => SHA256.HashData(Encoding.UTF8.GetBytes($"period salt {i}"))).ToList();
        var privateInflation = salted.Select(salt => Accuracy(honest.Concat(planted), salt) - Accuracy(honest, salt)).ToList();
        var heldOutPlants = salted.Select(salt => planted.Count(e => HeldOutSplit.IsHeldOut(salt, e.Text, Percent))).ToList();

        var measured = $"public split inflation {publicInflation} bp; salted {string.Join(", ", privateInflation)} bp; " +
            $"ground texts held out under the salts: {string.Join(", ", heldOutPlants)} of 40";
        Assert.True(publicInflation >= 1000, measured);
        // 40 · 20% = 8 expected; all 40 would mean the grinding worked.
        Assert.All(heldOutPlants, n => Assert.InRange(n, 1, 16));
        // Not claimed: that easy data stops helping. Easy examples still raise the measured accuracy under a salt (measured:
        // 2500 to 4475 bp against 3302 bp public, on a small held-out set), since they are good data on either side. What the
        // salt removes is the choice: the grinder's texts are no longer all evaluated.
        Assert.All(heldOutPlants, n => Assert.True(n < planted.Count / 2, measured));
    }

    private static int Accuracy(IEnumerable<LabelledExample> examples, byte[] salt) =>
        Assert.IsType<TextClassifier.Outcome.Trained>(TextClassifier.Train(examples, new TextClassifier.Settings(CommunityTexts.Labels, 2026, Percent, salt)))
            .AccuracyBasisPoints;

    /// <summary>Easy texts (nothing but typical words of their label), each suffix ground until the public split holds it out.</summary>
    private static List<LabelledExample> Ground(int count) =>
        Enumerable.Range(0, count).Select(i =>
        {
            var label = CommunityTexts.Labels[i % CommunityTexts.Labels.Length];
            var text = Enumerable.Range(0, 1000).Select(k => $"{Easy[label]} {i}-{k}").First(t => HeldOutSplit.IsHeldOut(t, Percent));
            return new LabelledExample(text, label);
        }).ToList();
}
