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
// Policies are a few hundred bytes; nothing larger is read.
app.UsePostBodyLimit("/api", _ => 16 * 1024);

// Accounts, epochs and claim proofs; the policy in force and publishing a new one.
app.MapLedgerApi();
app.MapPoliciesApi();

app.Run();
