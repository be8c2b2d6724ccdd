using CommunityAI.QualityScoring.Domain;
using Npgsql;

namespace CommunityAI.QualityScoring.Infrastructure;

/// <summary>
/// The validators selection may draw from: registered and admitted now. Selection needs each one's address, reputation and
/// when it was last seen only, not the view with its recent history; those are columns of their own
/// (<see cref="Extensions.ConfigureScoringStore"/>).
/// </summary>
internal static class SelectableValidators
{
    /// <param name="epoch">The epoch whose assignments to count (<see cref="ReviewLoad"/>), or null when no cap is set.</param>
    public static NpgsqlBatchCommand Command(LockedRead read, long? epoch = null)
    {
        if (epoch is null)
            return new($"""
                SELECT v.id, v.reputation, v.last_seen_at, 0 FROM {read.Table<ValidatorView>()} v
                JOIN {read.Table<ValidatorAdmission>()} a ON a.id = v.id AND a.admitted
                """);
        var command = new NpgsqlBatchCommand($"""
            SELECT v.id, v.reputation, v.last_seen_at, coalesce(l.assigned, 0) FROM {read.Table<ValidatorView>()} v
            JOIN {read.Table<ValidatorAdmission>()} a ON a.id = v.id AND a.admitted
            LEFT JOIN {read.Table<ReviewLoad>()} l ON l.id = @epoch_prefix || v.id
            """);
        command.Parameters.AddWithValue("epoch_prefix", ReviewLoad.IdFor(epoch.Value, ""));
        return command;
    }

    public static async Task<IReadOnlyList<ReviewerSelection.Validator>> ReadAsync(NpgsqlDataReader reader, CancellationToken ct)
    {
        var validators = new List<ReviewerSelection.Validator>();
        while (await reader.ReadAsync(ct))
            validators.Add(new ReviewerSelection.Validator(reader.GetString(0), reader.GetDecimal(1),
                reader.IsDBNull(2) ? DateTimeOffset.MinValue : reader.GetFieldValue<DateTimeOffset>(2), reader.GetInt32(3)));
        return validators;
    }
}
