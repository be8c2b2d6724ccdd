using CommunityAI.Contributions;
using CommunityAI.Contributions.Apis;

var builder = WebApplication.CreateBuilder(args);

// Telemetry, health, service discovery and resilience shared by every service.
builder.AddServiceDefaults();

// History store, bus, outbox, options and validation for contribution intake.
builder.AddApplicationServices();

var app = builder.Build();

app.UseExceptionHandler();
app.UseStatusCodePages();
app.MapDefaultEndpoints();

// Signed contributions in, status out.
app.MapContributionsApi();

app.Run();
