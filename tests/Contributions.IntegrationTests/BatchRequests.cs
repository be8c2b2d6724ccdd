using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Npgsql;

namespace Contributions.IntegrationTests;

/// <summary>Batches of signed contributions, sent to POST /api/contributions/batch, and what the history holds of them.</summary>
public static class BatchRequests
{
    public const string Path = "/api/contributions/batch";

    /// <summary>Signed contributions by anvil's dev keys 1 to 8 in turn, each with its expected id.</summary>
    public static List<(string Id, JsonObject Body)> Contributions(int count, string label) =>
        [.. Enumerable.Range(0, count).Select(i => Signed.Contribution(keyIndex: 1 + i % 8, text: $"{label} {i} {Guid.NewGuid():N}"))];

    public static JsonObject Body(IEnumerable<JsonNode?> items) => new() { ["contributions"] = new JsonArray([.. items.Select(i => i?.DeepClone())]) };

    public static async Task<HttpResponseMessage> PostAsync(this HttpClient client, JsonNode body) =>
        await client.PostAsync(Path, new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json"));

    /// <summary>Each item's (HTTP status, id or null) from a 200 answer, in order; checks the indexes run 0, 1, 2….</summary>
    public static async Task<List<(int Status, string? Id, JsonElement Item)>> ItemsAsync(HttpResponseMessage response)
    {
        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
        var answer = await response.Content.ReadFromJsonAsync<JsonElement>();
        var items = answer.GetProperty("items").EnumerateArray().ToList();
        Assert.Equal(Enumerable.Range(0, items.Count), items.Select(i => i.GetProperty("index").GetInt32()));
        Assert.Equal(items.Count(i => i.GetProperty("status").GetInt32() == 202), answer.GetProperty("stored").GetInt32());
        return [.. items.Select(i => (i.GetProperty("status").GetInt32(),
            i.TryGetProperty("result", out var result) ? result.GetProperty("id").GetString() : null, i))];
    }

    /// <summary>The ids among <paramref name="ids"/> that have a ContributionSubmitted in the history, and in how many transactions.</summary>
    public static async Task<(HashSet<string> Stored, long Transactions)> StoredAsync(this ContributionsService service, IEnumerable<string> ids)
    {
        await using var connection = new NpgsqlConnection(service.History);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("""
            SELECT substr(stream_id, length('contributions/') + 1), xmin::text FROM history.mt_events
            WHERE type = 'contribution_submitted' AND stream_id = ANY(@streams)
            """, connection);
        command.Parameters.AddWithValue("streams", ids.Select(id => "contributions/" + id).Distinct().ToArray());
        var stored = new HashSet<string>();
        var transactions = new HashSet<string>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            stored.Add(reader.GetString(0));
            transactions.Add(reader.GetString(1));
        }
        return (stored, transactions.Count);
    }
}
