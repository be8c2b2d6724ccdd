using CommunityAI.RewardLedger;
using CommunityAI.RewardLedger.Apis;
using CommunityAI.ServiceDefaults.Http;

var builder = WebApplication.CreateBuilder(args);

// Telemetry, health, service discovery and resilience shared by every service.
builder.AddServiceDefaults();

// History store and read models, reward policy, credits, epoch closing, bus consumers and the outbox.
builder.AddApplicationServices();

var app = builder.Build();

app.UseExceptionHandler();
app.UseStatusCodePages();
app.MapDefaultEndpoints();
// No endpoint reads a body: the ledger only answers questions.
app.UsePostBodyLimit("/api", _ => 1024);
// Accounts, epochs and claim proofs; the reward policies on record (only a passed vote adds one).
app.MapLedgerApi();
app.MapPoliciesApi();

app.Run();
