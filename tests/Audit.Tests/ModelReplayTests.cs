using System.Security.Cryptography;
using System.Text.Json;
using CommunityAI.Audit.History;
using CommunityAI.Audit.Replay;
using CommunityAI.Formats;

namespace CommunityAI.Audit.Tests;

/// <summary>
/// The community model's replay on hand-made events (no content, so nothing is re-trained): commitments before use,
/// reveals that open them, and champion changes only on a measured gain. The re-run from content is tested on a real
/// history in CommunityModel.IntegrationTests.
/// </summary>
public sealed class ModelReplayTests
{
    private const string Root = "0x1111111111111111111111111111111111111111111111111111111111111111";
    private const string M1 = "0xa100000000000000000000000000000000000000000000000000000000000001";
    private const string M2 = "0xa200000000000000000000000000000000000000000000000000000000000002";

    private static readonly byte[] Salt1 = SHA256.HashData("one"u8);
    private static readonly byte[] Salt2 = SHA256.HashData("two"u8);

    private long _index;

    private LogEvent Event(string stream, string type, string json) =>
        new(_index, _index, ++_index, stream, type, Guid.NewGuid().ToString(), JsonDocument.Parse(json).RootElement.Clone());

    private LogEvent Commit(long period, byte[] salt) => Event($"model/evaluation/{period}", "evaluation_split_committed",
        $$"""{"period":{{period}},"commitment":"{{Hex.Encode(SHA256.HashData(salt))}}","heldOutPercent":20}""");

    private LogEvent Reveal(long period, byte[] salt, byte[] committed) => Event($"model/evaluation/{period}", "evaluation_split_revealed",
        $$"""{"period":{{period}},"salt":"{{Hex.Encode(salt)}}","commitment":"{{Hex.Encode(SHA256.HashData(committed))}}"}""");

    private LogEvent Trained(string stream, string hash, int accuracy) => Event(stream, "model_trained",
        $$"""{"modelHash":"{{hash}}","snapshotRoot":"{{Root}}","feedbackSnapshotRoot":null,"heldOutPercent":20,"heldOutCount":10,"accuracyBasisPoints":{{accuracy}},"macroAccuracyBasisPoints":{{accuracy}}}""");

    private LogEvent Evaluated(string stream, long period, string hash, int accuracy, string? champion, int compared, int challengerBp, int? championBp, bool became) =>
        Event(stream, "model_evaluated", JsonSerializer.Serialize(new
        {
            period, modelHash = hash, snapshotRoot = Root, feedbackSnapshotRoot = (string?)null, heldOutCount = 10, accuracyBasisPoints = accuracy,
            macroAccuracyBasisPoints = accuracy, championModelHash = champion, comparedCount = compared, challengerComparedBasisPoints = challengerBp,
            championComparedBasisPoints = championBp, becameChampion = became,
        }));

    private ModelReplayResult Honest(Action<ModelReplay>? then = null, bool secondBecomes = true, int challengerBp = 8000)
    {
        var replay = new ModelReplay(null);
        replay.Add(Commit(1, Salt1));
        replay.Add(Trained("model/a", M1, 6000));
        replay.Add(Evaluated("model/a", 1, M1, 6000, null, 0, 0, null, true));
        replay.Add(Reveal(1, Salt1, Salt1));
        replay.Add(Commit(2, Salt2));
        replay.Add(Trained("model/b", M2, 7000));
        replay.Add(Evaluated("model/b", 2, M2, 7000, M1, 12, challengerBp, 7000, secondBecomes));
        replay.Add(Reveal(2, Salt2, Salt2));
        then?.Invoke(replay);
        return replay.Finish();
    }

    [Fact]
    public void An_honest_history_has_no_findings_and_its_champion_is_the_last_measured_gain()
    {
        var result = Honest();

        Assert.Empty(result.Findings);
        Assert.Equal((2, 2, 2, 2, 0, 2), (result.Trained, result.Periods, result.Revealed, result.Evaluated, result.Rerun, result.NotRerun));
        Assert.Equal(M2, result.Champion);
    }

    [Fact]
    public void A_reveal_that_does_not_open_its_commitment_is_named()
    {
        var replay = new ModelReplay(null);
        replay.Add(Commit(1, Salt1));
        replay.Add(Reveal(1, Salt2, Salt1));

        Assert.Equal("revealed salt does not match its commitment", Assert.Single(replay.Finish().Findings).What);
    }

    [Fact]
    public void A_champion_change_without_a_gain_and_a_gain_not_made_champion_are_named()
    {
        Assert.Equal("champion change without a measured gain", Assert.Single(Honest(challengerBp: 7000).Findings).What);
        Assert.Equal("measured gain not made champion", Assert.Single(Honest(secondBecomes: false).Findings).What);
    }

    [Fact]
    public void A_training_before_its_commitment_or_without_an_evaluation_is_named()
    {
        var result = Honest(replay =>
        {
            replay.Add(Trained("model/c", M1, 9000));
            replay.Add(Commit(3, Salt1));
            replay.Add(Evaluated("model/c", 3, M1, 9000, M2, 12, 9000, 7000, true));
            replay.Add(Trained("model/d", M1, 9900));
        });

        Assert.Equal(["trained on an uncommitted split", "model trained without a private evaluation"], result.Findings.Select(f => f.What));
    }

    [Fact]
    public void An_evaluation_that_does_not_repeat_its_training_metrics_is_named()
    {
        var replay = new ModelReplay(null);
        replay.Add(Commit(1, Salt1));
        replay.Add(Trained("model/a", M1, 6000));
        replay.Add(Evaluated("model/a", 1, M1, 9500, null, 0, 0, null, true));

        Assert.Contains(replay.Finish().Findings, f => f.What == "evaluation differs from its training");
    }
}
