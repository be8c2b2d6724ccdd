using System.Text.Json;
using System.Text.Json.Nodes;
using CommunityAI.Audit.Proofs;
using CommunityAI.Formats;

namespace CommunityAI.Audit.Tests;

/// <summary>Proof files from the real chain-bridge, checked offline; and <c>prove</c> against the anchored head.</summary>
public sealed class ProofTests(AuditedSystem system) : IClassFixture<AuditedSystem>
{
    [Fact]
    public async Task Proof_files_from_the_chain_bridge_verify()
    {
        foreach (var proof in system.InclusionProofs)
            Assert.Equal(0, (await RunOnFileAsync("verify-inclusion", proof)).ExitCode);
        foreach (var proof in system.ConsistencyProofs)
            Assert.Equal(0, (await RunOnFileAsync("verify-consistency", proof)).ExitCode);
    }

    [Fact]
    public void Every_bit_flip_in_any_hash_of_a_proof_is_rejected()
    {
        foreach (var (proofs, fields, check) in new[]
        {
            (system.InclusionProofs, new[] { "rootHash", "leafHash", "auditPath" }, (Func<byte[], VerificationResultView>)(b => ProofFile.VerifyInclusion(b))),
            (system.ConsistencyProofs, new[] { "firstRoot", "secondRoot", "proof" }, b => ProofFile.VerifyConsistency(b)),
        })
        {
            foreach (var text in proofs)
            {
                var original = JsonNode.Parse(text)!.AsObject();
                foreach (var field in fields)
                {
                    var targets = original[field] is JsonArray array
                        ? Enumerable.Range(0, array.Count).Select(i => (Func<JsonObject, JsonNode?>)(o => o[field]!.AsArray()[i])).ToList()
                        : [o => o];
                    foreach (var (target, position) in targets.Select((t, i) => (t, i)))
                    {
                        for (var bit = 0; bit < 256; bit++)
                        {
                            var copy = original.DeepClone().AsObject();
                            var hash = original[field] is JsonArray list ? list[position]!.GetValue<string>() : original[field]!.GetValue<string>();
                            var bytes = Hex.Decode(hash, 32);
                            bytes[bit / 8] ^= (byte)(1 << (bit % 8));
                            if (copy[field] is JsonArray copied)
                                copied[position] = Hex.Encode(bytes);
                            else
                                copy[field] = Hex.Encode(bytes);
                            var result = check(JsonSerializer.SerializeToUtf8Bytes(copy));
                            Assert.False(result.IsValid, $"{field}[{position}] bit {bit} flipped still verified");
                        }
                    }
                }
            }
        }
    }

    [Fact]
    public async Task Truncated_proof_files_are_rejected_with_the_reason()
    {
        var text = system.InclusionProofs[2];
        for (var length = 0; length < text.Length; length++)
        {
            var result = ProofFile.VerifyInclusion(System.Text.Encoding.UTF8.GetBytes(text[..length]));
            Assert.False(result.IsValid, $"prefix of {length} characters verified");
        }
        var cut = await RunOnFileAsync("verify-inclusion", text[..(text.Length / 2)]);
        Assert.Equal(1, cut.ExitCode);
        Assert.Contains("malformed proof", cut.Error, StringComparison.Ordinal);

        // A shorter audit path is well-formed JSON but the wrong proof.
        var shorter = JsonNode.Parse(text)!.AsObject();
        shorter["auditPath"]!.AsArray().RemoveAt(0);
        var run = await RunOnFileAsync("verify-inclusion", shorter.ToJsonString());
        Assert.Equal(1, run.ExitCode);
        Assert.Contains("expected", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_proof_for_another_index_is_rejected_offline_and_for_another_size_against_the_chain()
    {
        foreach (var text in system.InclusionProofs)
        {
            Assert.Equal(0, (await RunOnFileAsync("verify-inclusion", text, system.ChainArgs)).ExitCode);
            foreach (var delta in new[] { 1L, -1L })
            {
                var index = JsonNode.Parse(text)!.AsObject();
                index["leafIndex"] = index["leafIndex"]!.GetValue<long>() + delta;
                Assert.False(ProofFile.VerifyInclusion(JsonSerializer.SerializeToUtf8Bytes(index)).IsValid, $"leafIndex {delta:+#;-#} verified: {index}");

                // RFC 9162 paths do not always bind the tree size (leaf 0 of 24 and of 25 share a path):
                // only the anchored (size, root) pair does, so the wrong size is caught against the chain.
                var size = JsonNode.Parse(text)!.AsObject();
                size["treeSize"] = size["treeSize"]!.GetValue<long>() + delta;
                var run = await RunOnFileAsync("verify-inclusion", size.ToJsonString(), system.ChainArgs);
                Assert.True(run.ExitCode == 1, $"treeSize {delta:+#;-#} verified against the chain: {size}");
            }
        }
        foreach (var text in system.ConsistencyProofs)
        {
            Assert.Equal(0, (await RunOnFileAsync("verify-consistency", text, system.ChainArgs)).ExitCode);
            foreach (var (field, delta) in new[] { ("first", 1L), ("first", -1L), ("second", 1L), ("second", -1L) })
            {
                var copy = JsonNode.Parse(text)!.AsObject();
                copy[field] = copy[field]!.GetValue<long>() + delta;
                var run = await RunOnFileAsync("verify-consistency", copy.ToJsonString(), system.ChainArgs);
                Assert.True(run.ExitCode == 1, $"{field} {delta:+#;-#} verified: {copy}");
            }
        }
    }

    [Fact]
    public async Task Prove_gives_verifying_proofs_of_a_contributions_events_with_the_anchoring_transaction()
    {
        var id = system.ContributionIds[2];

        var run = await AuditRun.RunAsync(["prove", id, "--database", system.Database, .. system.ChainArgs, "--json"]);

        Assert.True(run.ExitCode == 0, run.ToString());
        var anchor = run.Json.GetProperty("anchor");
        var last = system.Anchors[^1];
        Assert.Equal(last.TreeSize, anchor.GetProperty("treeSize").GetInt64());
        Assert.Equal(last.TxHash, anchor.GetProperty("transactionHash").GetString());
        var proofs = run.Json.GetProperty("proofs").EnumerateArray().ToList();
        Assert.Equal(["ledger/credits/" + id, "scoring/" + id], proofs.Select(p => p.GetProperty("stream").GetString()).Order());
        // Each proof is in the chain-bridge's file format: the offline check accepts it as is.
        foreach (var proof in proofs)
            Assert.Equal(0, (await RunOnFileAsync("verify-inclusion", proof.GetRawText())).ExitCode);
    }

    [Fact]
    public async Task Prove_of_an_unknown_contribution_fails_and_a_malformed_id_is_a_usage_error()
    {
        var unknown = await AuditRun.RunAsync(["prove", Hex.Encode(new byte[32]), "--database", system.Database, .. system.ChainArgs]);
        Assert.Equal(1, unknown.ExitCode);
        var malformed = await AuditRun.RunAsync(["prove", "0x1234", "--database", system.Database, .. system.ChainArgs]);
        Assert.Equal(2, malformed.ExitCode);
    }

    private static async Task<AuditRun> RunOnFileAsync(string command, string json, params string[] extra)
    {
        var file = Path.Combine(Path.GetTempPath(), $"proof-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(file, json);
        try
        {
            return await AuditRun.RunAsync([command, "--file", file, .. extra]);
        }
        finally
        {
            File.Delete(file);
        }
    }
}
