using System.Globalization;
using System.Numerics;
using System.Security.Cryptography;
using CommunityAI.ChainBridge.Chain;
using CommunityAI.Contracts;
using CommunityAI.Formats;
using CommunityAI.Formats.Signing;
using CommunityAI.Testing;
using Marten;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace CommunityAI.Audit.Tests;

/// <summary>
/// The whole way from a builder's wallet to a contributor's: the real chain-bridge and reward-ledger services on one
/// database, broker and anvil. A builder pays the pool on chain, the bridge records the payment, the ledger splits it,
/// an epoch closes, the bridge publishes its root to the distributor, and each contributor claims exactly their share
/// on chain; <c>replay</c> agrees with all of it.
/// </summary>
public sealed class DatasetRevenuePathTests : IAsyncLifetime
{
    private readonly RevenuePath _path = new("revenuepath");

    public Task InitializeAsync() => _path.StartAsync();

    public Task DisposeAsync() => _path.DisposeAsync().AsTask();

    [Fact]
    public async Task A_builders_payment_reaches_each_contributor_as_exactly_their_share_claimed_on_chain()
    {
        var deployment = await _path.DeploymentAsync();
        var token = _path.Token(deployment);

        // Two contributors' scored contributions in a snapshot, as quality-scoring and the contributions service record them.
        var (alice, bob) = (AnvilNode.DevAddresses[5], AnvilNode.DevAddresses[6]);
        var (a, b) = (Hex.Encode(RandomNumberGenerator.GetBytes(32)), Hex.Encode(RandomNumberGenerator.GetBytes(32)));
        var root = Hex.Encode(RandomNumberGenerator.GetBytes(32));
        var store = _path.Ledger!.Services.GetRequiredService<IDocumentStore>();
        await using (var session = store.LightweightSession())
        {
            session.Events.StartStream("scoring/" + a, new ContributionScored(a, Address.Parse(alice), "data", 90, "scoring-1", DateTimeOffset.UtcNow));
            session.Events.StartStream("scoring/" + b, new ContributionScored(b, Address.Parse(bob), "data", 45, "scoring-1", DateTimeOffset.UtcNow));
            await session.SaveChangesAsync();
        }
        await using (var session = store.LightweightSession())
        {
            session.Events.StartStream("contributions/datasets/" + root, SignedFacts.Snapshot(4, root,
                [new DatasetMember(a, Hex.Encode(RandomNumberGenerator.GetBytes(32))), new DatasetMember(b, Hex.Encode(RandomNumberGenerator.GetBytes(32)))],
                DateTimeOffset.UtcNow));
            await session.SaveChangesAsync();
        }

        // The builder holds community tokens and pays for the snapshot.
        var price = BigInteger.Pow(10, 21) + 1; // 1000 tokens and a base unit: two thirds and one third of it leave one over
        await _path.PayAsync(deployment, root, price);

        // The ledger credits the scores as rewards too (ScoreFollower): wait for them, so the claim roots hold still.
        await Eventually.MatchesAsync(() => _path.CountAsync($"SELECT count(*) FROM history.mt_events WHERE type = 'contribution_rewarded' AND data->>'contributionId' IN ('{a}', '{b}')"),
            n => n == 2, "both scores credited", RevenuePath.Patience);
        await Eventually.MatchesAsync(() => _path.CountAsync("SELECT count(*) FROM history.mt_events WHERE type = 'revenue_split'"), n => n == 1, "the payment split", RevenuePath.Patience);

        var aliceShare = price * 90 / 135;
        var bobShare = price * 45 / 135;
        var treasuryShare = price - aliceShare - bobShare;
        Assert.Equal(BigInteger.One, treasuryShare); // 666…667.33 and 333…333.67 rounded down
        foreach (var (account, share) in new[] { (alice, aliceShare), (bob, bobShare), (DevelopmentChain.Treasury, treasuryShare) })
        {
            // Exactly the share on top of whatever the policy paid for the scores themselves.
            var rewards = await RewardsAsync(account);

            // The ledger's proof against the root the distributor holds now. The split enters the tree of the first epoch
            // closed after it, so an earlier root, which holds the rewards alone, is waited out rather than claimed.
            var (claim, paid) = await _path.ClaimAsync(deployment, account, view => BigInteger.Parse(view.Amount, CultureInfo.InvariantCulture) == rewards + share,
                $"{account}'s claim of {rewards + share} against the distributor's root");

            Assert.Equal(rewards + share, BigInteger.Parse(claim.Amount, CultureInfo.InvariantCulture));
            Assert.Equal(rewards + share, paid);
            Assert.Equal(rewards + share, await token.GetFunction("balanceOf").CallAsync<BigInteger>(account));
        }
        Assert.Equal(price, await token.GetFunction("balanceOf").CallAsync<BigInteger>(deployment.RevenuePoolAddress));
        Assert.Equal(BigInteger.Zero, await token.GetFunction("balanceOf").CallAsync<BigInteger>(RevenuePath.Builder));

        var replay = await AuditRun.RunAsync("replay", "--database", _path.Database, "--json");
        Assert.True(replay.ExitCode == 0, replay.ToString());
        Assert.Equal(1, replay.Json.GetProperty("revenue").GetProperty("splits").GetInt32());
    }

    private async Task<BigInteger> RewardsAsync(string account)
    {
        await using var connection = new NpgsqlConnection(_path.Database);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            "SELECT coalesce(sum((data->>'amount')::numeric), 0)::text FROM history.mt_events WHERE type = 'contribution_rewarded' AND data->>'contributor' = @a",
            connection);
        command.Parameters.AddWithValue("a", Address.Parse(account));
        return BigInteger.Parse((string)(await command.ExecuteScalarAsync())!, CultureInfo.InvariantCulture);
    }
}
