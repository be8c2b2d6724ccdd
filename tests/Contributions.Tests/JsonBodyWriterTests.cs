using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using CommunityAI.Contributions.Apis;

namespace Contributions.Tests;

public sealed class JsonBodyWriterTests
{
    private static async IAsyncEnumerable<ReadOnlyMemory<byte>> Segments(byte[] content, int[] sizes)
    {
        // One reused buffer, as the store yields segments: the writer must be done with each before the next.
        var buffer = new byte[sizes.Length == 0 ? 0 : sizes.Max()];
        var offset = 0;
        foreach (var size in sizes)
        {
            await Task.Yield();
            content.AsSpan(offset, size).CopyTo(buffer);
            offset += size;
            yield return buffer.AsMemory(0, size);
        }
    }

    [Theory]
    [InlineData(new[] { 0 })]
    [InlineData(new[] { 1 })]
    [InlineData(new[] { 1, 1, 1, 1 })]
    [InlineData(new[] { 2, 0, 2, 5 })]
    [InlineData(new[] { 1000, 1000, 7 })]
    [InlineData(new[] { 1001, 1000, 1000, 2 })]
    [InlineData(new[] { 4096, 4096, 4096, 82 })]
    [InlineData(new[] { JsonBodyWriter.SliceBytes, 2 * JsonBodyWriter.SliceBytes + 1, 100_000, 1 })]
    public async Task Content_written_a_segment_at_a_time_is_the_bytes_of_its_whole_base64_string(int[] sizes)
    {
        var content = RandomNumberGenerator.GetBytes(sizes.Sum());
        var options = JsonSerializerOptions.Web;
        var body = new MemoryStream();
        await using (var writer = new JsonBodyWriter(body, options))
        {
            await using var segments = Segments(content, sizes).GetAsyncEnumerator();
            Assert.True(await segments.MoveNextAsync());
            writer.Json.WriteStartObject();
            writer.Json.WritePropertyName("content");
            await writer.WriteBase64Async(segments, CancellationToken.None);
            writer.Json.WriteEndObject();
            await writer.SendAsync(CancellationToken.None);
        }

        // Escaped as the serializer escapes a string ('+' as \u002B), so the answer's bytes did not change.
        var whole = JsonSerializer.Serialize(new { content = Convert.ToBase64String(content) }, options);
        Assert.Equal(whole, Encoding.UTF8.GetString(body.ToArray()));
    }
}
