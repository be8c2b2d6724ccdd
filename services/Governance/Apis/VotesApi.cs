using CommunityAI.Formats;
using CommunityAI.Governance.Domain;
using CommunityAI.Governance.Infrastructure;
using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;

namespace CommunityAI.Governance.Apis;

/// <summary>Signed votes, and each vote's receipt: where it sits in the public history and in the Merkle log.</summary>
public static class VotesApi
{
    /// <summary>
    /// A vote's receipt. <c>LogIndex</c> is the vote's entry in the RFC 9162 log and <c>LeafHash</c> its leaf hash (both
    /// null until the log has taken it): its inclusion proof comes from chain-bridge's
    /// <c>/api/log/proof/inclusion?index=&amp;treeSize=</c> for any anchored head's size, and checks against that head's
    /// root with no need to trust this service.
    /// </summary>
    public sealed record Receipt(string VoteId, string ProposalId, string Voter, int Support, string Weight, DateTimeOffset CastAt,
        Guid EventId, long Sequence, string Stream, long StreamVersion, long? LogIndex, string? InclusionProof, string? LeafHash = null);

    public static IEndpointRouteBuilder MapVotesApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/votes").WithTags("Votes");
        api.MapPost("/", VoteAsync);
        api.MapGet("/{id}/receipt", ReceiptAsync);
        return app;
    }

    // Not the client's to cancel once the signer's allowance is taken (see SignerQuota's remarks).
    public static async Task<IResult> VoteAsync(VoteRequest request, GovernanceDesk desk) =>
        DeskAnswers.For(await desk.VoteAsync(request, CancellationToken.None), "/api/votes/{0}/receipt");

    private const string ReceiptSql = """
        SELECT e.seq_id, e.id, e.stream_id, e.version, e.data->>'proposalId', e.data->>'voter', (e.data->>'support')::int,
               e.data->>'weight', (e.data->>'castAt')::timestamptz, to_regclass('chainbridge.log_entries') IS NOT NULL
        FROM history.mt_events e
        WHERE e.type = 'vote_cast' AND starts_with(e.stream_id, 'governance/proposals/') AND e.data->>'voteId' = @id
        """;

    private const string LogIndexSql = "SELECT log_index, leaf_hash FROM chainbridge.log_entries WHERE seq_id = @seq";

    public static async Task<Results<Ok<Receipt>, NotFound, ValidationProblem>> ReceiptAsync(string id, NpgsqlDataSource dataSource, CancellationToken ct)
    {
        if (!Hex.TryDecode(id, out _, 32))
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["id"] = ["a vote id is a 32-byte 0x-prefixed hex string"] });
        var (receipt, logged) = await ReadVoteAsync(id.ToLowerInvariant(), dataSource, ct);
        if (receipt is null)
            return TypedResults.NotFound();
        if (!logged)
            return TypedResults.Ok(receipt);

        await using var lookup = dataSource.CreateCommand(LogIndexSql);
        lookup.Parameters.AddWithValue("seq", receipt.Sequence);
        await using var entry = await lookup.ExecuteReaderAsync(ct);
        if (!await entry.ReadAsync(ct))
            return TypedResults.Ok(receipt);
        var index = entry.GetInt64(0);
        return TypedResults.Ok(receipt with
        {
            LogIndex = index,
            InclusionProof = $"/api/log/proof/inclusion?index={index}",
            LeafHash = Hex.Encode(entry.GetFieldValue<byte[]>(1)),
        });
    }

    // The reader is disposed once, at the end of this method: a reader of a data source's command is the pooled
    // connection's own, so disposing it again after the connection went back to the pool would close another request's.
    private static async Task<(Receipt? Receipt, bool Logged)> ReadVoteAsync(string id, NpgsqlDataSource dataSource, CancellationToken ct)
    {
        // The log table is read by a dynamic lookup: it belongs to chain-bridge and may not exist where it is not deployed.
        await using var command = dataSource.CreateCommand(ReceiptSql);
        command.Parameters.AddWithValue("id", id);
        await using var reader = await command.ExecuteReaderAsync(ct);
        if (!await reader.ReadAsync(ct))
            return (null, false);
        var receipt = new Receipt(id, reader.GetString(4), reader.GetString(5), reader.GetInt32(6), reader.GetString(7),
            reader.GetFieldValue<DateTimeOffset>(8), reader.GetGuid(1), reader.GetInt64(0), reader.GetString(2), reader.GetInt64(3), null, null);
        return (receipt, reader.GetBoolean(9));
    }
}
