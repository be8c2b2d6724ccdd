using CommunityAI.Portal;

var builder = WebApplication.CreateBuilder(args);

// Telemetry, health, service discovery and resilience shared by every service.
builder.AddServiceDefaults();

// The portal's settings (the chain the browser talks to) and the same-origin proxy to the services' APIs.
builder.AddPortalServices();

var app = builder.Build();

app.UseExceptionHandler();
app.UseStatusCodePages();
app.MapDefaultEndpoints();

// The front end: plain ES modules and the vendored ethers, from wwwroot; no CDN, no framework. The page may run only
// our own scripts and talk only to us and the chain's JSON-RPC (Content-Security-Policy).
app.UseContentSecurityPolicy();
app.UseDefaultFiles();
app.UseStaticFiles();

// What the page needs before it can talk to the chain itself: chain id and a JSON-RPC address the browser reaches.
app.MapPortalConfig();

// /api/… goes to the service that owns it, so the browser stays on one origin.
app.MapReverseProxy();

app.Run();
