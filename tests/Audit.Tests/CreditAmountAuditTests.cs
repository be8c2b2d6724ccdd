using System.Globalization;
using System.Numerics;
using System.Text.Json;
using CommunityAI.Formats.Policies;
using CommunityAI.Formats.Signing;
using CommunityAI.RewardLedger.Domain;
using CommunityAI.Testing;
using Marten;
using Microsoft.Extensions.DependencyInjection;

namespace CommunityAI.Audit.Tests;

/// <summary>
/// A reward credited with the wrong amount when it was written, by the real reward-ledger service on the real PostgreSQL,
/// and a claim root the ledger then built from it: <c>replay</c> recomputes the credit from the policy and the score and
/// names it, and the root. The attack is an operator's with the ledger's own database login: one row of the ledger's
/// accounts, which the per-epoch cap is counted from, is set to an epoch far ahead, so no epoch's cap ever counts what
/// the address earned. The ledger's own code then credits past the cap, and closes the epoch over those credits.
/// </summary>
public sealed class CreditAmountAuditTests() : LedgerHistoryTest("creditamount", ("Rewards:Genesis:CapPerAddressPerEpoch", Cap.ToString(CultureInfo.InvariantCulture)))
{
    // Two consensus scores of about 75 (7.5 tokens each) fit under it, a third does not.
    private static readonly BigInteger Cap = 20 * TokenAmount.OneToken;

    private static readonly string Contributor = Address.Parse(AnvilNode.DevAddresses[0]);

    [Fact]
    public async Task The_ledger_credits_under_the_cap_and_replay_agrees()
    {
        var (_, amounts) = await CreditThreeScoresAsync(tamper: false);

        var run = await AuditRun.RunAsync("replay", "--database", Database, "--json");

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Equal(Cap, amounts.Aggregate(BigInteger.Zero, (s, a) => s + a)); // the third credit clipped to what the cap left
        Assert.Equal(3, run.Json.GetProperty("policies").GetProperty("creditsChecked").GetInt32());
        Assert.All(run.Json.GetProperty("epochs").EnumerateArray(), e => Assert.True(e.GetProperty("matches").GetBoolean()));
    }

    [Fact]
    public async Task A_credit_past_the_cap_is_named_with_both_amounts_and_so_is_the_root_built_from_it()
    {
        var (ids, amounts) = await CreditThreeScoresAsync(tamper: true);
        Assert.True(amounts.Aggregate(BigInteger.Zero, (s, a) => s + a) > Cap, "the ledger credited past the cap");
        var dueThird = Cap - amounts[0] - amounts[1];

        var run = await AuditRun.RunAsync("replay", "--database", Database, "--json");

        Assert.True(run.ExitCode == 1, run.ToString());
        // Each credit held against the policy and the score: only the third is wrong, the first two were under the cap.
        var finding = Assert.Single(run.Json.GetProperty("policies").GetProperty("findings").EnumerateArray());
        Assert.Equal("credit amount", finding.GetProperty("what").GetString());
        Assert.Contains($"contribution {ids[2]} is credited {amounts[2]}; reward-1 gives {dueThird} for score", Detail(finding));
        // The ledger built the root from the credit as recorded: the recorded credits agree with it, the policy's amounts do not.
        var epoch = await ScalarAsync($"SELECT (data->>'epoch')::bigint FROM history.mt_events WHERE type = 'contribution_rewarded' AND data->>'contributionId' = '{ids[2]}'");
        var root = Assert.Single(run.Json.GetProperty("differences").EnumerateArray(),
            d => d.GetProperty("what").GetString() == "claimRoot" && Detail(d).StartsWith($"epoch {epoch} ", StringComparison.Ordinal));
        Assert.Contains($"contribution {ids[2]} is recorded as {amounts[2]}, the policy gives {dueThird}", Detail(root));
        Assert.False(run.Json.GetProperty("epochs").EnumerateArray().Single(e => e.GetProperty("epoch").GetInt64() == epoch).GetProperty("matches").GetBoolean());
        Assert.Contains(run.Json.GetProperty("differences").EnumerateArray(), d => d.GetProperty("what").GetString() == "cumulativeTotal");
    }

    /// <summary>
    /// Three contributions of one contributor, scored by quality-scoring's own decision over signed reviews while the ledger
    /// is stopped, so that on its start it credits all three in one batch (one epoch, so one cap), then closes that epoch.
    /// </summary>
    /// <returns>The contribution ids and their recorded amounts, in history order.</returns>
    private async Task<(List<string> Ids, List<BigInteger> Amounts)> CreditThreeScoresAsync(bool tamper)
    {
        if (tamper)
        {
            // Through the ledger's own store, as its login may: the contributor's account, its cap counted in an epoch far ahead.
            await using var session = Ledger.Services.GetRequiredService<IDocumentStore>().LightweightSession();
            session.Store(LedgerAccount.Open(Contributor) with { Epoch = 1_000_000_000 });
            await session.SaveChangesAsync();
        }
        await StopLedgerAsync();
        var ids = new List<string>();
        await using (var history = new ScoringHistory(Database))
        {
            await history.PublishPolicyAsync();
            for (var i = 0; i < 3; i++)
                ids.Add(await history.ScoreAsync(72, [(2, 0.5m), (3, 0.8m), (4, 0.3m)], [(2, 80, "accept"), (3, 75, "accept"), (4, 70, "accept")]));
        }
        StartLedger();
        await Eventually.MatchesAsync(() => ScalarAsync("""
            SELECT count(*) FROM history.mt_events c WHERE c.type = 'epoch_closed'
              AND (SELECT count(*) FROM history.mt_events WHERE type = 'contribution_rewarded') = 3
              AND (c.data->>'epoch')::bigint >= (SELECT max((data->>'epoch')::bigint) FROM history.mt_events WHERE type = 'contribution_rewarded')
            """), n => n > 0, "three credits and an epoch closed over them", TimeSpan.FromSeconds(30));
        await StopLedgerAsync();
        Assert.Equal(1, await ScalarAsync("SELECT count(DISTINCT data->>'epoch') FROM history.mt_events WHERE type = 'contribution_rewarded'"));
        var amounts = new List<BigInteger>();
        foreach (var id in ids)
            amounts.Add(await AmountAsync(id));
        return (ids, amounts);
    }

    private async Task<BigInteger> AmountAsync(string contributionId)
    {
        await using var connection = new Npgsql.NpgsqlConnection(Database);
        await connection.OpenAsync();
        await using var command = new Npgsql.NpgsqlCommand(
            "SELECT data->>'amount' FROM history.mt_events WHERE type = 'contribution_rewarded' AND data->>'contributionId' = @id", connection);
        command.Parameters.AddWithValue("id", contributionId);
        return BigInteger.Parse((string)(await command.ExecuteScalarAsync())!, CultureInfo.InvariantCulture);
    }

    private static string Detail(JsonElement d) => d.GetProperty("detail").GetString()!;
}
