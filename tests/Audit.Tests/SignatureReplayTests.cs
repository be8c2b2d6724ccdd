using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using CommunityAI.Audit.History;
using CommunityAI.Audit.Replay;
using CommunityAI.Formats;
using CommunityAI.Formats.Signing;
using CommunityAI.Testing;

namespace CommunityAI.Audit.Tests;

/// <summary>
/// The signature replay on hand-made events signed by development keys: every kind of signed fact a person makes verifies;
/// each way an operator could write one in someone else's name, or change what was signed, is named at its log index.
/// (The real service's contributions and erasures are checked in Contributions.IntegrationTests/SignatureAuditTests.)
/// </summary>
public sealed class SignatureReplayTests
{
    private const ulong Deadline = 1_900_000_000;
    private static string Dev(int k) => AnvilNode.DevAddresses[k];

    private static LogEvent Event(long index, string stream, string type, object data) =>
        new(index, index, index + 1, stream, type, Guid.NewGuid().ToString(), JsonSerializer.SerializeToElement(data));

    private static string Sign(ISignedMessage message, int key) => TypedDataSigner.Sign(message, TestChain.Domain, AnvilNode.DevPrivateKeys[key]);

    private static string Id(ISignedMessage message) => Hex.Encode(TypedDataSigner.Digest(message, TestChain.Domain));

    private static string Sha(string text) => Hex.Encode(SHA256.HashData(Encoding.UTF8.GetBytes(text)));

    private static LogEvent Proposal(long index, int key, string body = "why", string payload = """{"version":2}""", string? idOverride = null, ulong nonce = 1)
    {
        var signed = new ProposalPayload(Dev(key), "reward-policy", "Raise the cap", Sha("why"), Sha("""{"version":2}"""), nonce, Deadline);
        return Event(index, "governance/proposals/x", "proposal_submitted", new
        {
            proposalId = idOverride ?? Id(signed), proposer = Dev(key), kind = signed.Kind, title = signed.Title, body, bodyHash = signed.BodyHash,
            payload, payloadHash = signed.PayloadHash, nonce = nonce.ToString(CultureInfo.InvariantCulture), deadline = (long)Deadline, signature = Sign(signed, key),
        });
    }

    private static LogEvent Vote(long index, int key, int recordedSupport = 1, ulong nonce = 1, int signer = -1)
    {
        var signed = new VotePayload(Dev(key), Hex.Encode(new byte[32]), 1, "", nonce, Deadline);
        return Event(index, "governance/proposals/x", "vote_cast", new
        {
            proposalId = signed.ProposalId, voter = Dev(key), support = recordedSupport, reason = "", weight = "5",
            nonce = nonce.ToString(CultureInfo.InvariantCulture), deadline = (long)Deadline, signature = Sign(signed, signer < 0 ? key : signer), voteId = Id(signed),
        });
    }

    private static LogEvent Registration(long index, int key, ulong nonce = 1) => Event(index, $"scoring/validators/{Dev(key)}", "validator_registered", new
    {
        validator = Dev(key), reputation = 0.5m, nonce = nonce.ToString(CultureInfo.InvariantCulture), deadline = (long)Deadline,
        signature = Sign(new ValidatorRegistrationPayload(Dev(key), nonce, Deadline), key),
    });

    private static LogEvent Delegation(long index, int key, int to) => Event(index, $"governance/delegations/{Dev(key)}", "delegation_changed", new
    {
        delegator = Dev(key), delegatee = Dev(to), nonce = "1", deadline = (long)Deadline, signature = Sign(new DelegationPayload(Dev(key), Dev(to), 1, Deadline), key),
    });

    private static (string Id, LogEvent Event) Contribution(long index, int key)
    {
        var signed = new ContributionPayload(Dev(key), "data", Hex.Encode(new byte[32]), "ipfs://x", "CC0-1.0", 1, Deadline);
        return (Id(signed), Event(index, $"contributions/{Id(signed)}", "contribution_submitted", new
        {
            contributionId = Id(signed), contributor = Dev(key), kind = "data", contentHash = signed.ContentHash, contentUri = "ipfs://x",
            licence = "CC0-1.0", nonce = "1", deadline = (long)Deadline, signature = Sign(signed, key),
        }));
    }

    private static LogEvent Erasure(long index, string id, int key) => Event(index, $"contributions/{id}", "contribution_erased", new
    {
        contributionId = id, contributor = Dev(key), nonce = "2", deadline = (long)Deadline, signature = Sign(new ErasurePayload(Dev(key), id, 2, Deadline), key),
    });

    private static SignatureReplayResult Replay(params LogEvent[] events) => Replay(TestChain.Domain, events);

    private static SignatureReplayResult Replay(SigningDomain domain, params LogEvent[] events)
    {
        var replay = new SignatureReplay(domain);
        foreach (var e in events)
            replay.Add(e);
        return replay.Finish();
    }

    [Fact]
    public void Every_kind_of_signed_fact_verifies()
    {
        var (id, contribution) = Contribution(0, 1);
        var result = Replay(contribution, Erasure(1, id, 1), Registration(2, 3), Proposal(3, 4), Vote(4, 5), Delegation(5, 6, 5));

        Assert.Empty(result.Findings);
        Assert.Equal(["contribution", "delegation", "erasure", "proposal", "registration", "vote"], result.Verified.Keys);
        Assert.All(result.Verified.Values, n => Assert.Equal(1, n));
    }

    [Fact]
    public void Signatures_made_for_another_deployment_are_named()
    {
        var result = Replay(new SigningDomain(1, TestChain.AnchorContract), Registration(0, 3), Vote(1, 5));

        Assert.Equal(["registration signature", "vote signature"], result.Findings.Select(f => f.What));
    }

    [Fact]
    public void A_vote_recorded_with_another_choice_than_signed_is_named()
    {
        var finding = Assert.Single(Replay(Vote(7, 5, recordedSupport: 0)).Findings);

        Assert.Equal((7L, "vote signature"), (finding.Index, finding.What));
    }

    [Fact]
    public void A_vote_signed_by_someone_else_is_named_with_who_signed_it()
    {
        var finding = Assert.Single(Replay(Vote(0, 5, signer: 6)).Findings);

        Assert.Contains($"the vote of {Dev(5)} recovers to {Dev(6)}", finding.Detail, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void A_proposal_whose_body_or_payload_was_changed_after_signing_is_named()
    {
        var body = Replay(Proposal(0, 4, body: "a different rationale")).Findings;
        var payload = Replay(Proposal(0, 4, payload: """{"version":3}""")).Findings;

        Assert.Equal("proposal body", Assert.Single(body).What);
        Assert.Equal("proposal payload", Assert.Single(payload).What);
    }

    [Fact]
    public void A_proposal_id_that_is_not_its_digest_is_named()
    {
        var finding = Assert.Single(Replay(Proposal(0, 4, idOverride: Hex.Encode(new byte[32]))).Findings);

        Assert.Equal("proposal id", finding.What);
    }

    [Fact]
    public void A_request_recorded_twice_is_named_at_the_second()
    {
        var result = Replay(Registration(0, 3), Registration(1, 3), Registration(2, 3, nonce: 2));

        var finding = Assert.Single(result.Findings);
        Assert.Equal((1L, "nonce reused"), (finding.Index, finding.What));
        Assert.Contains("first at log index 0", finding.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void An_erasure_by_someone_other_than_the_contributor_is_named_even_when_validly_signed()
    {
        var (id, contribution) = Contribution(0, 1);
        var result = Replay(contribution, Erasure(1, id, 2), Erasure(2, Hex.Encode(new byte[32]), 3));

        Assert.Equal(["erasure", "erasure"], result.Findings.Select(f => f.What));
        Assert.Contains($"of {Dev(1)} is erased in the name of {Dev(2)}", result.Findings[0].Detail, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("never submitted", result.Findings[1].Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void An_unsigned_or_malformed_fact_is_named_not_crashed_on()
    {
        var unsigned = Event(0, "scoring/validators/x", "validator_registered", new { validator = Dev(3), nonce = "1", deadline = 5L });
        var noNonce = Event(1, "scoring/validators/y", "validator_registered", new { validator = Dev(3), deadline = 5L, signature = "0x00" });
        var badAddress = Event(2, "scoring/validators/z", "validator_registered", new { validator = "not an address", nonce = "1", deadline = 5L, signature = "0x00" });

        Assert.Equal(3, Replay(unsigned, noNonce, badAddress).Findings.Count(f => f.What == "registration signature"));
    }

    [Fact]
    public void A_snapshot_by_a_builder_nobody_admitted_and_an_admission_no_vote_made_are_named()
    {
        var now = DateTimeOffset.FromUnixTimeSeconds(1_800_000_000);
        LogEvent Snapshot(long index, int builder) => new(index, index, index + 1, "contributions/datasets/0x" + index, "dataset_snapshotted",
            Guid.NewGuid().ToString(), JsonSerializer.SerializeToElement(SignedFacts.Snapshot(builder, "0x" + index, [], now, nonce: (ulong)index),
                new JsonSerializerOptions(JsonSerializerDefaults.Web)));
        LogEvent Admitted(long index, int builder, string by, string? proposal) =>
            Event(index, "contributions/builders", "dataset_builder_admitted", new { builder = Dev(builder), by, proposalId = proposal, admittedAt = now });
        var vote = Event(2, "governance/proposals/p", "policy_activated", new
        {
            proposalId = "0xp1", kind = "dataset-builder-admission", payload = JsonSerializer.Serialize(new { builder = Dev(6) }), payloadHash = "0x", activatedAt = now,
        });

        var result = Replay(
            Snapshot(0, 7),                                   // before any admission was recorded: not held to it
            Admitted(1, 5, "configuration", null),
            vote, Admitted(3, 6, "governance", "0xp1"),
            Admitted(4, 8, "governance", "0xp2"),              // no vote for it
            Snapshot(5, 5), Snapshot(6, 6), Snapshot(7, 7),   // 7 was never admitted
            Event(8, "contributions/builders", "dataset_builder_removed", new { builder = Dev(5), removedAt = now }),
            Snapshot(9, 5));                                  // removed before it

        Assert.Equal([(4L, "dataset builder"), (7L, "dataset builder"), (9L, "dataset builder")],
            result.Findings.Select(f => (f.Index, f.What)));
        Assert.Equal(5, result.Verified["dataset snapshot"]);
    }

    [Fact]
    public void A_builder_removed_by_a_vote_may_not_snapshot_nor_come_back_by_the_setting_until_voted_in_and_a_removal_no_vote_made_is_named()
    {
        var now = DateTimeOffset.FromUnixTimeSeconds(1_800_000_000);
        LogEvent Snapshot(long index, int builder) => new(index, index, index + 1, "contributions/datasets/0x" + index, "dataset_snapshotted",
            Guid.NewGuid().ToString(), JsonSerializer.SerializeToElement(SignedFacts.Snapshot(builder, "0x" + index, [], now, nonce: (ulong)index),
                new JsonSerializerOptions(JsonSerializerDefaults.Web)));
        LogEvent Admitted(long index, int builder, string by, string? proposal) =>
            Event(index, "contributions/builders", "dataset_builder_admitted", new { builder = Dev(builder), by, proposalId = proposal, admittedAt = now });
        LogEvent Removed(long index, int builder, string by, string? proposal) =>
            Event(index, "contributions/builders", "dataset_builder_removed", new { builder = Dev(builder), removedAt = now, by, proposalId = proposal });
        LogEvent Vote(long index, string proposal, string kind, int builder) => Event(index, "governance/proposals/" + proposal, "policy_activated", new
        {
            proposalId = proposal, kind, payload = JsonSerializer.Serialize(new { builder = Dev(builder) }), payloadHash = "0x", activatedAt = now,
        });

        var result = Replay(
            Admitted(0, 5, "configuration", null),
            Vote(1, "0xr1", "dataset-builder-removal", 5), Removed(2, 5, "governance", "0xr1"),
            Snapshot(3, 5),                                   // removed by the vote
            Admitted(4, 5, "configuration", null),            // the setting may not bring it back
            Admitted(5, 6, "configuration", null),
            Vote(6, "0xa1", "dataset-builder-admission", 6),
            Removed(7, 6, "governance", "0xa1"),              // an admission vote is no removal vote
            Vote(8, "0xa2", "dataset-builder-admission", 5), Admitted(9, 5, "governance", "0xa2"),
            Snapshot(10, 5),                                  // voted back in
            Removed(11, 5, "configuration", null), Admitted(12, 5, "configuration", null)); // no longer barred

        Assert.Equal([(3L, "dataset builder"), (4L, "dataset builder"), (7L, "dataset builder")],
            result.Findings.Select(f => (f.Index, f.What)));
        Assert.Contains("proposal 0xr1 removed it", result.Findings[1].Detail, StringComparison.Ordinal);
        Assert.Contains("no activated dataset-builder-removal", result.Findings[2].Detail, StringComparison.Ordinal);
    }
}
