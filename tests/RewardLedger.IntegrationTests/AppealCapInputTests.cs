using System.Numerics;
using CommunityAI.Formats.Policies;
using CommunityAI.Formats.Signing;
using CommunityAI.RewardLedger.Infrastructure;
using CommunityAI.ServiceDefaults.Database;
using Npgsql;

namespace CommunityAI.RewardLedger.IntegrationTests;

/// <summary>
/// An appeal's settlement prices the corrected credit with the cap room its first credit had: what the contributor was
/// credited in that epoch before it (<see cref="CreditHistory.EarnedBeforeAsync"/>). That sum reads the set-up's index on
/// credits (<see cref="HistoryIndexes.CreditsByContributor"/>); without it every appeal scanned the whole history.
/// </summary>
public sealed class AppealCapInputTests(LedgerSystem system) : IClassFixture<LedgerSystem>
{
    [Fact]
    public async Task The_cap_input_sums_the_contributors_earlier_credits_in_the_epoch_from_the_credits_index_which_a_service_start_keeps()
    {
        await HistoryIndexChecks.CreatedAndKeptAsync(system, HistoryIndexes.CreditsByContributor);

        var contributor = Address.Parse(LedgerSystem.RandomAddress());
        var other = Address.Parse(LedgerSystem.RandomAddress());
        var scores = new[] { LedgerSystem.Scored(contributor, 90), LedgerSystem.Scored(other, 80), LedgerSystem.Scored(contributor, 50), LedgerSystem.Scored(contributor, 70) };
        await system.RecordAsync(scores);
        var ids = string.Join(", ", scores.Select(s => $"'{s.ContributionId}'"));
        await Eventually.MatchesAsync(() => system.CreditsAsync($"data->>'contributionId' IN ({ids})"), n => n == scores.Length, "every score credited");

        var credits = await CreditsOfAsync(contributor);
        Assert.Equal(3, credits.Count);
        Assert.All(credits, c => Assert.True(c.Amount > 0));
        await using var connection = new NpgsqlConnection(system.History);
        await connection.OpenAsync();
        for (var i = 0; i < credits.Count; i++)
        {
            var before = credits.Take(i).Where(c => c.Epoch == credits[i].Epoch).Aggregate(BigInteger.Zero, (sum, c) => sum + c.Amount);
            Assert.Equal(before, await CreditHistory.EarnedBeforeAsync(connection, contributor, credits[i].Epoch, credits[i].Sequence, default));
        }

        // As a prepared statement's generic plan: the plan names the index, so the query matches it whatever the values.
        var plan = await QueryPlans.GenericAsync(system.History, CreditHistory.EarnedBeforeSql,
            ("@streams", "text", $"'{CreditHistory.CreditStreamPrefix}'"), ("@contributor", "text", $"'{contributor}'"),
            ("@epoch", "bigint", credits[0].Epoch.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            ("@sequence", "bigint", credits[^1].Sequence.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        Assert.Contains(plan, line => line.Contains(HistoryIndexes.CreditsByContributor.Name, StringComparison.Ordinal));
    }

    private async Task<List<(long Sequence, long Epoch, BigInteger Amount)>> CreditsOfAsync(string contributor)
    {
        await using var connection = new NpgsqlConnection(system.History);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("""
            SELECT seq_id, (data->>'epoch')::bigint, data->>'amount' FROM history.mt_events
            WHERE type = 'contribution_rewarded' AND data->>'contributor' = @contributor ORDER BY seq_id
            """, connection);
        command.Parameters.AddWithValue("contributor", contributor);
        var credits = new List<(long, long, BigInteger)>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
            credits.Add((reader.GetInt64(0), reader.GetInt64(1), TokenAmount.Parse(reader.GetString(2))));
        return credits;
    }
}
