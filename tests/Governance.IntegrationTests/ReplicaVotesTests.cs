using System.Net;
using System.Net.Http.Json;
using System.Numerics;
using System.Text.Json;
using CommunityAI.Formats.Signing;
using Nethereum.Signer;

namespace CommunityAI.Governance.IntegrationTests;

/// <summary>
/// One vote per voter across two replicas: each voter sends one signed vote to each replica at the same moment, "for"
/// to the first and "against" to the second, as a voter trying to be counted twice behind a load balancer would.
/// Nothing shared in memory stands between the two (each replica has its own gate): the proposal stream's version check
/// and the one row per voter decide. A class of its own: it closes an epoch of its own voters.
/// </summary>
public sealed class ReplicaVotesTests(GovernanceSystem system) : CrowdVotingTests(system, Crowd)
{
    private const int Voters = 24;
    private static readonly EthECKey[] Crowd = NewCrowd(Voters);

    [Fact]
    public async Task A_voter_racing_two_different_votes_through_two_replicas_is_counted_once_with_the_vote_recorded()
    {
        var id = await ProposeAsync(1, new { validator = GovernanceSystem.RandomAddress() });
        await System.AdvanceAsync(TimeSpan.FromSeconds(31));
        var first = System.Api;
        var second = System.SecondReplica;

        using var start = new SemaphoreSlim(0);
        var races = Keys.Select(async key =>
        {
            var (yes, no) = (Signed(key, id, support: 1), Signed(key, id, support: 0));
            await start.WaitAsync();
            var answers = await Task.WhenAll(SendAsync(first, yes), SendAsync(second, no));
            return (Voter: key.GetPublicAddress(), For: answers[0], Against: answers[1]);
        }).ToArray();
        start.Release(Voters * 2);
        var results = await Task.WhenAll(races);

        // Exactly one of each voter's two votes was recorded; the other was refused as a second vote, never an error.
        foreach (var (voter, yes, no) in results)
        {
            var statuses = new[] { yes.Status, no.Status }.Order().ToArray();
            Assert.True(statuses is [HttpStatusCode.Created, HttpStatusCode.Conflict], $"{voter}: {(int)yes.Status} {yes.Body} / {(int)no.Status} {no.Body}");
            Assert.Contains("already voted", yes.Status == HttpStatusCode.Conflict ? yes.Body : no.Body);
        }
        Assert.Equal(Voters, await System.CountEventsOfTypeAsync("vote_cast", id));

        // The tally counts the vote each voter's accepted answer named, with the voter's weight, on either replica.
        BigInteger Sum(bool forVotes) => results.Select((r, i) => (r, Weight: (i + 1) * GovernanceSystem.Token))
            .Where(x => (x.r.For.Status == HttpStatusCode.Created) == forVotes)
            .Aggregate(BigInteger.Zero, (sum, x) => sum + x.Weight);
        foreach (var replica in new[] { first, second })
        {
            var tally = (await replica.GetFromJsonAsync<JsonElement>($"/api/proposals/{id}")).GetProperty("tally");
            Assert.Equal(Sum(true).ToString(), tally.GetProperty("for").GetString());
            Assert.Equal(Sum(false).ToString(), tally.GetProperty("against").GetString());
        }

        // The very same signed vote sent again through the other replica is a harmless retry, not a second vote.
        var (retryVoter, retryFor, _) = results[0];
        var accepted = retryFor.Status == HttpStatusCode.Created ? retryFor.Vote : results[0].Against.Vote;
        var again = await SendAsync(retryFor.Status == HttpStatusCode.Created ? second : first, accepted);
        Assert.True(again.Status == HttpStatusCode.OK, $"{retryVoter}: {(int)again.Status} {again.Body}");
        Assert.Equal(Voters, await System.CountEventsOfTypeAsync("vote_cast", id));
    }

    private object Signed(EthECKey key, string proposalId, int support)
    {
        var message = new VotePayload(key.GetPublicAddress(), proposalId, (byte)support, "", System.NextNonce(),
            (ulong)System.Clock.GetUtcNow().AddHours(1).ToUnixTimeSeconds());
        return new
        {
            voter = message.Voter, proposalId, support, reason = "", nonce = message.Nonce, deadline = message.Deadline,
            signature = TypedDataSigner.Sign(message, GovernanceSystem.Domain, key.GetPrivateKey()),
        };
    }

    private static async Task<(HttpStatusCode Status, string Body, object Vote)> SendAsync(HttpClient replica, object vote)
    {
        using var response = await replica.PostAsJsonAsync("/api/votes", vote);
        return (response.StatusCode, await response.Content.ReadAsStringAsync(), vote);
    }
}
