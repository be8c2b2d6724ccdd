using CommunityAI.Contributions;
using CommunityAI.Contributions.Apis;
using CommunityAI.Contributions.Datasets;
using Scalar.AspNetCore;

var builder = WebApplication.CreateBuilder(args);

// Telemetry, health, service discovery and resilience shared by every service.
builder.AddServiceDefaults();

// History store, bus, outbox, partner intake, rate limits, options and validation for contribution intake.
builder.AddApplicationServices();

var app = builder.Build();

app.UseExceptionHandler();
app.UseStatusCodePages();
app.MapDefaultEndpoints();

// Bound the body before it is read (the per-client limit already ran: ServiceDefaults' client edge).
app.UseSubmissionBodyLimit();

// The OpenAPI document always (partners generate clients from it); the browsable UI only in Development.
app.MapOpenApi();
if (app.Environment.IsDevelopment())
    app.MapScalarApiReference();

// Signed contributions in, status out.
app.MapContributionsApi();

// Content too large to send inline, uploaded in parts; a signed contribution naming the upload completes it.
app.MapUploadsApi();

// The encrypted content store: reads by assigned validators, erasure by the contributor.
app.MapContentApi();

// Datasets for model builders: signed snapshots fixed by a Merkle root, proofs for anyone, exports for the builder.
app.MapDatasetsApi();

app.Run();
