using CommunityAI.DemoValidators;
using CommunityAI.ServiceDefaults;

// Five validators reviewing every case on a local system, so a newcomer sees commit-reveal and consensus happen.
// Locally only: they sign with anvil's public development keys, which the AppHost admits as the genesis validators.
var builder = Host.CreateApplicationBuilder(args);

// Telemetry and service discovery shared by every service: the crew's requests show in the dashboard's traces.
builder.AddServiceDefaults();
builder.AddDemoCrew();

builder.Build().Run();
