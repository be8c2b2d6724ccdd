using CommunityAI.CommunityModel;
using CommunityAI.CommunityModel.Apis;
using CommunityAI.ModelEvaluator;
using CommunityAI.ServiceDefaults.Http;

// Contributed models run in child processes as the same user: they must not read this one's environment or memory.
Confinement.ShieldStarter();

var builder = WebApplication.CreateBuilder(args);

// Telemetry, health, service discovery and resilience shared by every service.
builder.AddServiceDefaults();

// History store, the builder's client of the contributions service, training rounds and the served model.
builder.AddApplicationServices();

var app = builder.Build();

app.UseExceptionHandler();
app.UseStatusCodePages();
app.MapDefaultEndpoints();

// A prediction request is a short text: anything far larger is refused before it is read.
app.UsePostBodyLimit("/api/model", _ => 16 * 1024);

// The served model, training rounds on demand, and predictions with ids that feedback can name.
app.MapModelApi();
app.MapPredictionsApi();

app.Run();
