using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using CommunityAI.ServiceDefaults.Database;
using CommunityAI.ServiceDefaults.Messaging;
using CommunityAI.Testing;

namespace CommunityAI.EndToEndTests;

/// <summary>
/// The whole system for one test class: a fresh database, virtual host and chain, and the four services
/// started against them with fast anchoring, so a contribution travels the real path in seconds.
/// Fault tests swap in servers of their own (see <see cref="FaultySystem"/>) and restart services.
/// </summary>
public class SystemUnderTest : IAsyncLifetime
{
    private readonly List<IAsyncDisposable> _hosts = [];

    /// <summary>Keeps its state in a file, so a fault test can stop the node and bring it back with its chain.</summary>
    public RestartableAnvil Chain { get; } = new();
    public string History { get; private set; } = "";
    public string Broker { get; private set; } = "";

    public HttpClient Contributions { get; private set; } = null!;
    public HttpClient ChainBridge { get; private set; } = null!;
    public HttpClient RewardLedger { get; private set; } = null!;

    public virtual async Task InitializeAsync()
    {
        await Chain.InitializeAsync();
        History = await CreateHistoryAsync();
        // As in production: the owner prepares the database, each service logs in as its own role (History stays the
        // owner's login, for the tests' own checks).
        Broker = await CreateBrokerAsync();
        // The same for the broker: the administrator creates each service's user and a partner's, each service logs in
        // as its own (Broker stays the administrator's login, for the tests' own checks).
        await SetUpLoginsAsync(History, Broker, await BrokerManagementAsync());
        StartServices();
    }

    /// <summary>What the owner's set-up does in production: a database role and a broker user per service, a partner's.</summary>
    public static async Task SetUpLoginsAsync(string history, string broker, Uri management)
    {
        await DatabaseSetup.ApplyAsync(history, ServiceRoles.All.ToDictionary(r => r.Role, _ => RolePassword));
        await BrokerSetup.ApplyAsync(management, VirtualHostOf(broker),
            BrokerUsers.All.Select(u => u.User).Append(BrokerUsers.Monitor).ToDictionary(u => u, _ => BrokerPassword),
            [new PartnerGrant(Partner, BrokerPassword, [])]);
    }

    /// <summary>A service's own logins (set up by <see cref="SetUpLoginsAsync"/>) in place of the owner's and administrator's.</summary>
    public static Dictionary<string, string> LoginsOf(ServiceRole role, string history, string broker) => new()
    {
        ["ConnectionStrings:history"] = DatabaseSetup.ConnectionStringFor(history, role.Role, RolePassword),
        ["ConnectionStrings:rabbitmq"] = BrokerSetup.LoginFor(broker, BrokerUsers.Of(role.Service).User, BrokerPassword),
    };

    protected virtual Task<string> CreateHistoryAsync() => PostgresServer.CreateDatabaseAsync("e2e");
    protected virtual Task<string> CreateBrokerAsync() => RabbitServer.CreateVirtualHostAsync("e2e");
    protected virtual async Task<Uri> BrokerManagementAsync() => (await RabbitServer.ServerAsync()).Management;

    private const string RolePassword = "communityai-test-role";
    internal const string BrokerPassword = "communityai-test-broker-user";

    /// <summary>The partner the broker set-up provisions: user partner-e2e, queue partner-e2e-events.</summary>
    public const string Partner = "e2e";

    private static string VirtualHostOf(string broker) =>
        new Uri(broker).AbsolutePath.Length > 1 ? Uri.UnescapeDataString(new Uri(broker).AbsolutePath[1..]) : "/";

    /// <summary>The broker address under a user's login (a service's, a partner's), in the test's virtual host.</summary>
    public string BrokerAs(string user) => BrokerSetup.LoginFor(Broker, user, BrokerPassword);

    public IReadOnlyDictionary<string, string> Settings => new Dictionary<string, string>
    {
        ["ConnectionStrings:history"] = History,
        ["ConnectionStrings:rabbitmq"] = Broker,
        ["ConnectionStrings:chain"] = Chain.RpcUrl,
        ["Chain:Id"] = AnvilNode.ChainId.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["Chain:VerifyingContract"] = TestChain.AnchorContract,
        ["Chain:AnchorerKey"] = AnvilNode.DevPrivateKeys[0],
        ["Anchoring:Period"] = "00:00:01",
        // A chain outage in a test lasts seconds, not hours: come back quickly once the node answers again.
        ["Anchoring:RetryMaxDelay"] = "00:00:05",
        ["ClaimRoots:RetryMaxDelay"] = "00:00:05",
        ["Logging:LogLevel:Default"] = "Warning",
        // Short epochs so a test sees an epoch close and its claim root reach the distributor.
        ["Epochs:Genesis"] = "2026-01-01T00:00:00Z",
        ["Epochs:Length"] = "00:00:03",
        // These scenarios test the money path without validators, so every score is a fallback: a test genesis policy
        // that pays fallbacks in full says so explicitly (the built-in genesis pays nothing without evidence).
        ["Rewards:Genesis:FallbackShareBasisPoints"] = "10000",
        ["Rewards:Genesis:UnseenContentShareBasisPoints"] = "10000",
    };

    /// <summary>Starts the four services; consumers first, so their queues are bound before anything is published.</summary>
    public void StartServices()
    {
        Start<CommunityAI.QualityScoring.IntegrationEvents.EventHandling.ContributionSubmittedConsumer>(ServiceRoles.QualityScoring);
        RewardLedger = Start<CommunityAI.RewardLedger.Infrastructure.CreditWriter>(ServiceRoles.RewardLedger);
        ChainBridge = Start<CommunityAI.ChainBridge.Log.LogStore>(ServiceRoles.ChainBridge);
        Contributions = Start<CommunityAI.Contributions.Domain.IntakeOptions>(ServiceRoles.Contributions);
    }

    /// <summary>
    /// The chain-bridge's deployment, once it has one: it deploys (or finds) the contracts in its own loop after start,
    /// which on a quiet machine can finish after a contribution is already rewarded, so asking once may see a 503.
    /// </summary>
    public async Task<CommunityAI.ChainBridge.Apis.ChainApi.ChainResponse> DeploymentAsync()
    {
        var json = new System.Text.Json.JsonSerializerOptions(System.Text.Json.JsonSerializerDefaults.Web);
        return (await Eventually.MatchesAsync(async () =>
        {
            using var response = await ChainBridge.GetAsync("/api/chain");
            return response.IsSuccessStatusCode
                ? await System.Net.Http.Json.HttpContentJsonExtensions.ReadFromJsonAsync<CommunityAI.ChainBridge.Apis.ChainApi.ChainResponse>(response.Content, json)
                : null;
        }, chain => chain is not null, "the chain-bridge to deploy or find its contracts"))!;
    }

    /// <summary>
    /// How long the fixture waits for a service host to stop at the end. Once in CI a host never finished stopping after
    /// a broker restart (its broker connection still recovering, we believe): the test process hung until the run's hang
    /// guard killed it, which left this fixture's chain node and private servers running and the run failed.
    /// </summary>
    private static readonly TimeSpan HostStopLimit = TimeSpan.FromMinutes(2);

    /// <summary>
    /// Stops every service host, as a crash of all of them would (work in flight is abandoned). Mid-test it waits for
    /// each (a restart must not meet the host it replaces); given <paramref name="limit"/>, as at the fixture's end, a
    /// host that overruns it is named and left to the process's end.
    /// </summary>
    public async Task StopServicesAsync(TimeSpan? limit = null)
    {
        foreach (var host in Enumerable.Reverse(_hosts))
        {
            var stopping = host.DisposeAsync().AsTask();
            if (limit is { } bound && await Task.WhenAny(stopping, Task.Delay(bound)) != stopping)
                await Console.Error.WriteLineAsync($"{GetType().Name}: {host.GetType().GenericTypeArguments.FirstOrDefault()?.Assembly.GetName().Name} "
                    + $"did not stop within {bound.TotalMinutes} min; its chain and servers are released without it");
            else
                await stopping;
        }
        _hosts.Clear();
    }

    /// <summary>Runs every release even when one fails, then throws what failed: a fixture never leaves a server running.</summary>
    protected static async Task ReleaseAllAsync(params Func<Task>[] releases)
    {
        var failures = new List<Exception>();
        foreach (var release in releases)
        {
            try
            {
                await release();
            }
            catch (Exception e)
            {
                failures.Add(e);
            }
        }
        if (failures.Count > 0)
            throw new AggregateException("The fixture released everything it could; these releases failed.", failures);
    }

    /// <summary>
    /// Governance too, on Development rules (a 30-second voting delay) and on a clock the test moves, so a vote is cast
    /// without waiting; its signatures are for the same deployment as the contributions'.
    /// </summary>
    public HttpClient StartGovernance(TimeProvider clock) => Start<CommunityAI.Governance.Infrastructure.GovernanceDesk>(ServiceRoles.Governance,
        new() { ["Governance:Genesis"] = "Development" }, services => services.AddSingleton(clock));

    private HttpClient Start<TMarker>(ServiceRole role, Dictionary<string, string>? extra = null, Action<IServiceCollection>? services = null)
        where TMarker : class
    {
        var settings = new Dictionary<string, string>(Settings);
        foreach (var (key, value) in LoginsOf(role, History, Broker).Concat(extra ?? []))
            settings[key] = value;
        // Each service's warnings and errors go to a sink the invariants read, named by service.
        var host = new ServiceHost<TMarker>(settings, services, configure: builder => builder.ConfigureLogging(logging => logging.AddProvider(
            new ServiceWarnings(typeof(TMarker).Assembly.GetName().Name!, settings["ConnectionStrings:history"]))));
        _hosts.Add(host);
        return host.CreateClient();
    }

    public virtual Task DisposeAsync() => ReleaseAllAsync(
        () => StopServicesAsync(HostStopLimit),
        Chain.DisposeAsync,
        () => Broker.Length > 0 ? DeleteBrokerAsync() : Task.CompletedTask,
        () => History.Length > 0 ? DropHistoryAsync() : Task.CompletedTask);

    protected virtual Task DeleteBrokerAsync() => RabbitServer.DeleteVirtualHostAsync(Broker);
    protected virtual Task DropHistoryAsync() => PostgresServer.DropDatabaseAsync(History);
}
