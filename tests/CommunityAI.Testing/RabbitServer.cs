using System.Net.Http.Headers;
using System.Text;
using Testcontainers.RabbitMq;

namespace CommunityAI.Testing;

/// <summary>
/// One RabbitMQ broker per test run (a Testcontainers container, or the local server eng/test.sh started),
/// and a fresh virtual host per test class: queues, exchanges and bindings of one class never meet another's.
/// </summary>
public static class RabbitServer
{
    private static readonly SemaphoreSlim Gate = new(1, 1);
    private static (Uri Amqp, Uri Management)? _server;

    public static async Task<(Uri Amqp, Uri Management)> ServerAsync()
    {
        await Gate.WaitAsync();
        try
        {
            if (_server is { } known)
                return known;
            if (!ContainerRuntime.IsAvailable)
            {
                var amqp = Environment.GetEnvironmentVariable("COMMUNITYAI_TEST_RABBITMQ") ?? "amqp://guest:guest@127.0.0.1:5672/";
                var management = Environment.GetEnvironmentVariable("COMMUNITYAI_TEST_RABBITMQ_MANAGEMENT") ?? "http://guest:guest@127.0.0.1:15672/";
                return (_server = (new Uri(amqp), new Uri(management))).Value;
            }
            var container = new RabbitMqBuilder("rabbitmq:3.13-management").WithPortBinding(15672, true).Build();
            await container.StartAsync();
            var managementUri = new UriBuilder("http", container.Hostname, container.GetMappedPublicPort(15672)) { UserName = "rabbitmq", Password = "rabbitmq" }.Uri;
            return (_server = (new Uri(container.GetConnectionString()), managementUri)).Value;
        }
        finally
        {
            Gate.Release();
        }
    }

    /// <summary>Creates a virtual host for the caller and returns an amqp:// URI into it.</summary>
    public static async Task<string> CreateVirtualHostAsync(string purpose)
    {
        var (amqp, management) = await ServerAsync();
        var vhost = $"t-{purpose.ToLowerInvariant()}-{Guid.NewGuid():N}";
        using var http = ManagementClient(management);
        var user = amqp.UserInfo.Split(':')[0];
        (await http.PutAsync($"api/vhosts/{vhost}", null)).EnsureSuccessStatusCode();
        (await http.PutAsync($"api/permissions/{vhost}/{user}",
            new StringContent("""{"configure":".*","write":".*","read":".*"}""", Encoding.UTF8, "application/json"))).EnsureSuccessStatusCode();
        return new UriBuilder(amqp) { Path = "/" + vhost }.Uri.ToString();
    }

    public static async Task DeleteVirtualHostAsync(string amqpUri)
    {
        var (_, management) = await ServerAsync();
        using var http = ManagementClient(management);
        await http.DeleteAsync($"api/vhosts/{new Uri(amqpUri).AbsolutePath.TrimStart('/')}");
    }

    /// <summary>Deletes a broker user a test created (users belong to the broker, not to a virtual host).</summary>
    public static async Task DeleteUserAsync(string user)
    {
        var (_, management) = await ServerAsync();
        using var http = ManagementClient(management);
        await http.DeleteAsync($"api/users/{Uri.EscapeDataString(user)}");
    }

    private static HttpClient ManagementClient(Uri management)
    {
        var credentials = Convert.ToBase64String(Encoding.UTF8.GetBytes(Uri.UnescapeDataString(management.UserInfo)));
        var http = new HttpClient { BaseAddress = new UriBuilder(management) { UserName = "", Password = "" }.Uri };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", credentials);
        return http;
    }
}
