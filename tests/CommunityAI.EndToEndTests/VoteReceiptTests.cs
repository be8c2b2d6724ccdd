using System.Net;
using System.Net.Http.Json;
using System.Numerics;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using CommunityAI.ChainBridge.Apis;
using CommunityAI.ChainBridge.Chain;
using CommunityAI.Formats;
using CommunityAI.Formats.Json;
using CommunityAI.Formats.Log;
using CommunityAI.Formats.Signing;
using CommunityAI.Testing;
using Microsoft.Extensions.Time.Testing;
using Nethereum.Web3;

namespace CommunityAI.EndToEndTests;

/// <summary>
/// A vote's receipt checked as an outsider would: the voter's weight is earned through the real services, the vote is
/// cast with governance, and its receipt's log index is proven, with the RFC 9162 verifier, to be in the tree head the
/// chain-bridge anchored on chain. A class of its own: it has its own database, broker and chain.
/// </summary>
public sealed class VoteReceiptTests(SystemUnderTest system) : IClassFixture<SystemUnderTest>
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private const int VoterKey = 6;

    [Fact]
    public async Task A_votes_receipt_proves_its_inclusion_in_an_anchored_tree_head_and_a_tampered_vote_does_not()
    {
        // Earned weight: rewarded contributions in a closed epoch (one token is the proposal threshold).
        var voter = AnvilNode.DevAddresses[VoterKey];
        for (ulong nonce = 1; nonce <= 3; nonce++)
        {
            var (id, body) = SignedContributions.Make(VoterKey, nonce, $"a labelled sample worth a vote, number {nonce}");
            (await system.Contributions.PostAsJsonAsync("/api/contributions", body)).EnsureSuccessStatusCode();
            await Eventually.MatchesAsync(() => system.Contributions.GetFromJsonAsync<JsonElement>($"/api/contributions/{id}"),
                s => s.GetProperty("status").GetString() is "rewarded" or "anchored", "the contribution to be rewarded");
        }
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var governance = system.StartGovernance(clock);
        await Eventually.MatchesAsync(() => governance.GetFromJsonAsync<JsonElement>($"/api/voters/{voter}"),
            v => BigInteger.Parse(v.GetProperty("ownWeight").GetString()!, System.Globalization.CultureInfo.InvariantCulture) >= BigInteger.Pow(10, 18),
            "an epoch closed with the voter's rewards", TimeSpan.FromSeconds(90));

        var proposalId = await ProposeAsync(governance, clock);
        clock.Advance(TimeSpan.FromSeconds(31)); // Development: a 30-second voting delay
        var vote = new VotePayload(voter, proposalId, 1, "for", 2, Deadline(clock));
        using var cast = await governance.PostAsJsonAsync("/api/votes", new
        {
            vote.Voter, vote.ProposalId, vote.Support, vote.Reason, vote.Nonce, vote.Deadline,
            signature = TypedDataSigner.Sign(vote, TestChain.Domain, AnvilNode.DevPrivateKeys[VoterKey]),
        });
        Assert.True(cast.StatusCode == HttpStatusCode.Created, await cast.Content.ReadAsStringAsync());
        var voteId = (await cast.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;

        // The receipt names the vote's leaf once the log has taken it.
        var receipt = await Eventually.MatchesAsync(() => governance.GetFromJsonAsync<JsonElement>($"/api/votes/{voteId}/receipt"),
            r => r.GetProperty("logIndex").ValueKind == JsonValueKind.Number, "the vote to be logged");
        var index = receipt.GetProperty("logIndex").GetInt64();
        var entry = (await system.ChainBridge.GetFromJsonAsync<List<LogApi.EntryResponse>>($"/api/log/entries?start={index}&end={index + 1}", Json))!.Single();
        var logged = JsonDocument.Parse(entry.Entry).RootElement;
        Assert.Equal("governance/proposals/" + proposalId, logged.GetProperty("stream").GetString());
        Assert.Equal(voteId, logged.GetProperty("data").GetProperty("voteId").GetString());
        Assert.Equal(receipt.GetProperty("weight").GetString(), logged.GetProperty("data").GetProperty("weight").GetString());
        Assert.Equal(Hex.Encode(LogHasher.HashLeaf(Encoding.UTF8.GetBytes(entry.Entry))), receipt.GetProperty("leafHash").GetString());

        // The head anchored on chain covers the vote, and the receipt's proof link proves it under that very root.
        var chain = await system.DeploymentAsync();
        var anchor = new AnchorContract(new Web3(system.Chain.RpcUrl), chain.AnchorContract);
        var head = await Eventually.MatchesAsync(() => anchor.GetLatestHeadAsync(), h => (long)h.TreeSize > index,
            "an anchored tree head covering the vote");
        var proof = (await system.ChainBridge.GetFromJsonAsync<LogApi.InclusionResponse>(
            $"{receipt.GetProperty("inclusionProof").GetString()}&treeSize={head.TreeSize}", Json))!;
        var path = proof.AuditPath.Select(h => Hex.Decode(h, 32)).ToList();
        var verdict = ProofVerifier.VerifyInclusion(index, (long)head.TreeSize, Hex.Decode(receipt.GetProperty("leafHash").GetString()!, 32),
            path, head.RootHash);
        Assert.True(verdict.IsValid, verdict.Message);

        // A vote told otherwise (the weight doubled, or cast against) is not the one the anchored head holds.
        var weight = logged.GetProperty("data").GetProperty("weight").GetString()!;
        foreach (var tampered in new[]
        {
            entry.Entry.Replace($"\"weight\":\"{weight}\"", $"\"weight\":\"{BigInteger.Parse(weight, System.Globalization.CultureInfo.InvariantCulture) * 2}\"", StringComparison.Ordinal),
            entry.Entry.Replace("\"support\":1", "\"support\":0", StringComparison.Ordinal),
        })
        {
            Assert.NotEqual(entry.Entry, tampered);
            var forged = ProofVerifier.VerifyInclusion(index, (long)head.TreeSize, LogHasher.HashLeaf(Encoding.UTF8.GetBytes(tampered)), path, head.RootHash);
            Assert.False(forged.IsValid, $"a tampered vote verified: {tampered}");
        }
    }

    /// <summary>A validator-admission proposal signed by the voter, as a wallet would send it; returns its id.</summary>
    private static async Task<string> ProposeAsync(HttpClient governance, TimeProvider clock)
    {
        const string body = "A receipt anyone can check.";
        var payload = JsonSerializer.SerializeToElement(new { validator = Hex.Encode(RandomNumberGenerator.GetBytes(20)) });
        var message = new ProposalPayload(AnvilNode.DevAddresses[VoterKey], "validator-admission", "Admit a validator",
            Hex.Encode(SHA256.HashData(Encoding.UTF8.GetBytes(body))), Hex.Encode(SHA256.HashData(JsonCanonicalizer.Canonicalize(payload))),
            1, Deadline(clock));
        using var response = await governance.PostAsJsonAsync("/api/proposals", new
        {
            message.Proposer, message.Kind, message.Title, body, payload, message.Nonce, message.Deadline,
            signature = TypedDataSigner.Sign(message, TestChain.Domain, AnvilNode.DevPrivateKeys[VoterKey]),
        });
        Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        return Hex.Encode(TypedDataSigner.Digest(message, TestChain.Domain));
    }

    private static ulong Deadline(TimeProvider clock) => (ulong)clock.GetUtcNow().AddHours(1).ToUnixTimeSeconds();
}
