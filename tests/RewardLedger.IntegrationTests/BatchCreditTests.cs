using System.Numerics;
using CommunityAI.Contracts;
using CommunityAI.Formats.Policies;
using CommunityAI.Formats.Signing;
using CommunityAI.RewardLedger.Infrastructure;
using CommunityAI.ServiceDefaults.History;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace CommunityAI.RewardLedger.IntegrationTests;

/// <summary>
/// The score feed is credited a whole batch per transaction; these check through the real path (scores recorded in
/// quality-scoring's streams, followed by the ledger's leader loop) that a batch credits exactly what crediting one score
/// at a time did, and that writers racing on the same batches credit each score once.
/// </summary>
public sealed class BatchCreditTests(SmallCapLedgerSystem system) : IClassFixture<SmallCapLedgerSystem>
{
    private static readonly BigInteger Token = TokenAmount.OneToken;

    [Fact]
    public async Task A_batch_crossing_a_contributors_cap_and_paying_it_as_a_validator_credits_what_one_by_one_crediting_did()
    {
        using var credited = new CounterWatch(Microsoft.Extensions.Hosting.CommunityTelemetry.MeterName,
            CommunityAI.ServiceDefaults.Telemetry.CommunityMetrics.ContributionsCreditedName);
        _ = system.Api;
        var (batched, twin, validator) = (Address.Parse(LedgerSystem.RandomAddress()), Address.Parse(LedgerSystem.RandomAddress()), Address.Parse(LedgerSystem.RandomAddress()));
        // The contributor's own scores cross the cap of 25 at the fourth (9 + 5 + 10 + 7 > 25); between them it reviews two
        // other contributors' cases, whose pay must not count toward its cap, whichever side of the crossing it falls.
        List<ContributionScored> Sequence(string contributor) =>
        [
            Own(contributor, 90), Own(contributor, 50),
            Reviewed(LedgerSystem.Scored(LedgerSystem.RandomAddress(), 80), [new(contributor, 80, "accept", 0.5m, false), new(validator, 78, "accept", 0.5m, false)]),
            Own(contributor, 100), Own(contributor, 70), Own(contributor, 30),
            Reviewed(LedgerSystem.Scored(LedgerSystem.RandomAddress(), 60), [new(validator, 60, "accept", 0.5m, false), new(contributor, 62, "accept", 0.5m, false)]),
            Own(contributor, 100), Own(contributor, 60),
        ];
        // The ledger warmed up first (genesis policy recorded, follower idle), so nothing else is appended meanwhile.
        var warmUp = Own(LedgerSystem.RandomAddress(), 50);
        await system.RecordAsync([warmUp]);
        await Eventually.MatchesAsync(() => system.CreditsAsync(In([warmUp])), n => n == 1, "the warm-up credited");
        var sequence = Sequence(batched);
        await system.RecordAsync(sequence); // one transaction: the follower reads it as one batch (one credit time)

        await Eventually.MatchesAsync(() => system.CreditsAsync(In(sequence)), n => n == sequence.Count, "the batch credited");
        Assert.Equal(1, await LedgerSql.CountAsync(system.History,
            $"SELECT count(DISTINCT data->>'creditedAt') FROM history.mt_events WHERE type = 'contribution_rewarded' AND {In(sequence)}"));

        // The same sequence for another address, credited one score at a time as the ledger used to.
        var writer = system.Services(0).GetRequiredService<CreditWriter>();
        foreach (var scored in Sequence(twin))
            Assert.NotNull(await writer.CreditAsync(scored, default));

        var amounts = await AmountsOfAsync(batched);
        Assert.Equal(await AmountsOfAsync(twin), amounts);
        Assert.Equal([9 * Token, 5 * Token, 10 * Token, 1 * Token, 0, 0, 0], amounts);
        Assert.Equal(await AccountAsync(twin), await AccountAsync(batched));
        // Balance: the capped 25 plus half of each case's 1-token validator pool; earned toward the cap: 25.
        Assert.Equal((TokenAmount.Format(26 * Token), 9L, TokenAmount.Format(SmallCapLedgerSystem.CapTokens * Token)), await AccountAsync(batched));
        // Every committed credit is counted for the operators' dashboard, by kind (other classes credit meanwhile: at least).
        Assert.True(credited.Total(("kind", warmUp.Kind)) >= 1 + 2 * sequence.Count, $"credited counter: {credited.Total(("kind", warmUp.Kind))}");
    }

    [Fact]
    public async Task Writers_racing_on_the_same_feed_batches_credit_each_score_once_in_history_order()
    {
        _ = system.Api;
        system.StartReplica(); // a second host: its CreditWriter races the first's, and both race the leader's loop
        var contributors = Enumerable.Range(0, 12).Select(_ => Address.Parse(LedgerSystem.RandomAddress())).ToList();
        var validators = Enumerable.Range(0, 3).Select(_ => Address.Parse(LedgerSystem.RandomAddress())).ToList();
        var scores = Enumerable.Range(0, 360).Select(i =>
        {
            var scored = Own(contributors[i % contributors.Count], 40 + i * 7 % 61);
            return i % 3 == 0 ? Reviewed(scored, [new(validators[i % 3], 70, "accept", 0.7m, false), new(validators[(i + 1) % 3], 60, "accept", 0.3m, false)]) : scored;
        }).ToList();
        await system.RecordAsync(scores);
        var last = await LedgerSql.CountAsync(system.History, "SELECT max(seq_id) FROM history.mt_events");

        // Each host follows the feed from the start, as a leader that lost its lease may while the next one leads.
        await Task.WhenAll(Enumerable.Range(0, 2).Select(host => FollowAsync(system.Services(host), last)));
        await Eventually.MatchesAsync(() => system.CreditsAsync(In(scores)), n => n == scores.Count, "every score credited");

        Assert.Equal(scores.Count, await system.CreditsAsync(In(scores), distinct: true));
        Assert.Equal(scores.Count, await LedgerSql.CountAsync(system.History, $"SELECT count(*) FROM ledger.mt_doc_journalentry WHERE id IN ({Ids(scores)})"));
        // History order per contributor: each one's amounts are the policy's fold over its own scores, capped.
        var policy = RewardPolicy.Initial with { CapPerAddressPerEpoch = SmallCapLedgerSystem.CapTokens * Token, ValidatorShareBasisPoints = 1000 };
        foreach (var contributor in contributors)
        {
            var earned = BigInteger.Zero;
            var expected = new List<BigInteger>();
            foreach (var scored in scores.Where(s => s.Contributor == contributor))
            {
                expected.Add(policy.RewardFor(scored.Kind, scored.Score, earned));
                earned += expected[^1];
            }
            Assert.Equal(expected, await AmountsOfAsync(contributor));
        }
        // Each validator paid once per reviewed case: 120 cases, a 1-token pool each, shared 7:3 between two validators.
        var paid = await LedgerSql.SumAsync(system.History, $"""
            SELECT sum((l->>'amount')::numeric) FROM history.mt_events e, jsonb_array_elements(e.data->'lines') l
            WHERE e.type = 'validators_rewarded' AND {In(scores)}
            """);
        Assert.Equal(120 * Token, paid);
        Assert.Equal(120, await LedgerSql.CountAsync(system.History, $"SELECT count(*) FROM history.mt_events WHERE type = 'validators_rewarded' AND {In(scores)}"));

        // A writer still holding an old batch records nothing and does not move the checkpoint back.
        var checkpoint = await CheckpointAsync();
        Assert.True(checkpoint >= last);
        Assert.Empty(await system.Services(1).GetRequiredService<CreditWriter>().CreditAsync(scores.Take(50).ToList(), 1, traces: null, default));
        Assert.Equal(checkpoint, await CheckpointAsync());
    }

    // What a leader's loop does with each feed batch, until the feed has handed out everything up to `last`.
    private static async Task FollowAsync(IServiceProvider services, long last)
    {
        var feed = new HistoryFeed(services.GetRequiredService<NpgsqlDataSource>(), ScoreFollower.ScoringStreamPrefix);
        var writer = services.GetRequiredService<CreditWriter>();
        var cursor = FeedCursor.Start;
        while (cursor.Checkpoint < last)
        {
            var batch = await feed.ReadAsync(cursor, 40, default);
            if (batch.Next.Checkpoint > cursor.Checkpoint)
            {
                var (scores, traces) = ScoreFollower.ScoresIn(batch.Events);
                await writer.CreditAsync(scores, batch.Next.Checkpoint, traces, default);
            }
            else
                await Task.Delay(20);
            cursor = batch.Next;
        }
    }

    private Task<long> CheckpointAsync() =>
        LedgerSql.CountAsync(system.History, "SELECT (data->>'sequence')::bigint FROM ledger.mt_doc_followercheckpoint WHERE id = 'scores'");

    private static ContributionScored Own(string contributor, int score) => LedgerSystem.Scored(contributor, score);

    private static ContributionScored Reviewed(ContributionScored scored, IReadOnlyList<ScoredReview> reviews) => scored with
    {
        Components = new ScoreComponents(60, 78, "accept", 40, []),
        Reviews = reviews,
    };

    private static string Ids(IEnumerable<ContributionScored> scores) => string.Join(",", scores.Select(s => $"'{s.ContributionId}'"));

    private static string In(IEnumerable<ContributionScored> scores) => $"data->>'contributionId' IN ({Ids(scores)})";

    /// <summary>The contributor's credits, in history order.</summary>
    private async Task<List<BigInteger>> AmountsOfAsync(string contributor) =>
        [.. (await LedgerSql.RowsAsync(system.History, $"""
            SELECT data->>'contributor', data->>'amount' FROM history.mt_events
            WHERE type = 'contribution_rewarded' AND data->>'contributor' = '{contributor}' ORDER BY seq_id
            """)).Select(r => r.Amount)];

    private async Task<(string Balance, long Entries, string EarnedInEpoch)> AccountAsync(string address)
    {
        await using var connection = new NpgsqlConnection(system.History);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            "SELECT data->>'balance', (data->>'entries')::bigint, data->>'earnedInEpoch' FROM ledger.mt_doc_ledgeraccount WHERE id = @id", connection);
        command.Parameters.AddWithValue("id", address);
        await using var reader = await command.ExecuteReaderAsync();
        Assert.True(await reader.ReadAsync(), $"no account for {address}");
        return (reader.GetString(0), reader.GetInt64(1), reader.GetString(2));
    }
}

/// <summary>A batch read again after a crash (its own fixture: the test stops the first replica).</summary>
public sealed class BatchCreditRestartTests(SmallCapLedgerSystem system) : IClassFixture<SmallCapLedgerSystem>
{
    [Fact]
    public async Task A_batch_read_again_from_an_older_checkpoint_credits_nothing_twice_not_even_a_credit_whose_journal_row_was_deleted()
    {
        _ = system.Api;
        var contributor = Address.Parse(LedgerSystem.RandomAddress());
        var first = Enumerable.Range(0, 40).Select(i => LedgerSystem.Scored(i < 2 ? contributor : LedgerSystem.RandomAddress(), 90)).ToList();
        await system.RecordAsync(first);
        await Eventually.MatchesAsync(() => system.CreditsAsync("true"), n => n == first.Count, "the first batch credited");

        // A crash that left the checkpoint behind the credits: the next leader reads those scores again, with new ones.
        await system.StopReplicaAsync(0);
        await LedgerSql.ExecuteAsync(system.History, "UPDATE ledger.mt_doc_followercheckpoint SET data = jsonb_set(data, '{sequence}', '0') WHERE id = 'scores'");
        // And a journal row deleted by hand: the read model says "not credited", the history's credit stream says it was.
        await LedgerSql.ExecuteAsync(system.History, $"DELETE FROM ledger.mt_doc_journalentry WHERE id = '{first[5].ContributionId}'");
        system.StartReplica();
        var second = Enumerable.Range(0, 10).Select(i => LedgerSystem.Scored(i == 0 ? contributor : LedgerSystem.RandomAddress(), 50)).ToList();
        await system.RecordAsync(second);

        await Eventually.MatchesAsync(() => system.CreditsAsync("true"), n => n >= first.Count + second.Count, "the new scores credited");
        var last = await LedgerSql.CountAsync(system.History, "SELECT max(seq_id) FROM history.mt_events WHERE stream_id LIKE 'scoring/%'");
        await Eventually.MatchesAsync(() => LedgerSql.CountAsync(system.History, "SELECT (data->>'sequence')::bigint FROM ledger.mt_doc_followercheckpoint WHERE id = 'scores'"),
            n => n >= last, "the checkpoint past every score");
        Assert.Equal(first.Count + second.Count, await system.CreditsAsync("true"));
        Assert.Equal(first.Count + second.Count, await system.CreditsAsync("true", distinct: true));
        Assert.Equal(first.Count + second.Count - 1, await LedgerSql.CountAsync(system.History, "SELECT count(*) FROM ledger.mt_doc_journalentry"));
        // 9 + 9 + 5 tokens, below the cap of 25: a score credited again would show.
        Assert.Equal(23 * TokenAmount.OneToken, await LedgerSql.SumAsync(system.History, $"SELECT (data->>'balance')::numeric FROM ledger.mt_doc_ledgeraccount WHERE id = '{contributor}'"));
        Assert.Equal(3, await LedgerSql.CountAsync(system.History, $"SELECT (data->>'entries')::bigint FROM ledger.mt_doc_ledgeraccount WHERE id = '{contributor}'"));
    }
}
