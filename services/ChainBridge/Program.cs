using CommunityAI.ChainBridge;
using CommunityAI.ChainBridge.Apis;
using CommunityAI.ServiceDefaults.Http;

var builder = WebApplication.CreateBuilder(args);

// Telemetry, health, service discovery and resilience shared by every service.
builder.AddServiceDefaults();

// History store, log writer, chain contracts and the anchoring schedule.
builder.AddApplicationServices();

var app = builder.Build();

app.UseExceptionHandler();
app.UseStatusCodePages();
app.UsePostBodyLimit("/api/relay", _ => RelayApi.MaxBodyBytes);
app.MapDefaultEndpoints();

// The verifiable log: head, entries, proofs, anchors; and where our contracts live.
app.MapLogApi();
app.MapChainApi();

// Gasless claims: the relayer sends a contributor's claim and pays its gas.
app.MapRelayApi();

// Signed checkpoints, witness cosignatures and tiles (C2SP tlog-checkpoint, tlog-cosignature, tlog-tiles).
app.MapCheckpointApi();
app.MapTileApi();

app.Run();
