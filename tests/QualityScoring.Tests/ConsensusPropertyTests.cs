using CommunityAI.QualityScoring.Domain;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace CommunityAI.QualityScoring.Tests;

public sealed class ConsensusPropertyTests
{
    private const int Clip = 20;

    private static Gen<Consensus.Review> ReviewGen(int index, Gen<int> scores) =>
        from score in scores
        from weight in Gen.Choose(1, 1_000_000)
        from reject in Gen.Elements(false, true)
        select new Consensus.Review($"0x{index:x40}", score, reject ? Consensus.Reject : Consensus.Accept, weight / 1_000_000m);

    private static Gen<List<Consensus.Review>> ReviewsGen(Gen<int> scores, int min = 1, int max = 12, int offset = 0) =>
        from count in Gen.Choose(min, max)
        from reviews in Gen.CollectToList(Enumerable.Range(offset, count).Select(i => ReviewGen(i, scores)))
        select reviews.ToList();

    private static readonly Gen<int> AnyScore = Gen.Choose(0, 100);

    [Property(MaxTest = 500)]
    public Property Consensus_is_invariant_under_any_permutation_of_the_reviews() =>
        Prop.ForAll(ReviewsGen(AnyScore).SelectMany(r => Gen.Shuffle(r.ToArray()).Select(s => (r, s.ToList()))).ToArbitrary(), p =>
        {
            var (reviews, shuffled) = p;
            var a = Consensus.Compute(reviews, Clip);
            var b = Consensus.Compute(shuffled, Clip);
            return a.Score == b.Score && a.Verdict == b.Verdict && a.Reviews.SequenceEqual(b.Reviews);
        });

    [Property(MaxTest = 500)]
    public Property Consensus_lies_between_the_lowest_and_highest_review() =>
        Prop.ForAll(ReviewsGen(AnyScore).ToArbitrary(), reviews =>
        {
            var score = Consensus.Compute(reviews, Clip).Score;
            return score >= reviews.Min(r => r.Score) && score <= reviews.Max(r => r.Score);
        });

    [Property(MaxTest = 500)]
    public Property Outliers_holding_less_than_half_the_weight_do_not_move_an_agreeing_majority() =>
        Prop.ForAll((
            from honestScore in AnyScore
            from honest in ReviewsGen(Gen.Constant(honestScore), 1, 8)
            from outliers in ReviewsGen(AnyScore, 1, 8, offset: 100)
            select (honestScore, honest, outliers)).ToArbitrary(), p =>
        {
            var (honestScore, honest, outliers) = p;
            var honestWeight = honest.Sum(r => r.Weight);
            // Scale the outliers to hold strictly less than half of the total weight.
            var outlierWeight = outliers.Sum(r => r.Weight);
            var scale = honestWeight * 0.999m / outlierWeight;
            var scaled = outliers.Select(o => o with { Weight = o.Weight * scale }).ToList();
            return Consensus.Compute([.. honest, .. scaled], Clip).Score == honestScore;
        });

    [Property(MaxTest = 500)]
    public Property A_majority_of_the_weight_inside_a_range_keeps_the_consensus_inside_it() =>
        Prop.ForAll((
            from low in Gen.Choose(0, 90)
            from width in Gen.Choose(0, 10)
            from honest in ReviewsGen(Gen.Choose(low, low + width), 1, 8)
            from outliers in ReviewsGen(AnyScore, 0, 8, offset: 100)
            select (low, high: low + width, honest, outliers)).ToArbitrary(), p =>
        {
            var (low, high, honest, outliers) = p;
            var honestWeight = honest.Sum(r => r.Weight);
            var outlierWeight = outliers.Sum(r => r.Weight);
            var scaled = outlierWeight == 0 ? outliers
                : outliers.Select(o => o with { Weight = o.Weight * (honestWeight * 0.999m / outlierWeight) }).ToList();
            var score = Consensus.Compute([.. honest, .. scaled], Clip).Score;
            return score >= low && score <= high;
        });

    [Property(MaxTest = 300)]
    public Property Consensus_is_deterministic() =>
        Prop.ForAll(ReviewsGen(AnyScore).ToArbitrary(), reviews =>
            Consensus.Compute(reviews, Clip) is var a && Consensus.Compute(reviews.ToList(), Clip) is var b
            && a.Score == b.Score && a.Verdict == b.Verdict && a.Reviews.SequenceEqual(b.Reviews));

    [Property(MaxTest = 300)]
    public Property Exactly_the_reviews_beyond_the_clipping_distance_are_clipped() =>
        Prop.ForAll(ReviewsGen(AnyScore).ToArbitrary(), reviews =>
        {
            var result = Consensus.Compute(reviews, Clip);
            return result.Reviews.All(r => r.Clipped == (Math.Abs(r.Score - result.Score) > Clip));
        });
}
