using System.Security.Cryptography;
using CommunityAI.CommunityModel.Domain;
using CommunityAI.Contracts;
using CommunityAI.Formats;

namespace CommunityModel.IntegrationTests;

/// <summary>
/// The value of a batch alone (no I/O): good new data measures a gain and mislabelled data a loss, whatever the round's
/// salt; a batch is never measured on its own held-out examples; nothing new or nothing to measure on gives no value.
/// </summary>
public sealed class DataValueMeasureTests
{
    private static TextClassifier.Settings Settings(byte[] salt) => new(CommunityTexts.Labels, Seed: 2026, HeldOutPercent: 20, salt);

    /// <summary>Each label's texts given the next label: data that can only teach the model wrong answers.</summary>
    public static List<LabelledExample> Mislabelled(int perLabel, int seed) =>
        CommunityTexts.Examples(perLabel, seed).Select(e =>
            e with { Label = CommunityTexts.Labels[(Array.IndexOf(CommunityTexts.Labels, e.Label) + 1) % CommunityTexts.Labels.Length] }).ToList();

    private static BatchValue Value(IReadOnlyList<LabelledExample> old, IReadOnlyList<LabelledExample> batch, byte[] salt) =>
        Measure(Round(old, batch), salt);

    /// <summary>Each example its own contribution, submitted in the order given (the old ones first), by three contributors in turn.</summary>
    private static List<DataValue.Example> Round(IReadOnlyList<LabelledExample> old, IReadOnlyList<LabelledExample> batch) =>
        old.Select(e => (Example: e, InBatch: false)).Concat(batch.Select(e => (Example: e, InBatch: true)))
            .Select((x, i) => new DataValue.Example(x.Example, x.InBatch, Source(i + 1))).ToList();

    /// <summary>The contribution submitted at <paramref name="at"/>: ids in another order than submissions, so the shares' order shows.</summary>
    private static DataValue.Source Source(long at) =>
        new(Hex.Encode(SHA256.HashData(BitConverter.GetBytes(at))), at, Contributors[(int)(at % Contributors.Length)]);

    private static readonly string[] Contributors =
        ["0x70997970C51812dc3A010C7d01b50e0d17dc79C8", "0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC", "0x90F79bf6EB2c4f870365E785982E1f101E93b906"];

    private static BatchValue Measure(IReadOnlyList<DataValue.Example> examples, byte[] salt)
    {
        var round = Assert.IsType<TextClassifier.Outcome.Trained>(TextClassifier.Train(examples.Select(e => e.Labelled), Settings(salt)));
        return DataValue.Measure(examples, round.Model, Settings(salt));
    }

    /// <summary>Three fixed salts, so the test is the same every run; 20 random salts measured the same way (old 200, good +600,
    /// mislabelled +400) gave gains of 1,351–4,000 bp and losses of 724–2,470 bp, never the other sign.</summary>
    public static TheoryData<string> Salts() => ["0x01", "0x5eed", "0xc0ffee"];

    [Theory]
    [MemberData(nameof(Salts))]
    public void Good_new_data_measures_a_gain_and_mislabelled_data_a_loss(string saltHex)
    {
        var salt = SHA256.HashData(Convert.FromHexString(saltHex[2..]));
        var old = CommunityTexts.Examples(50, seed: 11);
        var good = CommunityTexts.Examples(150, seed: 12);
        var bad = Mislabelled(100, seed: 13);

        var gained = Value(old, good, salt);
        var lost = Value([.. old, .. good], bad, salt);

        Assert.True(gained.GainBasisPoints > 500, $"{gained}");
        Assert.Equal(gained.WithBasisPoints - gained.WithoutBasisPoints, gained.GainBasisPoints);
        Assert.True(lost.GainBasisPoints < -500, $"{lost}");
    }

    [Fact]
    public void A_batch_is_measured_only_on_held_out_examples_it_did_not_bring()
    {
        var salt = SHA256.HashData([7]);
        var old = CommunityTexts.Examples(20, seed: 21);
        var batch = Mislabelled(30, seed: 22);

        var value = Value(old, batch, salt);

        Assert.Equal(old.Count(e => HeldOutSplit.IsHeldOut(salt, e.Text, 20)), value.EvaluatedCount);
        Assert.Equal(batch.Count(e => !HeldOutSplit.IsHeldOut(salt, e.Text, 20)), value.NewCount);
    }

    [Fact]
    public void Nothing_new_or_nothing_to_measure_on_has_no_value()
    {
        var salt = SHA256.HashData([8]);
        var examples = CommunityTexts.Examples(20, seed: 23);

        var nothingNew = Value(examples, [], salt);
        var allNew = Value([], examples, salt); // the first round: no held-out example the batch did not bring

        Assert.Equal((0, null, null, null), (nothingNew.NewCount, nothingNew.WithBasisPoints, nothingNew.WithoutBasisPoints, nothingNew.GainBasisPoints));
        Assert.Equal((0, null, null), (allNew.EvaluatedCount, allNew.WithoutBasisPoints, allNew.GainBasisPoints));
        Assert.True(allNew.NewCount > 0);
        // Shares are named even when the gain cannot be measured; an empty list, never null, when nothing new was trained on.
        Assert.Empty(Assert.IsAssignableFrom<IReadOnlyList<BatchShare>>(nothingNew.Shares));
        Assert.Equal(examples.Where(e => !HeldOutSplit.IsHeldOut(salt, e.Text, 20)).DistinctBy(e => e.Text).Count(), allNew.Shares!.Sum(s => s.Examples));
    }

    [Fact]
    public void A_batch_shares_its_training_examples_by_who_first_brought_each_text()
    {
        var salt = SHA256.HashData([10]);
        bool Trained(LabelledExample e) => !HeldOutSplit.IsHeldOut(salt, e.Text, 20);
        var old = CommunityTexts.Examples(20, seed: 26);
        var fresh = CommunityTexts.Examples(10, seed: 27).Where(e => old.All(o => o.Text != e.Text)).DistinctBy(e => e.Text).ToList();
        Assert.Contains(fresh, e => !Trained(e)); // this salt holds out some new examples: they count for no one
        // Copies, submitted after the rest: of texts the earlier rounds brought (one under another label) and of new texts.
        var copiedOld = old.Where(Trained).Take(3).Select((e, i) => i == 0 ? e with { Label = CommunityTexts.Labels[0] } : e).ToList();
        var copiedNew = fresh.Where(Trained).Take(3).ToList();
        var round = Round(old, [.. fresh, .. copiedOld, .. copiedNew]);
        // And an old contribution (in the baseline's snapshot) submitted after a new one with its text: the new one brought it first.
        var broughtFirst = fresh.Where(Trained).ElementAt(3);
        round.Add(new DataValue.Example(broughtFirst, false, Source(round.Count + 1)));

        var value = Measure(round, salt);

        var expected = fresh.Select((e, i) => (Example: e, round[old.Count + i].From)).Where(x => Trained(x.Example))
            .Select(x => new BatchShare(x.From!.ContributionId, x.From.Contributor, 1))
            .OrderBy(s => s.ContributionId, StringComparer.Ordinal).ToList();
        // Each text counts once, for whoever brought it first: copies of old texts count for no one, copies of new texts
        // add nothing to the share of the one who brought them (nor a share of their own).
        Assert.Equal(expected, value.Shares!);
        Assert.Equal(value.NewCount - copiedOld.Count - copiedNew.Count, value.Shares!.Sum(s => s.Examples));
    }

    [Fact]
    public void The_same_round_measures_the_same_value_in_any_order()
    {
        var salt = SHA256.HashData([9]);
        var old = CommunityTexts.Examples(20, seed: 24);
        var batch = CommunityTexts.Examples(30, seed: 25);

        var round = Round(old, batch);
        var value = Measure(round, salt);
        var reversed = Measure(Enumerable.Reverse(round).ToList(), salt);

        Assert.Equal(value with { Shares = null }, reversed with { Shares = null });
        Assert.NotEmpty(value.Shares!);
        Assert.Equal(value.Shares!, reversed.Shares!); // the same contributions, counts and order
    }
}
