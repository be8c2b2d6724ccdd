using System.Text.Json;
using CommunityAI.Audit.History;
using CommunityAI.Audit.Replay;

namespace CommunityAI.Audit.Tests;

/// <summary>The data-value credit replay on hand-made events: credits the ledger did not, or could not, make honestly.</summary>
public sealed class DataValueReplayTests
{
    private const string Alice = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8";
    private const string Bob = "0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC";
    private const string A = "0xaa00000000000000000000000000000000000000000000000000000000000001";
    private const string B = "0xaa00000000000000000000000000000000000000000000000000000000000002";
    private const string C = "0xaa00000000000000000000000000000000000000000000000000000000000003";
    private const string D = "0xaa00000000000000000000000000000000000000000000000000000000000004";
    private const string Hash = "0xbb00000000000000000000000000000000000000000000000000000000000001";
    private const string Later = "0xbb00000000000000000000000000000000000000000000000000000000000002";

    private long _index;

    private LogEvent Event(string stream, string type, string json) =>
        new(_index, _index, ++_index, stream, type, Guid.NewGuid().ToString(), JsonDocument.Parse(json).RootElement.Clone());

    private LogEvent Policy(long version, long from, string? rate) => Event("ledger/policies", "reward_policy_published",
        $$"""{"version":{{version}},"basePerKind":{"data":"1000"},"zeroBelowScore":0,"scoreExponent":1,"capPerAddressPerEpoch":"1000","effectiveFromEpoch":{{from}}{{(rate is null ? "" : $",\"dataGainRewardPerBasisPoint\":\"{rate}\"")}}}""");

    private static object Batch(int? gain, params (string Id, string Contributor, int Examples)[] shares) => new
    {
        newCount = shares.Sum(s => s.Examples),
        evaluatedCount = 20,
        withBasisPoints = 6000,
        withoutBasisPoints = 6000 - gain,
        gainBasisPoints = gain,
        shares = shares.Select(s => new { contributionId = s.Id, contributor = s.Contributor, examples = s.Examples }),
    };

    private LogEvent Valued(long period, string hash, object data, object? feedback = null) => Event($"model/root{period}", "data_valued",
        JsonSerializer.Serialize(new { period, modelHash = hash, snapshotRoot = "0x01", data, feedback = feedback ?? Batch(null) }));

    private LogEvent Credit(string id, string amount, long epoch = 5, string policy = "reward-2", string batch = "data", long period = 3, string hash = Hash,
        int gain = 40, int batchExamples = 7, int examples = 3, string contributor = Alice) =>
        Event($"ledger/data-value/{id}", "data_value_rewarded", JsonSerializer.Serialize(new
        {
            contributionId = id, contributor, batch, period, modelHash = hash, gainBasisPoints = gain, batchExamples, examples, amount, epoch, policyVersion = policy,
        }));

    /// <summary>
    /// Genesis pays nothing for data value (a record without the member); policy 2 pays 10 base units per basis point from
    /// epoch 4. Period 3's data batch gained 40 bp: a pool of 400 split 3:2:2, so 171, 114 and 114 and the unit left over
    /// to the first in contribution-id order: 172, 114, 114. Its feedback batch measured nothing.
    /// </summary>
    private DataValueReplay History()
    {
        _index = 0; // each history a test builds starts at log index 0
        var replay = new DataValueReplay();
        replay.Add(Policy(1, 0, null));
        replay.Add(Policy(2, 4, "10"));
        replay.Add(Valued(3, Hash, Batch(40, (A, Alice, 3), (B, Bob, 2), (C, Alice, 2))));
        return replay;
    }

    private void Honest(DataValueReplay replay)
    {
        replay.Add(Credit(A, "172"));
        replay.Add(Credit(B, "114", examples: 2, contributor: Bob));
        replay.Add(Credit(C, "114", examples: 2));
    }

    [Fact]
    public void Honest_credits_recompute_exactly_as_the_split_of_the_batch_under_the_policy_of_their_epoch()
    {
        var replay = History();
        Honest(replay);

        var result = replay.Finish();

        Assert.Empty(result.Findings);
        Assert.Equal((3, 3, 400), (result.Due, result.Recorded, (int)result.Paid));
    }

    [Fact]
    public void A_credit_under_a_policy_recorded_without_the_member_pays_zero()
    {
        var replay = History();
        replay.Add(Credit(A, "0", epoch: 3, policy: "reward-1"));
        replay.Add(Credit(B, "0", epoch: 3, policy: "reward-1", examples: 2, contributor: Bob));
        replay.Add(Credit(C, "0", epoch: 3, policy: "reward-1", examples: 2));

        Assert.Empty(replay.Finish().Findings);
    }

    [Fact]
    public void A_tampered_amount_a_wrong_policy_a_second_credit_a_missing_one_and_a_redirected_one_are_named_at_their_index()
    {
        var tampered = History();
        tampered.Add(Credit(A, "173"));
        tampered.Add(Credit(B, "114", examples: 2, contributor: Bob));
        tampered.Add(Credit(C, "114", examples: 2));
        // Genesis named in epoch 5, where policy 2 is in force: named even with policy 2's amount.
        var wrongPolicy = History();
        wrongPolicy.Add(Credit(A, "172", policy: "reward-1"));
        wrongPolicy.Add(Credit(B, "114", examples: 2, contributor: Bob));
        wrongPolicy.Add(Credit(C, "114", examples: 2));
        var twice = History();
        Honest(twice);
        twice.Add(Credit(A, "172"));
        var missing = History();
        missing.Add(Credit(A, "172"));
        missing.Add(Credit(C, "114", examples: 2));
        var redirected = History();
        redirected.Add(Credit(A, "172", contributor: Bob));
        redirected.Add(Credit(B, "114", examples: 2, contributor: Bob));
        redirected.Add(Credit(C, "114", examples: 2));

        var amount = Assert.Single(tampered.Finish().Findings);
        Assert.Equal(("data value reward amount", 3L), (amount.What, amount.Index));
        var policy = Assert.Single(wrongPolicy.Finish().Findings);
        Assert.Equal(("data value reward policyVersion", 3L), (policy.What, policy.Index));
        Assert.Contains("reward-2", policy.Detail, StringComparison.Ordinal);
        var second = Assert.Single(twice.Finish().Findings);
        Assert.Equal(("data value rewarded twice", 6L), (second.What, second.Index));
        // Named at the valuation that shared the gain with it.
        var unpaid = Assert.Single(missing.Finish().Findings);
        Assert.Equal(("data value unrewarded", 2L), (unpaid.What, unpaid.Index));
        Assert.Contains(B, unpaid.Detail, StringComparison.Ordinal);
        Assert.Equal(["data value reward contributor"], redirected.Finish().Findings.Select(f => f.What));
    }

    [Fact]
    public void A_contribution_valued_again_is_paid_once_and_the_split_counts_every_share_of_the_batch()
    {
        var replay = History();
        Honest(replay);
        // A is in the next round's gain too, with D new: A is not paid again, yet D's part is computed over A's examples too
        // (a pool of 10 · 30 split 1:3 gives D 225, not the whole 300).
        replay.Add(Valued(4, Later, Batch(null), Batch(30, (A, Alice, 1), (D, Bob, 3))));
        replay.Add(Credit(D, "225", batch: "feedback", period: 4, hash: Later, gain: 30, batchExamples: 4, contributor: Bob));

        var result = replay.Finish();

        Assert.Empty(result.Findings);
        Assert.Equal((4, 4, 625), (result.Due, result.Recorded, (int)result.Paid));

        var whole = History();
        Honest(whole);
        whole.Add(Valued(4, Later, Batch(null), Batch(30, (A, Alice, 1), (D, Bob, 3))));
        whole.Add(Credit(D, "300", batch: "feedback", period: 4, hash: Later, gain: 30, batchExamples: 3, contributor: Bob));
        Assert.Equal(["data value reward amount", "data value reward batchExamples"], whole.Finish().Findings.Select(f => f.What).Order());
    }

    [Fact]
    public void A_credit_for_a_later_valuation_a_batch_without_gain_or_share_and_one_without_valuation_are_named()
    {
        var later = History();
        later.Add(Valued(4, Later, Batch(30, (A, Alice, 1), (D, Bob, 3))));
        later.Add(Credit(A, "75", period: 4, hash: Later, gain: 30, batchExamples: 4, examples: 1));
        later.Add(Credit(B, "114", examples: 2, contributor: Bob));
        later.Add(Credit(C, "114", examples: 2));
        later.Add(Credit(D, "225", period: 4, hash: Later, gain: 30, batchExamples: 4, contributor: Bob));
        var noGain = History();
        Honest(noGain);
        noGain.Add(Credit(D, "0", batch: "feedback", examples: 1, contributor: Bob));
        var unvalued = History();
        Honest(unvalued);
        unvalued.Add(Credit(D, "0", hash: Later, contributor: Bob));

        // A is paid for the round that first shared a gain with it, not a later one.
        var wrongRound = Assert.Single(later.Finish().Findings);
        Assert.Equal(("data value reward valuation", 4L), (wrongRound.What, wrongRound.Index));
        Assert.Equal(["data value reward without a share"], noGain.Finish().Findings.Select(f => f.What));
        Assert.Equal(["data value reward without valuation"], unvalued.Finish().Findings.Select(f => f.What));
    }

    private const string Proposal = "0xcc00000000000000000000000000000000000000000000000000000000000001";

    private LogEvent Invalidated(string id, string proposal = Proposal) => Event($"governance/proposals/{proposal}", "policy_activated",
        JsonSerializer.Serialize(new { proposalId = proposal, kind = "contribution-invalidation", payload = JsonSerializer.Serialize(new { contributionId = id, reason = "copied" }) }));

    private LogEvent Reversed(string id, string amount, string account = Bob, long epoch = 5, string type = "data_value_reversed") =>
        Event($"ledger/data-value/{id}", type, JsonSerializer.Serialize(new { contributionId = id, account, amount, epoch, reason = "copied", proposalId = Proposal }));

    [Fact]
    public void An_invalidated_contributions_data_value_taken_back_exactly_replays_clean_whichever_came_first()
    {
        var after = History();
        Honest(after);
        after.Add(Invalidated(B));
        after.Add(Reversed(B, "-114"));
        // Invalidated before the valuation was read: the credit and its reversal in one transaction.
        var before = History();
        before.Add(Invalidated(B));
        Honest(before);
        before.Add(Reversed(B, "-114"));

        foreach (var replay in new[] { after, before })
        {
            var result = replay.Finish();
            Assert.Empty(result.Findings);
            Assert.Equal((1, 1, 114), (result.ReversalsDue, result.Reversed, (int)result.TakenBack));
        }
    }

    [Fact]
    public void A_data_value_of_an_invalidated_contribution_left_standing_or_taken_back_wrongly_is_named()
    {
        var standing = History();
        Honest(standing);
        standing.Add(Invalidated(B));
        var wrongAmount = History();
        Honest(wrongAmount);
        wrongAmount.Add(Invalidated(B));
        wrongAmount.Add(Reversed(B, "-100"));
        // A gain's reversal in a data-value stream takes nothing back: the data value still stands.
        var otherKind = History();
        Honest(otherKind);
        otherKind.Add(Invalidated(B));
        otherKind.Add(Reversed(B, "-114", type: "model_gain_reversed"));
        var twice = History();
        Honest(twice);
        twice.Add(Invalidated(B));
        twice.Add(Reversed(B, "-114"));
        twice.Add(Reversed(B, "-114"));

        var missing = Assert.Single(standing.Finish().Findings);
        Assert.Equal(("data value reversal missing", 4L), (missing.What, missing.Index));
        Assert.Contains("DataValueReversed", missing.Detail, StringComparison.Ordinal);
        Assert.Equal(["data value reversal amount"], wrongAmount.Finish().Findings.Select(f => f.What));
        Assert.Equal(["data value reversal missing"], otherKind.Finish().Findings.Select(f => f.What));
        Assert.Equal(["data value reversed twice"], twice.Finish().Findings.Select(f => f.What));
    }
}
