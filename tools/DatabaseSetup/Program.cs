using CommunityAI.ServiceDefaults.Database;
using CommunityAI.ServiceDefaults.Messaging;
using Microsoft.Extensions.Configuration;
using Npgsql;

// Runs as the database's owner (the migration role), never as a service: creates or updates the service roles, the
// history's tables, the guard on stream prefixes and the services' own schemas, then exits. Safe to run again.
//   ConnectionStrings__owner                       the owner's connection string (required)
//   ConnectionStrings__history-<service>           a service's own connection string: its role's password is set
//                                                  from it (the same Secret the service reads, so the two agree)
//   DatabaseRoles__Passwords__<role>               a role's password (sets it; without one the role must exist)
//   DatabaseRoles__Password                        one password for every role (local development only)
// Then, when the broker's administrator is given, the broker's users the same way (BrokerSetup):
//   ConnectionStrings__broker-admin                the management API with the administrator's login (http://user:pass@host:15672/)
//   ConnectionStrings__rabbitmq-<service>          a service's own amqp:// login: its user's password and the virtual host
//   ConnectionStrings__rabbitmq-monitor            the autoscaler's login (may read queue depths, nothing else)
//   BrokerUsers__Password                          one password for every service user (local development only)
//   BrokerUsers__VirtualHost                       the virtual host when no service login names one ("/" by default)
//   BrokerUsers__Partners__<name>__Password        a partner's user partner-<name> and its queue partner-<name>-events
//   BrokerUsers__Partners__<name>__Events__<i>     the public events bound to that queue (all of them by default)
var configuration = new ConfigurationBuilder().AddEnvironmentVariables().AddCommandLine(args).Build();
var owner = configuration.GetConnectionString("owner");
var brokerAdmin = configuration.GetConnectionString("broker-admin");
if (string.IsNullOrWhiteSpace(owner) && string.IsNullOrWhiteSpace(brokerAdmin))
{
    Console.Error.WriteLine("Neither ConnectionStrings:owner nor ConnectionStrings:broker-admin is set: give the database owner's connection string, the broker administrator's, or both.");
    return 2;
}
if (!string.IsNullOrWhiteSpace(owner) && await SetUpDatabaseAsync(configuration, owner) is var databaseExit and not 0)
    return databaseExit;
if (!string.IsNullOrWhiteSpace(brokerAdmin))
    return await SetUpBrokerAsync(configuration, new Uri(brokerAdmin));
return 0;

static async Task<int> SetUpDatabaseAsync(IConfiguration configuration, string owner)
{
    // The owner's password crosses the network like the services' own: the same rule for the connection (DatabaseTransport).
    if (DatabaseTransport.Problem(owner, configuration["DOTNET_ENVIRONMENT"] ?? "Production",
            configuration.GetValue<bool>(DatabaseTransport.AllowSetting), "ConnectionStrings:owner") is { } unverified)
    {
        Console.Error.WriteLine(unverified);
        return 2;
    }

    var shared = configuration["DatabaseRoles:Password"];
    var passwords = new Dictionary<string, string>();
    foreach (var service in ServiceRoles.All)
    {
        if (configuration.GetConnectionString($"history-{service.Service}") is not { Length: > 0 } login)
            continue;
        var builder = new NpgsqlConnectionStringBuilder(login);
        if (builder.Username != service.Role)
        {
            Console.Error.WriteLine($"ConnectionStrings:history-{service.Service} logs in as '{builder.Username}', not as the service's role {service.Role}.");
            return 2;
        }
        if (builder.Password is { Length: > 0 } password)
            passwords[service.Role] = password;
    }
    foreach (var role in ServiceRoles.All.Select(r => r.Role).Append(ServiceRoles.Audit))
    {
        if (passwords.ContainsKey(role))
            continue;
        if (configuration[$"DatabaseRoles:Passwords:{role}"] is { Length: > 0 } own)
            passwords[role] = own;
        else if (shared is { Length: > 0 })
            passwords[role] = shared;
    }

    await DatabaseSetup.ApplyAsync(owner, passwords);
    Console.WriteLine($"database set up: {ServiceRoles.All.Count} service roles and {ServiceRoles.Audit}, stream guard on the history ({passwords.Count} passwords set)");
    return 0;
}

static async Task<int> SetUpBrokerAsync(IConfiguration configuration, Uri management)
{
    var shared = configuration["BrokerUsers:Password"];
    var passwords = new Dictionary<string, string>();
    var virtualHosts = new HashSet<string>(StringComparer.Ordinal);
    foreach (var (name, user) in BrokerUsers.All.Select(u => (u.Service, u.User)).Append(("monitor", BrokerUsers.Monitor)))
    {
        if (configuration.GetConnectionString($"rabbitmq-{name}") is { Length: > 0 } login)
        {
            var uri = new Uri(login);
            var parts = uri.UserInfo.Split(':', 2);
            if (Uri.UnescapeDataString(parts[0]) != user)
            {
                Console.Error.WriteLine($"ConnectionStrings:rabbitmq-{name} logs in as '{Uri.UnescapeDataString(parts[0])}', not as its broker user {user}.");
                return 2;
            }
            if (parts.Length == 2 && parts[1].Length > 0)
                passwords[user] = Uri.UnescapeDataString(parts[1]);
            virtualHosts.Add(uri.AbsolutePath.Length > 1 ? Uri.UnescapeDataString(uri.AbsolutePath[1..]) : "/");
        }
        else if (shared is { Length: > 0 })
            passwords[user] = shared;
    }
    if (virtualHosts.Count > 1)
    {
        Console.Error.WriteLine($"The services' broker logins name different virtual hosts ({string.Join(", ", virtualHosts)}): they must share one.");
        return 2;
    }
    var virtualHost = virtualHosts.SingleOrDefault() ?? configuration["BrokerUsers:VirtualHost"] ?? "/";
    var partners = configuration.GetSection("BrokerUsers:Partners").GetChildren()
        .Select(p => new PartnerGrant(p.Key, p["Password"] is { Length: > 0 } own ? own : null,
            [.. p.GetSection("Events").GetChildren().Select(e => e.Value!).Where(e => e.Length > 0)]))
        .ToList();
    await BrokerSetup.ApplyAsync(management, virtualHost, passwords, partners);
    Console.WriteLine($"broker set up: {BrokerUsers.All.Count} service users, {BrokerUsers.Monitor}, {partners.Count} partners in virtual host '{virtualHost}' ({passwords.Count} passwords set)");
    return 0;
}
