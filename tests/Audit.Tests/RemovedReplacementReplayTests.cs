using System.Security.Cryptography;
using System.Text;
using CommunityAI.Audit.History;
using CommunityAI.Audit.Scores;
using CommunityAI.Contracts;
using CommunityAI.Formats;
using CommunityAI.QualityScoring.Domain;
using CommunityAI.Testing;
using static CommunityAI.Audit.Tests.LeanHistory;

namespace CommunityAI.Audit.Tests;

/// <summary>
/// A reviewer replaced as <c>removed</c> is replaced even when it had committed (its commitment is forfeited), so the reason
/// must be true: the replay accepts the replacement after the validator's removal and names one that no removal precedes,
/// which would let an operator swap out a committed reviewer whose sealed review it did not like.
/// </summary>
public sealed class RemovedReplacementReplayTests
{
    private static readonly int[] Genesis = [3, 4, 5, 6, 7];

    [Fact]
    public void A_replacement_after_the_reviewers_removal_recomputes_clean()
    {
        var result = Replay(History(removedFirst: true));
        Assert.True(result.Findings.Count == 0, string.Join("; ", result.Findings.Select(f => f.What + ": " + f.Detail)));
        Assert.Equal(1, result.Reassigned);
        Assert.Equal(1, result.Removals);
    }

    [Fact]
    public void A_replacement_as_removed_of_a_validator_still_admitted_is_named_at_the_reassignment()
    {
        var history = History(removedFirst: false);
        var finding = Assert.Single(Replay(history).Findings);
        Assert.Equal("reassignment", finding.What);
        Assert.Contains("no removal", finding.Detail, StringComparison.Ordinal);
        Assert.Equal(history.FindIndex(e => e.Type == "reviewer_reassigned"), (int)finding.Index);
    }

    private static AssignmentReplayResult Replay(IEnumerable<LogEvent> events) => Feed(new AssignmentReplay(TestChain.Domain), events).Finish();

    /// <summary>
    /// The genesis set, one case drawn from it, and its first reviewer replaced as removed from the case's seed: after a
    /// recorded removal of it, or with none.
    /// </summary>
    private static List<LogEvent> History(bool removedFirst)
    {
        var policy = new ScoringOptions { AuditBasisPoints = 0, LeanAuditPoints = 0 }.ToPolicy(Now) with { LeanExclusionPoints = null };
        List<LogEvent> events = [];
        Add(events, "scoring/policies", "scoring_policy_published", policy);
        Add(events, "scoring/admissions", "genesis_validators_recorded", new GenesisValidatorsRecorded([.. Genesis.Select(k => AnvilNode.DevAddresses[k])], Now, 0));
        Add(events, "scoring/seeds", "assignment_seed_committed", new AssignmentSeedCommitted(0, AssignmentSeed.Commitment(Secret), Now));
        var id = Id("removed reviewer");
        Add(events, "contributions/" + id, "contribution_submitted",
            new ContributionSubmitted(id, AnvilNode.DevAddresses[Contributor], "data", id, "ipfs://removed", "1", 0, "0x", 10, Now));
        var candidates = Reviewers(Genesis);
        var seed = AssignmentSeed.For(Secret, id);
        var drawn = ReviewerSelection.Select(seed, candidates, 3);
        Add(events, "scoring/" + id, "reviewers_assigned",
            new ReviewersAssigned(id, drawn, candidates.Count, 2, Now, policy.Version, Now, 0, Hex.Encode(seed), candidates, Now));
        if (removedFirst)
        {
            // Removed by a passed proposal, recorded after its activation as quality-scoring records it.
            var proposalId = Id("removal of " + drawn[0].Validator);
            var payload = $"{{\"validator\":\"{drawn[0].Validator.ToLowerInvariant()}\"}}";
            Add(events, "governance/proposals/" + proposalId, "policy_activated", new PolicyActivated(proposalId, "validator-removal", payload,
                Hex.Encode(SHA256.HashData(Encoding.UTF8.GetBytes(payload))), Now));
            Add(events, "scoring/admissions", "validator_removed", new ValidatorRemoved(drawn[0].Validator, "governance", proposalId, Now));
        }
        var remaining = candidates.Where(c => drawn.All(d => d.Validator != c.Validator)).ToList();
        var replacement = ReviewerSelection.Select(seed, remaining, 1)[0];
        Add(events, "scoring/" + id, "reviewer_reassigned",
            new ReviewerReassigned(id, drawn[0].Validator, replacement, Reassignment.Removed, 0, remaining, Now, Now, Now));
        Reveal(events);
        return events;
    }
}
