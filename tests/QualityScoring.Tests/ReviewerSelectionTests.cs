using CommunityAI.Contracts;
using CommunityAI.Formats;
using CommunityAI.Formats.Signing;
using CommunityAI.QualityScoring.Domain;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace CommunityAI.QualityScoring.Tests;

public sealed class ReviewerSelectionTests
{
    private static readonly IReadOnlyList<AssignedReviewer> Validators =
        Enumerable.Range(1, 10).Select(i => new AssignedReviewer($"0x{i:x40}", 0.5m)).ToList();

    private static string Id(int seed) => Hex.Encode(System.Security.Cryptography.SHA256.HashData(BitConverter.GetBytes(seed)));

    [Property(MaxTest = 200)]
    public Property The_same_contribution_gets_the_same_reviewers_whatever_the_order_of_validators() =>
        Prop.ForAll(Gen.Choose(0, int.MaxValue).SelectMany(seed => Gen.Shuffle(Validators.ToArray()).Select(s => (seed, s.ToList()))).ToArbitrary(), p =>
            ReviewerSelection.Select(Id(p.seed), Address.Zero, Validators, 3)
                .SequenceEqual(ReviewerSelection.Select(Id(p.seed), Address.Zero, p.Item2, 3)));

    [Property(MaxTest = 200)]
    public Property The_contributor_is_never_a_reviewer() =>
        Prop.ForAll(Gen.Choose(0, int.MaxValue).ToArbitrary(), Gen.Choose(0, 9).ToArbitrary(), (seed, contributor) =>
            ReviewerSelection.Select(Id(seed), Validators[contributor].Validator.ToUpperInvariant().Replace("0X", "0x"), Validators, 10)
                .All(r => r.Validator != Validators[contributor].Validator));

    [Fact]
    public void Higher_reputation_is_chosen_proportionally_more_often()
    {
        var weighted = new[] { new AssignedReviewer("0x" + new string('1', 40), 0.8m), new AssignedReviewer("0x" + new string('2', 40), 0.2m) };
        var heavy = Enumerable.Range(0, 4000).Count(seed => ReviewerSelection.Select(Id(seed), Address.Zero, weighted, 1)[0] == weighted[0]);
        Assert.InRange(heavy / 4000.0, 0.76, 0.84);
    }

    [Fact]
    public void Fewer_eligible_validators_than_K_are_all_assigned() =>
        Assert.Equal(2, ReviewerSelection.Select(Id(1), Validators[0].Validator, Validators.Take(3), 5).Count);
}
