using System.Net;
using System.Text;
using ChainBridge.IntegrationTests.Log;
using CommunityAI.Formats.Notes;

namespace ChainBridge.IntegrationTests.Checkpoints;

/// <summary>
/// The witnessed checkpoint found from each witness's newest cosigned size serves what the search over every stored
/// cosignature served before, over real HTTP and PostgreSQL, through a history with a stopped witness, witnesses
/// cosigning sizes of their own, rows written around the service and a witness taken out of the configuration.
/// </summary>
public sealed class WitnessLatestSizeTests(WitnessLatestSizeTests.ThreeWitnessBridge bridge) : IClassFixture<WitnessLatestSizeTests.ThreeWitnessBridge>
{
    private static readonly NoteSigner A = CheckpointedBridge.Witness;
    private static readonly NoteSigner B = WitnessedBridge.Second;
    private static readonly NoteSigner C = new("third.witness.example", Enumerable.Repeat((byte)11, 32).ToArray(), NoteKey.CosignatureType);

    // The search /checkpoint ran before the newest-size table, kept here as the reference.
    private const string SearchBefore = """
        SELECT tree_size FROM chainbridge.checkpoint_cosignatures
        WHERE tree_size <= @atMost AND (witness, key_hash) IN (SELECT * FROM unnest(@names::text[], @hashes::bigint[]))
        GROUP BY tree_size HAVING count(*) >= @required
        ORDER BY tree_size DESC LIMIT 4
        """;

    // Every checkpoint body this test was served, by size: what the reference verifies stored lines against.
    private readonly Dictionary<long, string> _bodies = [];

    [Fact]
    public async Task The_witnessed_checkpoint_is_the_one_the_search_over_every_cosignature_finds()
    {
        NoteSigner[] configured = [A, B, C];
        Assert.Equal(await LatestSizeAsync(), await ServedAsync(configured)); // none witnessed: the newest head

        var s1 = await CosignLatestAsync(A, B, C);
        Assert.Equal(s1, await ServedAsync(configured));

        await bridge.AppendAsync(3);
        var s2 = await CosignLatestAsync(A, B); // C stops here
        Assert.Equal(s2, await ServedAsync(configured));

        await bridge.AppendAsync(3);
        var s3 = await CosignLatestAsync(A);
        // Written around the service: a bad signature under B's name at s3, and a newest size for C it never cosigned.
        var forged = B.Cosign(_bodies[s3], 1);
        forged.Signature[10] ^= 1;
        await bridge.ScalarAsync<long>($"""
            INSERT INTO chainbridge.checkpoint_cosignatures (tree_size, witness, key_hash, signature)
            VALUES ({s3}, '{B.Key.Name}', {(long)B.Key.KeyHash}, '\x{Convert.ToHexString(forged.Signature)}') RETURNING tree_size
            """);
        await bridge.ScalarAsync<long>($"""
            UPDATE chainbridge.checkpoint_witness_latest SET tree_size = 1000000 WHERE witness = '{C.Key.Name}' RETURNING tree_size
            """);
        Assert.Equal(s2, await ServedAsync(configured));

        await bridge.AppendAsync(2);
        var s4 = await CosignLatestAsync(A, B);
        Assert.Equal(s4, await ServedAsync(configured));

        // A and B keep cosigning, never the same size: nothing newer has two.
        for (var i = 0; i < 4; i++)
        {
            await bridge.AppendAsync(1);
            await CosignLatestAsync(i % 2 == 0 ? A : B);
            Assert.Equal(s4, await ServedAsync(configured));
        }

        // C comes back and cosigns with A.
        await bridge.AppendAsync(1);
        var s5 = await CosignLatestAsync(A, C);
        Assert.Equal(s5, await ServedAsync(configured));

        // C taken out of the configuration: its cosignatures (and its forged newest size) vouch for nothing.
        await bridge.RestartAsync(ThreeWitnessBridge.SettingsFor([A, B]));
        Assert.Equal(s4, await ServedAsync([A, B]));
        await bridge.RestartAsync(ThreeWitnessBridge.SettingsFor(configured));
        Assert.Equal(s5, await ServedAsync(configured));
    }

    /// <summary>
    /// The size <c>/checkpoint</c> serves, asserted equal to the reference's answer on the same rows, and, when a size is
    /// witnessed, opened with two of <paramref name="configured"/> required.
    /// </summary>
    private async Task<long> ServedAsync(NoteSigner[] configured)
    {
        var keys = configured.Select(w => w.Key).ToArray();
        var opened = SignedCheckpoint.Open(await bridge.Client.GetByteArrayAsync("/checkpoint"), CheckpointedBridge.LogKey.Key, keys, required: 2);
        var head = await LatestSizeAsync();
        var before = await ReferenceAsync(keys, head);
        Assert.Equal(before ?? head, opened.Checkpoint!.TreeSize);
        Assert.Equal(before is not null, opened.IsValid);
        return opened.Checkpoint.TreeSize;
    }

    /// <summary>What /checkpoint served before: the first of the search's sizes with two lines that verify, if any.</summary>
    private async Task<long?> ReferenceAsync(NoteKey[] keys, long head)
    {
        await using var connection = new Npgsql.NpgsqlConnection(bridge.ConnectionString);
        await connection.OpenAsync();
        var candidates = new List<long>();
        await using (var search = new Npgsql.NpgsqlCommand(SearchBefore, connection))
        {
            search.Parameters.AddWithValue("atMost", head);
            search.Parameters.AddWithValue("names", keys.Select(k => k.Name).ToArray());
            search.Parameters.AddWithValue("hashes", keys.Select(k => (long)k.KeyHash).ToArray());
            search.Parameters.AddWithValue("required", 2L);
            await using var reader = await search.ExecuteReaderAsync();
            while (await reader.ReadAsync())
                candidates.Add(reader.GetInt64(0));
        }
        foreach (var size in candidates)
        {
            await using var read = new Npgsql.NpgsqlCommand(
                $"SELECT witness, key_hash, signature FROM chainbridge.checkpoint_cosignatures WHERE tree_size = {size}", connection);
            var valid = 0;
            await using var reader = await read.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                var line = new NoteSignature(reader.GetString(0), (uint)reader.GetInt64(1), (byte[])reader[2]);
                if (keys.Any(k => Cosignature.Verify(k, _bodies[size], line)))
                    valid++;
            }
            if (valid >= 2)
                return size;
        }
        return null;
    }

    private async Task<long> LatestSizeAsync()
    {
        var opened = SignedCheckpoint.Open(await bridge.Client.GetByteArrayAsync("/checkpoint/latest"), CheckpointedBridge.LogKey.Key);
        _bodies[opened.Checkpoint!.TreeSize] = opened.Note!.Text;
        return opened.Checkpoint.TreeSize;
    }

    /// <summary>Each of <paramref name="witnesses"/> cosigns the newest head through the service; returns its size.</summary>
    private async Task<long> CosignLatestAsync(params NoteSigner[] witnesses)
    {
        var size = await LatestSizeAsync();
        foreach (var witness in witnesses)
        {
            var note = new SignedNote(_bodies[size], [witness.Cosign(_bodies[size], 100)]).Format();
            using var response = await bridge.Client.PostAsync("/checkpoint/cosignature", new StringContent(note, Encoding.UTF8, "text/plain"));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }
        return size;
    }

    /// <summary>The logged bridge with three known witnesses, two of which must cosign.</summary>
    public sealed class ThreeWitnessBridge : LoggedBridge
    {
        public static IEnumerable<(string Key, string Value)> SettingsFor(NoteSigner[] witnesses) =>
        [
            ("Checkpoints:SigningKey", CheckpointedBridge.LogKey.ToPrivateKey()),
            .. witnesses.Select((w, i) => ($"Checkpoints:Witnesses:{i}", w.Key.ToString())),
            ("Checkpoints:WitnessesRequired", "2"),
        ];

        protected override IEnumerable<(string Key, string Value)> ExtraSettings => SettingsFor([A, B, C]);
    }
}
