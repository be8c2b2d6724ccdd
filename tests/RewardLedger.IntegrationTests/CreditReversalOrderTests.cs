using System.Net.Http.Json;
using System.Numerics;
using System.Text.Json;
using CommunityAI.Formats.Policies;
using CommunityAI.Formats.Signing;
using CommunityAI.RewardLedger.Domain;
using CommunityAI.RewardLedger.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using static CommunityAI.RewardLedger.IntegrationTests.AppealSettlementTests;

namespace CommunityAI.RewardLedger.IntegrationTests;

/// <summary>
/// A contribution invalidated while still under review, its score recorded afterwards: the real ledger credits it and takes
/// the credit back in the same transaction and epoch, so it never reaches a claim (the other order, credited then
/// invalidated, is <see cref="ReversalTests"/>'s). Scores and activations are recorded in the history as their services
/// record them and followed by the real ledger on the real PostgreSQL, with the notices over RabbitMQ.
/// </summary>
public sealed class CreditReversalOrderTests(ReversalLedgerSystem system) : IClassFixture<ReversalLedgerSystem>
{
    private static readonly BigInteger Token = TokenAmount.OneToken;
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task A_score_credited_after_its_contribution_was_invalidated_is_taken_back_at_once_and_never_reaches_the_claim()
    {
        var api = system.Api;
        var contributor = Address.Parse(LedgerSystem.RandomAddress());
        var kept = LedgerSystem.Scored(contributor, 80); // 8 tokens, never invalidated
        await system.PublishAsync([kept]);
        await GainEvaluations.EventAsync(system, $"ledger/credits/{kept.ContributionId}", "contribution_rewarded", Patience);

        // Invalidated while under review; the ledger reads the activation first and has nothing to take back yet.
        var late = LedgerSystem.Scored(contributor, 90);
        var proposal = await system.ActivateAsync("contribution-invalidation",
            JsonSerializer.Serialize(new { contributionId = late.ContributionId.ToUpperInvariant().Replace("0X", "0x"), reason = "plagiarised" }));
        var activatedAt = await LedgerSql.CountAsync(system.History, $"SELECT max(seq_id) FROM history.mt_events WHERE stream_id = 'governance/proposals/{proposal}'");
        await Eventually.MatchesAsync(() => LedgerSql.CountAsync(system.History, "SELECT coalesce(max((data->>'sequence')::bigint), 0) FROM ledger.mt_doc_followercheckpoint WHERE id = 'invalidations-documented'"),
            n => n >= activatedAt, "the invalidation follower past the activation", Patience);
        // The follower documented it with its checkpoint; the crediter reads the history only past that checkpoint, so the
        // document is what it finds the activation by.
        Assert.Equal($"{proposal}|plagiarised|{activatedAt}", await DocumentAsync(system, late.ContributionId));
        await system.PublishAsync([late]);

        var credit = await GainEvaluations.EventAsync(system, $"ledger/credits/{late.ContributionId}", "contribution_rewarded", Patience);
        var adjusted = await GainEvaluations.EventAsync(system, $"ledger/credits/{late.ContributionId}", "reward_adjusted", Patience);

        // The credit keeps its fact (the score was real) and its reversal lands in its epoch, in its transaction.
        Assert.Equal(TokenAmount.Format(9 * Token), credit.GetProperty("amount").GetString());
        Assert.Equal(("-" + TokenAmount.Format(9 * Token), contributor, proposal, "plagiarised", credit.GetProperty("epoch").GetInt64()),
            (adjusted.GetProperty("amount").GetString()!, adjusted.GetProperty("account").GetString()!, adjusted.GetProperty("proposalId").GetString()!,
             adjusted.GetProperty("reason").GetString()!, adjusted.GetProperty("epoch").GetInt64()));
        Assert.Equal(1, await LedgerSql.CountAsync(system.History,
            $"SELECT count(DISTINCT xmin::text) FROM history.mt_events WHERE stream_id = 'ledger/credits/{late.ContributionId}'"));
        // The journal mirrors it and the balance keeps only the contribution nobody invalidated.
        var account = await api.GetFromJsonAsync<JsonElement>($"/api/accounts/{contributor}");
        Assert.Equal(TokenAmount.Format(8 * Token), account.GetProperty("balance").GetString());
        var entry = Assert.Single(account.GetProperty("items").EnumerateArray(), e => e.GetProperty("id").GetString() == JournalEntry.ReversalId(late.ContributionId));
        Assert.Equal("-" + TokenAmount.Format(9 * Token), entry.GetProperty("amount").GetString());
        // The claim of the credit's epoch holds the kept contribution alone: the invalidated one was never payable.
        var claim = await ClaimCoveringAsync(api, contributor, credit.GetProperty("epoch").GetInt64());
        Assert.Equal(8 * Token, BigInteger.Parse(claim.Amount));
    }

    [Fact]
    public async Task A_score_credited_before_the_invalidation_follower_documented_the_activation_is_taken_back_from_the_history_past_its_checkpoint()
    {
        var api = system.Api;
        var contributor = Address.Parse(LedgerSystem.RandomAddress());
        var late = LedgerSystem.Scored(contributor, 60);
        await Eventually.MatchesAsync(() => LedgerSql.CountAsync(system.History, "SELECT count(*) FROM ledger.mt_doc_followercheckpoint WHERE id = 'invalidations-documented'"),
            n => n > 0, "the invalidation follower's first checkpoint", Patience);

        // The follower held behind the activation: its checkpoint's row is locked, so the transaction that would move it and
        // store the document waits, as a slow or failed-over follower would.
        await using var holder = new NpgsqlConnection(system.History);
        await holder.OpenAsync();
        await using var hold = await holder.BeginTransactionAsync();
        await using (var locking = new NpgsqlCommand("SELECT 1 FROM ledger.mt_doc_followercheckpoint WHERE id = 'invalidations-documented' FOR UPDATE", holder, hold))
            await locking.ExecuteNonQueryAsync();
        var proposal = await system.ActivateAsync("contribution-invalidation",
            JsonSerializer.Serialize(new { contributionId = late.ContributionId, reason = "duplicated" }));
        var activatedAt = await LedgerSql.CountAsync(system.History, $"SELECT max(seq_id) FROM history.mt_events WHERE stream_id = 'governance/proposals/{proposal}'");
        await system.PublishAsync([late]);

        var credit = await GainEvaluations.EventAsync(system, $"ledger/credits/{late.ContributionId}", "contribution_rewarded", Patience);
        var adjusted = await GainEvaluations.EventAsync(system, $"ledger/credits/{late.ContributionId}", "reward_adjusted", Patience);
        // Found in the history past the checkpoint: nothing documented it yet, and the reversal is the credit's own transaction.
        Assert.True(await LedgerSql.CountAsync(system.History, "SELECT (data->>'sequence')::bigint FROM ledger.mt_doc_followercheckpoint WHERE id = 'invalidations-documented'") < activatedAt);
        Assert.Null(await DocumentAsync(system, late.ContributionId));
        Assert.Equal(1, await LedgerSql.CountAsync(system.History,
            $"SELECT count(DISTINCT xmin::text) FROM history.mt_events WHERE stream_id = 'ledger/credits/{late.ContributionId}'"));
        Assert.Equal(("-" + credit.GetProperty("amount").GetString(), proposal, "duplicated"),
            (adjusted.GetProperty("amount").GetString()!, adjusted.GetProperty("proposalId").GetString()!, adjusted.GetProperty("reason").GetString()!));

        // Released, the follower documents the activation and takes nothing back twice.
        await hold.RollbackAsync();
        await Eventually.MatchesAsync(() => LedgerSql.CountAsync(system.History, "SELECT coalesce(max((data->>'sequence')::bigint), 0) FROM ledger.mt_doc_followercheckpoint WHERE id = 'invalidations-documented'"),
            n => n >= activatedAt, "the invalidation follower past the activation", Patience);
        Assert.Equal($"{proposal}|duplicated|{activatedAt}", await DocumentAsync(system, late.ContributionId));
        Assert.Equal(1, await LedgerSql.CountAsync(system.History,
            $"SELECT count(*) FROM history.mt_events WHERE type = 'reward_adjusted' AND stream_id = 'ledger/credits/{late.ContributionId}'"));
        Assert.Equal("0", (await api.GetFromJsonAsync<JsonElement>($"/api/accounts/{contributor}")).GetProperty("balance").GetString());
    }

    /// <summary>The invalidation follower's document of a contribution as "proposal|reason|sequence", or null when there is none.</summary>
    internal static async Task<string?> DocumentAsync(LedgerSystem system, string contributionId)
    {
        await using var connection = new NpgsqlConnection(system.History);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            "SELECT concat_ws('|', data->>'proposalId', data->>'reason', data->>'sequence') FROM ledger.mt_doc_invalidatedcontribution WHERE id = @id", connection);
        command.Parameters.AddWithValue("id", contributionId);
        return (string?)await command.ExecuteScalarAsync();
    }
}

/// <summary>A class of its own: it stops the first replicas, which the other classes' tests keep using.</summary>
public sealed class CreditReversalRaceTests(ReversalLedgerSystem system) : IClassFixture<ReversalLedgerSystem>
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Crediting_and_reversing_raced_on_two_replicas_and_read_again_after_a_checkpoint_reset_take_the_credit_back_once()
    {
        _ = system.Api;
        _ = system.StartReplica();
        var contributor = Address.Parse(LedgerSystem.RandomAddress());
        var scored = LedgerSystem.Scored(contributor, 70);

        // The score and the invalidation recorded at once; every crediter and reverser of both replicas handed both, thrice.
        var recording = system.RecordAsync([scored]);
        var proposal = await system.ActivateAsync("contribution-invalidation",
            JsonSerializer.Serialize(new { contributionId = scored.ContributionId, reason = "copied" }));
        await recording;
        var invalidation = new Invalidation(scored.ContributionId, "copied", proposal);
        var calls = new[] { 0, 1 }.SelectMany(i => new Func<Task>[]
        {
            () => system.Services(i).GetRequiredService<CreditWriter>().CreditAsync(scored, default),
            () => system.Services(i).GetRequiredService<RewardReverser>().ReverseAsync(invalidation, default),
        });
        await Task.WhenAll(Enumerable.Repeat(calls, 3).SelectMany(c => c).Select(call => Task.Run(call)));
        await GainEvaluations.EventAsync(system, $"ledger/credits/{scored.ContributionId}", "reward_adjusted", Patience);

        // A restart of both replicas that lost both followers' checkpoints and the invalidation follower's documents (a read
        // model of governance's streams, rebuilt from them): a third replica leads and reads every score and activation again.
        // Both are stopped first, so no leader still following carries its old position past the reset.
        var last = await LedgerSql.CountAsync(system.History, "SELECT max(seq_id) FROM history.mt_events");
        await system.StopReplicaAsync(0);
        await system.StopReplicaAsync(1);
        await LedgerSql.ExecuteAsync(system.History, "UPDATE ledger.mt_doc_followercheckpoint SET data = jsonb_set(data, '{sequence}', '0') WHERE id = 'scores'");
        await LedgerSql.ExecuteAsync(system.History, "UPDATE ledger.mt_doc_followercheckpoint SET data = jsonb_set(data, '{sequence}', '0') WHERE id = 'invalidations-documented'");
        await LedgerSql.ExecuteAsync(system.History, "DELETE FROM ledger.mt_doc_invalidatedcontribution");
        var third = system.StartReplica();
        foreach (var checkpoint in new[] { ScoreFollower.CheckpointKey, InvalidationFollower.CheckpointKey })
            await Eventually.MatchesAsync(() => LedgerSql.CountAsync(system.History, $"SELECT coalesce(max((data->>'sequence')::bigint), 0) FROM ledger.mt_doc_followercheckpoint WHERE id = '{checkpoint}'"),
                n => n >= last, $"the new leader to read everything again ({checkpoint})", Patience);
        Assert.Null(await system.Services(2).GetRequiredService<RewardReverser>().ReverseAsync(invalidation, default));
        var activatedAt = await LedgerSql.CountAsync(system.History, $"SELECT max(seq_id) FROM history.mt_events WHERE stream_id = 'governance/proposals/{proposal}'");
        Assert.Equal($"{proposal}|copied|{activatedAt}", await CreditReversalOrderTests.DocumentAsync(system, scored.ContributionId));

        foreach (var type in new[] { "contribution_rewarded", "reward_adjusted" })
            Assert.Equal(1, await LedgerSql.CountAsync(system.History,
                $"SELECT count(*) FROM history.mt_events WHERE type = '{type}' AND stream_id = 'ledger/credits/{scored.ContributionId}'"));
        Assert.Equal(1, await LedgerSql.CountAsync(system.History,
            $"SELECT count(*) FROM ledger.mt_doc_journalentry WHERE id = '{JournalEntry.ReversalId(scored.ContributionId)}'"));
        Assert.Equal("0", (await third.GetFromJsonAsync<JsonElement>($"/api/accounts/{contributor}")).GetProperty("balance").GetString());
    }
}
