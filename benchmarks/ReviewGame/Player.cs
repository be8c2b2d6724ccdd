using System.Numerics;
using CommunityAI.Contracts;
using CommunityAI.QualityScoring.Domain;

namespace CommunityAI.Benchmarks.ReviewGame;

/// <summary>
/// A validator in the game: its strategy and what it has earned. Its reputation and floor count are the service's own
/// <see cref="ValidatorView"/>, moved by the very events the service records.
/// </summary>
internal sealed class Player(string address, Strategy strategy, double noise, ValidatorView view)
{
    private readonly Dictionary<long, int> _assignedPerEpoch = [];
    private readonly Dictionary<long, int> _appealsPerEpoch = [];

    public string Address { get; } = address;
    public Strategy Strategy { get; } = strategy;
    public ValidatorView View { get; private set; } = view;
    public bool Removed { get; private set; }
    public int Assigned { get; private set; }
    public int Clipped { get; set; }
    public int Slashed { get; set; }
    public BigInteger Pay { get; set; }

    /// <summary>
    /// What the player's pay would differ by had it revealed what it saw on the cases it bent (the same case, the same
    /// reviewers and reputations, the same pool): the pay side of the attack's counterfactual, as
    /// <see cref="ContributorOutcome.HonestReviewRewardTokens"/> is its reward side.
    /// </summary>
    public BigInteger StraightPayDelta { get; set; }

    public int AssignedIn(long epoch) => _assignedPerEpoch.GetValueOrDefault(epoch);

    public void Assign(long epoch)
    {
        Assigned++;
        _assignedPerEpoch[epoch] = AssignedIn(epoch) + 1;
    }

    /// <summary>
    /// Takes one appeal of the player's allowance for the epoch (a day in the game, the service's quota window); false,
    /// taking nothing, when it has used <paramref name="limit"/>.
    /// </summary>
    public bool TakeAppeal(long epoch, int limit)
    {
        var used = _appealsPerEpoch.GetValueOrDefault(epoch);
        if (used >= limit)
            return false;
        _appealsPerEpoch[epoch] = used + 1;
        return true;
    }

    /// <summary>
    /// What the player reveals (null: it commits and never reveals), and what it saw: the honest review it would have
    /// revealed, so the game can ask what the case would have come to without the attack.
    /// </summary>
    /// <param name="sybilHolds">The case is the Sybil's and the Sybil holds a majority of its reviewers (public once assigned).</param>
    /// <param name="inflation">How far above what it sees a colluder scores its partner's work; null for just inside the clip.</param>
    public ((int Score, string Verdict)? Played, (int Score, string Verdict) Honest) Review(Random random, int quality, string contributor,
        IReadOnlyList<string> colluders, bool sybilHolds, int automated, int? lastConsensus, ScoringPolicyPublished policy, int? inflation = null)
    {
        var seen = Perceive(random, quality);
        (int, string)? played = Strategy switch
        {
            Strategy.Honest => seen,
            Strategy.Sybil => sybilHolds ? (95, Consensus.Accept) : seen,
            Strategy.CopyAutomated => (automated, Consensus.Accept),
            Strategy.CopyLastConsensus => (lastConsensus ?? automated, Consensus.Accept),
            Strategy.NeverReveal => null,
            Strategy.RevealRandom => (random.Next(0, 101), random.Next(2) == 0 ? Consensus.Accept : Consensus.Reject),
            Strategy.Colluder => colluders.Contains(contributor, StringComparer.OrdinalIgnoreCase) && !string.Equals(contributor, Address, StringComparison.OrdinalIgnoreCase)
                ? (Math.Min(100, seen.Score + (inflation ?? policy.ClipDistance - 1)), Consensus.Accept)
                : seen,
            _ => throw new ArgumentOutOfRangeException(nameof(Strategy)),
        };
        return (played, seen);
    }

    public void Revealed(ReviewSubmitted review) => View = View.Apply(review);

    public void Moved(ReputationChanged change, decimal floor, int removalAfterFloorRounds)
    {
        View = View.Apply(change, floor);
        if (View.DueForRemoval(removalAfterFloorRounds))
            Removed = true;
    }

    /// <summary>The true quality with this validator's own noise; below the reward threshold it rejects.</summary>
    private (int Score, string Verdict) Perceive(Random random, int quality)
    {
        // Box–Muller: a normal deviate from two uniform ones.
        var normal = Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
        var score = Math.Clamp((int)Math.Round(quality + noise * normal), 0, 100);
        return (score, score < 20 ? Consensus.Reject : Consensus.Accept);
    }
}
