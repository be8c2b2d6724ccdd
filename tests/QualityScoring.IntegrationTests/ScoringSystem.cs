using System.Collections.Concurrent;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using CommunityAI.Contracts;
using CommunityAI.Formats;
using CommunityAI.Formats.Signing;
using CommunityAI.QualityScoring.Domain;
using CommunityAI.QualityScoring.Infrastructure;
using CommunityAI.Testing;
using Marten;
using MassTransit;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace CommunityAI.QualityScoring.IntegrationTests;

/// <summary>
/// A fresh database and virtual host per test class, quality-scoring started from its own Program against them, and a
/// bus of the test's own that publishes contributions (as the contributions outbox would) and collects every
/// <see cref="ContributionScored"/> the service publishes.
/// </summary>
public class ScoringSystem : IAsyncLifetime
{
    // Long enough for a slow shared machine to commit and reveal inside them, short enough for the fallback tests to wait.
    public static readonly TimeSpan ReviewWindow = TimeSpan.FromSeconds(16);
    public static readonly TimeSpan CommitWindow = TimeSpan.FromSeconds(8);

    // One deadline for the fixture's reviews: the same review signed twice must be byte-identical, and a deadline
    // taken from the clock at each call differs whenever the two calls straddle a second.
    private static readonly ulong ReviewDeadline = (ulong)DateTimeOffset.UtcNow.AddHours(1).ToUnixTimeSeconds();

    private WebApplicationFactory<ContributionIntakeWriter>? _host;
    private IBusControl? _bus;
    private readonly ConcurrentDictionary<string, Lazy<Task<Guid>>> _recorded = new(StringComparer.Ordinal);

    public string History { get; private set; } = "";
    public string Broker { get; private set; } = "";

    /// <summary>The first replica's services (its store, to record history events as other services would).</summary>
    public IServiceProvider Services => _host!.Services;
    public HttpClient Api { get; private set; } = null!;
    public ConcurrentDictionary<string, ContributionScored> Scored { get; } = new(StringComparer.OrdinalIgnoreCase);
    public ConcurrentBag<ContributionScored> ScoredMessages { get; } = [];

    public async Task InitializeAsync()
    {
        History = await PostgresServer.CreateDatabaseAsync("scoring");
        Broker = await RabbitServer.CreateVirtualHostAsync("scoring");
        // The observer's queue is bound before the service can publish anything.
        _bus = Bus.Factory.CreateUsingRabbitMq(rabbit =>
        {
            rabbit.Host(new Uri(Broker));
            rabbit.ReceiveEndpoint("scoring-tests-observer", e => e.Handler<ContributionScored>(context =>
            {
                ScoredMessages.Add(context.Message);
                Scored[context.Message.ContributionId] = context.Message;
                return Task.CompletedTask;
            }));
        });
        await _bus.StartAsync();
        _host = StartReplica();
        Api = _host.CreateClient();
    }

    /// <summary>Settings of this system's own, over the fixture's (a derived system sets them).</summary>
    protected virtual IReadOnlyDictionary<string, string> Settings { get; } = new Dictionary<string, string>();

    /// <summary>Services of this system's own, replacing the service's (a test clock, say); a derived system sets them.</summary>
    protected virtual void ConfigureServices(IServiceCollection services)
    {
    }

    /// <summary>Another instance of the service on the same database and broker, as a restart or a second pod.</summary>
    public WebApplicationFactory<ContributionIntakeWriter> StartReplica(IReadOnlyDictionary<string, string>? overrides = null)
    {
        var settings = new Dictionary<string, string>
        {
            ["ConnectionStrings:history"] = History,
            ["ConnectionStrings:rabbitmq"] = Broker,
            ["Chain:Id"] = TestChain.Settings["Chain:Id"]!,
            ["Chain:VerifyingContract"] = TestChain.AnchorContract,
            ["Scoring:ReviewWindow"] = ReviewWindow.ToString(),
            ["Scoring:CommitWindow"] = CommitWindow.ToString(),
            ["Scoring:SeedRound"] = "00:00:01",
            // No audit rounds drawn by chance (one case in ten by default): an audited case is not appealable and its panel
            // takes validators, which other tests count on. AuditTests sets its own share.
            ["Scoring:AuditBasisPoints"] = "0",
            // Nor targeted at a reviewer's lean toward a contributor: tests here send the same reviewer far off the others on
            // one contributor's cases on purpose. LeanAuditTests sets its own.
            ["Scoring:LeanAuditPoints"] = "0",
            // Nor kept from drawing such a reviewer for that contributor again. LeanExclusionTests sets its own.
            ["Scoring:LeanExclusionPoints"] = "0",
            ["Scoring:CloserInterval"] = "00:00:00.200",
            ["Logging:LogLevel:Default"] = "Warning",
        };
        // Every anvil dev account is admitted from the start, so tests register and review with any of them; admission by
        // governance is tested with keys of their own.
        for (var i = 0; i < AnvilNode.DevAddresses.Count; i++)
            settings[$"Scoring:GenesisValidators:{i}"] = AnvilNode.DevAddresses[i];
        foreach (var (key, value) in Settings.Concat(overrides ?? new Dictionary<string, string>()))
            settings[key] = value;
        return new ServiceHost<ContributionIntakeWriter>(settings, ConfigureServices);
    }

    /// <summary>
    /// A contribution as the contributions service would publish it, with its text inline: signed by the contributor's
    /// development key under a fresh nonce, its id the signed digest, so the auditors' replay accepts it.
    /// </summary>
    public static ContributionSubmitted Submission(int contributorKey, string text, string kind = "data")
    {
        var payload = new ContributionPayload(AnvilNode.DevAddresses[contributorKey], kind, Hex.Encode(SHA256.HashData(Encoding.UTF8.GetBytes(text))),
            "ipfs://bafy" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8)), TestChain.Licence,
            BitConverter.ToUInt64(RandomNumberGenerator.GetBytes(8)) >> 1, (ulong)DateTimeOffset.UtcNow.AddHours(1).ToUnixTimeSeconds());
        return new ContributionSubmitted(Hex.Encode(TypedDataSigner.Digest(payload, TestChain.Domain)), payload.Contributor, kind, payload.ContentHash,
            payload.ContentUri, payload.Nonce.ToString(System.Globalization.CultureInfo.InvariantCulture), (long)payload.Deadline,
            TypedDataSigner.Sign(payload, TestChain.Domain, AnvilNode.DevPrivateKeys[contributorKey]), Encoding.UTF8.GetByteCount(text),
            DateTimeOffset.UtcNow, text, payload.Licence);
    }

    /// <summary>
    /// Records the contribution in the contributions service's stream (once, however often it is published), then
    /// publishes it with the event's id, as the contributions outbox would.
    /// </summary>
    public async Task PublishAsync(ContributionSubmitted submitted)
    {
        var id = await RecordOnlyAsync(submitted);
        await _bus!.Publish(submitted, context => context.MessageId = id);
    }

    /// <summary>Records the contribution as <see cref="PublishAsync"/> does, without publishing it yet.</summary>
    public Task<Guid> RecordOnlyAsync(ContributionSubmitted submitted) =>
        _recorded.GetOrAdd(submitted.ContributionId, _ => new Lazy<Task<Guid>>(() => RecordAsync(submitted))).Value;

    /// <summary>Appends another service's fact to its stream, as that service would.</summary>
    public async Task AppendAsync(string stream, object @event)
    {
        await using var session = _host!.Services.GetRequiredService<IDocumentStore>().LightweightSession();
        session.Events.Append(stream, @event);
        await session.SaveChangesAsync();
    }

    /// <summary>Publishes a contribution the history never recorded, as anyone holding a broker login could.</summary>
    public Task PublishUnrecordedAsync(ContributionSubmitted submitted) => _bus!.Publish(submitted, context => context.MessageId = Guid.NewGuid());

    private async Task<Guid> RecordAsync(ContributionSubmitted submitted)
    {
        await using var session = _host!.Services.GetRequiredService<IDocumentStore>().LightweightSession();
        var stream = session.Events.StartStream("contributions/" + submitted.ContributionId, submitted);
        await session.SaveChangesAsync();
        return stream.Events[0].Id;
    }

    /// <summary>A handler that reaches the first replica's HTTP API in process, for a client the test does not build itself.</summary>
    public HttpMessageHandler ApiHandler() => _host!.Server.CreateHandler();

    public async Task<ContributionScored> ScoredAsync(string contributionId, TimeSpan? timeout = null) =>
        (await Eventually.MatchesAsync(() => Task.FromResult(Scored.GetValueOrDefault(contributionId)), s => s is not null,
            $"{contributionId} to be scored on the bus", timeout))!;

    public Task<HttpResponseMessage> RegisterAsync(int key, ulong nonce = 1)
    {
        var registration = new ValidatorRegistrationPayload(AnvilNode.DevAddresses[key], nonce, (ulong)DateTimeOffset.UtcNow.AddMinutes(10).ToUnixTimeSeconds());
        return Api.PostAsJsonAsync("/api/validators", new
        {
            registration.Validator, registration.Nonce, registration.Deadline,
            signature = TypedDataSigner.Sign(registration, TestChain.Domain, AnvilNode.DevPrivateKeys[key]),
        });
    }

    /// <summary>
    /// A whole review as an honest validator sends it: the signed commitment, then (when it was accepted) the signed reveal.
    /// Answers the reveal's response, or the commitment's when that was refused. <paramref name="signingKey"/> forges both.
    /// </summary>
    public async Task<HttpResponseMessage> ReviewAsync(int key, string contributionId, int score, string verdict = "accept", ulong nonce = 1,
        int? signingKey = null, SigningDomain? domain = null)
    {
        var commit = await CommitAsync(key, contributionId, score, verdict, nonce, signingKey, domain);
        return commit.IsSuccessStatusCode ? await RevealAsync(key, contributionId, score, verdict, nonce, signingKey, domain) : commit;
    }

    /// <summary>The dev-key indexes among <paramref name="validators"/> holding an open assignment of a contribution, once <paramref name="expected"/> do.</summary>
    public async Task<List<int>> AssignedAsync(string contributionId, IEnumerable<int> validators, int expected = 3) =>
        await Eventually.MatchesAsync(async () =>
        {
            var found = new List<int>();
            foreach (var key in validators)
            {
                var open = await Api.GetFromJsonAsync<JsonElement>($"/api/validators/{AnvilNode.DevAddresses[key]}/assignments");
                if (open.EnumerateArray().Any(a => a.GetProperty("contributionId").GetString() == contributionId))
                    found.Add(key);
            }
            return found;
        }, found => found.Count == expected, $"{expected} reviewers to be assigned to {contributionId}");

    /// <summary>A validator's secret salt, derived so that sending the very same review again signs the very same bytes.</summary>
    public static string Salt(int key, string contributionId, ulong nonce) =>
        Hex.Encode(SHA256.HashData(Encoding.UTF8.GetBytes($"salt/{key}/{contributionId}/{nonce}")));

    /// <summary>The signed <c>ReviewCommit</c> of a review (committing to <paramref name="score"/>, <paramref name="verdict"/> and the derived salt).</summary>
    public Task<HttpResponseMessage> CommitAsync(int key, string contributionId, int score, string verdict = "accept", ulong nonce = 1,
        int? signingKey = null, SigningDomain? domain = null, string? commitment = null)
    {
        var payload = new ReviewCommitPayload(AnvilNode.DevAddresses[key], contributionId,
            commitment ?? ReviewCommitment.Compute((ushort)score, verdict, Salt(key, contributionId, nonce)), nonce, ReviewDeadline);
        return Api.PostAsJsonAsync("/api/reviews/commitments", new
        {
            payload.Validator, payload.ContributionId, payload.Commitment, payload.Nonce, payload.Deadline,
            signature = TypedDataSigner.Sign(payload, domain ?? TestChain.Domain, AnvilNode.DevPrivateKeys[signingKey ?? key]),
        });
    }

    /// <summary>
    /// The signed <c>Review</c> that reveals a commitment made with <see cref="CommitAsync"/> and the same nonce, or with
    /// <paramref name="saltNonce"/> when the reveal is signed under a nonce of its own.
    /// </summary>
    public Task<HttpResponseMessage> RevealAsync(int key, string contributionId, int score, string verdict = "accept", ulong nonce = 1,
        int? signingKey = null, SigningDomain? domain = null, ulong? saltNonce = null)
    {
        var payload = new ReviewPayload(AnvilNode.DevAddresses[key], contributionId, (ushort)score, verdict,
            Salt(key, contributionId, saltNonce ?? nonce), nonce, ReviewDeadline);
        return Api.PostAsJsonAsync("/api/reviews", new
        {
            payload.Validator, payload.ContributionId, score, payload.Verdict, payload.Salt, payload.Nonce, payload.Deadline,
            signature = TypedDataSigner.Sign(payload, domain ?? TestChain.Domain, AnvilNode.DevPrivateKeys[signingKey ?? key]),
        });
    }

    /// <summary>
    /// Records an activated proposal of <paramref name="kind"/> naming <paramref name="validator"/> as governance would, in a
    /// stream under <paramref name="streamPrefix"/>; returns the proposal id.
    /// </summary>
    public Task<string> ActivateAsync(string kind, string validator, string streamPrefix = "governance/proposals/") =>
        ActivatePayloadAsync(kind, $"{{\"validator\":\"{validator.ToLowerInvariant()}\"}}", streamPrefix);

    /// <summary>Records an activated proposal of <paramref name="kind"/> with this payload as governance would; returns the proposal id.</summary>
    public async Task<string> ActivatePayloadAsync(string kind, string payload, string streamPrefix = "governance/proposals/")
    {
        var proposalId = Hex.Encode(RandomNumberGenerator.GetBytes(32));
        var activated = new PolicyActivated(proposalId, kind, payload, Hex.Encode(SHA256.HashData(Encoding.UTF8.GetBytes(payload))), DateTimeOffset.UtcNow);
        await using var session = _host!.Services.GetRequiredService<IDocumentStore>().LightweightSession();
        session.Events.StartStream(streamPrefix + proposalId, activated);
        await session.SaveChangesAsync();
        return proposalId;
    }

    /// <summary>Admits validators by passed proposals recorded in the history, and waits until quality-scoring applied them.</summary>
    public async Task AdmitAsync(IEnumerable<string> validators)
    {
        var addresses = validators.ToList();
        foreach (var validator in addresses)
            await ActivateAsync("validator-admission", validator);
        await Eventually.MatchesAsync(async () =>
        {
            await using var query = _host!.Services.GetRequiredService<IDocumentStore>().QuerySession();
            return (await query.LoadManyAsync<ValidatorAdmission>(addresses.Select(a => Address.Parse(a)))).Count(a => a.Admitted);
        }, n => n == addresses.Count, $"{addresses.Count} validators admitted", TimeSpan.FromSeconds(30));
    }

    /// <summary>Registers a validator by its own key (0x-hex private key) with a signed request.</summary>
    public Task<HttpResponseMessage> RegisterKeyAsync(string privateKey, ulong nonce = 1)
    {
        var registration = new ValidatorRegistrationPayload(new Nethereum.Signer.EthECKey(privateKey).GetPublicAddress(), nonce,
            (ulong)DateTimeOffset.UtcNow.AddMinutes(10).ToUnixTimeSeconds());
        return Api.PostAsJsonAsync("/api/validators", new
        {
            registration.Validator, registration.Nonce, registration.Deadline,
            signature = TypedDataSigner.Sign(registration, TestChain.Domain, privateKey),
        });
    }

    /// <summary>
    /// The first value <paramref name="sql"/> answers on the history's server, or default when it answers no row or
    /// NULL. Each parameter is bound by name; a null one is a NULL text.
    /// </summary>
    public async Task<T?> ScalarAsync<T>(string sql, params (string Name, object? Value)[] parameters) =>
        await FirstValueAsync(sql, parameters) is T found ? found : default;

    /// <summary>
    /// As <see cref="ScalarAsync{T}"/>, for a statement that must answer a value (an <c>UPDATE … RETURNING</c> of a row
    /// the test expects to exist): no row or NULL fails here, where the test would otherwise read 0 and fail later.
    /// </summary>
    public async Task<T> SingleAsync<T>(string sql, params (string Name, object? Value)[] parameters) =>
        await FirstValueAsync(sql, parameters) is T found ? found : throw new InvalidOperationException($"no value from: {sql}");

    private async Task<object?> FirstValueAsync(string sql, (string Name, object? Value)[] parameters)
    {
        await using var connection = new NpgsqlConnection(History);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var (name, value) in parameters)
            command.Parameters.Add(value is null
                ? new NpgsqlParameter(name, NpgsqlTypes.NpgsqlDbType.Text) { Value = DBNull.Value }
                : new NpgsqlParameter(name, value));
        return await command.ExecuteScalarAsync();
    }

    /// <summary>The auditors' <c>replay</c> over this system's history, as its JSON report.</summary>
    public async Task<JsonElement> ReplayAsync()
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        await CommunityAI.Audit.Commands.AuditApp.RunAsync(["replay", "--database", History, "--json"], output, error);
        return JsonDocument.Parse(output.ToString()).RootElement.Clone();
    }

    /// <summary>History events of a type, for one contribution or (null) in all.</summary>
    public async Task<long> CountEventsAsync(string type, string? contributionId) => await ScalarAsync<long>(
        "SELECT count(*) FROM history.mt_events WHERE type = @type AND (@id::text IS NULL OR data->>'contributionId' = @id)",
        ("type", type), ("id", contributionId));

    /// <summary>The data of the history events of a type about one contribution, in the log's order.</summary>
    public async Task<List<JsonElement>> EventsAsync(string type, string contributionId)
    {
        await using var connection = new NpgsqlConnection(History);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            "SELECT data::text FROM history.mt_events WHERE type = @type AND data->>'contributionId' = @id ORDER BY seq_id", connection);
        command.Parameters.AddWithValue("type", type);
        command.Parameters.AddWithValue("id", contributionId);
        var found = new List<JsonElement>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
            found.Add(JsonDocument.Parse(reader.GetString(0)).RootElement);
        return found;
    }

    /// <summary>History events of a type recorded about one validator (dev key), in any stream.</summary>
    public async Task<int> CountValidatorEventsAsync(string type, int key) => (int)await ScalarAsync<long>(
        "SELECT count(*) FROM history.mt_events WHERE type = @type AND lower(data->>'validator') = lower(@validator)",
        ("type", type), ("validator", AnvilNode.DevAddresses[key]));

    /// <summary>The contributions in the near-duplicate index.</summary>
    public Task<List<string>> IndexedAsync() => IdsAsync($"SELECT contribution_id FROM {NearDuplicateIndex.Signatures}");

    /// <summary>
    /// Contributions in the near-duplicate index (signatures or bands) whose automated checks the history lacks; band rows
    /// whose signature is gone are named by their sequence number.
    /// </summary>
    public Task<List<string>> IndexedWithoutHistoryAsync() => IdsAsync($"""
        SELECT contribution_id FROM (SELECT contribution_id FROM {NearDuplicateIndex.Signatures}
                                     UNION SELECT coalesce(s.contribution_id, 'band rows of seq ' || b.seq)
                                           FROM {NearDuplicateIndex.Bands} b LEFT JOIN {NearDuplicateIndex.Signatures} s USING (seq)) AS indexed
        WHERE NOT EXISTS (SELECT 1 FROM history.mt_events e
                          WHERE e.stream_id = 'scoring/' || indexed.contribution_id AND e.type = 'automated_checks_completed')
        """);

    private async Task<List<string>> IdsAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(History);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        var ids = new List<string>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
            ids.Add(reader.GetString(0));
        return ids;
    }

    public virtual async Task DisposeAsync()
    {
        if (_host is not null)
            await _host.DisposeAsync();
        if (_bus is not null)
            await _bus.StopAsync();
        await RabbitServer.DeleteVirtualHostAsync(Broker);
        await PostgresServer.DropDatabaseAsync(History);
    }
}

/// <summary>A second, independent system, so a class can rely on no validator being registered.</summary>
public sealed class ScoringSystemWithoutValidators : ScoringSystem;

/// <summary>A system whose absent reviewers are never replaced, for the rules that decide a case short of reviews (ReassignmentTests covers replacement).</summary>
public sealed class ScoringSystemWithoutReassignment : ScoringSystem
{
    protected override IReadOnlyDictionary<string, string> Settings { get; } = new Dictionary<string, string> { ["Scoring:ReassignmentRounds"] = "0" };
}

/// <summary>A system of its own for the demo crew, so no other test's validators are registered beside it.</summary>
public sealed class ScoringSystemForTheDemoCrew : ScoringSystem;
