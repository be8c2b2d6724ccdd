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
    private static readonly DateTimeOffset Now = new(2026, 11, 30, 12, 0, 0, TimeSpan.Zero);

    private static readonly IReadOnlyList<ReviewerSelection.Validator> Registered =
        Enumerable.Range(1, 10).Select(i => new ReviewerSelection.Validator($"0x{i:x40}", 0.5m, Now)).ToList();

    private static readonly IReadOnlyList<AssignedReviewer> Validators =
        Registered.Select(v => new AssignedReviewer(v.Address, v.Reputation)).ToList();

    private static byte[] Seed(int seed) => System.Security.Cryptography.SHA256.HashData(BitConverter.GetBytes(seed));

    private static string Id(int seed) => Hex.Encode(Seed(seed));

    [Property(MaxTest = 200)]
    public Property The_same_seed_gets_the_same_reviewers_whatever_the_order_of_validators() =>
        Prop.ForAll(Gen.Choose(0, int.MaxValue).SelectMany(seed => Gen.Shuffle(Validators.ToArray()).Select(s => (seed, s.ToList()))).ToArbitrary(), p =>
            ReviewerSelection.Select(Seed(p.seed), Validators, 3).SequenceEqual(ReviewerSelection.Select(Seed(p.seed), p.Item2, 3)));

    [Property(MaxTest = 200)]
    public Property The_contributor_is_never_a_candidate() =>
        Prop.ForAll(Gen.Choose(0, 9).ToArbitrary(), contributor =>
            ReviewerSelection.Candidates(Registered[contributor].Address.ToUpperInvariant().Replace("0X", "0x"), Registered, 3, Now.AddDays(-1))
                .All(r => r.Validator != Registered[contributor].Address));

    [Fact]
    public void Higher_reputation_is_chosen_proportionally_more_often()
    {
        var weighted = new[] { new AssignedReviewer("0x" + new string('1', 40), 0.8m), new AssignedReviewer("0x" + new string('2', 40), 0.2m) };
        var heavy = Enumerable.Range(0, 4000).Count(seed => ReviewerSelection.Select(Seed(seed), weighted, 1)[0] == weighted[0]);
        Assert.InRange(heavy / 4000.0, 0.76, 0.84);
    }

    [Fact]
    public void Fewer_eligible_validators_than_K_are_all_assigned() =>
        Assert.Equal(2, ReviewerSelection.Select(Seed(1), ReviewerSelection.Candidates(Registered[0].Address, Registered.Take(3), 5, Now), 5).Count);

    [Fact]
    public void A_validator_at_its_cap_for_the_epoch_is_no_candidate_and_without_a_cap_it_is()
    {
        var loaded = Registered.Select((v, i) => v with { AssignedThisEpoch = i < 4 ? 5 : 4 }).ToList();

        var capped = ReviewerSelection.Candidates(Address.Zero, loaded, 3, Now.AddDays(-1), maxPerEpoch: 5);

        Assert.Equal(Registered.Skip(4).Select(v => v.Address), capped.Select(c => c.Validator));
        Assert.Equal(10, ReviewerSelection.Candidates(Address.Zero, loaded, 3, Now.AddDays(-1)).Count);
        // Even when fewer than K are left under the cap, a capped validator is not drawn: the case gets fewer reviewers.
        Assert.Empty(ReviewerSelection.Candidates(Address.Zero, loaded, 3, Now.AddDays(-1), maxPerEpoch: 4));
    }

    [Fact]
    public void Live_validators_are_preferred_while_enough_of_them_are_live()
    {
        var absent = Registered.Take(6).Select(v => v with { LastSeenAt = Now.AddDays(-10) });
        var mixed = absent.Concat(Registered.Skip(6)).ToList();

        var candidates = ReviewerSelection.Candidates(Address.Zero, mixed, 3, Now.AddDays(-3));

        Assert.Equal(Registered.Skip(6).Select(v => v.Address), candidates.Select(c => c.Validator));
        // With fewer live validators than reviewers needed, the absent ones are drawn from too, rather than nobody.
        Assert.Equal(10, ReviewerSelection.Candidates(Address.Zero, mixed, 5, Now.AddDays(-3)).Count);
    }

    [Fact]
    public void A_validators_last_sighting_moves_to_the_minute_and_never_far_enough_behind_to_change_its_liveness()
    {
        var view = new ValidatorView(Address.Zero, 0.5m, Now, 0, 0, Now);
        // Commitments within a minute of the last sighting leave the view as it is (no rewrite); the next one moves it.
        Assert.False(view.SeenAgain(Now.AddSeconds(59)));
        Assert.True(view.SeenAgain(Now.AddMinutes(1)));
        var moved = view.Apply(new ReviewCommitted(Id(1), Address.Zero, "0x", "1", 0, "0x", Now.AddMinutes(1)));
        Assert.Equal(Now.AddMinutes(1), moved.LastSeenAt);
        // The sighting lags by under a minute; liveness is measured in days.
        Assert.True(ValidatorView.SeenPrecision < new ScoringOptions().LivenessWindow / 1000);
    }

    [Fact]
    public void A_contribution_seed_depends_on_the_round_secret_and_the_commitment_binds_the_secret()
    {
        var secret = AssignmentSeed.NewSecret();
        var other = AssignmentSeed.NewSecret();

        Assert.NotEqual(AssignmentSeed.For(secret, Id(1)), AssignmentSeed.For(other, Id(1)));
        Assert.NotEqual(AssignmentSeed.For(secret, Id(1)), AssignmentSeed.For(secret, Id(2)));
        Assert.Equal(Hex.Encode(System.Security.Cryptography.SHA256.HashData(Hex.Decode(secret, 32))), AssignmentSeed.Commitment(secret));
    }

    /// <summary>
    /// A contributor with ten of twenty validators grinds contribution ids (nonces) offline. All it can compute at signing
    /// time is a selection from the id and what the history already shows (here: the id alone, the rule before assignment
    /// rounds, and a secret it guesses); the real selection uses a secret revealed only after its round ended.
    /// </summary>
    [Fact]
    public void Grinding_ids_offline_gives_a_contributor_no_more_than_its_share_of_validators()
    {
        var attacker = Enumerable.Range(1, 10).Select(i => new AssignedReviewer($"0x{i:x40}", 0.5m)).ToList();
        var honest = Enumerable.Range(11, 10).Select(i => new AssignedReviewer($"0x{i:x40}", 0.5m)).ToList();
        List<AssignedReviewer> all = [.. attacker, .. honest];
        var ownSet = attacker.Select(a => a.Validator).ToHashSet();
        var secret = AssignmentSeed.NewSecret();
        var guess = AssignmentSeed.NewSecret();

        int slots = 0, own = 0, ground = 0;
        for (var attempt = 0; ground < 300; attempt++)
        {
            var id = Id(attempt);
            // Keep only ids whose predicted reviewers are all the attacker's: what grinding buys under a predictable rule.
            var predicted = ReviewerSelection.Select(AssignmentSeed.For(guess, id), all, 3);
            if (!predicted.All(r => ownSet.Contains(r.Validator)))
                continue;
            ground++;
            var actual = ReviewerSelection.Select(AssignmentSeed.For(secret, id), all, 3);
            slots += actual.Count;
            own += actual.Count(r => ownSet.Contains(r.Validator));
        }

        Assert.InRange(own / (double)slots, 0.42, 0.58);
    }
}
