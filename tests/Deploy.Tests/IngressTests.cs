using CommunityAI.Portal.Proxy;
using k8s.Models;

namespace CommunityAI.Deploy.Tests;

/// <summary>
/// The one public door: every overlay routes people and validators to the portal over TLS, every public API the portal
/// proxies (quality-scoring's validator API among them) is reachable through it, and nothing internal is.
/// </summary>
public sealed class IngressTests
{
    private static readonly string[] Internal = ["/health", "/alive"];

    [Theory, MemberData(nameof(Overlays.All), MemberType = typeof(Overlays))]
    public void Only_the_portal_is_exposed_over_TLS_with_every_public_api_and_no_internal_endpoint(string name)
    {
        var overlay = RenderedOverlay.Load(name);
        var ingress = Assert.Single(overlay.All<V1Ingress>());
        var paths = ingress.Spec.Rules.SelectMany(r => r.Http.Paths).ToList();

        // Every host is served with a certificate.
        Assert.All(ingress.Spec.Rules, rule => Assert.Contains(ingress.Spec.Tls, tls => tls.Hosts.Contains(rule.Host) && !string.IsNullOrEmpty(tls.SecretName)));
        // Every path goes to the portal's HTTP port, and the portal's Service has that port.
        Assert.All(paths, p => Assert.Equal(("portal", "http"), (p.Backend.Service.Name, p.Backend.Service.Port.Name)));
        var portal = Assert.Single(overlay.All<V1Service>(), s => s.Metadata.Name == "portal");
        Assert.Contains(portal.Spec.Ports, p => p.Name == "http" && p.Port == 8080);

        // Never "/" as a prefix, which would route the pods' dependency state; no internal path at all.
        Assert.DoesNotContain(paths, p => p.PathType == "Prefix" && p.Path == "/");
        foreach (var path in Internal)
            Assert.False(Routed(paths, path), $"{path} is routed");
        // Every public API the portal proxies is routed, quality-scoring's (validators' registration, reviews, appeals) too.
        foreach (var (service, prefixes) in ServiceRoutes.PathsByService)
            foreach (var prefix in prefixes)
                Assert.True(Routed(paths, prefix + "/x"), $"{service}'s {prefix} is not reachable through the ingress");
        Assert.True(Routed(paths, "/"), "the portal's page is not reachable");

        // The portal may reach quality-scoring, and the ingress controller may reach the portal, on 8080.
        var policies = overlay.All<V1NetworkPolicy>().ToList();
        Assert.Contains(policies, p => Selects(p, "portal") && p.Spec.Ingress?.Any(i => i.Ports?.Any(port => port.Port.Value == "8080") == true && i.FromProperty is null) == true);
        Assert.Contains(policies, p => Selects(p, "portal") && p.Spec.Egress?.Any(e => e.Ports?.Any(port => port.Port.Value == "8080") == true
            && e.To?.Any(to => to.PodSelector?.MatchExpressions?.Any(x => x.Values.Contains("quality-scoring")) == true) == true) == true);
    }

    /// <summary>Whether a request path reaches a backend: an Exact path equal to it, or a Prefix path whose segments begin it.</summary>
    private static bool Routed(IEnumerable<V1HTTPIngressPath> paths, string request) => paths.Any(p => p.PathType switch
    {
        "Exact" => p.Path == request,
        "Prefix" => p.Path == "/" || request == p.Path || request.StartsWith(p.Path.TrimEnd('/') + "/", StringComparison.Ordinal),
        _ => true, // ImplementationSpecific: assume the worst
    });

    private static bool Selects(V1NetworkPolicy policy, string app) =>
        policy.Spec.PodSelector.MatchLabels?.TryGetValue("app.kubernetes.io/name", out var named) == true ? named == app
        : policy.Spec.PodSelector.MatchExpressions?.Any(e => e.Key == "app.kubernetes.io/name" && e.OperatorProperty == "In" && e.Values.Contains(app)) == true;
}
