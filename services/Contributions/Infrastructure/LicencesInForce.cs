using System.Text.Json;
using CommunityAI.Contributions.Domain;
using CommunityAI.ServiceDefaults.History;
using Microsoft.Extensions.Options;
using Npgsql;

namespace CommunityAI.Contributions.Infrastructure;

/// <summary>
/// The licences a contribution may carry: those of the newest scoring policy quality-scoring recorded (stream
/// <c>scoring/policies</c>, which only a passed vote changes after genesis), or this service's configured genesis list
/// (<c>Intake:Licences</c>) while that policy names none. Read from the history, never from a message.
/// </summary>
/// <remarks>
/// Kept for <see cref="RefreshInterval"/> so that intake costs no query per request; a vote therefore reaches intake
/// within that interval of quality-scoring recording the policy, which is the grace <c>communityai-audit replay</c> allows.
/// </remarks>
public sealed class LicencesInForce(NpgsqlDataSource dataSource, IOptions<IntakeOptions> options, TimeProvider clock)
{
    public static readonly TimeSpan RefreshInterval = TimeSpan.FromSeconds(5);

    /// <summary>The allowed list and the scoring policy version it comes from (null: the configured genesis list).</summary>
    public sealed record Allowed(IReadOnlyList<string> Licences, string? PolicyVersion);

    private static readonly string Sql = $"""
        SELECT data->>'version', data->'licences' FROM {HistoryStoreExtensions.EventsSchema}.mt_events
        WHERE stream_id = 'scoring/policies' AND type = 'scoring_policy_published'
        ORDER BY seq_id DESC LIMIT 1
        """;

    private readonly SemaphoreSlim _refreshing = new(1, 1);
    private (Allowed Value, DateTimeOffset ReadAt)? _known;

    public async ValueTask<Allowed> CurrentAsync(CancellationToken ct)
    {
        if (_known is { } known && clock.GetUtcNow() - known.ReadAt < RefreshInterval)
            return known.Value;
        await _refreshing.WaitAsync(ct);
        try
        {
            if (_known is { } fresh && clock.GetUtcNow() - fresh.ReadAt < RefreshInterval)
                return fresh.Value;
            var value = await ReadAsync(ct);
            _known = (value, clock.GetUtcNow());
            return value;
        }
        finally
        {
            _refreshing.Release();
        }
    }

    private async Task<Allowed> ReadAsync(CancellationToken ct)
    {
        await using var command = dataSource.CreateCommand(Sql);
        await using var reader = await command.ExecuteReaderAsync(ct);
        if (await reader.ReadAsync(ct) && !reader.IsDBNull(1)
            && JsonSerializer.Deserialize<string[]>(reader.GetString(1)) is { Length: > 0 } voted)
            return new Allowed(voted, reader.IsDBNull(0) ? null : reader.GetString(0));
        return new Allowed(options.Value.AllowedLicences, null);
    }
}
