using System.Globalization;
using CommunityAI.RewardLedger.Infrastructure;
using CommunityAI.Testing;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Npgsql;

namespace CommunityAI.Audit.Tests;

/// <summary>
/// <c>replay</c> over validator pay made by the real reward-ledger service on the real PostgreSQL: it recomputes every
/// pay and the claim roots it feeds, and names a pay edited in the database afterwards and one inserted there.
/// </summary>
public sealed class ValidatorPayAuditTests() : LedgerHistoryTest("validatorpay", ("Rewards:Genesis:ValidatorShareBasisPoints", "1234"))
{
    [Fact]
    public async Task Replay_recomputes_every_validator_pay_and_names_a_tampered_or_inserted_one()
    {
        // Scores made by quality-scoring's own decision over signed reviews (see ScoringHistory), followed by the real ledger.
        string accepted, rejected, noQuorum;
        await using (var history = new ScoringHistory(Database))
        {
            await history.PublishPolicyAsync();
            accepted = await history.ScoreAsync(72, [(2, 0.5m), (3, 0.8m), (4, 0.3m)], [(2, 80, "accept"), (3, 75, "accept"), (4, 20, "reject")]);
            rejected = await history.ScoreAsync(60, [(5, 0.6m), (6, 0.4m), (7, 0.9m)], [(5, 30, "reject"), (6, 35, "reject"), (7, 40, "accept")]);
            noQuorum = await history.ScoreAsync(55, [(2, 0.5m), (3, 0.5m), (4, 0.5m)], [(2, 90, "accept")]);
            await history.ScoreAsync(50, [], []);
        }
        await Eventually.MatchesAsync(() => ScalarAsync("""
            SELECT count(*) FROM history.mt_events c WHERE c.type = 'epoch_closed'
              AND (c.data->>'epoch')::bigint >= (SELECT max((data->>'epoch')::bigint) FROM history.mt_events WHERE type = 'contribution_rewarded')
              AND (SELECT count(*) FROM history.mt_events WHERE type = 'contribution_rewarded') = 4
            """), n => n > 0, "four credits and an epoch closed over them", TimeSpan.FromSeconds(30));
        await StopLedgerAsync();

        var honest = await AuditRun.RunAsync("replay", "--database", Database, "--json");

        Assert.True(honest.ExitCode == 0, honest.ToString());
        var validators = honest.Json.GetProperty("validators");
        // The accepted case pays its two unclipped reviewers, the rejected one all three; the fallbacks nobody.
        Assert.Equal((2, 2, 5), (validators.GetProperty("due").GetInt32(), validators.GetProperty("recorded").GetInt32(), validators.GetProperty("lines").GetInt32()));
        Assert.Equal("2468000000000000000", validators.GetProperty("paid").ToString()); // 12.34% of the data base (10 tokens), twice
        Assert.All(honest.Json.GetProperty("epochs").EnumerateArray(), e => Assert.True(e.GetProperty("matches").GetBoolean()));
        Assert.Contains(honest.Json.GetProperty("balances").EnumerateArray(), b => b.GetProperty("address").GetString() == AnvilNode.DevAddresses[7]);
        Assert.DoesNotContain(honest.Json.GetProperty("balances").EnumerateArray(), b => b.GetProperty("address").GetString() == AnvilNode.DevAddresses[4]);
        Assert.Equal(1, await ScalarAsync($"SELECT count(*) FROM history.mt_events WHERE type = 'validators_rewarded' AND stream_id = 'ledger/credits/{rejected}'"));

        // One base unit moved between the accepted case's two reviewers: the pool still adds up, the split does not.
        await ScalarAsync($$"""
            UPDATE history.mt_events SET data = jsonb_set(jsonb_set(data,
                '{lines,0,amount}', to_jsonb(((data->'lines'->0->>'amount')::numeric + 1)::text)),
                '{lines,1,amount}', to_jsonb(((data->'lines'->1->>'amount')::numeric - 1)::text))
            WHERE type = 'validators_rewarded' AND stream_id = 'ledger/credits/{{accepted}}' RETURNING 1
            """);
        var edited = await AuditRun.RunAsync("replay", "--database", Database, "--json");

        Assert.NotEqual(0, edited.ExitCode);
        var finding = Assert.Single(edited.Json.GetProperty("validators").GetProperty("findings").EnumerateArray());
        Assert.Equal("validator lines", finding.GetProperty("what").GetString());
        Assert.Contains(accepted, finding.GetProperty("detail").GetString());
        Assert.Contains(edited.Json.GetProperty("differences").EnumerateArray(), d => d.GetProperty("what").GetString() == "claimRoot");

        // A pay inserted beside the fallback's credit, which no review backs.
        await ScalarAsync($$"""
            INSERT INTO history.mt_events (seq_id, id, stream_id, version, data, type, timestamp, tenant_id, mt_dotnet_type, is_archived)
            SELECT nextval('history.mt_events_sequence'), gen_random_uuid(), stream_id, version + 1,
                   jsonb_build_object('contributionId', '{{noQuorum}}', 'epoch', (data->>'epoch')::bigint, 'policyVersion', 'reward-1',
                     'pool', '1', 'totalWeight', 1, 'lines', jsonb_build_array(jsonb_build_object('validator', '{{AnvilNode.DevAddresses[4]}}', 'weight', 1, 'amount', '1')),
                     'creditedAt', data->>'creditedAt'),
                   'validators_rewarded', now(), tenant_id, replace(mt_dotnet_type, 'ContributionRewarded', 'ValidatorsRewarded'), false
            FROM history.mt_events WHERE stream_id = 'ledger/credits/{{noQuorum}}' RETURNING 1
            """);
        var inserted = await AuditRun.RunAsync("replay", "--database", Database, "--json");

        Assert.NotEqual(0, inserted.ExitCode);
        Assert.Contains(inserted.Json.GetProperty("validators").GetProperty("findings").EnumerateArray(),
            f => f.GetProperty("what").GetString() == "validator pay without reviews" && f.GetProperty("detail").GetString()!.Contains(noQuorum));
    }


}
