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
    public static NpgsqlBatchCommand Command(LockedRead read) => new($"""
        SELECT v.id, v.reputation, v.last_seen_at FROM {read.Table<ValidatorView>()} v
        JOIN {read.Table<ValidatorAdmission>()} a ON a.id = v.id AND a.admitted
        """);

    public static async Task<IReadOnlyList<ReviewerSelection.Validator>> ReadAsync(NpgsqlDataReader reader, CancellationToken ct)
    {
        var validators = new List<ReviewerSelection.Validator>();
        while (await reader.ReadAsync(ct))
            validators.Add(new ReviewerSelection.Validator(reader.GetString(0), reader.GetDecimal(1),
                reader.IsDBNull(2) ? DateTimeOffset.MinValue : reader.GetFieldValue<DateTimeOffset>(2)));
        return validators;
    }
}
