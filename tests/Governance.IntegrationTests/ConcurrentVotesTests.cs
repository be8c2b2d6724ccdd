using System.Net;
using System.Net.Http.Json;
using System.Numerics;
using CommunityAI.Formats.Signing;
using Nethereum.Signer;

namespace CommunityAI.Governance.IntegrationTests;

/// <summary>
/// Many people voting on one proposal at the same moment, as a popular proposal gets: every vote is recorded once and
/// counted. Before the desk let one writer at a time into a proposal's stream, concurrent voters lost the stream's
/// version race again and again until one ran out of retries and was answered 500. A class of its own, with a crowd
/// of its own.
/// </summary>
public sealed class ConcurrentVotesTests(GovernanceSystem system) : CrowdVotingTests(system, Crowd)
{
    private const int Voters = 48;
    private static readonly EthECKey[] Crowd = NewCrowd(Voters);

    [Fact]
    public async Task Votes_arriving_all_at_once_on_one_proposal_are_each_recorded_and_counted()
    {
        var id = await ProposeAsync(1, new { validator = GovernanceSystem.RandomAddress() });
        await System.AdvanceAsync(TimeSpan.FromSeconds(31));

        var votes = Keys.Select((key, i) =>
        {
            var message = new VotePayload(key.GetPublicAddress(), id, (byte)(i % 2), "", System.NextNonce(),
                (ulong)System.Clock.GetUtcNow().AddHours(1).ToUnixTimeSeconds());
            return new
            {
                voter = message.Voter, proposalId = id, support = (int)message.Support, reason = "", nonce = message.Nonce,
                deadline = message.Deadline, signature = TypedDataSigner.Sign(message, GovernanceSystem.Domain, key.GetPrivateKey()),
            };
        }).ToArray();
        using var start = new SemaphoreSlim(0);
        var answers = votes.Select(async vote =>
        {
            await start.WaitAsync();
            using var response = await System.Api.PostAsJsonAsync("/api/votes", vote);
            return (response.StatusCode, Body: await response.Content.ReadAsStringAsync());
        }).ToArray();
        start.Release(votes.Length);

        foreach (var (status, body) in await Task.WhenAll(answers))
            Assert.True(status == HttpStatusCode.Created, $"{(int)status}: {body}");
        Assert.Equal(Voters, await System.CountEventsOfTypeAsync("vote_cast", id));
        var tally = (await System.GetAsync($"/api/proposals/{id}")).GetProperty("tally");
        BigInteger Sum(int parity) => Enumerable.Range(0, Voters).Where(i => i % 2 == parity)
            .Aggregate(BigInteger.Zero, (sum, i) => sum + (i + 1) * GovernanceSystem.Token);
        Assert.Equal(Sum(1).ToString(), tally.GetProperty("for").GetString());
        Assert.Equal(Sum(0).ToString(), tally.GetProperty("against").GetString());
    }
}
