using System.Globalization;
using System.Net.Http.Json;
using System.Numerics;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using CommunityAI.Contracts;
using CommunityAI.Formats;
using CommunityAI.Formats.Claims;
using CommunityAI.Formats.Json;
using CommunityAI.Formats.Signing;
using CommunityAI.Governance.Infrastructure;
using CommunityAI.ServiceDefaults.Database;
using CommunityAI.ServiceDefaults.History;
using CommunityAI.ServiceDefaults.Signing;
using Marten;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace CommunityAI.Governance.IntegrationTests;

/// <summary>
/// A fresh database and virtual host per test class, a history seeded with the ledger's credits and a closed epoch
/// (as reward-ledger records them), and governance started from its own Program with a clock the test moves.
/// </summary>
public class GovernanceSystem : IAsyncLifetime
{
    public static readonly SigningDomain Domain = new(31337, SigningChainOptions.DevelopmentVerifyingContract);
    public static readonly DateTimeOffset Start = new(2026, 11, 30, 12, 0, 0, TimeSpan.Zero);
    public static readonly BigInteger Token = BigInteger.Pow(10, 18);

    private Host? _host;
    private ulong _nonce = (ulong)DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();

    public FakeTimeProvider Clock { get; } = new(Start);

    /// <summary>Settings a fixture of its own adds to (or changes in) the service's configuration.</summary>
    protected virtual IEnumerable<KeyValuePair<string, string>> ExtraSettings => [];
    public string History { get; private set; } = "";
    public string Broker { get; private set; } = "";

    private const string RolePassword = "communityai-test-role";

    /// <summary>The history under a service's own PostgreSQL role.</summary>
    public string LoginOf(ServiceRole role) => DatabaseSetup.ConnectionStringFor(History, role.Role, RolePassword);
    public HttpClient Api => (_host ??= new Host(this)).CreateClient();
    public IServiceProvider Services => (_host ??= new Host(this)).Services;

    /// <summary>A second replica of governance on the same database, broker and clock, as a second pod behind the same address.</summary>
    public HttpClient SecondReplica => (_second ??= new Host(this)).CreateClient();
    private Host? _second;

    public async Task InitializeAsync()
    {
        History = await PostgresServer.CreateDatabaseAsync("governance");
        // As in production: the owner prepares the database and each service logs in as its own role. History stays the
        // owner's login, which seeds the ledger's streams here as reward-ledger would.
        await DatabaseSetup.ApplyAsync(History, ServiceRoles.All.ToDictionary(r => r.Role, _ => RolePassword));
        Broker = await RabbitServer.CreateVirtualHostAsync("governance");
    }

    public async Task DisposeAsync()
    {
        if (_second is not null)
            await _second.DisposeAsync();
        if (_host is not null)
            await _host.DisposeAsync();
        await RabbitServer.DeleteVirtualHostAsync(Broker);
        await PostgresServer.DropDatabaseAsync(History);
    }

    /// <summary>Records an event in another service's stream with the owner's login, as that service would have; returns its id.</summary>
    public async Task<Guid> SeedAsync(string stream, object fact)
    {
        using var store = DocumentStore.For(options =>
        {
            options.Connection(History);
            HistoryStoreExtensions.ConfigureHistory(options, "seed");
            options.Events.AddEventType(fact.GetType());
        });
        await using var session = store.LightweightSession();
        var id = session.Events.StartStream(stream, fact).Events[0].Id;
        await session.SaveChangesAsync();
        return id;
    }

    /// <summary>Credits and closes a ledger epoch in the history as reward-ledger does: credits, then the closed epoch with its claim root.</summary>
    public async Task CloseEpochAsync(long epoch, IReadOnlyDictionary<string, BigInteger> credits, string? forgedRoot = null)
    {
        using var store = DocumentStore.For(options =>
        {
            options.Connection(History);
            // As every service's store: a store configured otherwise would migrate the shared events schema to its own
            // shape (the quick-append function, the unique index on event ids) under the services' feet.
            HistoryStoreExtensions.ConfigureHistory(options, "ledgerseed");
            options.Events.AddEventType<ContributionRewarded>();
            options.Events.AddEventType<EpochClosed>();
        });
        await using var session = store.LightweightSession();
        foreach (var (address, amount) in credits)
        {
            var id = Hex.Encode(RandomNumberGenerator.GetBytes(32));
            session.Events.StartStream("ledger/credits/" + id,
                new ContributionRewarded(id, address, amount.ToString(CultureInfo.InvariantCulture), epoch, "reward-1", Clock.GetUtcNow()));
        }
        await session.SaveChangesAsync();

        var cumulative = await CumulativeAsync(store, epoch);
        var root = forgedRoot ?? ClaimTree.Build(cumulative.Select(c => (c.Key, c.Value)).ToList()).Root;
        await using var closing = store.LightweightSession();
        closing.Events.StartStream("ledger/epochs/" + epoch, new EpochClosed(epoch, Clock.GetUtcNow(), "0",
            cumulative.Values.Aggregate(BigInteger.Zero, (s, v) => s + v).ToString(CultureInfo.InvariantCulture), cumulative.Count, root));
        await closing.SaveChangesAsync();
    }

    /// <summary>
    /// Records an appeal's settlement (signed lines) in a ledger credit stream and closes <paramref name="epoch"/> as the ledger
    /// does: the root of every address's cumulative amount under the published rule (credits, then the settlement's lines).
    /// </summary>
    public async Task SettleAndCloseAsync(long epoch, IReadOnlyDictionary<string, BigInteger> lines)
    {
        using var store = DocumentStore.For(options =>
        {
            options.Connection(History);
            HistoryStoreExtensions.ConfigureHistory(options, "ledgerseed");
            options.Events.AddEventType<ContributionRewarded>();
            options.Events.AddEventType<AppealSettled>();
            options.Events.AddEventType<EpochClosed>();
        });
        var id = Hex.Encode(RandomNumberGenerator.GetBytes(32));
        await using (var session = store.LightweightSession())
        {
            session.Events.StartStream("ledger/credits/" + id, new AppealSettled(id, Hex.Encode(RandomNumberGenerator.GetBytes(32)), lines.Keys.First(), 50,
                "0", "0", "0", 0, [], [.. lines.Select(l => new SettlementLine(l.Key, l.Value.ToString(CultureInfo.InvariantCulture)))], epoch, "reward-1", Clock.GetUtcNow()));
            await session.SaveChangesAsync();
        }
        await using var query = store.QuerySession();
        var entries = (await query.Events.QueryRawEventDataOnly<ContributionRewarded>().ToListAsync())
            .Select(c => (c.Contributor, c.Epoch, BigInteger.Parse(c.Amount, CultureInfo.InvariantCulture)))
            .Concat((await query.Events.QueryRawEventDataOnly<AppealSettled>().ToListAsync())
                .SelectMany(a => a.Lines.Select(l => (l.Account, a.Epoch, BigInteger.Parse(l.Amount, CultureInfo.InvariantCulture)))))
            .ToList();
        var tree = CumulativeClaims.TreeAt(entries, epoch)!;
        await using var closing = store.LightweightSession();
        closing.Events.StartStream("ledger/epochs/" + epoch, new EpochClosed(epoch, Clock.GetUtcNow(), "0",
            tree.Total.ToString(CultureInfo.InvariantCulture), tree.Count, tree.Root));
        await closing.SaveChangesAsync();
    }

    /// <summary>
    /// Records a contributed model's gain credit and, when <paramref name="reversed"/>, its reversal (as the ledger does for an
    /// invalidated contribution: <c>ledger/gains/{id}</c>), then closes <paramref name="epoch"/> (<see cref="MeasuredAndCloseAsync"/>).
    /// </summary>
    public Task GainAndCloseAsync(long epoch, string contributor, BigInteger gain, bool reversed) =>
        MeasuredAndCloseAsync(epoch, "ledger/gains/", id =>
        [
            new ModelGainRewarded(id, contributor, 1, id, 500, Text(gain), epoch, "reward-1", Clock.GetUtcNow()),
            .. reversed ? [new ModelGainReversed(id, contributor, "-" + Text(gain), epoch, "copied", id, Clock.GetUtcNow())] : Array.Empty<object>(),
        ]);

    /// <summary>
    /// Records a contribution's data-value credit and, when <paramref name="reversed"/>, its reversal (as the ledger does for
    /// an invalidated contribution: <c>ledger/data-value/{id}</c>), then closes <paramref name="epoch"/> (<see cref="MeasuredAndCloseAsync"/>).
    /// </summary>
    public Task DataValueAndCloseAsync(long epoch, string contributor, BigInteger value, bool reversed) =>
        MeasuredAndCloseAsync(epoch, "ledger/data-value/", id =>
        [
            new DataValueRewarded(id, contributor, "data", 1, id, 40, 10, 4, Text(value), epoch, "reward-1", Clock.GetUtcNow()),
            .. reversed ? [new DataValueReversed(id, contributor, "-" + Text(value), epoch, "copied", id, Clock.GetUtcNow())] : Array.Empty<object>(),
        ]);

    /// <summary>
    /// Starts a measured credit's stream (<paramref name="streams"/> + a new contribution id) with what
    /// <paramref name="events"/> gives for that id, then closes <paramref name="epoch"/> as the ledger does: the root of every
    /// address's cumulative amount under the published rule, every measured credit's reversal counted as a debit.
    /// </summary>
    private async Task MeasuredAndCloseAsync(long epoch, string streams, Func<string, object[]> events)
    {
        using var store = DocumentStore.For(options =>
        {
            options.Connection(History);
            HistoryStoreExtensions.ConfigureHistory(options, "ledgerseed");
            options.Events.AddEventType<ContributionRewarded>();
            options.Events.AddEventType<ModelGainRewarded>();
            options.Events.AddEventType<ModelGainReversed>();
            options.Events.AddEventType<DataValueRewarded>();
            options.Events.AddEventType<DataValueReversed>();
            options.Events.AddEventType<EpochClosed>();
        });
        var id = Hex.Encode(RandomNumberGenerator.GetBytes(32));
        await using (var session = store.LightweightSession())
        {
            session.Events.StartStream(streams + id, events(id));
            await session.SaveChangesAsync();
        }
        await using var query = store.QuerySession();
        var entries = (await query.Events.QueryRawEventDataOnly<ContributionRewarded>().ToListAsync())
            .Select(c => (c.Contributor, c.Epoch, c.Amount))
            .Concat((await query.Events.QueryRawEventDataOnly<ModelGainRewarded>().ToListAsync()).Select(g => (g.Contributor, g.Epoch, g.Amount)))
            .Concat((await query.Events.QueryRawEventDataOnly<ModelGainReversed>().ToListAsync()).Select(g => (g.Account, g.Epoch, g.Amount)))
            .Concat((await query.Events.QueryRawEventDataOnly<DataValueRewarded>().ToListAsync()).Select(d => (d.Contributor, d.Epoch, d.Amount)))
            .Concat((await query.Events.QueryRawEventDataOnly<DataValueReversed>().ToListAsync()).Select(d => (d.Account, d.Epoch, d.Amount)))
            .Select(e => (Address: e.Item1, e.Epoch, BigInteger.Parse(e.Amount, CultureInfo.InvariantCulture)))
            .ToList();
        var tree = CumulativeClaims.TreeAt(entries, epoch)!;
        await using var closing = store.LightweightSession();
        closing.Events.StartStream("ledger/epochs/" + epoch, new EpochClosed(epoch, Clock.GetUtcNow(), "0",
            tree.Total.ToString(CultureInfo.InvariantCulture), tree.Count, tree.Root));
        await closing.SaveChangesAsync();
    }

    private static string Text(BigInteger amount) => amount.ToString(CultureInfo.InvariantCulture);

    private static async Task<Dictionary<string, BigInteger>> CumulativeAsync(IDocumentStore store, long epoch)
    {
        await using var query = store.QuerySession();
        var all = await query.Events.QueryRawEventDataOnly<ContributionRewarded>().ToListAsync();
        return all.Where(c => c.Epoch <= epoch).GroupBy(c => c.Contributor, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Aggregate(BigInteger.Zero, (s, c) => s + BigInteger.Parse(c.Amount, CultureInfo.InvariantCulture)),
                StringComparer.Ordinal);
    }

    /// <summary>A fresh address nobody holds a key to (a validator to admit, say).</summary>
    public static string RandomAddress() => Hex.Encode(RandomNumberGenerator.GetBytes(20));

    public ulong NextNonce() => Interlocked.Increment(ref _nonce);

    /// <summary>A signed proposal as a wallet would send it.</summary>
    public object Proposal(int key, string kind, object payload, string title = "Longer votes", string body = "Because more people can read it.",
        SigningDomain? domain = null, int? signWith = null)
    {
        var proposer = AnvilNode.DevAddresses[key];
        var payloadJson = JsonSerializer.SerializeToElement(payload);
        var payloadHash = Hex.Encode(SHA256.HashData(JsonCanonicalizer.Canonicalize(payloadJson)));
        var bodyHash = Hex.Encode(SHA256.HashData(Encoding.UTF8.GetBytes(body)));
        var nonce = NextNonce();
        var deadline = Deadline();
        var message = new ProposalPayload(proposer, kind, title, bodyHash, payloadHash, nonce, deadline);
        var signature = TypedDataSigner.Sign(message, domain ?? Domain, AnvilNode.DevPrivateKeys[signWith ?? key]);
        return new { proposer, kind, title, body, payload = payloadJson, nonce, deadline, signature };
    }

    /// <summary>
    /// Posts <paramref name="proposal"/> and carries it through the development rules' 30 s delay and 120 s vote with
    /// key 1's vote for it (the one voter meets every quorum); returns its id, queued for its 60 s timelock.
    /// </summary>
    public async Task<string> ProposeAndPassAsync(object proposal)
    {
        using (var response = await Api.PostAsJsonAsync("/api/proposals", proposal))
            Assert.True(response.StatusCode == System.Net.HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        var id = ProposalId(proposal);
        await AdvanceAsync(TimeSpan.FromSeconds(31));
        using (var vote = await Api.PostAsJsonAsync("/api/votes", Vote(1, id, 1)))
            Assert.Equal(System.Net.HttpStatusCode.Created, vote.StatusCode);
        await AdvanceAsync(TimeSpan.FromSeconds(120));
        Assert.Equal("queued", (await GetAsync($"/api/proposals/{id}")).GetProperty("state").GetString());
        return id;
    }

    public static string ProposalId(object proposal)
    {
        var json = JsonSerializer.SerializeToElement(proposal);
        var body = json.GetProperty("body").GetString()!;
        var message = new ProposalPayload(json.GetProperty("proposer").GetString()!, json.GetProperty("kind").GetString()!,
            json.GetProperty("title").GetString()!, Hex.Encode(SHA256.HashData(Encoding.UTF8.GetBytes(body))),
            Hex.Encode(SHA256.HashData(JsonCanonicalizer.Canonicalize(json.GetProperty("payload")))),
            json.GetProperty("nonce").GetUInt64(), json.GetProperty("deadline").GetUInt64());
        return Hex.Encode(TypedDataSigner.Digest(message, Domain));
    }

    public object Vote(int key, string proposalId, int support, string reason = "", ulong? nonce = null, int? signWith = null)
    {
        var voter = AnvilNode.DevAddresses[key];
        var message = new VotePayload(voter, proposalId, (byte)support, reason, nonce ?? NextNonce(), Deadline());
        return new
        {
            voter, proposalId, support, reason, nonce = message.Nonce, deadline = message.Deadline,
            signature = TypedDataSigner.Sign(message, Domain, AnvilNode.DevPrivateKeys[signWith ?? key])
        };
    }

    public object Delegation(int key, string delegatee)
    {
        var delegator = AnvilNode.DevAddresses[key];
        var message = new DelegationPayload(delegator, delegatee, NextNonce(), Deadline());
        return new
        {
            delegator, delegatee, nonce = message.Nonce, deadline = message.Deadline,
            signature = TypedDataSigner.Sign(message, Domain, AnvilNode.DevPrivateKeys[key])
        };
    }

    /// <summary>The guardian configured for the test's governance: anvil's key 8, as on the development chain.</summary>
    public const int GuardianKey = 8;

    /// <summary>A signed veto as the guardian's wallet would send it (<paramref name="signWith"/>: a key other than the signer's own).</summary>
    public object Veto(int key, string proposalId, string reason, ulong? nonce = null, int? signWith = null)
    {
        var guardian = AnvilNode.DevAddresses[key];
        var message = new VetoPayload(guardian, proposalId, reason, nonce ?? NextNonce(), Deadline());
        return new
        {
            guardian, proposalId, reason, nonce = message.Nonce, deadline = message.Deadline,
            signature = TypedDataSigner.Sign(message, Domain, AnvilNode.DevPrivateKeys[signWith ?? key])
        };
    }

    /// <summary>Signature deadlines are real Unix time: the signed-request check reads the (fake) clock, which starts in 2026.</summary>
    private ulong Deadline() => (ulong)Clock.GetUtcNow().AddDays(1).ToUnixTimeSeconds();

    public async Task<JsonElement> GetAsync(string path) => await Api.GetFromJsonAsync<JsonElement>(path);

    /// <summary>Moves the clock and runs the closer once, as its loop would on the next round.</summary>
    public async Task AdvanceAsync(TimeSpan by)
    {
        Clock.Advance(by);
        await Services.GetRequiredService<ProposalCloser>().CloseDueAsync(default);
    }

    public async Task<long> CountEventsAsync(string streamPrefix)
    {
        await using var connection = new Npgsql.NpgsqlConnection(History);
        await connection.OpenAsync();
        await using var command = new Npgsql.NpgsqlCommand("SELECT count(*) FROM history.mt_events WHERE starts_with(stream_id, @p)", connection);
        command.Parameters.AddWithValue("p", streamPrefix);
        return (long)(await command.ExecuteScalarAsync())!;
    }

    /// <summary>Runs one statement on the history as its owner (a test rewriting the history to see the audit notice); <c>@at</c> is <paramref name="at"/>.</summary>
    public async Task ExecuteAsync(string sql, string at)
    {
        await using var connection = new Npgsql.NpgsqlConnection(History);
        await connection.OpenAsync();
        await using var command = new Npgsql.NpgsqlCommand(sql, connection);
        command.Parameters.AddWithValue("at", at);
        Assert.Equal(1, await command.ExecuteNonQueryAsync());
    }

    public async Task<long> CountEventsOfTypeAsync(string type, string proposalId)
    {
        await using var connection = new Npgsql.NpgsqlConnection(History);
        await connection.OpenAsync();
        await using var command = new Npgsql.NpgsqlCommand("SELECT count(*) FROM history.mt_events WHERE type = @t AND stream_id = @s", connection);
        command.Parameters.AddWithValue("t", type);
        command.Parameters.AddWithValue("s", "governance/proposals/" + proposalId);
        return (long)(await command.ExecuteScalarAsync())!;
    }

    /// <summary>Governance started from its own Program under its own database role, on the test clock.</summary>
    private sealed class Host(GovernanceSystem system) : ServiceHost<GovernanceDesk>(SettingsOf(system), services => services.AddSingleton<TimeProvider>(system.Clock))
    {
        private static Dictionary<string, string> SettingsOf(GovernanceSystem system)
        {
            var settings = new Dictionary<string, string>
            {
                ["ConnectionStrings:history"] = system.LoginOf(ServiceRoles.Governance),
                ["ConnectionStrings:rabbitmq"] = system.Broker,
                ["Chain:Id"] = "31337",
                ["Chain:VerifyingContract"] = SigningChainOptions.DevelopmentVerifyingContract,
                ["Governance:Genesis"] = "Development",
                ["Governance:Guardian"] = AnvilNode.DevAddresses[GuardianKey],
                ["Logging:LogLevel:Default"] = "Warning",
            };
            foreach (var (key, value) in system.ExtraSettings)
                settings[key] = value;
            return settings;
        }
    }
}
