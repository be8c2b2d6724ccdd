using System.Buffers.Binary;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using ChainBridge.IntegrationTests.Log;
using CommunityAI.ChainBridge.Apis;
using CommunityAI.Formats;
using CommunityAI.Formats.Log;
using CommunityAI.Formats.Notes;

namespace ChainBridge.IntegrationTests.Checkpoints;

/// <summary>
/// The bridge's signed checkpoint, tiles and cosignature endpoints over real HTTP, with its log in PostgreSQL written by
/// its own log writer: the checkpoint verifies under the log's key and matches the log's head, tiles hash up to it,
/// bundles hold the canonical entries, and only a known witness's valid cosignature of this log's own head is kept.
/// </summary>
public sealed class CheckpointApiTests(CheckpointedBridge bridge) : IClassFixture<CheckpointedBridge>
{
    private const int Size = LoggedBridge.Entries;

    [Fact]
    public async Task The_checkpoint_is_the_logs_head_signed_by_the_logs_key_and_never_cached()
    {
        var response = await bridge.Client.GetAsync("/checkpoint");
        var head = await bridge.Client.GetFromJsonAsync<LogApi.HeadResponse>("/api/log/head");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/plain", response.Content.Headers.ContentType!.MediaType);
        Assert.Equal("no-cache", response.Headers.CacheControl!.ToString());
        var opened = SignedCheckpoint.Open(await response.Content.ReadAsByteArrayAsync(), CheckpointedBridge.LogKey.Key);
        Assert.True(opened.IsValid, opened.Error);
        Assert.Equal(Size, opened.Checkpoint!.TreeSize);
        Assert.Equal(head!.RootHash, Hex.Encode(opened.Checkpoint.RootHash));
        Assert.StartsWith("test.communityai.example/log\n37\n", opened.Note!.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_level_0_partial_tile_holds_every_leaf_hash_and_hashes_up_to_the_signed_root()
    {
        var response = await bridge.Client.GetAsync("/tile/0/000.p/37");
        var tile = await response.Content.ReadAsByteArrayAsync();
        var entries = await bridge.Client.GetFromJsonAsync<List<LogApi.EntryResponse>>("/api/log/entries?start=0&end=37");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("public, max-age=31536000, immutable", response.Headers.CacheControl!.ToString());
        Assert.Equal(Size * 32, tile.Length);
        Assert.Equal(entries!.Select(e => e.LeafHash), tile.Chunk(32).Select(h => Hex.Encode(h)));
        var range = CompactRange.Empty;
        foreach (var leaf in tile.Chunk(32))
            range = range.Append(leaf).Range;
        var checkpoint = SignedCheckpoint.Open(await bridge.Client.GetByteArrayAsync("/checkpoint"), CheckpointedBridge.LogKey.Key).Checkpoint!;
        Assert.Equal(checkpoint.RootHash, range.RootHash());
        // A narrower partial tile is the same prefix.
        Assert.Equal(tile[..(5 * 32)], await bridge.Client.GetByteArrayAsync("/tile/0/000.p/5"));
    }

    [Fact]
    public async Task The_entry_bundle_holds_the_canonical_entries_each_prefixed_with_its_length()
    {
        var bundle = await bridge.Client.GetByteArrayAsync("/tile/entries/000.p/37");
        var entries = await bridge.Client.GetFromJsonAsync<List<LogApi.EntryResponse>>("/api/log/entries?start=0&end=37");

        var parsed = new List<string>();
        for (int at = 0; at < bundle.Length;)
        {
            int length = BinaryPrimitives.ReadUInt16BigEndian(bundle.AsSpan(at));
            parsed.Add(Encoding.UTF8.GetString(bundle, at + 2, length));
            at += 2 + length;
        }
        Assert.Equal(entries!.Select(e => e.Entry), parsed);
        Assert.Equal(entries!.Select(e => e.LeafHash), parsed.Select(e => Hex.Encode(LogHasher.HashLeaf(Encoding.UTF8.GetBytes(e)))));
    }

    [Theory]
    [InlineData("/tile/0/000", 404)] // the full tile does not exist yet: 37 < 256
    [InlineData("/tile/0/000.p/38", 404)]
    [InlineData("/tile/1/000.p/1", 404)] // no level-1 node before 256 leaves
    [InlineData("/tile/entries/001.p/1", 404)]
    [InlineData("/tile/0/x000/000.p/5", 400)]
    [InlineData("/tile/0/00.p/5", 400)]
    [InlineData("/tile/0/0000.p/5", 400)]
    [InlineData("/tile/8/000.p/1", 400)]
    [InlineData("/tile/0/000.p/0", 400)]
    [InlineData("/tile/0/000.p/256", 400)]
    [InlineData("/tile/0/000.p/05", 400)]
    [InlineData("/tile/0/-01.p/5", 400)]
    [InlineData("/tile/0", 400)]
    [InlineData("/tile/level/000", 400)]
    public async Task Tiles_that_do_not_exist_are_404_and_malformed_paths_400_problems_naming_the_path(string path, int status)
    {
        var response = await bridge.Client.GetAsync(path);

        Assert.Equal(status, (int)response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType!.MediaType);
        Assert.Contains("\"path\"", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_known_witnesses_cosignature_of_the_head_is_kept_and_served_with_the_checkpoint()
    {
        var note = await CheckpointNoteAsync();
        var cosigned = new SignedNote(note.Text, [.. note.Signatures, CheckpointedBridge.Witness.Cosign(note.Text, 1_800_000_000)]);

        var response = await bridge.Client.PostAsync("/checkpoint/cosignature", new StringContent(cosigned.Format(), Encoding.UTF8, "text/plain"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var served = await bridge.Client.GetByteArrayAsync("/checkpoint");
        var opened = SignedCheckpoint.Open(served, CheckpointedBridge.LogKey.Key, [CheckpointedBridge.Witness.Key], required: 1);
        Assert.True(opened.IsValid, opened.Error);
        Assert.Equal(1_800_000_000ul, Cosignature.Timestamp(opened.Note!.Signatures.Single(s => s.IsBy(CheckpointedBridge.Witness.Key))));
    }

    [Fact]
    public async Task Cosignatures_from_strangers_of_forged_heads_or_with_bad_signatures_are_refused_and_nothing_is_kept()
    {
        var note = await CheckpointNoteAsync();
        var checkpoint = SignedCheckpoint.Open(Encoding.UTF8.GetBytes(note.Format()), CheckpointedBridge.LogKey.Key).Checkpoint!;
        var forgedBody = (checkpoint with { RootHash = new byte[32] }).Format();
        var badSignature = CheckpointedBridge.Witness.Cosign(note.Text, 5);
        badSignature.Signature[20] ^= 1;
        var before = await CosignatureRowsAsync();

        var cases = new (string Body, HttpStatusCode Status, string Says)[]
        {
            (new SignedNote(note.Text, [CheckpointedBridge.Stranger.Cosign(note.Text, 5)]).Format(), HttpStatusCode.Forbidden, "no signature line is a valid cosignature"),
            (new SignedNote(note.Text, [badSignature]).Format(), HttpStatusCode.Forbidden, "no signature line is a valid cosignature"),
            // A witness shown a different head of the same size: the bridge must say it is not its own.
            (new SignedNote(forgedBody, [CheckpointedBridge.Witness.Cosign(forgedBody, 5)]).Format(), HttpStatusCode.Conflict, "differs from this log's head"),
            (new SignedNote((checkpoint with { TreeSize = Size + 1 }).Format(), [CheckpointedBridge.Witness.Cosign((checkpoint with { TreeSize = Size + 1 }).Format(), 5)]).Format(), HttpStatusCode.Conflict, "this log is"),
            (new SignedNote((checkpoint with { Origin = "other/log" }).Format(), [CheckpointedBridge.Witness.Cosign((checkpoint with { Origin = "other/log" }).Format(), 5)]).Format(), HttpStatusCode.Conflict, "this log is"),
            ("not a note", HttpStatusCode.BadRequest, "blank line"),
            (new string('a', SignedNote.MaxBytes + 1), HttpStatusCode.BadRequest, "at most"),
        };
        foreach (var (body, status, says) in cases)
        {
            var response = await bridge.Client.PostAsync("/checkpoint/cosignature", new StringContent(body, Encoding.UTF8, "text/plain"));
            Assert.Equal(status, response.StatusCode);
            Assert.Contains(says, await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }
        Assert.Equal(before, await CosignatureRowsAsync());
    }

    private async Task<SignedNote> CheckpointNoteAsync()
    {
        Assert.True(SignedNote.TryParse(await bridge.Client.GetByteArrayAsync("/checkpoint"), out var note, out var error), error);
        return new SignedNote(note.Text, [note.Signatures[0]]);
    }

    // Only tests in this class add cosignatures, and only the good one; the table exists once /checkpoint was served.
    private Task<string> CosignatureRowsAsync() =>
        bridge.ScalarAsync<string>("SELECT count(*) || ':' || coalesce(string_agg(encode(signature, 'hex'), ',' ORDER BY witness), '') FROM chainbridge.checkpoint_cosignatures");
}
