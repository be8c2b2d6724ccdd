using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using CommunityAI.ChainBridge.Apis;
using CommunityAI.ChainBridge.Chain;
using CommunityAI.Formats;
using CommunityAI.Formats.Log;
using CommunityAI.Formats.Signing;
using CommunityAI.Testing;
using Nethereum.Web3;
using Npgsql;

namespace CommunityAI.EndToEndTests;

public sealed class WalkingSkeletonTests(SystemUnderTest system) : IClassFixture<SystemUnderTest>
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    [Fact]
    public async Task A_signed_contribution_is_scored_rewarded_and_covered_by_a_tree_head_anchored_on_chain()
    {
        var content = ContentSalt.Add(Encoding.UTF8.GetBytes("A labelled sample for the community model."));
        var key = AnvilNode.DevPrivateKeys[1];
        var contributor = Address.Parse(new Nethereum.Web3.Accounts.Account(key).Address);
        var payload = new ContributionPayload(contributor, "data", Hex.Encode(SHA256.HashData(content)),
            "ipfs://bafybeigdyrzt5sfp7udm7hu76uh7y26nf3efuylqabf3oclgtqy55fbzdi", Licence: "CC-BY-4.0", Nonce: 1,
            Deadline: (ulong)DateTimeOffset.UtcNow.AddHours(1).ToUnixTimeSeconds());
        var signature = TypedDataSigner.Sign(payload, TestChain.Domain, key);

        var response = await system.Contributions.PostAsJsonAsync("/api/contributions", new
        {
            payload.Contributor, payload.Kind, payload.ContentHash, payload.ContentUri, payload.Licence,
            payload.Nonce, payload.Deadline, signature, content = Convert.ToBase64String(content),
        });
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var id = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
        Assert.Equal(Hex.Encode(TypedDataSigner.Digest(payload, TestChain.Domain)), id);

        // Scored by quality-scoring, credited by reward-ledger, both seen by contributions over the bus.
        var status = await Eventually.MatchesAsync(
            () => system.Contributions.GetFromJsonAsync<JsonElement>($"/api/contributions/{id}"),
            // Scored and rewarded travel on separate queues, so either may reach the view first.
            s => s.GetProperty("status").GetString() is "rewarded" or "anchored" && s.GetProperty("score").ValueKind == JsonValueKind.Number,
            "the contribution to be scored and rewarded");
        Assert.InRange(status.GetProperty("score").GetInt32(), 1, 100);
        Assert.NotEqual("0", status.GetProperty("reward").GetString());

        // Every service appended its own event; all of them are in the log, in store order.
        var entries = await Eventually.MatchesAsync(
            () => ReadLogAsync(),
            log => log.Count(e => e.Entry.Contains(id, StringComparison.Ordinal)) >= 3,
            "the submission, score and credit events to be logged");
        var submittedIndex = entries.Single(e => e.Entry.Contains($"\"stream\":\"contributions/{id}\"", StringComparison.Ordinal)).Index;
        foreach (var entry in entries)
            Assert.Equal(Hex.Encode(LogHasher.HashLeaf(Encoding.UTF8.GetBytes(entry.Entry))), entry.LeafHash);

        // The head anchored on chain covers the submission, and the log proves inclusion under that very root.
        var chain = await system.DeploymentAsync();
        // The contribution was signed for this very deployment: its verifying contract is the anchor the bridge deployed.
        Assert.Equal(TestChain.AnchorContract, chain!.AnchorContract);
        var anchor = new AnchorContract(new Web3(system.Chain.RpcUrl), chain!.AnchorContract);
        var onChain = await Eventually.MatchesAsync(
            () => anchor.GetLatestHeadAsync(),
            head => (long)head.TreeSize > submittedIndex, "an anchored tree head covering the submission");
        var proof = await system.ChainBridge.GetFromJsonAsync<LogApi.InclusionResponse>(
            $"/api/log/proof/inclusion?index={submittedIndex}&treeSize={onChain.TreeSize}", Json);
        var verdict = ProofVerifier.VerifyInclusion(proof!.LeafIndex, proof.TreeSize, Hex.Decode(proof.LeafHash, 32),
            proof.AuditPath.Select(h => Hex.Decode(h, 32)).ToList(), onChain.RootHash);
        Assert.True(verdict.IsValid, verdict.Message);
        Assert.Equal(entries.Single(e => e.Index == submittedIndex).LeafHash, proof.LeafHash);
    }

    [Fact]
    public async Task A_contribution_with_a_forged_signature_is_refused_and_leaves_no_trace()
    {
        var content = Encoding.UTF8.GetBytes("forged");
        var payload = new ContributionPayload(Address.Parse(new Nethereum.Web3.Accounts.Account(AnvilNode.DevPrivateKeys[2]).Address),
            "feedback", Hex.Encode(SHA256.HashData(content)), "https://example.org/forged", "CC0-1.0", 7,
            (ulong)DateTimeOffset.UtcNow.AddHours(1).ToUnixTimeSeconds());
        // Signed by someone else than the claimed contributor.
        var signature = TypedDataSigner.Sign(payload, TestChain.Domain, AnvilNode.DevPrivateKeys[3]);
        var before = await system.ChainBridge.GetFromJsonAsync<LogApi.HeadResponse>("/api/log/head", Json);

        var response = await system.Contributions.PostAsJsonAsync("/api/contributions", new
        {
            payload.Contributor, payload.Kind, payload.ContentHash, payload.ContentUri, payload.Licence, payload.Nonce, payload.Deadline, signature,
        });

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var id = Hex.Encode(TypedDataSigner.Digest(payload, TestChain.Domain));
        Assert.Equal(HttpStatusCode.NotFound, (await system.Contributions.GetAsync($"/api/contributions/{id}")).StatusCode);
        await Task.Delay(1500);
        var log = await ReadLogAsync();
        Assert.DoesNotContain(log, e => e.Entry.Contains(id, StringComparison.Ordinal));
        Assert.True(log.Count >= before!.TreeSize);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_contribution_is_scored_and_credited_in_the_trace_of_the_request_that_submitted_it(bool withContent)
    {
        // The request starts its own trace (no proxy sent it), sampled. Content is handed to quality-scoring in batches and
        // taken in under each one's own context; a contribution by pointer is taken in by the consumer of the outbox's send.
        // The ledger credits scores in batches and carries each one's context on.
        var (id, body) = withContent
            ? SignedContributions.Make(keyIndex: 4, nonce: 41, "a contribution followed across the bus")
            : ByPointer(keyIndex: 4, nonce: 42);
        Assert.Equal(HttpStatusCode.Accepted, (await system.Contributions.PostAsJsonAsync("/api/contributions", body)).StatusCode);

        var events = await Eventually.MatchesAsync(() => TraceParentsAsync(id),
            e => e.Any(e => e.Type == "contribution_rewarded"), "the contribution to be credited");
        var submitted = events.Single(e => e.Type == "contribution_submitted").TraceParent;
        Assert.True(submitted?.Split('-') is ["00", _, _, "01"], $"submitted in {submitted ?? "no trace"}");
        var trace = submitted!.Split('-')[1];
        foreach (var type in new[] { "contribution_scored", "contribution_rewarded" })
        {
            var (_, stream, traceParent) = events.Single(e => e.Type == type);
            Assert.True(traceParent is not null && traceParent.Split('-') is ["00", var t, _, "01"] && t == trace,
                $"{type} on {stream} was appended in {traceParent ?? "no trace"}, not in the request's trace {trace}");
        }
    }

    [Theory]
    [InlineData("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01' OR '1'='1", 51)]
    [InlineData("00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01", 52)]
    [InlineData("ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01", 53)]
    [InlineData("oversized", 54)]
    // Well formed and sampled, from a caller no proxy list names: a context of its choosing, not continued either.
    [InlineData("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01", 55)]
    public async Task A_callers_trace_context_is_not_continued_and_the_history_keeps_a_well_formed_one(string sent, ulong nonce)
    {
        if (sent == "oversized")
            sent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01" + new string('a', 8_000);
        var (id, body) = SignedContributions.Make(keyIndex: 4, nonce, "a hostile trace header");
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/contributions") { Content = JsonContent.Create(body) };
        Assert.True(request.Headers.TryAddWithoutValidation("traceparent", sent));
        Assert.Equal(HttpStatusCode.Accepted, (await system.Contributions.SendAsync(request)).StatusCode);

        var (_, _, stored) = (await TraceParentsAsync(id)).Single(e => e.Type == "contribution_submitted");
        Assert.True(stored is not null && ActivityContext.TryParse(stored, null, out var context) && stored.Length == 55
            && context.TraceId.ToHexString() != "4bf92f3577b34da6a3ce929d0e0e4736", $"stored {stored} for {sent[..Math.Min(80, sent.Length)]}");
    }

    /// <summary>A signed contribution whose content stays where its URI points: the history and the bus carry it whole.</summary>
    private static (string Id, object Body) ByPointer(int keyIndex, ulong nonce)
    {
        var content = Encoding.UTF8.GetBytes($"kept elsewhere {nonce}");
        var payload = new ContributionPayload(Address.Parse(AnvilNode.DevAddresses[keyIndex]), "data", Hex.Encode(SHA256.HashData(content)),
            $"https://example.org/pointer/{nonce}", TestChain.Licence, nonce, (ulong)DateTimeOffset.UtcNow.AddHours(1).ToUnixTimeSeconds());
        var signature = TypedDataSigner.Sign(payload, TestChain.Domain, AnvilNode.DevPrivateKeys[keyIndex]);
        return (Hex.Encode(TypedDataSigner.Digest(payload, TestChain.Domain)), new
        {
            payload.Contributor, payload.Kind, payload.ContentHash, payload.ContentUri, payload.Licence, payload.Nonce, payload.Deadline, signature,
        });
    }

    /// <summary>Every history event about contribution <paramref name="id"/>: its type and the trace context stored with it.</summary>
    private async Task<List<(string Type, string Stream, string? TraceParent)>> TraceParentsAsync(string id)
    {
        await using var connection = new NpgsqlConnection(system.History);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            "SELECT type, stream_id, headers ->> 'traceparent' FROM history.mt_events WHERE data ->> 'contributionId' = @id OR stream_id LIKE '%' || @id ORDER BY seq_id", connection);
        command.Parameters.AddWithValue("id", id);
        var events = new List<(string, string, string?)>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
            events.Add((reader.GetString(0), reader.GetString(1), reader.IsDBNull(2) ? null : reader.GetString(2)));
        return events;
    }

    private async Task<IReadOnlyList<LogApi.EntryResponse>> ReadLogAsync()
    {
        var head = await system.ChainBridge.GetFromJsonAsync<LogApi.HeadResponse>("/api/log/head", Json);
        var all = new List<LogApi.EntryResponse>();
        for (long start = 0; start < head!.TreeSize; start += LogApi.MaxEntriesPerPage)
        {
            var end = Math.Min(head.TreeSize, start + LogApi.MaxEntriesPerPage);
            all.AddRange((await system.ChainBridge.GetFromJsonAsync<List<LogApi.EntryResponse>>($"/api/log/entries?start={start}&end={end}", Json))!);
        }
        return all;
    }
}
