using System.Globalization;
using CommunityAI.AppHost.Infrastructure;

var builder = DistributedApplication.CreateBuilder(args);

// PostgreSQL (the history), RabbitMQ and anvil: containers where a runtime answers, local executables otherwise.
var infrastructure = builder.AddCommunityInfrastructure();

// The database's owner prepares it first; each service then logs in as its own role, which may append only to its own
// streams and write only its own schema (the database refuses anything else).
var databaseRoles = builder.AddDatabaseRoles(infrastructure);

// The anchoring key: a secret parameter (user secrets or environment); anvil's first dev key in Development.
var anchorerKey = builder.AddParameter("anchorer-key", secret: true);

// The master key wrapping the content store's data keys: a secret parameter too; the published development key locally.
var contentMasterKey = builder.AddParameter("content-master-key", secret: true);

// The log's checkpoint signing key (a private note key): a secret parameter; the published development key locally,
// since the services run as Production under the AppHost and would otherwise serve no signed checkpoint.
var checkpointKey = builder.AddParameter("checkpoint-key", secret: true);

// Its verifier key, public: the portal's explorer checks the signed checkpoint with it in the visitor's browser.
var logKey = builder.AddParameter("log-key");

// The gasless-claim relayer's key (it pays claims' gas and holds no contract role): anvil's public dev key 6 locally.
var relayerKey = builder.AddParameter("relayer-key", secret: true);

// The community model's dataset-builder key: a secret parameter as well; anvil's public dev key 9 locally.
var modelBuilderKey = builder.AddParameter("model-builder-key", secret: true);

// Every service appends to the one history and talks over the bus; fixed ports for local use. Those that check
// signatures, and the bridge, share one chain setting: the local chain and the HistoryAnchor the bridge deploys on it.
var contributions = builder.AddProject<Projects.Contributions>("contributions")
    .WithHttpEndpoint(port: 5101, name: "api")
    .BehindThePortal()
    .WithHistoryAndBus(infrastructure, databaseRoles, "communityai_contributions")
    .WithChainSetting()
    .WithEnvironment("ContentStore__MasterKeys__primary", contentMasterKey)
    .WithEnvironment("ContentStore__ActiveMasterKey", "primary")
    // The community model is an admitted dataset builder; locally it signs with anvil's public dev key 9.
    .WithEnvironment("Datasets__Builders__0", CommunityModelBuilder);

// Locally, sealed reviews are taken for two minutes and seed rounds end every 30 s (12 hours and 10 minutes by default).
// Governance refuses a scoring policy whose review window is not longer than the commit window, so both read one value.
const string LocalCommitWindow = "00:02:00";
// Validators are admitted by governance; locally anvil's public dev accounts 3 to 7 are the genesis validators (the load
// driver reviews with them).
var qualityScoring = builder.AddProject<Projects.QualityScoring>("quality-scoring")
    .WithHttpEndpoint(port: 5102, name: "api")
    .BehindThePortal()
    .WithHistoryAndBus(infrastructure, databaseRoles, "communityai_quality_scoring")
    .WithChainSetting()
    .WithEnvironment("Scoring__CommitWindow", LocalCommitWindow)
    .WithEnvironment("Scoring__SeedRound", "00:00:30")
    .WithLocalEpochs()
    .WithGenesisValidators(DevelopmentValidators);

// A score nobody reviewed (the demo crew below switched off, or short of a quorum) is a fallback: the local genesis
// policy pays fallback scores in full so the quick start shows tokens. Elsewhere the built-in genesis pays nothing without evidence.
var rewardLedger = builder.AddProject<Projects.RewardLedger>("reward-ledger")
    .WithHttpEndpoint(port: 5103, name: "api")
    .BehindThePortal()
    .WithHistoryAndBus(infrastructure, databaseRoles, "communityai_reward_ledger")
    .WithLocalEpochs()
    .WithEnvironment("Rewards__Genesis__FallbackShareBasisPoints", "10000")
    .WithEnvironment("Rewards__Genesis__UnseenContentShareBasisPoints", "10000");

// The community proposes and votes on policies; weights come from the ledger's claim trees. Minutes, not days, locally.
var governance = builder.AddProject<Projects.Governance>("governance")
    .WithHttpEndpoint(port: 5105, name: "api")
    .BehindThePortal()
    .WithHistoryAndBus(infrastructure, databaseRoles, "communityai_governance")
    .WithChainSetting()
    .WithEnvironment("Governance__Genesis", "Development")
    .WithEnvironment("Governance__ScoringCommitWindow", LocalCommitWindow)
    // The guardian who may veto a passed proposal in its timelock: anvil's account 8, the chain contracts' guardian too.
    .WithEnvironment("Governance__Guardian", "0x23618e81E3f5cdF7f54C3d65f7FBc0aBf5B21E8f");

// The community model trains from contributions' dataset snapshots, through the builders' signed API, and serves predictions.
var communityModel = builder.AddProject<Projects.CommunityModel>("community-model")
    .WithHttpEndpoint(port: 5106, name: "api")
    .BehindThePortal()
    .WithHistory(infrastructure, databaseRoles, "communityai_community_model")
    .WithChainSetting()
    .WithEnvironment("Model__BuilderKey", modelBuilderKey)
    // A round by itself every five minutes locally, like the epochs (a day by default).
    .WithEnvironment("Model__TrainEvery", "00:05:00")
    .WithReference(contributions).WaitFor(contributions);

// Only the chain-bridge talks to the chain.
var chainBridge = builder.AddProject<Projects.ChainBridge>("chain-bridge")
    .WithHttpEndpoint(port: 5104, name: "api")
    .BehindThePortal()
    .WithHistoryAndBus(infrastructure, databaseRoles, "communityai_chain_bridge")
    .WithReference(infrastructure.Chain, "chain").WaitFor(infrastructure.Chain)
    .WithChainSetting()
    .WithEnvironment("Chain__AnchorerKey", anchorerKey)
    .WithEnvironment("Relayer__Key", relayerKey)
    .WithEnvironment("Checkpoints__SigningKey", checkpointKey)
    // anvil mines a block per transaction only: one confirmation keeps a local payment from waiting for a dozen more.
    .WithEnvironment("Revenue__Confirmations", "1");

// `eng/run.sh --Scale:Replicas=2` runs that many of each service on a contribution's path, behind Aspire's proxy on the
// same ports, as a cluster would (leader loops, idempotent consumers and outboxes are built for it). Each is told how
// many of it run, so each allows its share of a client address's POSTs and the replicas together no more than one would.
var replicas = int.TryParse(builder.Configuration["Scale:Replicas"], out var scale) ? scale : 1;
if (replicas > 1)
{
    foreach (var service in new[] { contributions, qualityScoring, rewardLedger, chainBridge })
        service.WithReplicas(replicas).WithEnvironment("RateLimits__Replicas", replicas.ToString(CultureInfo.InvariantCulture));
}

// So a newcomer sees reviews happen: five validators with the genesis validators' public dev keys commit and reveal a
// review of every case they are drawn for, near its automated score, one of them careless (consensus clips it).
// `eng/run.sh --Demo:Validators=false` leaves them out (the load driver brings the same crew of its own).
if (!string.Equals(builder.Configuration["Demo:Validators"], "false", StringComparison.OrdinalIgnoreCase))
{
    builder.AddProject<Projects.DemoValidators>("demo-validators")
        .WithReference(qualityScoring).WaitFor(qualityScoring)
        .WithChainSetting();
}

// The browser's front door: the pages, and every service's API proxied on one origin (addresses by service discovery).
// The page reads anchored heads from the chain's JSON-RPC itself, so it is given the node's address as a browser sees it.
var portal = builder.AddProject<Projects.Portal>("portal")
    .WithHttpEndpoint(port: 5100, name: "web")
    .WithReference(contributions).WithReference(qualityScoring).WithReference(rewardLedger)
    .WithReference(chainBridge).WithReference(governance).WithReference(communityModel)
    .WithEnvironment("Portal__ChainRpcUrl", infrastructure.Chain)
    .WithEnvironment("Portal__LogKey", logKey);

// So the explorer shows a witnessed log: one independent witness (the audit tool's `witness`) follows the newest head
// over HTTP, proves it consistent with the last one it saw and with the heads anchored on chain (the HistoryAnchor named
// by the signed development network file, read from the node itself), and cosigns it with the public development
// witness key; the bridge serves the newest size it cosigned as /checkpoint and the portal requires its cosignature. `eng/run.sh
// --Demo:Witness=false` leaves it out, and then neither the bridge nor the portal asks for a witness.
if (!string.Equals(builder.Configuration["Demo:Witness"], "false", StringComparison.OrdinalIgnoreCase))
{
    // The witness's private note key (cosignature/v1): a secret parameter; the published development key locally.
    var witnessKey = builder.AddParameter("witness-key", secret: true);
    // Its verifier key, public: what the bridge and the visitor's browser check the cosignatures with.
    var witnessVerifierKey = builder.AddParameter("witness-verifier-key");
    builder.AddProject<Projects.Audit>("witness")
        .WithArgs("witness", "--url", chainBridge.GetEndpoint("api"), "--log-key", logKey.Resource,
            "--key-env", WitnessKeyVariable, "--interval", "5",
            "--rpc", infrastructure.Chain.Resource,
            "--network-file", Path.GetFullPath(Path.Combine(builder.AppHostDirectory, "..", "deploy", "networks", "development.json")))
        .WithEnvironment(WitnessKeyVariable, witnessKey)
        .WaitFor(chainBridge);
    chainBridge
        .WithEnvironment("Checkpoints__Witnesses__0", witnessVerifierKey)
        .WithEnvironment("Checkpoints__WitnessesRequired", "1");
    portal
        .WithEnvironment("Portal__WitnessKeys__0", witnessVerifierKey)
        .WithEnvironment("Portal__WitnessesRequired", "1");
}

// Every trace is kept for the dashboard unless `--Telemetry:TraceSampleRatio=<0..1>` says otherwise (TraceSampling).
builder.SampleTraces();

builder.Build().Run();

internal static partial class Program
{
    /// <summary>The address of the community model's development builder key (CommunityModel's DevelopmentBuilderKey).</summary>
    private const string CommunityModelBuilder = "0xa0Ee7A142d267C1f36714E4a8F75612F20a79720";

    /// <summary>The environment variable the local witness reads its private key from (never its command line, which ps shows).</summary>
    private const string WitnessKeyVariable = "WITNESS_KEY";

    /// <summary>anvil's public dev accounts 3 to 7: the development genesis validators (benchmarks/LoadDriver signs with their keys).</summary>
    private static readonly string[] DevelopmentValidators =
    [
        "0x90F79bf6EB2c4f870365E785982E1f101E93b906", "0x15d34AAf54267DB7D7c367839AAf71A00a2C6A65",
        "0x9965507D1a55bcC2695C58ba16FB37d819B0A4dc", "0x976EA74026E726554dB657fA54763abd0C3a0aa9",
        "0x14dC79964da2C08b23698B3D3cc7Ca32193d9955",
    ];

    private static IResourceBuilder<ProjectResource> WithGenesisValidators(this IResourceBuilder<ProjectResource> project, IReadOnlyList<string> validators)
    {
        for (var i = 0; i < validators.Count; i++)
            project = project.WithEnvironment($"Scoring__GenesisValidators__{i}", validators[i]);
        return project;
    }
}
