using System.Globalization;
using System.Numerics;
using System.Security.Cryptography;
using System.Text.Json;
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
/// The validators' share of a dataset payment, the whole way: a genesis reward policy giving validators a fifth of each
/// payment, two contributions scored by quality-scoring's own decision over signed reviews, a snapshot of both, a
/// builder's payment on anvil, the real chain-bridge and reward-ledger. The reviewers receive exactly their part by
/// review weight, the contributor the rest, a reviewer claims its part on chain, and <c>replay</c> agrees, then names a
/// validator line edited or taken out.
/// </summary>
public sealed class DatasetValidatorSharePathTests : IAsyncLifetime
{
    private const int ValidatorShare = 2_000;
    private readonly RevenuePath _path = new("valshare", new Dictionary<string, string>
    {
        ["Rewards:Genesis:DatasetValidatorShareBasisPoints"] = ValidatorShare.ToString(CultureInfo.InvariantCulture),
    });

    public Task InitializeAsync() => _path.StartAsync();

    public Task DisposeAsync() => _path.DisposeAsync().AsTask();

    [Fact]
    public async Task A_payment_gives_the_reviewers_their_share_by_review_weight_the_contributor_the_rest_and_replay_names_a_forged_share()
    {
        var deployment = await _path.DeploymentAsync();
        var token = _path.Token(deployment);

        // Two cases decided by quality-scoring's own rules over signed reviews: one reviewer clipped in the first, none in the second.
        string accepted, rejected;
        await using (var history = new ScoringHistory(_path.Database))
        {
            await history.PublishPolicyAsync();
            accepted = await history.ScoreAsync(72, [(3, 0.5m), (5, 0.8m), (6, 0.3m)], [(3, 80, "accept"), (5, 75, "accept"), (6, 20, "reject")]);
            rejected = await history.ScoreAsync(60, [(5, 0.6m), (6, 0.4m), (7, 0.9m)], [(5, 30, "reject"), (6, 35, "reject"), (7, 40, "accept")]);
        }
        var root = Hex.Encode(RandomNumberGenerator.GetBytes(32));
        var store = _path.Ledger!.Services.GetRequiredService<IDocumentStore>();
        await using (var session = store.LightweightSession())
        {
            session.Events.StartStream("contributions/datasets/" + root, SignedFacts.Snapshot(4, root,
                [new DatasetMember(accepted, Hex.Encode(RandomNumberGenerator.GetBytes(32))), new DatasetMember(rejected, Hex.Encode(RandomNumberGenerator.GetBytes(32)))],
                DateTimeOffset.UtcNow));
            await session.SaveChangesAsync();
        }

        // The builder pays on chain.
        var price = BigInteger.Pow(10, 21) + 7;
        await _path.PayAsync(deployment, root, price);

        await Eventually.MatchesAsync(() => _path.CountAsync($"SELECT count(*) FROM history.mt_events WHERE type = 'contribution_rewarded' AND data->>'contributionId' IN ('{accepted}', '{rejected}')"),
            n => n == 2, "both scores credited", RevenuePath.Patience);
        var splitJson = await Eventually.MatchesAsync(() => TextAsync("SELECT data::text FROM history.mt_events WHERE type = 'revenue_split'"),
            t => t is not null, "the payment split", RevenuePath.Patience);
        var split = JsonSerializer.Deserialize<RevenueSplit>(splitJson!, JsonSerializerOptions.Web)!;

        // The expected split, worked out here from the two recorded scores: a review weighs floor(reputation · agreement · 10^6)
        // unless clipped; the pool is a fifth of the price; the one contributor takes the rest; rounding goes to the treasury.
        var scores = new List<ContributionScored>();
        foreach (var id in new[] { accepted, rejected })
            scores.Add(JsonSerializer.Deserialize<ContributionScored>((await TextAsync($"SELECT data::text FROM history.mt_events WHERE type = 'contribution_scored' AND stream_id = 'scoring/{id}'"))!,
                JsonSerializerOptions.Web)!);
        var weights = scores.SelectMany(s => s.Reviews!).Where(r => !r.Clipped)
            .GroupBy(r => Address.Parse(r.Validator))
            .ToDictionary(g => g.Key, g => g.Sum(r => (long)decimal.Floor(r.Reputation * (r.Agreement ?? 1m) * 1_000_000m)));
        Assert.Contains(scores.SelectMany(s => s.Reviews!), r => r.Clipped); // the clipped reviewer earns nothing for that review
        var weightTotal = weights.Values.Sum();
        var pool = price * ValidatorShare / 10_000;
        var expected = new List<(string, string, string)> { (AnvilNode.DevAddresses[0], "contributor", (price - pool).ToString(CultureInfo.InvariantCulture)) };
        expected.AddRange(weights.Where(w => w.Value > 0).OrderBy(w => w.Key, StringComparer.Ordinal)
            .Select(w => (w.Key, "validator", (pool * w.Value / weightTotal).ToString(CultureInfo.InvariantCulture))));
        var left = price - expected.Aggregate(BigInteger.Zero, (s, l) => s + BigInteger.Parse(l.Item3, CultureInfo.InvariantCulture));
        if (left > 0)
            expected.Add((DevelopmentChain.Treasury, "treasury", left.ToString(CultureInfo.InvariantCulture)));

        Assert.Equal(expected, split.Lines.Select(l => (l.Address, l.Role, l.Amount)));
        Assert.Equal((pool.ToString(CultureInfo.InvariantCulture), weightTotal, "reward-1"), (split.ValidatorPool, split.ValidatorWeight, split.PolicyVersion));
        Assert.Equal(price, split.Lines.Aggregate(BigInteger.Zero, (s, l) => s + BigInteger.Parse(l.Amount, CultureInfo.InvariantCulture)));

        // A reviewer claims its part on chain: the genesis policy pays no per-case validator pay, so its claim is its share alone.
        // (Account 7, a reviewer too, is the development treasury: its two lines are one account, as the splitter keeps them.)
        var reviewer = AnvilNode.DevAddresses[5];
        var reviewerShare = BigInteger.Parse(split.Lines.Single(l => l.Address == reviewer).Amount, CultureInfo.InvariantCulture);
        var (_, paid) = await _path.ClaimAsync(deployment, reviewer, _ => true, $"{reviewer}'s claim against the distributor's root");
        Assert.Equal(reviewerShare, paid);
        Assert.Equal(reviewerShare, await token.GetFunction("balanceOf").CallAsync<BigInteger>(reviewer));

        var honest = await AuditRun.RunAsync("replay", "--database", _path.Database, "--json");
        Assert.True(honest.ExitCode == 0, honest.ToString());
        var revenue = honest.Json.GetProperty("revenue");
        Assert.Equal(1, revenue.GetProperty("splits").GetInt32());
        var toValidators = expected.Where(l => l.Item2 == "validator").Aggregate(BigInteger.Zero, (s, l) => s + BigInteger.Parse(l.Item3, CultureInfo.InvariantCulture));
        Assert.Equal((price - pool).ToString(CultureInfo.InvariantCulture), revenue.GetProperty("toContributors").ToString());
        Assert.Equal(toValidators.ToString(CultureInfo.InvariantCulture), revenue.GetProperty("toValidators").ToString());
        Assert.True(pool - toValidators < weights.Count, "rounding leaves less than a unit per reviewer");

        // One base unit moved from a validator's line to the contributor's: the sums still add up, the split does not.
        await _path.StopLedgerAsync();
        await ExecuteAsync("""
            UPDATE history.mt_events SET data = jsonb_set(jsonb_set(data,
                '{lines,0,amount}', to_jsonb(((data->'lines'->0->>'amount')::numeric + 1)::text)),
                '{lines,1,amount}', to_jsonb(((data->'lines'->1->>'amount')::numeric - 1)::text))
            WHERE type = 'revenue_split'
            """);
        var edited = await AuditRun.RunAsync("replay", "--database", _path.Database, "--json");
        Assert.NotEqual(0, edited.ExitCode);
        Assert.Contains(edited.Json.GetProperty("revenue").GetProperty("findings").EnumerateArray(), f => f.GetProperty("what").GetString() == "revenue lines");

        // The validators' share left out altogether, the contributor given the whole amount as before the policy: named too.
        await ExecuteAsync($$"""
            UPDATE history.mt_events SET data = (data - 'validatorPool' - 'validatorWeight' - 'policyVersion')
                || jsonb_build_object('lines', jsonb_build_array(jsonb_build_object('address', '{{AnvilNode.DevAddresses[0]}}', 'role', 'contributor',
                   'weight', (data->'lines'->0->>'weight')::bigint, 'amount', '{{price}}')))
            WHERE type = 'revenue_split'
            """);
        var missing = await AuditRun.RunAsync("replay", "--database", _path.Database, "--json");
        Assert.NotEqual(0, missing.ExitCode);
        var findings = missing.Json.GetProperty("revenue").GetProperty("findings").EnumerateArray().Select(f => f.GetProperty("what").GetString()).ToList();
        Assert.Contains("revenue validatorPool", findings);
        Assert.Contains("revenue lines", findings);
    }

    private async Task<string?> TextAsync(string sql) => await _path.ScalarAsync(sql) as string;

    private async Task ExecuteAsync(string sql) => Assert.Equal(1L, Convert.ToInt64(await _path.ScalarAsync(sql + " RETURNING 1"), CultureInfo.InvariantCulture));
}
