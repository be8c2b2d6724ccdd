using System.Text.Json;
using CommunityAI.Governance.Domain;
using CommunityAI.ServiceDefaults.History;
using Marten;
using Npgsql;

namespace CommunityAI.Governance.Infrastructure;

/// <summary>
/// Reads <see cref="PoliciesOnRecord"/> from the public history: the versions the reward-ledger (<c>ledger/policies</c>) and
/// quality-scoring (<c>scoring/policies</c>) recorded, and those of proposals governance activated that they may not have
/// taken up yet.
/// </summary>
public sealed class PolicyVersions(NpgsqlDataSource dataSource, IDocumentStore store)
{
    private static readonly string RecordedSql = $"""
        SELECT stream_id, data->>'version' FROM {HistoryStoreExtensions.EventsSchema}.mt_events
        WHERE stream_id IN ('ledger/policies', 'scoring/policies')
        """;

    public async Task<PoliciesOnRecord> ReadAsync(CancellationToken ct)
    {
        long? reward = null;
        var scoring = new HashSet<string>(StringComparer.Ordinal);
        await using (var command = dataSource.CreateCommand(RecordedSql))
        await using (var reader = await command.ExecuteReaderAsync(ct))
            while (await reader.ReadAsync(ct))
                Note(reader.GetString(0) == "ledger/policies" ? ProposalKind.RewardPolicy : ProposalKind.ScoringPolicy,
                    reader.IsDBNull(1) ? null : reader.GetString(1));

        await using var session = store.QuerySession();
        var activated = await session.Query<Proposal>()
            .Where(p => p.Activated != null && (p.Submitted.Kind == ProposalKind.RewardPolicy || p.Submitted.Kind == ProposalKind.ScoringPolicy))
            .ToListAsync(ct);
        foreach (var proposal in activated)
        {
            using var payload = JsonDocument.Parse(proposal.Activated!.Payload);
            if (payload.RootElement.TryGetProperty("version", out var version))
                Note(proposal.Submitted.Kind, version.ValueKind == JsonValueKind.String ? version.GetString() : version.GetRawText());
        }
        return new PoliciesOnRecord(reward, scoring);

        void Note(string kind, string? version)
        {
            if (version is null)
                return;
            if (kind == ProposalKind.ScoringPolicy)
                scoring.Add(version);
            else if (long.TryParse(version, out var number))
                reward = reward is { } known ? Math.Max(known, number) : number;
        }
    }
}
