using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using CommunityAI.Contracts;
using CommunityAI.Contributions.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Contributions.IntegrationTests;

/// <summary>
/// Reads of content sealed in segments, through the real service and PostgreSQL: a validator reads a multi-segment
/// upload byte for byte, and a row whose segments were altered, reordered or cut short in the database is refused,
/// with nothing of it answered as the content.
/// </summary>
public sealed class SegmentedReadTests(UploadsService service) : IClassFixture<UploadsService>
{
    private const int Validator = 3;
    private const int Segment = UploadsService.PartBytes;
    private const int Sealed = Segment + 16; // a full segment: its ciphertext and tag
    private const int Prefix = 7;

    private HttpClient Client => service.Client;

    /// <summary>Three full segments and a short last one (the salt line), completed and assigned to the validator.</summary>
    private async Task<(string Id, byte[] Content)> StoredAsync(int contributor)
    {
        var file = UploadRequests.RandomFile(3 * Segment, Segment);
        var (uploadId, open) = UploadRequests.Open(contributor, file);
        using (var opened = await Client.OpenUploadAsync(open))
            Assert.Equal(HttpStatusCode.Created, opened.StatusCode);
        for (var i = 0; i < file.Parts.Count; i++)
            Assert.Equal(HttpStatusCode.Created, (await Client.PutPartAsync(uploadId, i, file.Parts[i])).StatusCode);
        var (id, contribution) = UploadRequests.Completing(contributor, file.ContentHash, uploadId);
        using (var submitted = await Client.SubmitAsync(contribution))
            Assert.Equal(HttpStatusCode.Accepted, submitted.StatusCode);
        Assert.Equal(Segment, await service.ScalarAsync<int>("SELECT segment_size FROM contributions.content WHERE contribution_id = @id", id));
        await service.AppendAsync(("scoring/" + id, new ReviewersAssigned(id, [new AssignedReviewer(AnvilNode.DevAddresses[Validator], 0.5m)], 3, 1,
            DateTimeOffset.UtcNow.AddMinutes(10), "scoring-1", DateTimeOffset.UtcNow)));
        return (id, file.Content);
    }

    private async Task TamperAsync(string id, string newCiphertext)
    {
        await using var connection = new NpgsqlConnection(service.History);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            $"UPDATE contributions.content c SET ciphertext = {newCiphertext} WHERE contribution_id = @id", connection);
        command.Parameters.AddWithValue("id", id);
        Assert.Equal(1, await command.ExecuteNonQueryAsync());
    }

    /// <summary>Flips one bit of the stored value at <paramref name="offset"/> (0-based).</summary>
    private Task FlipAsync(string id, int offset) => TamperAsync(id, $"set_byte(c.ciphertext, {offset}, get_byte(c.ciphertext, {offset}) # 1)");

    private async Task<byte[]> ReadContentAsync(string id)
    {
        using var read = await Client.ReadAsync(id, ContentRequests.Read(Validator, id));
        Assert.Equal(HttpStatusCode.OK, read.StatusCode);
        return Convert.FromBase64String((await read.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("content").GetString()!);
    }

    [Fact]
    public async Task A_reader_with_two_reads_streaming_is_refused_a_third_before_its_nonce_is_spent_and_the_same_request_reads_once_one_ends()
    {
        var (id, content) = await StoredAsync(8);
        var gate = service.Host.Services.GetRequiredService<CommunityAI.Contributions.Apis.ContentReadGate>();
        var request = ContentRequests.Read(Validator, id);

        // Two reads of this validator still streaming (each would hold a database connection while its client downloads).
        using (gate.TryEnter(AnvilNode.DevAddresses[Validator]))
        using (gate.TryEnter(AnvilNode.DevAddresses[Validator]))
        {
            using var refused = await Client.ReadAsync(id, request);
            Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
            Assert.Equal("reader", (await refused.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("field").GetString());
        }

        // The very same signed request reads once a place is free (its nonce was not spent), and the read gives its place back.
        using (var read = await Client.ReadAsync(id, request))
        {
            Assert.Equal(HttpStatusCode.OK, read.StatusCode);
            Assert.Equal(content, Convert.FromBase64String((await read.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("content").GetString()!));
        }
        using var first = gate.TryEnter(AnvilNode.DevAddresses[Validator]);
        using var second = gate.TryEnter(AnvilNode.DevAddresses[Validator]);
        Assert.NotNull(first);
        Assert.NotNull(second);
    }

    /// <summary>A read answered 200 whose body then breaks off: the client never holds a parsable answer.</summary>
    private async Task AssertReadBreaksOffAsync(string id)
    {
        var e = await Assert.ThrowsAnyAsync<Exception>(async () =>
        {
            using var read = await Client.ReadAsync(id, ContentRequests.Read(Validator, id));
            await read.Content.ReadFromJsonAsync<JsonElement>();
        });
        Assert.True(e is HttpRequestException or IOException or JsonException, $"expected a broken answer, got {e}");
    }

    /// <summary>The store's own read of the row: the segments it released before refusing, and its reason.</summary>
    private async Task<(int Released, string Reason)> ReadFromStoreAsync(string id)
    {
        await using var opened = await service.Host.Services.GetRequiredService<ContentStore>().OpenAsync(id, CancellationToken.None);
        var released = 0;
        var refused = await Assert.ThrowsAsync<CryptographicException>(async () =>
        {
            await foreach (var _ in opened!.ReadSegmentsAsync(CancellationToken.None))
                released++;
        });
        return (released, refused.Message);
    }

    [Fact]
    public async Task A_validator_reads_a_content_of_four_segments_byte_for_byte()
    {
        var (id, content) = await StoredAsync(1);
        Assert.Equal(content, await ReadContentAsync(id));
    }

    [Fact]
    public async Task A_first_segment_altered_in_the_database_is_refused_with_a_problem_and_no_content()
    {
        var (id, _) = await StoredAsync(2);
        await FlipAsync(id, Prefix + 100);

        using var read = await Client.ReadAsync(id, ContentRequests.Read(Validator, id));
        Assert.Equal(HttpStatusCode.InternalServerError, read.StatusCode);
        var problem = await read.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("id", problem.GetProperty("field").GetString());
        Assert.False(problem.TryGetProperty("content", out _));
        Assert.Equal((0, "segment 0 of 4 does not open: it was altered, moved or sealed under another key"), await ReadFromStoreAsync(id));
    }

    [Fact]
    public async Task A_later_segment_altered_in_the_database_breaks_the_answer_off_before_its_bytes()
    {
        var (id, _) = await StoredAsync(4);
        await FlipAsync(id, Prefix + 2 * Sealed + 5); // inside segment 2's ciphertext

        await AssertReadBreaksOffAsync(id);
        var (released, reason) = await ReadFromStoreAsync(id);
        Assert.Equal(2, released);
        Assert.Contains("segment 2 of 4", reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Segments_swapped_in_the_database_are_refused()
    {
        var (id, _) = await StoredAsync(5);
        const int one = Prefix + Sealed + 1, two = Prefix + 2 * Sealed + 1; // 1-based, as substring counts
        await TamperAsync(id, $"substring(c.ciphertext from 1 for {one - 1}) || substring(c.ciphertext from {two} for {Sealed})" +
            $" || substring(c.ciphertext from {one} for {Sealed}) || substring(c.ciphertext from {two + Sealed})");

        await AssertReadBreaksOffAsync(id);
        var (released, reason) = await ReadFromStoreAsync(id);
        Assert.Equal(1, released);
        Assert.Contains("segment 1 of 4", reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_content_cut_short_in_the_database_is_refused_for_its_missing_last_segment_not_answered_as_a_prefix()
    {
        var (id, _) = await StoredAsync(6);
        // The last segment dropped: what is left is three whole segments, none sealed as the last.
        await TamperAsync(id, $"substring(c.ciphertext from 1 for {Prefix + 3 * Sealed})");

        await AssertReadBreaksOffAsync(id);
        var (released, reason) = await ReadFromStoreAsync(id);
        Assert.Equal(2, released);
        Assert.Contains("cut short (no segment carries the last-segment flag)", reason, StringComparison.Ordinal);

        // Cut inside a segment: the length fits no layout, refused before anything is read.
        var (other, _) = await StoredAsync(7);
        await TamperAsync(other, $"substring(c.ciphertext from 1 for {Prefix + 2 * Sealed + 10})");
        using var read = await Client.ReadAsync(other, ContentRequests.Read(Validator, other));
        Assert.Equal(HttpStatusCode.InternalServerError, read.StatusCode);
    }
}
