using CommunityAI.QualityScoring;

var builder = WebApplication.CreateBuilder(args);

// Telemetry, health, service discovery and resilience shared by every service.
builder.AddServiceDefaults();

// History store, bus consumers and the outbox that publishes scores.
builder.AddApplicationServices();

var app = builder.Build();

app.UseExceptionHandler();
app.MapDefaultEndpoints();

app.Run();
