using CommunityAI.Contracts;
using Marten;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Contributions.IntegrationTests;

/// <summary>
/// Writes the other services' facts into the history as they would (each in its own service's streams), and reads
/// what the log would make of it: an event's log index is its position in the history in store order.
/// </summary>
public static class ContributionsHistory
{
    public static readonly string Contributor = AnvilNode.DevAddresses[1];

    public static ContributionScored Scored(string id, int score) =>
        new(id, Contributor, "data", score, "v1", DateTimeOffset.UtcNow);

    public static ContributionRewarded Rewarded(string id, string amount) =>
        new(id, Contributor, amount, 3, "p1", DateTimeOffset.UtcNow);

    public static TreeHeadAnchored Anchored(long treeSize) =>
        new(treeSize, "0x" + new string('0', 64), AnvilNode.ChainId, "0x" + new string('1', 40), "0x" + new string('2', 64), 7, DateTimeOffset.UtcNow);

    /// <summary>Appends events to streams in one transaction.</summary>
    public static async Task AppendAsync(this ContributionsService service, params (string Stream, object Event)[] events)
    {
        await using var session = service.Host.Services.GetRequiredService<IDocumentStore>().LightweightSession();
        foreach (var (stream, @event) in events)
            session.Events.Append(stream, @event);
        await session.SaveChangesAsync();
    }

    /// <summary>The log index the chain-bridge gives a stream's first event: committed events before it in store order.</summary>
    public static async Task<long> LogIndexAsync(this ContributionsService service, string stream)
    {
        await using var connection = new NpgsqlConnection(service.History);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("""
            SELECT count(*) FROM history.mt_events
            WHERE seq_id < (SELECT min(seq_id) FROM history.mt_events WHERE stream_id = @s)
            """, connection);
        command.Parameters.AddWithValue("s", stream);
        return (long)(await command.ExecuteScalarAsync())!;
    }
}
