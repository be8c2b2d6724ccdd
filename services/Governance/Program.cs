using CommunityAI.Governance;
using CommunityAI.Governance.Apis;
using CommunityAI.Governance.Domain;
using CommunityAI.ServiceDefaults.Http;

var builder = WebApplication.CreateBuilder(args);

// Telemetry, health, service discovery and resilience shared by every service.
builder.AddServiceDefaults();

// History store and read models, the signed-request check, weights, the desk, the proposal closer, bus and outbox.
builder.AddApplicationServices();

var app = builder.Build();

app.UseExceptionHandler();
app.UseStatusCodePages();
app.MapDefaultEndpoints();

// A proposal carries its body and payload; nothing larger than that is read.
app.UsePostBodyLimit("/api", _ => RequestLimits.PostBody);

// Proposals and their tallies, the governance parameters in force, votes and receipts, the guardian's vetoes, delegations, and each voter's weight with its claim proof.
app.MapProposalsApi();
app.MapParametersApi();
app.MapVotesApi();
app.MapVetoesApi();
app.MapDelegationsApi();
app.MapVotersApi();

app.Run();
