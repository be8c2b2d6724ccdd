using CommunityAI.ServiceDefaults.Database;
using k8s.Models;
using Npgsql;

namespace CommunityAI.Deploy.Tests;

/// <summary>Each service logs in as its own PostgreSQL role; only the schema Job's set-up step holds the owner's login.</summary>
public sealed class DatabaseRoleTests
{
    [Theory, MemberData(nameof(Overlays.All), MemberType = typeof(Overlays))]
    public void Each_service_reads_its_own_history_login_and_no_service_reads_the_owners(string name)
    {
        var overlay = RenderedOverlay.Load(name);
        var keys = new List<string>();
        foreach (var service in ServiceSettings.HistoryOwners)
        {
            var env = overlay.Deployment(service).Spec.Template.Spec.Containers.Single().Env;
            var reference = env.Single(e => e.Name == "ConnectionStrings__history").ValueFrom.SecretKeyRef;
            Assert.Equal(("communityai-connections", $"history-{service}"), (reference.Name, reference.Key));
            keys.Add(reference.Key);
        }
        Assert.Equal(keys.Count, keys.Distinct().Count());
        // Every role the database set-up knows has its login in the deployment, and the schema Job sets each one up.
        Assert.Equal(ServiceRoles.All.Select(r => r.Service).Order(), ServiceSettings.HistoryOwners.Order());
        var setup = Assert.Single(overlay.All<V1Job>()).Spec.Template.Spec.InitContainers[0].Env.Select(e => e.Name).ToHashSet();
        Assert.All(ServiceSettings.HistoryOwners, service => Assert.Contains($"ConnectionStrings__history-{service}", setup));

        foreach (var (owner, pod) in overlay.PodSpecs)
            foreach (var container in pod.Containers.Concat(pod.InitContainers ?? []))
                foreach (var env in container.Env ?? [])
                    if (env.ValueFrom?.SecretKeyRef is { Name: "communityai-database-owner" })
                        Assert.Equal(("Job/communityai-schema", "database-setup"), (owner, container.Name));
    }

    [Fact]
    public void The_dev_logins_are_the_roles_the_set_up_creates()
    {
        var overlay = RenderedOverlay.Load("dev");
        var secret = overlay.All<V1Secret>().Single(s => s.Metadata.Name == "communityai-connections");
        foreach (var service in ServiceSettings.HistoryOwners)
        {
            var login = new NpgsqlConnectionStringBuilder(System.Text.Encoding.UTF8.GetString(secret.Data[$"history-{service}"]));
            Assert.Equal(ServiceRoles.Of(service).Role, login.Username);
        }
    }
}
