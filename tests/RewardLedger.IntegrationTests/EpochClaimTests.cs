using System.Net;
using System.Net.Http.Json;
using System.Numerics;
using System.Text.Json;
using CommunityAI.Formats.Signing;
using CommunityAI.RewardLedger.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace CommunityAI.RewardLedger.IntegrationTests;

public class EpochClaimTests(ShortEpochLedgerSystem system) : IClassFixture<ShortEpochLedgerSystem>
{
    private sealed record ClaimView(string Address, string Amount, long Epoch, string Root, string[] Proof);

    private sealed record EpochView(long Epoch, string CreditedInEpoch, string CumulativeTotal, int Accounts, string ClaimRoot);

    private sealed record NodeAnswer(string Root, bool[] Verified);

    [Fact]
    public async Task The_closed_epoch_root_is_the_openzeppelin_root_of_cumulative_credits_and_every_served_proof_verifies_there()
    {
        var api = system.Api;
        var addresses = Enumerable.Range(0, 40).Select(_ => LedgerSystem.RandomAddress()).ToList();
        var scored = Enumerable.Range(0, 200).Select(i => LedgerSystem.Scored(addresses[i % addresses.Count], 20 + i % 81)).ToList();
        await system.PublishAsync(scored);

        await Eventually.MatchesAsync(
            () => LedgerSql.CountAsync(system.History, "SELECT count(*) FROM history.mt_events WHERE type = 'contribution_rewarded'"),
            n => n == scored.Count, "every credit");
        // The newest closed epoch covers every credit once its cumulative total reaches all of them.
        var credited = await LedgerSql.SumAsync(system.History,
            "SELECT sum((data->>'amount')::numeric) FROM history.mt_events WHERE type = 'contribution_rewarded'");
        var (first, _) = await Eventually.MatchesAsync<(ClaimView?, BigInteger)>(async () =>
            {
                var response = await api.GetAsync($"/api/claims/{addresses[0]}");
                if (response.StatusCode != HttpStatusCode.OK)
                    return (null, BigInteger.MinusOne);
                var claim = await response.Content.ReadFromJsonAsync<ClaimView>();
                return (claim, await CumulativeOf(claim!.Epoch));
            },
            c => c.Item2 == credited, "an epoch covering every credit", TimeSpan.FromSeconds(30));

        var claims = new List<ClaimView>();
        foreach (var address in addresses)
        {
            var claim = (await api.GetFromJsonAsync<ClaimView>($"/api/claims/{address}"))!;
            Assert.Equal(Address.Parse(address), claim.Address);
            claims.Add(claim);
        }
        Assert.All(claims, c => Assert.Equal(first!.Root, c.Root)); // nothing credited since: every later epoch has the same root

        // The amounts come from the history's credits, not from the ledger's own tables.
        var values = await LedgerSql.RowsAsync(system.History, $"""
            SELECT data->>'contributor', sum((data->>'amount')::numeric)::text FROM history.mt_events
            WHERE type = 'contribution_rewarded' AND (data->>'epoch')::bigint <= {first!.Epoch} GROUP BY 1
            """);
        var input = JsonSerializer.Serialize(new
        {
            values = values.Select(v => new[] { v.Address, v.Amount.ToString() }),
            root = first.Root,
            claims = claims.Select(c => new { address = c.Address, amount = c.Amount, proof = c.Proof }),
        });
        var answer = JsonSerializer.Deserialize<NodeAnswer>(
            await NodeReference.RunAsync("tests/RewardLedger.IntegrationTests/verify-claims.mjs", input), JsonSerializerOptions.Web)!;
        Assert.Equal(answer.Root, first.Root);
        Assert.All(answer.Verified, Assert.True);
        foreach (var claim in claims)
            Assert.Equal(values.Single(v => v.Address == claim.Address).Amount, BigInteger.Parse(claim.Amount));

        // The account shows the same balance and its entries, newest first, in pages.
        var account = (await api.GetFromJsonAsync<JsonElement>($"/api/accounts/{addresses[3]}?page=2&pageSize=2"))!;
        Assert.Equal(claims[3].Amount, account.GetProperty("balance").GetString());
        Assert.Equal(5, account.GetProperty("entries").GetInt64());
        var numbers = account.GetProperty("items").EnumerateArray().Select(e => e.GetProperty("number").GetInt64()).ToList();
        Assert.Equal([3L, 2L], numbers);

        var epoch = (await api.GetFromJsonAsync<EpochView>($"/api/epochs/{first.Epoch}"))!;
        Assert.Equal(first.Root, epoch.ClaimRoot);
        Assert.Equal(addresses.Count, epoch.Accounts);
        Assert.Equal(credited.ToString(), epoch.CumulativeTotal);
    }

    [Fact]
    public async Task Closing_an_epoch_twice_records_it_once()
    {
        _ = system.Api;
        var closer = system.Services(0).GetRequiredService<EpochCloser>();
        var next = await Eventually.MatchesAsync(() => closer.NextToCloseAsync(default), n => n is not null, "an epoch to be closed")
            ?? throw new InvalidOperationException();
        await Eventually.MatchesAsync(() => closer.NextToCloseAsync(default), n => n > next, "the closer to move on", TimeSpan.FromSeconds(20));
        Assert.Null(await closer.CloseAsync(next, default));
        Assert.Equal(1, await LedgerSql.CountAsync(system.History, $"SELECT count(*) FROM history.mt_events WHERE stream_id = 'ledger/epochs/{next}'"));
    }

    [Theory]
    [InlineData("/api/claims/0x123", HttpStatusCode.BadRequest)]
    [InlineData("/api/claims/0x70997970c51812dc3a010c7d01b50e0d17dc79C8", HttpStatusCode.BadRequest)] // bad EIP-55 checksum
    [InlineData("/api/claims/not-an-address", HttpStatusCode.BadRequest)]
    [InlineData("/api/accounts/0xZZ997970c51812dc3a010c7d01b50e0d17dc79c8", HttpStatusCode.BadRequest)]
    [InlineData("/api/accounts/0x70997970c51812dc3a010c7d01b50e0d17dc79c8?pageSize=100000", HttpStatusCode.BadRequest)]
    [InlineData("/api/accounts/0x70997970c51812dc3a010c7d01b50e0d17dc79c8?page=0", HttpStatusCode.BadRequest)]
    [InlineData("/api/accounts/0x70997970c51812dc3a010c7d01b50e0d17dc79c8?page=2147483647&pageSize=200", HttpStatusCode.BadRequest)] // offset overflow
    [InlineData("/api/accounts/0x0000000000000000000000000000000000000001", HttpStatusCode.NotFound)]
    [InlineData("/api/epochs/-1", HttpStatusCode.BadRequest)]
    [InlineData("/api/epochs/99999999999", HttpStatusCode.NotFound)]
    [InlineData("/api/epochs/9223372036854775808", HttpStatusCode.BadRequest)] // beyond any epoch number
    public async Task Hostile_queries_get_a_clear_error(string path, HttpStatusCode expected)
    {
        var api = system.Api;
        var response = await api.GetAsync(path);
        Assert.Equal(expected, response.StatusCode);
        if (expected == HttpStatusCode.BadRequest)
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    private async Task<BigInteger> CumulativeOf(long epoch) => await LedgerSql.SumAsync(system.History,
        $"SELECT (data->'closed'->>'cumulativeTotal')::numeric FROM ledger.mt_doc_closedepoch WHERE id = {epoch}");
}
