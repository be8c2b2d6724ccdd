using System.Net;
using System.Text;
using CommunityAI.Formats.Notes;

namespace ChainBridge.IntegrationTests.Checkpoints;

/// <summary>
/// <c>GET /checkpoint/witness</c> over real HTTP and PostgreSQL, on a log that grows between two witnesses' polls: both
/// are offered the same head, so both cosign it and a bridge requiring two of them serves it. Before, each witness
/// cosigned the newest head it saw; on a live log no two saw the same one, and nothing was ever witnessed by two.
/// </summary>
public sealed class WitnessOfferTests(OfferingBridge bridge) : IClassFixture<OfferingBridge>
{
    private static readonly NoteKey[] Both = [CheckpointedBridge.Witness.Key, WitnessedBridge.Second.Key];

    [Fact]
    public async Task Witnesses_polling_a_growing_log_are_offered_one_head_which_both_cosign_and_the_offer_moves_on_after_its_cadence()
    {
        var firstPoll = await TextAsync("/checkpoint/witness");
        var offered = Checkpoint.TryParse(firstPoll, out var c, out _) ? c.TreeSize : throw new InvalidOperationException(firstPoll);
        var newest = await bridge.AppendAsync(5);
        var secondPoll = await TextAsync("/checkpoint/witness");
        var latest = await TextAsync("/checkpoint/latest");

        // The log moved on between the polls, and the second witness is offered what the first was.
        Assert.Equal(firstPoll, secondPoll);
        Assert.True(Checkpoint.TryParse(latest, out var head, out _) && head.TreeSize == newest && newest == offered + 5, latest);
        Assert.Equal(HttpStatusCode.OK, await PostAsync(firstPoll, CheckpointedBridge.Witness.Cosign(firstPoll, 200)));
        Assert.Equal(HttpStatusCode.OK, await PostAsync(secondPoll, WitnessedBridge.Second.Cosign(secondPoll, 201)));
        var served = await OpenAsync("/checkpoint");
        Assert.True(served.IsValid, served.Error);
        Assert.Equal(offered, served.Checkpoint!.TreeSize);

        // Once the cadence has passed, the next poll renews the offer to the newest head: one renewal, whichever replica
        // or request comes first, and every poll after it sees the same.
        await bridge.AgeOfferAsync();
        var renewed = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => TextAsync("/checkpoint/witness")));
        Assert.All(renewed, text => Assert.Equal(latest, text));
        Assert.Equal(newest, await bridge.ScalarAsync<long>("SELECT tree_size FROM chainbridge.checkpoint_offer"));

        // An offer past its cadence on a log that has not grown stays what it is.
        await bridge.AgeOfferAsync();
        Assert.Equal(latest, await TextAsync("/checkpoint/witness"));
    }

    private async Task<string> TextAsync(string path) =>
        SignedCheckpoint.Open(await bridge.Client.GetByteArrayAsync(path), CheckpointedBridge.LogKey.Key, Both, required: 2).Note!.Text;

    private async Task<SignedCheckpoint.Opened> OpenAsync(string path) =>
        SignedCheckpoint.Open(await bridge.Client.GetByteArrayAsync(path), CheckpointedBridge.LogKey.Key, Both, required: 2);

    private async Task<HttpStatusCode> PostAsync(string body, params NoteSignature[] cosignatures)
    {
        using var response = await bridge.Client.PostAsync("/checkpoint/cosignature", new StringContent(new SignedNote(body, cosignatures).Format(), Encoding.UTF8, "text/plain"));
        return response.StatusCode;
    }
}
