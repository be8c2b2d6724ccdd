using CommunityAI.Governance;

var builder = WebApplication.CreateBuilder(args);

// Telemetry, health, service discovery and resilience shared by every service.
builder.AddServiceDefaults();

// History store and read models, governance parameters, the lifecycle loop and the outbox.
builder.AddApplicationServices();

var app = builder.Build();

app.UseExceptionHandler();
app.UseStatusCodePages();
app.MapDefaultEndpoints();

app.Run();
