using System.Data;
using System.Diagnostics;
using CommunityAI.Contributions.Domain;
using CommunityAI.Contributions.Infrastructure;
using Npgsql;

namespace CommunityAI.Benchmarks.ContributionsIntake;

/// <summary>
/// The limits for a dataset export's throughput: plain Npgsql reading the same members' stored rows from the content
/// table, one query and one pooled connection per member in the same order, the ciphertext streamed off the connection
/// (sequential access, as the export reads it). With <c>decrypt</c>, each data key is also unwrapped under the master
/// key and the content opened with AES-256-GCM, as the export must; without, the bytes are only read. No HTTP, JSON,
/// base64, snapshot lookup nor signature check. Returns the seconds taken and the content (plaintext) bytes.
/// </summary>
public static class RawExportRead
{
    public static async Task<(double Seconds, long ContentBytes)> MeasureAsync(
        NpgsqlDataSource dataSource, IReadOnlyList<string> ids, MasterKeyRing keys, bool decrypt)
    {
        var buffer = new byte[64 * 1024];
        long content = 0;
        var clock = Stopwatch.StartNew();
        foreach (var id in ids)
        {
            await using var connection = await dataSource.OpenConnectionAsync();
            await using var command = new NpgsqlCommand(
                $"SELECT contributor, licence, master_key_id, wrapped_key, ciphertext FROM {ContentStore.TableName} WHERE contribution_id = @id", connection);
            command.Parameters.AddWithValue("id", id);
            await using var reader = await command.ExecuteReaderAsync(CommandBehavior.SequentialAccess);
            if (!await reader.ReadAsync())
                throw new InvalidOperationException($"no stored content for {id}");
            var contributor = await reader.GetFieldValueAsync<string>(0);
            var licence = await reader.GetFieldValueAsync<string>(1);
            var keyId = await reader.GetFieldValueAsync<string>(2);
            var wrapped = await reader.GetFieldValueAsync<byte[]>(3);
            if (decrypt)
            {
                // Inline contents are sealed whole (no segment size): one AES-GCM open of the whole row.
                var sealedValue = await reader.GetFieldValueAsync<byte[]>(4);
                var dataKey = keys.Unwrap(keyId, wrapped, ContentSealing.KeyBinding(id, contributor));
                content += ContentSealing.Open(dataKey, sealedValue, ContentSealing.ContentBinding(id, contributor, licence)).Length;
            }
            else
            {
                await using var stream = await reader.GetStreamAsync(4);
                for (int n; (n = await stream.ReadAsync(buffer)) > 0;)
                    content += n;
                content -= ContentSealing.Overhead;
            }
        }
        return (clock.Elapsed.TotalSeconds, content);
    }
}
