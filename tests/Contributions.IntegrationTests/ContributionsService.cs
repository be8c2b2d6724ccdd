using System.Globalization;
using CommunityAI.Testing;
using Npgsql;

namespace Contributions.IntegrationTests;

/// <summary>
/// A fresh database and virtual host per test class, and the service started against them.
/// Inline content is limited to 4 KiB here so oversize checks need no megabytes.
/// </summary>
public class ContributionsService : IAsyncLifetime
{
    public const int MaxContentBytes = 4096;

    public string History { get; private set; } = "";
    public string Broker { get; private set; } = "";
    public ContributionsHost Host { get; private set; } = null!;
    public HttpClient Client { get; private set; } = null!;

    protected virtual IEnumerable<KeyValuePair<string, string>> ExtraSettings => [];

    public Dictionary<string, string> Settings => new Dictionary<string, string>
    {
        ["ConnectionStrings:history"] = History,
        ["ConnectionStrings:rabbitmq"] = Broker,
        ["Chain:Id"] = TestChain.Settings["Chain:Id"]!,
        ["Chain:VerifyingContract"] = TestChain.AnchorContract,
        ["Intake:MaxContentBytes"] = MaxContentBytes.ToString(CultureInfo.InvariantCulture),
        ["Logging:LogLevel:Default"] = "Warning",
    }.Concat(ExtraSettings).ToDictionary();

    public async Task InitializeAsync()
    {
        History = await PostgresServer.CreateDatabaseAsync("contrib");
        Broker = await RabbitServer.CreateVirtualHostAsync("contrib");
        Start();
    }

    public void Start()
    {
        Host = new ContributionsHost(Settings);
        Client = Host.CreateClient();
    }

    public async Task StopAsync() => await Host.DisposeAsync();

    /// <summary>Rows of the history for one stream, straight from mt_events.</summary>
    public async Task<long> CountEventsAsync(string streamKey)
    {
        await using var connection = new NpgsqlConnection(History);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("select count(*) from history.mt_events where stream_id = @s", connection);
        command.Parameters.AddWithValue("s", streamKey);
        return (long)(await command.ExecuteScalarAsync())!;
    }

    /// <summary>The licence recorded on the contribution's ContributionSubmitted in the history.</summary>
    public Task<string?> LicenceOfAsync(string contributionId) => OfSubmissionAsync("data->>'licence'", contributionId);

    /// <summary>The trace context the contribution's ContributionSubmitted was appended in (the history's event headers).</summary>
    public Task<string?> TraceParentOfAsync(string contributionId) => OfSubmissionAsync("headers->>'traceparent'", contributionId);

    private async Task<string?> OfSubmissionAsync(string column, string contributionId)
    {
        await using var connection = new NpgsqlConnection(History);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"select {column} from history.mt_events where stream_id = @s and version = 1", connection);
        command.Parameters.AddWithValue("s", "contributions/" + contributionId);
        return (string?)await command.ExecuteScalarAsync();
    }

    public async Task<long> CountEventsOfTypeAsync(string type)
    {
        await using var connection = new NpgsqlConnection(History);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("select count(*) from history.mt_events where type = @t", connection);
        command.Parameters.AddWithValue("t", type);
        return (long)(await command.ExecuteScalarAsync())!;
    }

    public async Task DisposeAsync()
    {
        await Host.DisposeAsync();
        await RabbitServer.DeleteVirtualHostAsync(Broker);
        await PostgresServer.DropDatabaseAsync(History);
    }
}
