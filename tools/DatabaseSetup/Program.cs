using CommunityAI.ServiceDefaults.Database;
using Microsoft.Extensions.Configuration;
using Npgsql;

// Runs as the database's owner (the migration role), never as a service: creates or updates the service roles, the
// history's tables, the guard on stream prefixes and the services' own schemas, then exits. Safe to run again.
//   ConnectionStrings__owner                       the owner's connection string (required)
//   ConnectionStrings__history-<service>           a service's own connection string: its role's password is set
//                                                  from it (the same Secret the service reads, so the two agree)
//   DatabaseRoles__Passwords__<role>               a role's password (sets it; without one the role must exist)
//   DatabaseRoles__Password                        one password for every role (local development only)
var configuration = new ConfigurationBuilder().AddEnvironmentVariables().AddCommandLine(args).Build();
var owner = configuration.GetConnectionString("owner");
if (string.IsNullOrWhiteSpace(owner))
{
    Console.Error.WriteLine("ConnectionStrings:owner is not set: give the database owner's connection string.");
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
