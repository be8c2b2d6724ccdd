using System.Globalization;
using CommunityAI.RewardLedger.Infrastructure;
using CommunityAI.Testing;
using Npgsql;

namespace CommunityAI.Audit.Tests;

/// <summary>
/// A test of <c>replay</c> over a history the real reward-ledger service writes: the service on a database and broker of
/// the test's own, with one-second epochs from now and the test's extra genesis settings, dropped afterwards.
/// </summary>
/// <param name="name">The database and virtual host's name prefix.</param>
/// <param name="settings">Settings added to the ledger's, e.g. a genesis reward policy member.</param>
public abstract class LedgerHistoryTest(string name, params (string Key, string Value)[] settings) : IAsyncLifetime
{
    protected string Database { get; private set; } = "";
    protected string Broker { get; private set; } = "";
    protected ServiceHost<CreditWriter> Ledger { get; private set; } = null!;
    private Dictionary<string, string> _settings = [];
    private bool _stopped;

    public async Task InitializeAsync()
    {
        Database = await PostgresServer.CreateDatabaseAsync(name);
        Broker = await RabbitServer.CreateVirtualHostAsync(name);
        var all = new Dictionary<string, string>
        {
            ["ConnectionStrings:history"] = Database,
            ["ConnectionStrings:rabbitmq"] = Broker,
            ["Epochs:Genesis"] = DateTimeOffset.UtcNow.ToString("O", CultureInfo.InvariantCulture),
            ["Epochs:Length"] = "00:00:01",
            ["Logging:LogLevel:Default"] = "Warning",
        };
        foreach (var (key, value) in settings)
            all[key] = value;
        _settings = all;
        StartLedger();
    }

    /// <summary>Starts the ledger (again, after <see cref="StopLedgerAsync"/>) on the same database, broker and settings, as a restarted pod would.</summary>
    protected void StartLedger()
    {
        Ledger = new ServiceHost<CreditWriter>(_settings);
        _ = Ledger.Services; // starts it
        _stopped = false;
    }

    /// <summary>Stops the ledger, so the history holds still for <c>replay</c> (and a test may edit it).</summary>
    protected async Task StopLedgerAsync()
    {
        if (_stopped)
            return;
        _stopped = true;
        await Ledger.DisposeAsync();
    }

    /// <summary>A number the ledger's database answers (0 for none).</summary>
    protected async Task<long> ScalarAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(Database);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return Convert.ToInt64(await command.ExecuteScalarAsync() ?? 0L, CultureInfo.InvariantCulture);
    }

    public async Task DisposeAsync()
    {
        if (Ledger is not null)
            await StopLedgerAsync();
        await RabbitServer.DeleteVirtualHostAsync(Broker);
        await PostgresServer.DropDatabaseAsync(Database);
    }
}
