using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using CommunityAI.Audit.History;
using CommunityAI.Audit.Replay;
using CommunityAI.Formats;

namespace CommunityAI.Audit.Tests;

/// <summary>
/// The replay recounts each valued batch's shares (contracts 1.18) from the snapshots' content, on a hand-made history
/// of two rounds: the first (before private splits) brought the old texts, the second brought new ones, a copy of an
/// old text, a copy of a new one and held-out ones. The shares written here by hand from the rule pass; a share count
/// one higher is named; a batch recorded without shares (before 1.18) is not a finding.
/// </summary>
public sealed class DataValueShareReplayTests
{
    private const string Alice = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8";
    private const string Bob = "0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC";
    private const string OldRoot = "0x1111111111111111111111111111111111111111111111111111111111111111";
    private const string NewRoot = "0x2222222222222222222222222222222222222222222222222222222222222222";
    private const string OldModel = "0xa100000000000000000000000000000000000000000000000000000000000001";
    private const int Seed = 7;
    private const int HeldOutPercent = 20;

    private static readonly string[] Labels = ["question", "bug-report"];
    private static readonly byte[] Salt = SHA256.HashData("shares"u8);

    private static bool Trained(string text) => !ModelRetrainer.IsHeldOut(Salt, text, HeldOutPercent);

    private static ModelRetrainer.Example Text(int i) => i % 2 == 0
        ? new($"how do i reset the wallet page number {i}", "question")
        : new($"crash on login after update number {i}", "bug-report");

    private sealed record Contribution(string Id, string Contributor, ModelRetrainer.Example Example)
    {
        public byte[] Stored { get; } = JsonSerializer.SerializeToUtf8Bytes(new { text = Example.Text, label = Example.Label });
    }

    private static Contribution Contributed(string name, string contributor, ModelRetrainer.Example example) =>
        new(Hex.Encode(SHA256.HashData(Encoding.UTF8.GetBytes(name))), contributor, example);

    // Old texts 0–23 (Alice's), new texts 24–47 (Bob's and Alice's in turn), then Bob copies an old text and Alice a new one.
    private static readonly List<Contribution> Old = Enumerable.Range(0, 24).Select(i => Contributed($"old {i}", Alice, Text(i))).ToList();
    private static readonly List<Contribution> Fresh = Enumerable.Range(24, 24).Select(i => Contributed($"new {i}", i % 2 == 0 ? Bob : Alice, Text(i))).ToList();
    private static readonly Contribution CopyOfOld = Contributed("copy of old", Bob, Old.First(c => Trained(c.Example.Text)).Example);
    private static readonly Contribution Copied = Fresh.First(c => Trained(c.Example.Text));
    private static readonly Contribution CopyOfNew = Contributed("copy of new", Alice, Copied.Example);
    private static readonly List<Contribution> Batch = [.. Fresh, CopyOfOld, CopyOfNew];

    /// <summary>By hand: each new text on the training side once, for whoever brought it, the copied one too; no copy, no held-out text.</summary>
    private static List<DataValueRerun.Share> HonestShares() =>
        Fresh.Where(c => Trained(c.Example.Text)).OrderBy(c => c.Id, StringComparer.Ordinal)
            .Select(c => new DataValueRerun.Share(c.Id, c.Contributor, 1)).ToList();

    /// <summary>Member names as the history's JSON has them.</summary>
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private long _index;

    private LogEvent Event(string stream, string type, object data) =>
        new(_index, _index, ++_index, stream, type, Guid.NewGuid().ToString(), JsonSerializer.SerializeToElement(data, Json));

    private IEnumerable<LogEvent> Submitted(IEnumerable<Contribution> contributions) => contributions.Select(c =>
        Event($"contributions/{c.Id}", "contribution_submitted", new { contributionId = c.Id, contributor = c.Contributor, kind = "data" }));

    private LogEvent Snapshot(string root, IEnumerable<Contribution> members) => Event($"contributions/datasets/{root}", "dataset_snapshotted",
        new { root, kind = "data", members = members.Select(m => new { contributionId = m.Id, contentHash = ModelRetrainer.Sha256Hex(m.Stored) }) });

    /// <summary>The replay's result over the history, with <paramref name="shares"/> as the new data's recorded shares (null: none recorded).</summary>
    private ModelReplayResult Replay(Func<List<DataValueRerun.Share>, List<DataValueRerun.Share>?> shares)
    {
        Assert.Contains(Fresh, c => !Trained(c.Example.Text)); // this salt holds some new texts out: they must count for no one
        var round = Old.Concat(Batch).Select(c => (c.Example, InBatch: Batch.Contains(c))).ToList();
        var model = ModelRetrainer.Train(round.Select(x => x.Example), Labels, Seed, HeldOutPercent, Salt)!;
        var data = DataValueRerun.Measure(round, model.Model, Labels, Seed, HeldOutPercent, Salt);
        var feedback = DataValueRerun.Measure(round.Select(x => (x.Example, false)).ToList(), model.Model, Labels, Seed, HeldOutPercent, Salt);
        var stream = $"model/{NewRoot}";
        var replay = new ModelReplay(new ModelContent(Old.Concat(Batch).ToDictionary(c => c.Id, c => c.Stored, StringComparer.OrdinalIgnoreCase),
            new Dictionary<string, (string, string)>()));
        foreach (var e in Submitted(Old)
                     .Append(Snapshot(OldRoot, Old))
                     .Append(Event($"model/{OldRoot}", "model_trained", new { modelHash = OldModel, snapshotRoot = OldRoot })) // before private splits
                     .Concat(Submitted(Batch))
                     .Append(Snapshot(NewRoot, Old.Concat(Batch)))
                     .Append(Event("model/evaluation/1", "evaluation_split_committed",
                         new { period = 1, commitment = ModelRetrainer.Sha256Hex(Salt), heldOutPercent = HeldOutPercent }))
                     .Append(Event(stream, "model_trained", new
                     {
                         modelHash = model.ModelHash, snapshotRoot = NewRoot, feedbackSnapshotRoot = (string?)null, trainer = ModelRetrainer.KnownTrainer,
                         codeVersion = $"community-model/1; {ModelRetrainer.LibraryVersion}", labels = Labels, seed = Seed, heldOutPercent = HeldOutPercent,
                         feedbackCount = 0, skippedCount = 0, trainCount = model.TrainCount, heldOutCount = model.HeldOutCount,
                         accuracyBasisPoints = model.AccuracyBasisPoints, macroAccuracyBasisPoints = model.MacroAccuracyBasisPoints,
                     }))
                     .Append(Event(stream, "model_evaluated", new
                     {
                         period = 1, modelHash = model.ModelHash, snapshotRoot = NewRoot, heldOutCount = model.HeldOutCount,
                         accuracyBasisPoints = model.AccuracyBasisPoints, macroAccuracyBasisPoints = model.MacroAccuracyBasisPoints,
                         championModelHash = (string?)null, comparedCount = 0, challengerComparedBasisPoints = 0, championComparedBasisPoints = (int?)null, becameChampion = true,
                     }))
                     .Append(Event(stream, "data_valued", new
                     {
                         period = 1, modelHash = model.ModelHash, snapshotRoot = NewRoot, baselineModelHash = OldModel, baselineSnapshotRoot = OldRoot,
                         data = Value(data, shares(HonestShares())), feedback = Value(feedback, []),
                     }))
                     .Append(Event("model/evaluation/1", "evaluation_split_revealed", new { period = 1, salt = Hex.Encode(Salt) })))
            replay.Add(e);
        return replay.Finish();
    }

    private static Dictionary<string, object?> Value((int New, int Evaluated, int? With, int? Without, int? Gain) v, List<DataValueRerun.Share>? shares)
    {
        var value = new Dictionary<string, object?>
        {
            ["newCount"] = v.New, ["evaluatedCount"] = v.Evaluated, ["withBasisPoints"] = v.With, ["withoutBasisPoints"] = v.Without, ["gainBasisPoints"] = v.Gain,
        };
        if (shares is not null)
            value["shares"] = shares;
        return value;
    }

    [Fact]
    public void Shares_counted_by_who_first_brought_each_training_text_pass()
    {
        var result = Replay(honest => honest);

        Assert.Empty(result.Findings);
        Assert.Equal((1, 1, 1), (result.Rerun, result.Valued, result.ValuedRerun));
    }

    [Fact]
    public void A_share_count_one_higher_is_named()
    {
        var result = Replay(honest => [honest[0] with { Examples = honest[0].Examples + 1 }, .. honest.Skip(1)]);

        Assert.Equal("recorded data shares do not re-run", Assert.Single(result.Findings).What);
    }

    [Fact]
    public void Shares_that_pay_a_copy_or_a_held_out_text_are_named()
    {
        var heldOut = Fresh.First(c => !Trained(c.Example.Text));
        var copy = Replay(honest => [.. honest, new(CopyOfNew.Id, CopyOfNew.Contributor, 1)]);
        var unseen = Replay(honest => [.. honest, new(heldOut.Id, heldOut.Contributor, 1)]);

        Assert.Equal("recorded data shares do not re-run", Assert.Single(copy.Findings).What);
        Assert.Equal("recorded data shares do not re-run", Assert.Single(unseen.Findings).What);
    }

    [Fact]
    public void A_value_recorded_before_shares_existed_is_not_a_finding()
    {
        var result = Replay(_ => null);

        Assert.Empty(result.Findings);
        Assert.Equal(1, result.ValuedRerun);
    }
}
