using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;

namespace CommunityAI.ServiceDefaults.Messaging;

/// <summary>A partner's broker login and the public events its queue receives.</summary>
/// <param name="Name">Lower-case words (<c>acme</c>): user <c>partner-acme</c>, queue <c>partner-acme-events</c>.</param>
/// <param name="Password">Sets the user's password; null: the user must exist already.</param>
/// <param name="Events">Public event types bound to its queue; empty: every public event.</param>
public sealed record PartnerGrant(string Name, string? Password, IReadOnlyList<string> Events);

/// <summary>
/// Prepares the broker as its administrator, through the RabbitMQ management HTTP API, before any service starts: one user
/// per service with the permissions of <see cref="BrokerUsers"/> in the virtual host, the autoscaler's monitor user, and
/// each partner's user and queue, bound to the public events it subscribed to. Safe to run again, and beside another
/// run: every call is a PUT or an idempotent binding, and a creation lost to the other run is sent again. The users get
/// no management tag, so none of them can use the HTTP API.
/// </summary>
public static class BrokerSetup
{
    /// <param name="management">The management API's base address with the administrator's login in its user info.</param>
    /// <param name="passwords">User → password: creates or updates those users; users absent from it must exist already.</param>
    public static async Task ApplyAsync(Uri management, string virtualHost, IReadOnlyDictionary<string, string> passwords,
        IReadOnlyList<PartnerGrant> partners, CancellationToken ct = default)
    {
        using var http = Client(management);
        var vhost = Uri.EscapeDataString(virtualHost);
        await SendAsync(http, HttpMethod.Put, $"api/vhosts/{vhost}", null, ct);

        foreach (var user in BrokerUsers.All)
            await GrantAsync(http, vhost, user.User, passwords.GetValueOrDefault(user.User), user.Permissions, ct);
        await GrantAsync(http, vhost, BrokerUsers.Monitor, passwords.GetValueOrDefault(BrokerUsers.Monitor), BrokerPermissions.None, ct);

        foreach (var partner in partners)
        {
            var user = BrokerUsers.PartnerUser(partner.Name);
            await GrantAsync(http, vhost, user, partner.Password, BrokerUsers.PartnerPermissions(partner.Name), ct);
            var queue = Uri.EscapeDataString(BrokerUsers.PartnerQueue(partner.Name));
            await SendAsync(http, HttpMethod.Put, $"api/queues/{vhost}/{queue}", new { durable = true, auto_delete = false, arguments = new { } }, ct);
            foreach (var exchange in SubscribedExchanges(partner))
            {
                // Declared as MassTransit declares a message type's exchange, so a binding can exist before the first publish.
                var name = Uri.EscapeDataString(exchange);
                await SendAsync(http, HttpMethod.Put, $"api/exchanges/{vhost}/{name}",
                    new { type = "fanout", durable = true, auto_delete = false, @internal = false, arguments = new { } }, ct);
                await SendAsync(http, HttpMethod.Post, $"api/bindings/{vhost}/e/{name}/q/{queue}", new { routing_key = "", arguments = new { } }, ct);
            }
        }
    }

    /// <summary>The exchanges of a partner's events; only public events, so no partner is ever bound to private content.</summary>
    public static IReadOnlyList<string> SubscribedExchanges(PartnerGrant partner)
    {
        var events = BrokerUsers.PublicEvents.ToDictionary(t => t.Name, BrokerUsers.ExchangeOf, StringComparer.Ordinal);
        if (partner.Events.Count == 0)
            return [.. events.Values];
        return partner.Events.Select(e => events.TryGetValue(e, out var exchange)
            ? exchange
            : throw new ArgumentException($"partner '{partner.Name}': '{e}' is not a public event ({string.Join(", ", events.Keys)})")).ToList();
    }

    private static async Task GrantAsync(HttpClient http, string vhost, string user, string? password, BrokerPermissions permissions, CancellationToken ct)
    {
        var name = Uri.EscapeDataString(user);
        if (password is not null)
            await SendAsync(http, HttpMethod.Put, $"api/users/{name}", new { password, tags = "" }, ct);
        await SendAsync(http, HttpMethod.Put, $"api/permissions/{vhost}/{name}",
            new { configure = permissions.Configure, write = permissions.Write, read = permissions.Read }, ct);
    }

    private static async Task SendAsync(HttpClient http, HttpMethod method, string path, object? body, CancellationToken ct)
    {
        // The management plugin answers a few seconds after the broker's AMQP port: wait for it rather than fail a start.
        for (var attempt = 1; ; attempt++)
        {
            using var request = new HttpRequestMessage(method, path) { Content = body is null ? null : JsonContent.Create(body) };
            try
            {
                using var response = await http.SendAsync(request, ct);
                if (response.IsSuccessStatusCode)
                    return;
                var text = await response.Content.ReadAsStringAsync(ct);
                if (!(Unready(response.StatusCode) || LostRace(response.StatusCode, text)) || attempt >= 60)
                    throw new InvalidOperationException($"broker set-up: {method} {path} answered {(int)response.StatusCode}: {text}");
            }
            catch (HttpRequestException) when (attempt < 60)
            {
            }
            await Task.Delay(TimeSpan.FromSeconds(1), ct);
        }
    }

    private static bool Unready(HttpStatusCode status) => status is HttpStatusCode.ServiceUnavailable or HttpStatusCode.BadGateway;

    /// <summary>
    /// A user PUT that found the user absent and lost its creation to a set-up running beside it (two replicas of the
    /// set-up job, test classes sharing a broker): RabbitMQ answers 400 "user_already_exists". Sent again, the PUT finds
    /// the user and updates it.
    /// </summary>
    private static bool LostRace(HttpStatusCode status, string text) =>
        status == HttpStatusCode.BadRequest && text.Contains("\"user_already_exists\"", StringComparison.Ordinal);

    private static HttpClient Client(Uri management)
    {
        var credentials = Convert.ToBase64String(Encoding.UTF8.GetBytes(Uri.UnescapeDataString(management.UserInfo)));
        var http = new HttpClient { BaseAddress = new UriBuilder(management) { UserName = "", Password = "", Path = management.AbsolutePath.TrimEnd('/') + "/" }.Uri };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", credentials);
        return http;
    }

    /// <summary>An amqp:// address with a user's login instead of the one in it (the virtual host and server stay).</summary>
    public static string LoginFor(string amqpUri, string user, string password) =>
        new UriBuilder(amqpUri) { UserName = Uri.EscapeDataString(user), Password = Uri.EscapeDataString(password) }.Uri.ToString();
}
