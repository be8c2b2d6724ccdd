using CommunityAI.RewardLedger;

var builder = WebApplication.CreateBuilder(args);

// Telemetry, health, service discovery and resilience shared by every service.
builder.AddServiceDefaults();

// History store, reward policy, bus consumers and the outbox that publishes credits.
builder.AddApplicationServices();

var app = builder.Build();

app.UseExceptionHandler();
app.MapDefaultEndpoints();

app.Run();
