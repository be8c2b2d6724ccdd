using CommunityAI.AppHost.Infrastructure;

var builder = DistributedApplication.CreateBuilder(args);

// PostgreSQL (the history), RabbitMQ and anvil: containers where a runtime answers, local executables otherwise.
var infrastructure = builder.AddCommunityInfrastructure();

// The anchoring key: a secret parameter (user secrets or environment); anvil's first dev key in Development.
var anchorerKey = builder.AddParameter("anchorer-key", secret: true);

// The master key wrapping the content store's data keys: a secret parameter too; the published development key locally.
var contentMasterKey = builder.AddParameter("content-master-key", secret: true);

// Every service appends to the one history and talks over the bus; fixed ports for local use. Those that check
// signatures, and the bridge, share one chain setting: the local chain and the HistoryAnchor the bridge deploys on it.
var contributions = builder.AddProject<Projects.Contributions>("contributions")
    .WithHttpEndpoint(port: 5101, name: "api")
    .WithHistoryAndBus(infrastructure)
    .WithChainSetting()
    .WithEnvironment("ContentStore__MasterKeys__primary", contentMasterKey)
    .WithEnvironment("ContentStore__ActiveMasterKey", "primary");

// Locally, sealed reviews are taken for two minutes and seed rounds end every 30 s (12 hours and 10 minutes by default).
var qualityScoring = builder.AddProject<Projects.QualityScoring>("quality-scoring")
    .WithHttpEndpoint(port: 5102, name: "api")
    .WithHistoryAndBus(infrastructure)
    .WithChainSetting()
    .WithEnvironment("Scoring__CommitWindow", "00:02:00")
    .WithEnvironment("Scoring__SeedRound", "00:00:30");

// Locally nobody has registered as a validator yet, so every score is a fallback: the local genesis policy pays
// fallback scores in full so the quick start shows tokens. Elsewhere the built-in genesis pays nothing without evidence.
var rewardLedger = builder.AddProject<Projects.RewardLedger>("reward-ledger")
    .WithHttpEndpoint(port: 5103, name: "api")
    .WithHistoryAndBus(infrastructure)
    .WithEnvironment("Rewards__Genesis__FallbackShareBasisPoints", "10000")
    .WithEnvironment("Rewards__Genesis__UnseenContentShareBasisPoints", "10000");

// The community proposes and votes on policies; weights come from the ledger's claim trees. Minutes, not days, locally.
var governance = builder.AddProject<Projects.Governance>("governance")
    .WithHttpEndpoint(port: 5105, name: "api")
    .WithHistoryAndBus(infrastructure)
    .WithChainSetting()
    .WithEnvironment("Governance__Genesis", "Development");

// Only the chain-bridge talks to the chain.
var chainBridge = builder.AddProject<Projects.ChainBridge>("chain-bridge")
    .WithHttpEndpoint(port: 5104, name: "api")
    .WithHistoryAndBus(infrastructure)
    .WithReference(infrastructure.Chain, "chain").WaitFor(infrastructure.Chain)
    .WithChainSetting()
    .WithEnvironment("Chain__AnchorerKey", anchorerKey)
    // anvil mines a block per transaction only: one confirmation keeps a local payment from waiting for a dozen more.
    .WithEnvironment("Revenue__Confirmations", "1");

// The browser's front door: the pages, and every service's API proxied on one origin (addresses by service discovery).
// The page reads anchored heads from the chain's JSON-RPC itself, so it is given the node's address as a browser sees it.
builder.AddProject<Projects.Portal>("portal")
    .WithHttpEndpoint(port: 5100, name: "web")
    .WithReference(contributions).WithReference(qualityScoring).WithReference(rewardLedger)
    .WithReference(chainBridge).WithReference(governance)
    .WithEnvironment("Portal__ChainRpcUrl", infrastructure.Chain);

builder.Build().Run();
