using System.Net;
using System.Text;
using CommunityAI.Formats.Notes;

namespace ChainBridge.IntegrationTests.Checkpoints;

/// <summary>
/// <c>Checkpoints:WitnessesRequired</c> over real HTTP and PostgreSQL, on a log that keeps growing while witnesses catch
/// up: <c>/checkpoint</c> serves the newest size two known witnesses cosigned, never one that only one did or that a
/// stranger or a forged row vouches for, and <c>/checkpoint/latest</c> serves the newest head for witnesses to cosign.
/// </summary>
public sealed class WitnessedCheckpointTests(WitnessedBridge bridge) : IClassFixture<WitnessedBridge>
{
    private static readonly NoteSigner First = CheckpointedBridge.Witness;
    private static readonly NoteSigner Second = WitnessedBridge.Second;
    private static readonly NoteKey[] Both = [First.Key, Second.Key];

    [Fact]
    public async Task The_newest_size_two_witnesses_cosigned_is_served_while_newer_heads_exist_and_one_cosignature_is_not_enough()
    {
        // Nothing witnessed yet: the newest head, which a client requiring two witnesses does not accept.
        var fresh = await OpenAsync("/checkpoint");
        Assert.Equal(await SizeAsync("/checkpoint/latest"), fresh.Checkpoint!.TreeSize);
        Assert.False(fresh.IsValid);

        var witnessed = await LatestTextAsync();
        Assert.Equal(HttpStatusCode.OK, await PostAsync(witnessed, First.Cosign(witnessed, 100), Second.Cosign(witnessed, 101)));
        var newest = await bridge.AppendAsync(5);
        var latest = await LatestTextAsync();
        Assert.Equal(HttpStatusCode.OK, await PostAsync(latest, First.Cosign(latest, 102)));
        Assert.Equal(HttpStatusCode.Forbidden, await PostAsync(latest, CheckpointedBridge.Stranger.Cosign(latest, 103)));
        // A row written around the service (a bad signature under the second witness's name) vouches for nothing.
        var forged = Second.Cosign(latest, 104);
        forged.Signature[10] ^= 1;
        await bridge.ScalarAsync<long>($"""
            INSERT INTO chainbridge.checkpoint_cosignatures (tree_size, witness, key_hash, signature)
            VALUES ({newest}, '{Second.Key.Name}', {(long)Second.Key.KeyHash}, '\x{Convert.ToHexString(forged.Signature)}') RETURNING tree_size
            """);

        var served = await OpenAsync("/checkpoint");
        var head = await OpenAsync("/checkpoint/latest");

        Assert.True(served.IsValid, served.Error);
        Assert.Equal(witnessed, served.Note!.Text);
        Assert.Equal(3, served.Note.Signatures.Count);
        Assert.Equal(newest, head.Checkpoint!.TreeSize);
        Assert.False(head.IsValid);
        Assert.Equal(2, head.Note!.Signatures.Count); // the log's and the first witness's: the forged line is not served
        Assert.Equal("no-cache", (await bridge.Client.GetAsync("/checkpoint")).Headers.CacheControl!.ToString());

        // The second witness catches up: the newest head is now the witnessed one.
        Assert.Equal(HttpStatusCode.OK, await PostAsync(latest, Second.Cosign(latest, 105)));
        var caughtUp = await OpenAsync("/checkpoint");
        Assert.True(caughtUp.IsValid, caughtUp.Error);
        Assert.Equal(newest, caughtUp.Checkpoint!.TreeSize);
    }

    private async Task<SignedCheckpoint.Opened> OpenAsync(string path) =>
        SignedCheckpoint.Open(await bridge.Client.GetByteArrayAsync(path), CheckpointedBridge.LogKey.Key, Both, required: 2);

    private async Task<long> SizeAsync(string path) => (await OpenAsync(path)).Checkpoint!.TreeSize;

    private async Task<string> LatestTextAsync() => (await OpenAsync("/checkpoint/latest")).Note!.Text;

    private async Task<HttpStatusCode> PostAsync(string body, params NoteSignature[] cosignatures)
    {
        var note = new SignedNote(body, cosignatures).Format();
        using var response = await bridge.Client.PostAsync("/checkpoint/cosignature", new StringContent(note, Encoding.UTF8, "text/plain"));
        return response.StatusCode;
    }
}
