using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using CommunityAI.Audit.History;
using CommunityAI.Audit.Policies;
using CommunityAI.Formats;
using CommunityAI.Formats.Signing;

namespace CommunityAI.Audit.Tests;

/// <summary>The policy and governance replay on hand-made histories: what an honest history and a tampered one look like.</summary>
public sealed class PolicyReplayTests
{
    private const string Alice = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8";
    private const string Bob = "0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC";
    private const string Proposal = "0x00000000000000000000000000000000000000000000000000000000000000aa";
    private const string Genesis = """{"version":1,"basePerKind":{"data":"1000"},"zeroBelowScore":0,"scoreExponent":1,"capPerAddressPerEpoch":"100000","publishedAt":"2026-01-01T00:00:00Z","effectiveFromEpoch":0}""";
    private const string Payload = """{"basePerKind":{"data":"100"},"capPerAddressPerEpoch":"100000","fallbackShareBasisPoints":5000,"scoreExponent":1,"version":2,"zeroBelowScore":0}""";

    private long _index;

    private LogEvent Event(string stream, string type, string json) =>
        new(_index, _index, ++_index, stream, type, Guid.NewGuid().ToString(), JsonDocument.Parse(json).RootElement.Clone());

    private static string Hash(string text) => Hex.Encode(SHA256.HashData(Encoding.UTF8.GetBytes(text)));

    // Voting 00:00 to 06:00 on 1 January with a 1-hour late-quorum extension and a 1-day timelock; Alice's 800 of 900 is quorum alone.
    private IEnumerable<LogEvent> PassedVote(string forWeight = "800", string? activatedAt = "2026-01-03T00:00:00Z", string castAt = "2026-01-01T01:00:00Z",
        string votingEndedAt = "2026-01-01T06:00:00Z", string activatesAt = "2026-01-02T06:00:00Z")
    {
        yield return Event("governance/proposals/" + Proposal, "proposal_submitted", $$"""
            {"proposalId":"{{Proposal}}","kind":"reward-policy","payload":{{JsonSerializer.Serialize(Payload)}},"payloadHash":"{{Hash(Payload)}}",
             "snapshotEpoch":0,"delegations":{},"quorumBasisPoints":1000,"squareRootWeighting":false,
             "parametersVersion":1,"submittedAt":"2025-12-31T23:00:00Z","votingStartsAt":"2026-01-01T00:00:00Z","votingEndsAt":"2026-01-01T06:00:00Z",
             "lateQuorumExtensionSeconds":3600,"timelockSeconds":86400}
            """);
        yield return Event("governance/proposals/" + Proposal, "vote_cast", $$"""{"proposalId":"{{Proposal}}","voter":"{{Alice}}","support":1,"weight":"800","castAt":"{{castAt}}"}""");
        yield return Event("governance/proposals/" + Proposal, "proposal_succeeded",
            $$"""{"proposalId":"{{Proposal}}","for":"{{forWeight}}","against":"0","abstain":"0","quorumNeeded":"90","votingEndedAt":"{{votingEndedAt}}"}""");
        yield return Event("governance/proposals/" + Proposal, "proposal_queued", $$"""{"proposalId":"{{Proposal}}","activatesAt":"{{activatesAt}}"}""");
        if (activatedAt is not null)
            yield return Event("governance/proposals/" + Proposal, "policy_activated", $$"""
                {"proposalId":"{{Proposal}}","kind":"reward-policy","payload":{{JsonSerializer.Serialize(Payload)}},"payloadHash":"{{Hash(Payload)}}","activatedAt":"{{activatedAt}}"}
                """);
    }

    private PolicyReplay HistoryUpToTheVote(PolicyReplay replay, string forWeight = "800", string? activatedAt = "2026-01-03T00:00:00Z") =>
        HistoryUpTo(replay, PassedVote(forWeight, activatedAt));

    private PolicyReplay HistoryUpTo(PolicyReplay replay, IEnumerable<LogEvent> vote)
    {
        replay.Add(Event("ledger/policies", "reward_policy_published", Genesis));
        // Epoch 0: Alice earns 800 (score 80, reviewed), Bob 100 (score 10): the voters' weights.
        Score("0x01", Alice, 80, fallback: false);
        Score("0x02", Bob, 10, fallback: false);
        replay.Add(Credit("0x01", Alice, "800", 0, "reward-1"));
        replay.Add(Credit("0x02", Bob, "100", 0, "reward-1"));
        foreach (var e in vote)
            replay.Add(e);
        return replay;

        void Score(string id, string who, int score, bool fallback) => replay.Add(Event("scoring/" + id, "contribution_scored",
            $$"""{"contributionId":"{{id}}","contributor":"{{who}}","kind":"data","score":{{score}},"fallback":{{(fallback ? "\"no-quorum\"" : "null")}}}"""));
    }

    private LogEvent Credit(string id, string who, string amount, long epoch, string policy) => Event("ledger/credits/" + id, "contribution_rewarded",
        $$"""{"contributionId":"{{id}}","contributor":"{{who}}","amount":"{{amount}}","epoch":{{epoch}},"policyVersion":"{{policy}}"}""");

    private LogEvent Adopted(long from) => Event("ledger/policies", "reward_policy_published",
        $$"""{"version":2,"basePerKind":{"data":"100"},"zeroBelowScore":0,"scoreExponent":1,"capPerAddressPerEpoch":"100000","fallbackShareBasisPoints":5000,"proposalId":"{{Proposal}}","effectiveFromEpoch":{{from}}}""");

    [Fact]
    public void An_honest_history_replays_without_findings_and_names_the_policy_of_every_credit()
    {
        var replay = HistoryUpToTheVote(new PolicyReplay());
        replay.Add(Adopted(1));
        replay.Add(Event("scoring/0x03", "contribution_scored", $$"""{"contributionId":"0x03","contributor":"{{Bob}}","kind":"data","score":60,"fallback":"no-quorum"}"""));
        // A fallback score of content the system never saw: the unseen share (absent, so 0) applies.
        replay.Add(Credit("0x03", Bob, "0", 1, "reward-2"));
        var result = replay.Finish();

        Assert.Empty(result.Findings);
        Assert.Equal([(1L, 2), (2L, 1)], result.RewardPolicies.Select(p => (p.Version, p.Credits)));
        Assert.True(result.Tallies.Single().Matches);
    }

    [Theory]
    [InlineData("ledger/gains/", "model_gain_rewarded", "model_gain_reversed")]
    [InlineData("ledger/data-value/", "data_value_rewarded", "data_value_reversed")]
    public void A_measured_credit_counts_in_the_snapshots_weight_and_its_reversal_takes_it_out(string streams, string credit, string reversal)
    {
        IEnumerable<LogEvent> Measured(bool reversed)
        {
            yield return Event(streams + "0x09", credit, $$"""{"contributionId":"0x09","contributor":"{{Alice}}","amount":"100","epoch":0,"policyVersion":"reward-1"}""");
            if (reversed)
                yield return Event(streams + "0x09", reversal, $$"""{"contributionId":"0x09","account":"{{Alice}}","amount":"-100","epoch":0}""");
        }

        // Alice's vote counts the 800 she earned by the snapshot: right only when the credit of 100 was taken back.
        var takenBack = HistoryUpTo(new PolicyReplay(), Measured(reversed: true).Concat(PassedVote())).Finish();
        var standing = HistoryUpTo(new PolicyReplay(), Measured(reversed: false).Concat(PassedVote())).Finish();

        Assert.Empty(takenBack.Findings);
        Assert.True(takenBack.Tallies.Single().Matches);
        Assert.Contains(standing.Findings, f => f.What == "vote weight" && f.Detail.Contains("900", StringComparison.Ordinal));
    }

    [Fact]
    public void A_fallback_score_of_seen_content_is_paid_the_fallback_share_and_more_is_found()
    {
        var replay = HistoryUpToTheVote(new PolicyReplay());
        replay.Add(Adopted(1));
        replay.Add(Event("contributions/0x03", "contribution_submitted", """{"contributionId":"0x03","contentSize":12}"""));
        replay.Add(Event("scoring/0x03", "contribution_scored", $$"""{"contributionId":"0x03","contributor":"{{Bob}}","kind":"data","score":60,"fallback":"no-quorum"}"""));
        replay.Add(Credit("0x03", Bob, "30", 1, "reward-2")); // 100 · 60 / 100 at half share
        replay.Add(Event("scoring/0x05", "contribution_scored", $$"""{"contributionId":"0x05","contributor":"{{Bob}}","kind":"data","score":60,"fallback":"no-quorum"}"""));
        replay.Add(Credit("0x05", Bob, "60", 1, "reward-2")); // paid in full though nobody reviewed it
        Assert.Equal([("credit amount", 1)], replay.Finish().Findings.GroupBy(f => f.What).Select(g => (g.Key, g.Count())));
    }

    [Fact]
    public void A_credit_under_a_policy_not_yet_in_force_or_a_retroactive_policy_is_found()
    {
        var replay = HistoryUpToTheVote(new PolicyReplay());
        replay.Add(Adopted(0)); // epoch 0 was already credited
        replay.Add(Credit("0x04", Bob, "0", 0, "reward-1"));
        var findings = replay.Finish().Findings.Select(f => f.What).ToList();
        Assert.Contains("retroactive reward policy", findings);
        Assert.Contains("credit policy", findings);
    }

    [Fact]
    public void A_policy_nobody_voted_for_or_an_early_activation_or_a_wrong_tally_is_found()
    {
        var replay = HistoryUpToTheVote(new PolicyReplay(), forWeight: "900", activatedAt: "2026-01-01T12:00:00Z");
        replay.Add(Event("ledger/policies", "reward_policy_published",
            """{"version":3,"basePerKind":{"data":"999999"},"capPerAddressPerEpoch":"999999","effectiveFromEpoch":5}"""));
        var findings = replay.Finish().Findings.Select(f => f.What).ToList();
        Assert.Contains("tally", findings);
        Assert.Contains("activation before the timelock", findings);
        Assert.Contains("reward policy without a vote", findings);
    }

    [Fact]
    public void A_quorum_reached_late_extends_voting_and_the_timelock_runs_from_the_extended_end()
    {
        // Quorum at 05:30, half an hour before the end: voting runs to 06:30, and the timelock ends a day after that.
        var honest = HistoryUpTo(new PolicyReplay(), PassedVote(castAt: "2026-01-01T05:30:00Z", votingEndedAt: "2026-01-01T06:30:00Z",
            activatesAt: "2026-01-02T06:30:00Z", activatedAt: "2026-01-02T06:30:00Z"));
        Assert.Empty(honest.Finish().Findings);

        // The same votes recorded as if nothing extended the vote: the recorded end and the queued date are both
        // governance's own word, and an activation at that date is half an hour early.
        var shortened = HistoryUpTo(new PolicyReplay(), PassedVote(castAt: "2026-01-01T05:30:00Z", votingEndedAt: "2026-01-01T06:00:00Z",
            activatesAt: "2026-01-02T06:00:00Z", activatedAt: "2026-01-02T06:00:00Z"));
        Assert.Equal(["end of voting", "timelock", "activation before the timelock"], shortened.Finish().Findings.Select(f => f.What));
    }

    [Fact]
    public void A_queued_date_that_skips_the_timelock_is_found_and_so_is_the_activation_on_it()
    {
        var replay = HistoryUpTo(new PolicyReplay(), PassedVote(activatesAt: "2026-01-01T06:00:00Z", activatedAt: "2026-01-01T06:00:01Z"));
        Assert.Equal(["timelock", "activation before the timelock"], replay.Finish().Findings.Select(f => f.What));
    }

    [Theory]
    [InlineData("2025-12-31T23:59:59Z")] // before voting opened
    [InlineData("2026-01-01T06:00:00Z")] // the moment it closed
    public void A_vote_counted_outside_the_voting_period_is_found(string castAt)
    {
        // Found even though the tally matches: the vote should never have been taken.
        var replay = HistoryUpTo(new PolicyReplay(), PassedVote(castAt: castAt,
            votingEndedAt: castAt == "2026-01-01T06:00:00Z" ? "2026-01-01T07:00:00Z" : "2026-01-01T06:00:00Z",
            activatesAt: castAt == "2026-01-01T06:00:00Z" ? "2026-01-02T07:00:00Z" : "2026-01-02T06:00:00Z"));
        Assert.Contains("vote outside the period", replay.Finish().Findings.Select(f => f.What));
    }

    [Fact]
    public void A_vote_recorded_after_the_outcome_or_a_proposal_without_its_dates_is_found()
    {
        var replay = HistoryUpToTheVote(new PolicyReplay());
        replay.Add(Event("governance/proposals/" + Proposal, "vote_cast", $$"""{"proposalId":"{{Proposal}}","voter":"{{Bob}}","support":0,"weight":"100","castAt":"2026-01-01T05:00:00Z"}"""));
        Assert.Equal(["vote outside the period"], replay.Finish().Findings.Select(f => f.What));

        var undated = new PolicyReplay();
        var events = PassedVote().ToList();
        events[0] = events[0] with { Data = JsonDocument.Parse($$"""{"proposalId":"{{Proposal}}","kind":"reward-policy","snapshotEpoch":0,"quorumBasisPoints":1000}""").RootElement.Clone() };
        foreach (var e in events)
            undated.Add(e);
        Assert.Contains("proposal timeline", undated.Finish().Findings.Select(f => f.What));
    }

    [Fact]
    public void A_veto_signed_by_the_guardian_it_names_passes_and_a_forged_or_reworded_one_is_found()
    {
        var domain = new SigningDomain(31337, "0x9fE46736679d2D9a65F0992F2272dE9f3c7fa6e0");
        const string GuardianKey = "0x2a871d0798f97d79848a013d4936a73bf4cc922c825d33c1cf7073dff6d409c6"; // anvil key 9
        var guardian = new Nethereum.Signer.EthECKey(GuardianKey).GetPublicAddress();
        LogEvent Veto(string reason, string signedReason, string key) => Event("governance/proposals/" + Proposal, "proposal_vetoed", $$"""
            {"proposalId":"{{Proposal}}","guardian":"{{guardian}}","reason":{{JsonSerializer.Serialize(reason)}},"vetoedAt":"2026-01-02T00:00:00Z","nonce":"7","deadline":1767225600,
             "signature":"{{TypedDataSigner.Sign(new VetoPayload(guardian, Proposal, signedReason, 7, 1767225600), domain, key)}}"}
            """);

        var honest = new PolicyReplay(domain);
        honest.Add(Veto("drains the treasury", "drains the treasury", GuardianKey));
        Assert.Empty(honest.Finish().Findings);

        var forged = new PolicyReplay(domain);
        forged.Add(Veto("drains the treasury", "drains the treasury", "0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d"));
        forged.Add(Veto("a reason the guardian never gave", "drains the treasury", GuardianKey));
        Assert.Equal(["veto signature", "veto signature"], forged.Finish().Findings.Select(f => f.What));
    }
}
