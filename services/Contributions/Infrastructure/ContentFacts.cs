using System.Text.Json;
using CommunityAI.Contracts;
using CommunityAI.ServiceDefaults.History;
using Npgsql;

namespace CommunityAI.Contributions.Infrastructure;

/// <summary>
/// What the history says about a contribution's content: whether it was submitted and erased (this service's stream),
/// and who was assigned to review it and whether it is scored (quality-scoring's stream, which any service may read).
/// Each fact is taken only from the stream of the service that owns it.
/// </summary>
public sealed class ContentFacts(NpgsqlDataSource dataSource)
{
    /// <summary>The facts of one contribution; <see cref="Submitted"/> is null when the history has no such contribution.</summary>
    public sealed record Facts(ContributionSubmitted? Submitted, bool Erased, IReadOnlyList<ReviewersAssigned> Assignments, bool Scored);

    private static readonly string Sql = $"""
        SELECT stream_id, type, data::text FROM {HistoryStoreExtensions.EventsSchema}.mt_events
        WHERE stream_id = ANY(@streams) AND type = ANY(@types)
        ORDER BY seq_id
        """;

    private static readonly string[] Types =
    [
        OutboxRoutes.EventTypeName(typeof(ContributionSubmitted)), OutboxRoutes.EventTypeName(typeof(ContributionErased)),
        OutboxRoutes.EventTypeName(typeof(ReviewersAssigned)), OutboxRoutes.EventTypeName(typeof(ContributionScored)),
    ];

    public async Task<Facts> LoadAsync(string contributionId, CancellationToken ct)
    {
        var own = ContributionAppender.StreamPrefix + contributionId;
        var scoring = "scoring/" + contributionId;
        await using var command = dataSource.CreateCommand(Sql);
        command.Parameters.AddWithValue("streams", new[] { own, scoring });
        command.Parameters.AddWithValue("types", Types);
        ContributionSubmitted? submitted = null;
        var erased = false;
        var scored = false;
        var assignments = new List<ReviewersAssigned>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            var (stream, type, data) = (reader.GetString(0), reader.GetString(1), reader.GetString(2));
            switch (stream == own, type)
            {
                case (true, "contribution_submitted"):
                    submitted = JsonSerializer.Deserialize<ContributionSubmitted>(data, OutboxRoutes.HistoryJson);
                    break;
                case (true, "contribution_erased"):
                    erased = true;
                    break;
                case (false, "reviewers_assigned"):
                    assignments.Add(JsonSerializer.Deserialize<ReviewersAssigned>(data, OutboxRoutes.HistoryJson)!);
                    break;
                case (false, "contribution_scored"):
                    scored = true;
                    break;
            }
        }
        return new Facts(submitted, erased, assignments, scored);
    }
}
