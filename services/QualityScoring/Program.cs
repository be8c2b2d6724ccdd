using CommunityAI.QualityScoring;
using CommunityAI.QualityScoring.Apis;
using CommunityAI.ServiceDefaults.Http;

var builder = WebApplication.CreateBuilder(args);

// Telemetry, health, service discovery and resilience shared by every service.
builder.AddServiceDefaults();

// History store and read models, scoring policy, intake of contributions, reviews, the window closer, bus and outbox.
builder.AddApplicationServices();

var app = builder.Build();

app.UseExceptionHandler();
app.UseStatusCodePages();
app.MapDefaultEndpoints();

// Signed reviews and registrations are a few hundred bytes: anything far larger is refused before it is read.
app.UsePostBodyLimit("/api", _ => 16 * 1024);

// Signed reviews and a contribution's scoring state; validator registration, reputation and assignments; appeals.
app.MapReviewsApi();
app.MapValidatorsApi();
app.MapAppealsApi();

app.Run();
