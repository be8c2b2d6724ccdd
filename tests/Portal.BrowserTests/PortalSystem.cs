using System.Globalization;
using Microsoft.Playwright;

namespace CommunityAI.Portal.BrowserTests;

/// <summary>
/// The system behind the portal for one test class: a fresh database, virtual host and chain (the shared fixtures of
/// CommunityAI.Testing), the four services of the contribution path and governance on real ports with fast anchoring and short epochs,
/// the portal proxying them, and one headless Chromium.
/// </summary>
public class PortalSystem : IAsyncLifetime
{
    private readonly List<IDisposable> _hosts = [];
    private IPlaywright? _playwright;

    public AnvilNode Chain { get; } = new();
    public string History { get; private set; } = "";
    public string Broker { get; private set; } = "";
    public Uri Portal { get; private set; } = null!;
    public IBrowser Browser { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        await Chain.InitializeAsync();
        History = await PostgresServer.CreateDatabaseAsync("portal");
        Broker = await RabbitServer.CreateVirtualHostAsync("portal");

        var settings = new Dictionary<string, string>
        {
            ["ConnectionStrings:history"] = History,
            ["ConnectionStrings:rabbitmq"] = Broker,
            ["ConnectionStrings:chain"] = Chain.RpcUrl,
            ["Chain:Id"] = AnvilNode.ChainId.ToString(CultureInfo.InvariantCulture),
            ["Chain:VerifyingContract"] = TestChain.AnchorContract,
            ["Chain:AnchorerKey"] = AnvilNode.DevPrivateKeys[0],
            // The gasless-claim relayer's own key, as the AppHost gives it locally.
            ["Relayer:Key"] = AnvilNode.DevPrivateKeys[6],
            ["Anchoring:Period"] = "00:00:01",
            ["Logging:LogLevel:Default"] = "Warning",
            // Short epochs, so a claim root reaches the distributor within a test.
            ["Epochs:Genesis"] = "2026-01-01T00:00:00Z",
            ["Epochs:Length"] = "00:00:03",
            // No validators here, so every score is a fallback: a test genesis policy that pays fallbacks says so explicitly
            // (the built-in genesis pays nothing without evidence).
            ["Rewards:Genesis:FallbackShareBasisPoints"] = "10000",
            ["Rewards:Genesis:UnseenContentShareBasisPoints"] = "10000",
        };
        foreach (var (key, value) in ServiceSettings)
            settings[key] = value;
        // Consumers first, so their queues are bound before anything is published.
        var scoring = Start<CommunityAI.QualityScoring.IntegrationEvents.EventHandling.ContributionSubmittedConsumer>(settings);
        var ledger = Start<CommunityAI.RewardLedger.Infrastructure.CreditWriter>(settings);
        var bridge = Start<CommunityAI.ChainBridge.Log.LogStore>(settings);
        var contributions = Start<CommunityAI.Contributions.Domain.IntakeOptions>(settings);
        // Development rules: a vote opens 30 s after its proposal and lasts 120 s.
        var governance = Start<CommunityAI.Governance.Infrastructure.GovernanceDesk>(new Dictionary<string, string>(settings)
        {
            ["Governance:Genesis"] = "Development",
        });

        // Only the classes about the community model start it (it trains with ML.NET); elsewhere its route answers 502.
        var model = StartCommunityModel(settings, contributions);

        var portal = Start<PortalOptions>(new Dictionary<string, string>(PortalSettings)
        {
            ["Portal:ChainId"] = AnvilNode.ChainId.ToString(CultureInfo.InvariantCulture),
            ["Portal:ChainRpcUrl"] = Chain.RpcUrl,
            ["services:contributions:api:0"] = contributions.ToString(),
            ["services:quality-scoring:api:0"] = scoring.ToString(),
            ["services:reward-ledger:api:0"] = ledger.ToString(),
            ["services:chain-bridge:api:0"] = bridge.ToString(),
            ["services:governance:api:0"] = governance.ToString(),
            ["services:community-model:api:0"] = model?.ToString() ?? "http://127.0.0.1:9/",
            ["Logging:LogLevel:Default"] = "Warning",
        });
        Portal = portal;

        // Expectations wait as long as the services may take on a loaded two-core CI machine (Playwright's 5 s default
        // failed there: a prediction answered after the model had been busy training). One setting, not one per call.
        Assertions.SetDefaultExpectTimeout(30_000);
        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ChromiumPath(),
            Headless = true,
            // Root in CI has no user namespace for Chromium's sandbox.
            Args = ["--no-sandbox"],
        });
    }

    /// <summary>The community model's address when this system starts it (none by default).</summary>
    protected virtual Uri? StartCommunityModel(IReadOnlyDictionary<string, string> settings, Uri contributions) => null;

    /// <summary>Settings a test class's system gives the portal beside the chain and the services' addresses.</summary>
    protected virtual IReadOnlyDictionary<string, string> PortalSettings { get; } = new Dictionary<string, string>();

    /// <summary>Settings a test class's system adds to (or changes in) every service's.</summary>
    protected virtual IReadOnlyDictionary<string, string> ServiceSettings { get; } = new Dictionary<string, string>();

    /// <summary>A new browser context whose window offers a test wallet for the dev account <paramref name="walletAccount"/> (none when null).</summary>
    public async Task<IPage> OpenAsync(int? walletAccount, ViewportSize? viewport = null)
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = Portal.ToString(),
            ViewportSize = viewport ?? new ViewportSize { Width = 1280, Height = 900 },
        });
        if (walletAccount is { } account)
            await context.AddInitScriptAsync(TestWallet.Script(Chain.RpcUrl, AnvilNode.DevAddresses[account]));
        return await context.NewPageAsync();
    }

    /// <summary>Debian's chromium (eng/bootstrap.sh installs it), or COMMUNITYAI_CHROMIUM; Playwright never downloads one.</summary>
    private static string ChromiumPath()
    {
        var candidates = new[] { Environment.GetEnvironmentVariable("COMMUNITYAI_CHROMIUM"), "/usr/bin/chromium", "/usr/bin/chromium-browser" }
            .Concat((Environment.GetEnvironmentVariable("PATH") ?? "").Split(':').Select(dir => Path.Combine(dir, "chromium")));
        return candidates.FirstOrDefault(File.Exists)
            ?? throw new InvalidOperationException("No chromium found: run eng/bootstrap.sh (apt-get install chromium) or set COMMUNITYAI_CHROMIUM");
    }

    protected Uri Start<TMarker>(IReadOnlyDictionary<string, string> settings) where TMarker : class
    {
        var host = new ListeningServiceHost<TMarker>(settings);
        _hosts.Add(host);
        return host.Address;
    }

    public async Task DisposeAsync()
    {
        if (Browser is not null)
            await Browser.DisposeAsync();
        _playwright?.Dispose();
        foreach (var host in Enumerable.Reverse(_hosts))
            host.Dispose();
        await Chain.DisposeAsync();
        if (Broker.Length > 0)
            await RabbitServer.DeleteVirtualHostAsync(Broker);
        if (History.Length > 0)
            await PostgresServer.DropDatabaseAsync(History);
    }
}
