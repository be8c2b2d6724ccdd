using CommunityAI.AppHost.Infrastructure;

var builder = DistributedApplication.CreateBuilder(args);

// PostgreSQL (the history), RabbitMQ and anvil: containers where a runtime answers, local executables otherwise.
var infrastructure = builder.AddCommunityInfrastructure();
var history = infrastructure.History;
var broker = infrastructure.Broker;
var chain = infrastructure.Chain;

// The anchoring key: a secret parameter (user secrets or environment), anvil's first dev key by default locally.
var anchorerKey = builder.AddParameter("anchorer-key", secret: true);

builder.AddProject<Projects.Contributions>("contributions")
    .WithHttpEndpoint(port: 5101, name: "api")
    .WithReference(history, "history").WaitFor(history)
    .WithReference(broker, "rabbitmq").WaitFor(broker);

builder.AddProject<Projects.QualityScoring>("quality-scoring")
    .WithHttpEndpoint(port: 5102, name: "api")
    .WithReference(history, "history").WaitFor(history)
    .WithReference(broker, "rabbitmq").WaitFor(broker);

builder.AddProject<Projects.RewardLedger>("reward-ledger")
    .WithHttpEndpoint(port: 5103, name: "api")
    .WithReference(history, "history").WaitFor(history)
    .WithReference(broker, "rabbitmq").WaitFor(broker);

builder.AddProject<Projects.ChainBridge>("chain-bridge")
    .WithHttpEndpoint(port: 5104, name: "api")
    .WithReference(history, "history").WaitFor(history)
    .WithReference(broker, "rabbitmq").WaitFor(broker)
    .WithReference(chain, "chain").WaitFor(chain)
    .WithEnvironment("Chain__AnchorerKey", anchorerKey);

builder.Build().Run();
