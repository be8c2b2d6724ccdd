using System.Net.Http.Json;
using CommunityAI.ChainBridge.Apis;
using CommunityAI.Contracts;
using Marten;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace ChainBridge.IntegrationTests.Log;

/// <summary>
/// The chain bridge on Kestrel (real HTTP, real request limits) over a fresh database whose log holds
/// <see cref="Entries"/> entries, written by the bridge's own log writer from history events.
/// </summary>
public class LoggedBridge : IAsyncLifetime
{
    public const int Entries = 37; // not a power of two: proofs cross an incomplete subtree

    private readonly BridgeBackends _backends = new();

    public ChainBridgeHost Host { get; private set; } = null!;
    public HttpClient Client { get; private set; } = null!;

    /// <summary>The bridge's database.</summary>
    public string ConnectionString => _backends.History;

    /// <summary>Settings a derived fixture adds to the bridge's.</summary>
    protected virtual IEnumerable<(string Key, string Value)> ExtraSettings => [];

    public async Task InitializeAsync()
    {
        await _backends.InitializeAsync();
        Start(ExtraSettings);
        await AppendAsync(Entries);
    }

    /// <summary>Stops the bridge and starts it again on the same database and broker, with <paramref name="extra"/> added to its settings.</summary>
    public async Task RestartAsync(IEnumerable<(string Key, string Value)> extra)
    {
        Client.Dispose();
        await Host.DisposeAsync();
        Start(extra);
    }

    private void Start(IEnumerable<(string Key, string Value)> extra)
    {
        // No chain: a bridge that never anchored anchors its head at once on start, and its record would grow the
        // log these tests hold still. The log API does not need the chain; anchoring just waits for a node.
        Host = new ChainBridgeHost(_backends.Settings([("Chain:AnchorerKey", CommunityAI.Testing.AnvilNode.DevPrivateKeys[1]),
            ("ConnectionStrings:chain", "http://127.0.0.1:9"), .. extra]));
        Host.UseKestrel(0);
        Host.StartServer();
        Client = Host.CreateClient();
    }

    /// <summary>Appends <paramref name="count"/> history events and waits until the bridge has logged them.</summary>
    /// <returns>The log's new size.</returns>
    public async Task<long> AppendAsync(int count)
    {
        var size = (await Client.GetFromJsonAsync<LogApi.HeadResponse>("/api/log/head"))!.TreeSize + count;
        var store = Host.Services.GetRequiredService<IDocumentStore>();
        await using (var session = store.LightweightSession())
        {
            for (var i = 0; i < count; i++)
                session.Events.Append($"test/seed-{i % 5}", new TreeHeadAnchored(i, "0x" + new string('a', 64), 31337, "0x" + new string('b', 40), $"seed-{i}", i, DateTimeOffset.UnixEpoch));
            await session.SaveChangesAsync();
        }
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while ((await Client.GetFromJsonAsync<LogApi.HeadResponse>("/api/log/head"))!.TreeSize < size)
        {
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"the log did not reach {size} entries");
            await Task.Delay(100);
        }
        return size;
    }

    /// <summary>Everything a request could change: the log's rows, its head and the history.</summary>
    public async Task<string> StateAsync()
    {
        await using var connection = new NpgsqlConnection(_backends.History);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("""
            SELECT (SELECT count(*) FROM chainbridge.log_entries) || '/' || (SELECT count(*) FROM chainbridge.log_nodes)
                || '/' || (SELECT count(*) FROM history.mt_events) || '/' || (SELECT tree_size || encode(root_hash, 'hex') FROM chainbridge.log_head)
            """, connection);
        return (string)(await command.ExecuteScalarAsync())!;
    }

    /// <summary>Runs a scalar query on the bridge's database.</summary>
    public async Task<T> ScalarAsync<T>(string sql)
    {
        await using var connection = new NpgsqlConnection(_backends.History);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return (T)(await command.ExecuteScalarAsync())!;
    }

    public async Task DisposeAsync()
    {
        Client.Dispose();
        await Host.DisposeAsync();
        await _backends.DisposeAsync();
    }
}
