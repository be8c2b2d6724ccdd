using Yarp.ReverseProxy.Configuration;

namespace CommunityAI.Portal.Proxy;

/// <summary>
/// Which service owns which public path, and where each service is. Addresses come from configuration in Aspire's
/// service-discovery shape (<c>services:contributions:api:0</c>, which the AppHost's WithReference sets and Kubernetes
/// can set as environment variables), with the local ports as defaults in appsettings.json.
/// </summary>
public static class ServiceRoutes
{
    /// <summary>Paths are forwarded unchanged: the portal's API is exactly the services' APIs, on one origin.</summary>
    public static IReadOnlyDictionary<string, string[]> PathsByService { get; } = new Dictionary<string, string[]>
    {
        ["contributions"] = ["/api/contributions", "/api/contributors", "/api/datasets", "/api/uploads"],
        ["quality-scoring"] = ["/api/validators", "/api/reviews", "/api/scoring", "/api/appeals"],
        ["reward-ledger"] = ["/api/accounts", "/api/epochs", "/api/claims", "/api/policies"],
        ["chain-bridge"] = ["/api/chain", "/api/log", "/api/relay", "/checkpoint", "/tile"],
        ["governance"] = ["/api/proposals", "/api/votes", "/api/voters", "/api/delegations", "/api/vetoes"],
        ["community-model"] = ["/api/model"],
    };

    public static (IReadOnlyList<RouteConfig> Routes, IReadOnlyList<ClusterConfig> Clusters) Build(IConfiguration configuration)
    {
        var routes = new List<RouteConfig>();
        var clusters = new List<ClusterConfig>();
        foreach (var (service, paths) in PathsByService)
        {
            var address = AddressOf(configuration, service);
            clusters.Add(new ClusterConfig
            {
                ClusterId = service,
                Destinations = new Dictionary<string, DestinationConfig> { [service] = new() { Address = address } },
            });
            routes.AddRange(paths.Select((path, i) => new RouteConfig
            {
                RouteId = $"{service}-{i}",
                ClusterId = service,
                Match = new RouteMatch { Path = path + "/{**rest}" },
            }));
        }
        return (routes, clusters);
    }

    private static string AddressOf(IConfiguration configuration, string service)
    {
        var section = configuration.GetSection($"services:{service}");
        // Aspire names endpoints; ours are "api". Plain "http" is what a bare WithReference of a project gives.
        var address = section["api:0"] ?? section["http:0"];
        return string.IsNullOrWhiteSpace(address)
            ? throw new InvalidOperationException($"No address for the {service} service: set services:{service}:api:0")
            : address;
    }
}
