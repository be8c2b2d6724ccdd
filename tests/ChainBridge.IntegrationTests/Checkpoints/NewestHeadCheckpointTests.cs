using System.Net;
using System.Text;
using CommunityAI.Formats.Notes;

namespace ChainBridge.IntegrationTests.Checkpoints;

/// <summary>With no witnesses required, <c>/checkpoint</c> stays the newest head though an older size is fully witnessed.</summary>
public sealed class NewestHeadCheckpointTests(NewestHeadBridge bridge) : IClassFixture<NewestHeadBridge>
{
    [Fact]
    public async Task With_none_required_the_newest_head_is_served_though_an_older_size_is_cosigned_by_every_witness()
    {
        var older = SignedCheckpoint.Open(await bridge.Client.GetByteArrayAsync("/checkpoint/latest"), CheckpointedBridge.LogKey.Key).Note!.Text;
        var note = new SignedNote(older, [CheckpointedBridge.Witness.Cosign(older, 1), WitnessedBridge.Second.Cosign(older, 2)]).Format();
        using var response = await bridge.Client.PostAsync("/checkpoint/cosignature", new StringContent(note, Encoding.UTF8, "text/plain"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var newest = await bridge.AppendAsync(3);

        var served = await bridge.Client.GetStringAsync("/checkpoint");

        var opened = SignedCheckpoint.Open(Encoding.UTF8.GetBytes(served), CheckpointedBridge.LogKey.Key);
        Assert.True(opened.IsValid, opened.Error);
        Assert.Equal(newest, opened.Checkpoint!.TreeSize);
        Assert.Equal(await bridge.Client.GetStringAsync("/checkpoint/latest"), served);
    }
}
