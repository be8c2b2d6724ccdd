using System.Security.Cryptography;
using System.Text.Json;
using CommunityAI.Contracts;
using CommunityAI.Formats;
using CommunityAI.Formats.Signing;
using CommunityAI.ServiceDefaults.History;
using CommunityAI.Testing;

namespace CommunityAI.RewardLedger.IntegrationTests;

/// <summary>Evaluations as the community model records them (stream <c>model/contributions/{id}</c>).</summary>
internal static class GainEvaluations
{
    /// <summary>
    /// A model contribution of a new contributor scored 80 over the bus and credited for its quality (16 tokens under the
    /// classes' genesis policy); returns the contributor, the score and the credit as recorded.
    /// </summary>
    public static async Task<(string Contributor, ContributionScored Scored, JsonElement Credit)> ScoredModelAsync(LedgerSystem system, TimeSpan patience)
    {
        var contributor = Address.Parse(LedgerSystem.RandomAddress());
        var scored = LedgerSystem.Scored(contributor, 80, "model");
        await system.PublishAsync([scored]);
        var credit = await EventAsync(system, $"ledger/credits/{scored.ContributionId}", "contribution_rewarded", patience);
        return (contributor, scored, credit);
    }

    /// <summary>Its evaluation beat the champion by 750 bp (9 examples only it got right, none only the champion); returns the gain credit as recorded.</summary>
    public static async Task<JsonElement> ChampionAsync(LedgerSystem system, string contributionId, string contributor, TimeSpan patience)
    {
        await RecordAsync(system, Evaluated(contributionId, contributor, gain: 750, onlyModel: 9, onlyChampion: 0, became: true));
        return await EventAsync(system, $"ledger/gains/{contributionId}", "model_gain_rewarded", patience);
    }

    /// <summary>A second replica beside the first, and a new contributor's champion evaluation of 333 bp for them to race over.</summary>
    public static (HttpClient Second, string Contributor, ModelContributionEvaluated Evaluated, string Stream) RacingReplicas(LedgerSystem system)
    {
        _ = system.Api;
        var second = system.StartReplica();
        var contributor = Address.Parse(LedgerSystem.RandomAddress());
        var evaluated = Evaluated(NewId(), contributor, gain: 333, onlyModel: 12, onlyChampion: 1, became: true);
        return (second, contributor, evaluated, "model/contributions/" + evaluated.ContributionId);
    }

    /// <summary>
    /// A restart that lost the <paramref name="followers"/>' checkpoints (their keys): the first replica stops, the second
    /// leads and reads the history again, returning once each checkpoint has reached the sequence given with it: the last
    /// event that follower acts on (a follower of rare events stores no checkpoint for batches without one).
    /// </summary>
    public static async Task ReadAgainAfterLosingAsync(LedgerSystem system, TimeSpan patience, params (string Checkpoint, long Past)[] followers)
    {
        foreach (var (checkpoint, _) in followers)
            await LedgerSql.ExecuteAsync(system.History, $"UPDATE ledger.mt_doc_followercheckpoint SET data = jsonb_set(data, '{{sequence}}', '0') WHERE id = '{checkpoint}'");
        await system.StopReplicaAsync(0);
        foreach (var (checkpoint, past) in followers)
            await Eventually.MatchesAsync(() => LedgerSql.CountAsync(system.History, $"SELECT coalesce(max((data->>'sequence')::bigint), 0) FROM ledger.mt_doc_followercheckpoint WHERE id = '{checkpoint}'"),
                n => n >= past, $"the new leader to read everything again ({checkpoint})", patience);
    }

    /// <summary>The sequence of the history's last event of <paramref name="type"/> (a contract type: its stored name).</summary>
    public static Task<long> LastOfTypeAsync(LedgerSystem system, Type type) =>
        LedgerSql.CountAsync(system.History, $"SELECT max(seq_id) FROM history.mt_events WHERE type = '{OutboxRoutes.EventTypeName(type)}'");

    /// <summary>How many events of <paramref name="type"/> the ledger recorded in the contribution's gain stream.</summary>
    public static Task<long> CountInGainStreamAsync(LedgerSystem system, string type, string contributionId) =>
        LedgerSql.CountAsync(system.History,
            $"SELECT count(*) FROM history.mt_events WHERE type = '{type}' AND stream_id = 'ledger/gains/{contributionId}'");

    /// <summary>How many events the ledger recorded in <paramref name="stream"/>.</summary>
    public static Task<long> CountInStreamAsync(LedgerSystem system, string stream) =>
        LedgerSql.CountAsync(system.History, $"SELECT count(*) FROM history.mt_events WHERE stream_id = '{stream}'");

    public static string NewId() => Hex.Encode(RandomNumberGenerator.GetBytes(32));

    public static ModelContributionEvaluated Evaluated(string contributionId, string contributor, int gain, int onlyModel, int onlyChampion, bool became) =>
        new(1, contributionId, contributor, NewId(), NewId(), NewId(), null, "community-model-onnx/1", "test", null, 40, 6000 + gain, NewId(), 6000, gain,
            onlyModel, onlyChampion, became, DateTimeOffset.UtcNow);

    /// <summary>Records the evaluation in its stream; returns its sequence.</summary>
    public static Task<long> RecordAsync(LedgerSystem system, ModelContributionEvaluated evaluated) =>
        system.AppendToAsync("model/contributions/" + evaluated.ContributionId, evaluated);

    /// <summary>The one event of <paramref name="type"/> in <paramref name="stream"/> (or under it, with <paramref name="prefix"/>), once recorded.</summary>
    public static async Task<JsonElement> EventAsync(LedgerSystem system, string stream, string type, TimeSpan patience, bool prefix = false)
    {
        var where = prefix ? $"starts_with(stream_id, '{stream}') AND type = '{type}'" : $"stream_id = '{stream}' AND type = '{type}'";
        await Eventually.MatchesAsync(() => LedgerSql.CountAsync(system.History, $"SELECT count(*) FROM history.mt_events WHERE {where}"), n => n == 1, type, patience);
        await using var connection = new Npgsql.NpgsqlConnection(system.History);
        await connection.OpenAsync();
        await using var command = new Npgsql.NpgsqlCommand($"SELECT data::text FROM history.mt_events WHERE {where}", connection);
        return JsonDocument.Parse((string)(await command.ExecuteScalarAsync())!).RootElement.Clone();
    }
}
