using System.Globalization;
using System.Text;

namespace CommunityAI.Benchmarks.ReviewGame;

/// <summary>A game's outcome as markdown tables, each strategy against honest work.</summary>
public static class GameTable
{
    public static string Markdown(GameResult result)
    {
        var s = result.Settings;
        var honest = result.Of(Strategy.Honest);
        var text = new StringBuilder();
        var cap = s.MaxReviewsPerValidatorPerEpoch == 0 ? "none" : s.MaxReviewsPerValidatorPerEpoch.ToString(CultureInfo.InvariantCulture);
        var a = result.Appeals;
        var appeals = s.Appeals
            ? Invariant($"clipped honest reviewers appeal to a panel of {s.AppealReviewers} ({a.Filed} appeals: {a.Changed} changed, {a.Upheld} upheld, {a.NoQuorum} short of quorum; {a.InflatedAppealed} of the {a.InflatedCases} cases the Sybil inflated)")
            : "no appeals";
        var d = result.Audits;
        var audits = s.AuditBasisPoints == 0 ? "no audit rounds"
            : Invariant($"audit rounds for {s.AuditBasisPoints} bp of the cases ({d.Filed} audits: {d.Changed} changed, {d.Upheld} upheld, {d.NoQuorum} short of quorum; {d.InflatedAppealed} of the cases the Sybil inflated)");
        var t = result.Targeted;
        var targeted = s.LeanAuditPoints == 0 ? "no targeted audits"
            : Invariant($"audit rounds targeted at a reviewer leaning {s.LeanAuditPoints} points toward or against a contributor ({t.Filed} more: {t.Changed} changed, {t.Upheld} upheld, {t.NoQuorum} short of quorum; {result.TargetedHonestOnly} of cases reviewed by honest validators only)");
        targeted += Invariant($"; the colluding pair inflated {t.InflatedCases} cases, {t.InflatedAppealed} of them audited");
        targeted += s.LeanExclusionPoints == 0 ? "; nobody kept from a contributor it favours"
            : Invariant($"; a validator favouring a contributor by {s.LeanExclusionPoints} points is no longer drawn for it ({string.Join(", ", result.ExcludedPairs.GroupBy(p => Short(p.Key)).OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => $"{g.Sum(p => p.Value)} {g.Key}"))} validator–contributor pairs kept apart)");
        text.AppendLine(Invariant($"Seed {s.Seed}, {s.Epochs} epochs × {s.ContributionsPerEpoch} contributions ({result.Cases} cases, {result.FallbackCases} on the fallback), {s.ReviewersPerContribution} reviewers a case (quorum {s.Quorum}), {s.HonestValidators} honest validators, validator share {s.ValidatorShareBasisPoints} bp, slash {s.SlashBasisPoints} bp of the case's pool per overturned review, cap {cap} per epoch, {appeals}, {audits}, {targeted}."));
        text.AppendLine();
        text.AppendLine("| validator strategy | validators | assigned reviews | revealed | clipped | slashed | pay per assigned review (tokens) | vs honest | lowest of one validator | mean reputation at end | removed |");
        text.AppendLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var v in result.Validators)
            text.AppendLine(Invariant($"| {Name(v.Strategy)} | {v.Validators} | {v.Assigned} | {v.Revealed} | {v.Clipped} | {v.Slashed} | {v.PayPerReview:F4} | {Ratio(v.PayPerReview, honest.PayPerReview)} | {v.LowestPayPerReview:F4} | {v.MeanReputation:F3} | {v.Removed} |"));
        text.AppendLine();
        var honestWork = result.Contributor("honest");
        text.AppendLine("| contributor | contributions | mean score | reward per contribution (tokens) | vs honest | same cases, own reviewers honest |");
        text.AppendLine("|---|---:|---:|---:|---:|---:|");
        foreach (var c in result.Contributors)
            text.AppendLine(Invariant($"| {c.Group} | {c.Contributions} | {c.MeanScore:F1} | {c.RewardPerContribution:F4} | {Ratio(c.RewardPerContribution, honestWork.RewardPerContribution)} | {c.HonestReviewRewardPerContribution:F4} |"));
        var pair = result.Of(Strategy.Colluder);
        var work = result.Contributor("colluders");
        var take = pair.PayTokens + work.RewardTokens;
        var honestTake = honest.PayPerReview * pair.Assigned + work.HonestReviewRewardTokens;
        var straightTake = pair.StraightPayTokens + work.HonestReviewRewardTokens;
        text.AppendLine();
        text.AppendLine(Invariant($"The colluding pair's whole take (its pay and its contributions' rewards): {take:F2} tokens, against {straightTake:F2} had the same two validators reviewed their partner's cases as they saw them ({(straightTake == 0 ? 0 : take / straightTake):P2}), and {honestTake:F2} at the honest validators' mean pay per review ({(honestTake == 0 ? 0 : take / honestTake):P2})."));
        if (result.Collusion.Count > 0)
        {
            text.AppendLine();
            text.AppendLine("| cases the pair inflated, by reviews revealed | cases | consensus is the inflated score | consensus points bought | reward bought (tokens) | pay forgone (tokens) | net (tokens) |");
            text.AppendLine("|---|---:|---:|---:|---:|---:|---:|");
            foreach (var c in result.Collusion)
                text.AppendLine(Invariant($"| {c.Reviews} | {c.Cases} | {c.Decided} | {c.ConsensusPoints} | {c.RewardGainedTokens:F4} | {c.PayForgoneTokens:F4} | {c.NetTokens:F4} |"));
        }
        text.AppendLine();
        var g = result.Grinding;
        text.AppendLine("| Sybil's own majority among its reviewers | share of its contributions |");
        text.AppendLine("|---|---:|");
        text.AppendLine(Invariant($"| grinding {s.GrindAttempts} nonces against the last revealed round (what it can do) | {g.Achieved:P1} |"));
        text.AppendLine(Invariant($"| chance: a nonce at random, same seeds | {g.Chance:P1} |"));
        text.AppendLine(Invariant($"| grinding if the seed were the contribution id alone (before seed rounds) | {g.IfSeedKnown:P1} |"));
        return text.ToString();
    }

    private static string Name(Strategy strategy) => strategy switch
    {
        Strategy.Honest => "honest",
        Strategy.Sybil => "Sybil's validators (inflate its junk when holding a majority)",
        Strategy.CopyAutomated => "copier: the automated score",
        Strategy.CopyLastConsensus => "copier: the last closed consensus",
        Strategy.NeverReveal => "lazy: commits, never reveals",
        Strategy.RevealRandom => "lazy: reveals at random",
        Strategy.Colluder => "colluding pair (inflate each other just inside the clip)",
        _ => strategy.ToString(),
    };

    private static string Short(Strategy strategy) => strategy switch
    {
        Strategy.Honest => "honest",
        Strategy.Sybil => "Sybil's",
        Strategy.CopyAutomated or Strategy.CopyLastConsensus => "copier",
        Strategy.NeverReveal or Strategy.RevealRandom => "lazy",
        Strategy.Colluder => "colluder",
        _ => strategy.ToString(),
    };

    private static string Ratio(decimal value, decimal honest) => honest == 0 ? "–" : Invariant($"{value / honest:P0}");

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
