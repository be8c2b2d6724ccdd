using CommunityAI.Formats.Signing;
using CommunityAI.RewardLedger.Infrastructure;
using CommunityAI.ServiceDefaults.History;
using CommunityAI.Testing;
using Marten;

namespace CommunityAI.RewardLedger.IntegrationTests;

/// <summary>
/// A ledger upgraded from the release where each follower kept a checkpoint document of its own type: the real service,
/// started on a database holding the old document, continues from its sequence instead of reading the history from zero.
/// </summary>
public sealed class FollowerCheckpointMigrationTests(GainLedgerSystem system) : IClassFixture<GainLedgerSystem>
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task The_gain_follower_continues_from_the_checkpoint_the_previous_release_stored()
    {
        // Before the upgrade: a champion evaluation the old follower read, and its checkpoint just past it. Its credit is left
        // out, so a follower that read the history from zero would credit it now, visibly.
        var contributor = Address.Parse(LedgerSystem.RandomAddress());
        var before = GainEvaluations.Evaluated(GainEvaluations.NewId(), contributor, gain: 500, onlyModel: 7, onlyChampion: 0, became: true);
        long legacy;
        using (var previous = DocumentStore.For(options =>
               {
                   HistoryStoreExtensions.ConfigureHistory(options, "ledger");
                   options.Connection(system.History);
                   options.Schema.For<GainFeedCheckpoint>();
               }))
        {
            await using var session = previous.LightweightSession();
            session.Events.StartStream("model/contributions/" + before.ContributionId, before);
            await session.SaveChangesAsync();
            legacy = await LedgerSql.CountAsync(system.History, "SELECT max(seq_id) FROM history.mt_events");
            session.Store(new GainFeedCheckpoint(GainFollower.CheckpointKey, legacy));
            await session.SaveChangesAsync();
        }
        Assert.Equal(legacy, await LedgerSql.CountAsync(system.History, "SELECT (data->>'sequence')::bigint FROM ledger.mt_doc_gainfeedcheckpoint WHERE id = 'gains'"));

        // The new release starts; an evaluation recorded after the upgrade is credited.
        _ = system.Api;
        var after = GainEvaluations.Evaluated(GainEvaluations.NewId(), contributor, gain: 250, onlyModel: 4, onlyChampion: 0, became: true);
        var sequence = await GainEvaluations.RecordAsync(system, after);
        await GainEvaluations.EventAsync(system, $"ledger/gains/{after.ContributionId}", "model_gain_rewarded", Patience);

        // The follower carried the old sequence over and went on from there: the evaluation before it was not read again.
        Assert.Equal(0, await GainEvaluations.CountInGainStreamAsync(system, "model_gain_rewarded", before.ContributionId));
        await Eventually.MatchesAsync(() => LedgerSql.CountAsync(system.History,
                "SELECT (data->>'sequence')::bigint FROM ledger.mt_doc_followercheckpoint WHERE id = 'gains'"),
            n => n >= sequence, "the shared checkpoint to move past the new evaluation", Patience);
    }
}

/// <summary>
/// The gain follower's checkpoint as the previous release stored it: Marten names the table after the type
/// (<c>mt_doc_gainfeedcheckpoint</c>; a nested type's name would take its class's too).
/// </summary>
internal sealed record GainFeedCheckpoint(string Id, long Sequence);
