using System.Net;
using System.Net.Http.Json;
using CommunityAI.Formats.Signing;
using Npgsql;

namespace CommunityAI.RewardLedger.IntegrationTests;

/// <summary>
/// Someone with write access to the ledger's read tables (an operator, a leaked connection string) inserts a journal
/// entry and raises an amount: the claim roots come from the history's credits, so the next epoch's root and every
/// served claim stay what the history says.
/// </summary>
public sealed class ReadModelTamperTests(ShortEpochLedgerSystem system) : IClassFixture<ShortEpochLedgerSystem>
{
    private const string Huge = "1000000000000000000000000";

    private sealed record ClaimView(string Address, string Amount, long Epoch, string Root, string[] Proof);

    [Fact]
    public async Task A_journal_row_inserted_or_edited_in_the_ledgers_tables_moves_no_claim_root()
    {
        var api = system.Api;
        var alice = LedgerSystem.RandomAddress();
        var attacker = Address.Parse(LedgerSystem.RandomAddress());
        await system.PublishAsync([LedgerSystem.Scored(alice, 50), LedgerSystem.Scored(LedgerSystem.RandomAddress(), 80)]);
        await Eventually.MatchesAsync(() => LedgerSql.CountAsync(system.History, "SELECT count(*) FROM history.mt_events WHERE type = 'contribution_rewarded'"),
            n => n == 2, "both credits");
        var credited = (await LedgerSql.SumAsync(system.History,
            "SELECT sum((data->>'amount')::numeric) FROM history.mt_events WHERE type = 'contribution_rewarded'")).ToString();
        var before = await Eventually.MatchesAsync(() => ClosedAsync(null), c => c?.Cumulative == credited, "an epoch covering both credits",
            TimeSpan.FromSeconds(30));

        // The attack, straight into the read tables.
        await ExecuteAsync($$"""
            INSERT INTO ledger.mt_doc_journalentry (id, data, mt_dotnet_type) VALUES ('0x{{new string('f', 64)}}',
              '{"id":"0x{{new string('f', 64)}}","contributor":"{{attacker}}","amount":"{{Huge}}","epoch":{{before!.Epoch}},
                "policyVersion":"reward-1","number":1,"creditedAt":"2026-01-01T00:00:00+00:00",
                "lines":[{"account":"emission","amount":"-{{Huge}}"},{"account":"{{attacker}}","amount":"{{Huge}}"}]}'::jsonb,
              'CommunityAI.RewardLedger.Domain.JournalEntry');
            UPDATE ledger.mt_doc_journalentry SET data = jsonb_set(data, '{amount}', '"{{Huge}}"') WHERE data->>'contributor' = '{{Address.Parse(alice)}}';
            UPDATE ledger.mt_doc_ledgeraccount SET data = jsonb_set(data, '{balance}', '"{{Huge}}"') WHERE id = '{{Address.Parse(alice)}}';
            """);
        Assert.Equal(2, await LedgerSql.CountAsync(system.History,
            $"SELECT count(*) FROM ledger.mt_doc_journalentry WHERE data->>'amount' = '{Huge}'"));

        // Two epochs later, so the closing began after the tamper.
        var after = await Eventually.MatchesAsync(() => ClosedAsync(before.Epoch + 2), c => c is not null, "an epoch closed after the tamper",
            TimeSpan.FromSeconds(30));
        Assert.Equal((before.Root, credited), (after!.Root, after.Cumulative));

        var claim = await Eventually.MatchesAsync(async () => await api.GetFromJsonAsync<ClaimView>($"/api/claims/{alice}"),
            c => c!.Epoch >= after.Epoch, "the claim served against the newer epoch");
        Assert.Equal(before.Root, claim!.Root);
        Assert.NotEqual(Huge, claim.Amount);
        Assert.Equal(HttpStatusCode.NotFound, (await api.GetAsync($"/api/claims/{attacker}")).StatusCode);
    }

    private sealed record Closed(long Epoch, string Root, string Cumulative);

    /// <summary>The ledger's newest EpochClosed in the history (at least <paramref name="atLeast"/>), or null.</summary>
    private async Task<Closed?> ClosedAsync(long? atLeast)
    {
        await using var connection = new NpgsqlConnection(system.History);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("""
            SELECT (data->>'epoch')::bigint, data->>'claimRoot', data->>'cumulativeTotal' FROM history.mt_events
            WHERE type = 'epoch_closed' AND (data->>'epoch')::bigint >= @atLeast ORDER BY seq_id DESC LIMIT 1
            """, connection);
        command.Parameters.AddWithValue("atLeast", atLeast ?? 0);
        await using var reader = await command.ExecuteReaderAsync();
        return await reader.ReadAsync() ? new Closed(reader.GetInt64(0), reader.GetString(1), reader.GetString(2)) : null;
    }

    private async Task ExecuteAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(system.History);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }
}
