namespace CommunityAI.Deploy.Tests;

/// <summary>
/// Each replica allows PerClientAddress / RateLimits:Replicas (ServiceDefaults' ClientAddressLimit); a service told it
/// has fewer replicas than it can run would let a client through more than the limit, one share per extra replica.
/// </summary>
public sealed class ReplicaLimitTests
{
    [Theory, MemberData(nameof(Overlays.All), MemberType = typeof(Overlays))]
    public void Every_service_divides_the_client_address_limit_by_the_most_replicas_it_can_run(string name)
    {
        var overlay = RenderedOverlay.Load(name);
        foreach (var service in ServiceSettings.Required.Keys)
        {
            var deployment = overlay.Deployment(service);
            var scaled = overlay.All<ScaledObject>().SingleOrDefault(s => s.Spec.ScaleTargetRef["name"] == service);
            var most = scaled?.Spec.MaxReplicaCount ?? deployment.Spec.Replicas ?? 1;
            var container = deployment.Spec.Template.Spec.Containers.Single();
            var replicas = int.Parse(ContainerSettings.ConfigMapValue(overlay, container, "RateLimits__Replicas") ?? "1");
            Assert.True(replicas >= most, $"{name}/{service} runs up to {most} replicas but divides its client-address limit by {replicas}");
        }
    }
}
