using CommunityAI.ServiceDefaults.Messaging;
using k8s.Models;

namespace CommunityAI.Deploy.Tests;

/// <summary>Each service logs in to the broker as its own user; only the schema Job's set-up step holds the administrator's login.</summary>
public sealed class BrokerUserTests
{
    [Theory, MemberData(nameof(Overlays.All), MemberType = typeof(Overlays))]
    public void Each_bus_service_reads_its_own_broker_login_and_only_the_set_up_reads_the_administrators(string name)
    {
        var overlay = RenderedOverlay.Load(name);
        foreach (var user in BrokerUsers.All)
        {
            var env = overlay.Deployment(user.Service).Spec.Template.Spec.Containers.Single().Env;
            var reference = env.Single(e => e.Name == "ConnectionStrings__rabbitmq").ValueFrom.SecretKeyRef;
            Assert.Equal(("communityai-connections", $"rabbitmq-{user.Service}"), (reference.Name, reference.Key));
        }
        var setup = Assert.Single(overlay.All<V1Job>()).Spec.Template.Spec.InitContainers[0].Env.Select(e => e.Name).ToHashSet();
        Assert.Contains("ConnectionStrings__broker-admin", setup);
        Assert.All(BrokerUsers.All, user => Assert.Contains($"ConnectionStrings__rabbitmq-{user.Service}", setup));
        Assert.Contains("ConnectionStrings__rabbitmq-monitor", setup);

        foreach (var (owner, pod) in overlay.PodSpecs)
            foreach (var container in pod.Containers.Concat(pod.InitContainers ?? []))
                foreach (var env in container.Env ?? [])
                {
                    // The shared login of old is gone: nobody reads one broker login for all.
                    Assert.False(env.ValueFrom?.SecretKeyRef is { Name: "communityai-connections", Key: "rabbitmq" }, $"{owner}/{container.Name} reads the shared broker login");
                    if (env.ValueFrom?.SecretKeyRef is { Name: "communityai-broker-admin" })
                        Assert.Equal(("Job/communityai-schema", "database-setup"), (owner, container.Name));
                }
        // The autoscaler reads queue depths as the monitor user, which may do nothing else.
        Assert.Equal("rabbitmq-monitor", Assert.Single(Assert.Single(overlay.All<TriggerAuthentication>()).Spec.SecretTargetRef)["key"]);
    }

    [Fact]
    public void The_dev_broker_logins_are_the_users_the_set_up_creates()
    {
        var overlay = RenderedOverlay.Load("dev");
        var secret = overlay.All<V1Secret>().Single(s => s.Metadata.Name == "communityai-connections");
        foreach (var user in BrokerUsers.All)
        {
            var login = new Uri(System.Text.Encoding.UTF8.GetString(secret.Data[$"rabbitmq-{user.Service}"]));
            Assert.Equal(user.User, login.UserInfo.Split(':')[0]);
        }
        Assert.Equal(BrokerUsers.Monitor, new Uri(System.Text.Encoding.UTF8.GetString(secret.Data["rabbitmq-monitor"])).UserInfo.Split(':')[0]);
    }
}
