namespace CommunityAI.AppHost.Infrastructure;

/// <summary>The three servers every run needs, whichever way they were started.</summary>
/// <param name="BrokerAddress">The broker's AMQP host:port, for the services' own logins.</param>
/// <param name="BrokerManagement">The management API with the administrator's login, for the broker set-up only.</param>
public sealed record CommunityInfrastructure(
    IResourceBuilder<IResourceWithConnectionString> History,
    IResourceBuilder<IResourceWithConnectionString> Broker,
    IResourceBuilder<IResourceWithConnectionString> Chain,
    ReferenceExpression BrokerAddress,
    ReferenceExpression BrokerManagement);

public static class CommunityInfrastructureExtensions
{
    /// <summary>
    /// The history database under the service's own PostgreSQL role (see ServiceDefaults/Database/ServiceRoles.cs), once
    /// the set-up has run as the owner, and the broker under the service's own user (communityai-{resource name}, as
    /// ServiceDefaults/Messaging/BrokerUsers.cs names them), which may publish only its own events and read only its own
    /// queues, under the connection names the services read.
    /// </summary>
    public static IResourceBuilder<ProjectResource> WithHistoryAndBus(this IResourceBuilder<ProjectResource> service,
        CommunityInfrastructure infrastructure, DatabaseRoles roles, string role) =>
        service
            .WithHistory(infrastructure, roles, role)
            .WithEnvironment("ConnectionStrings__rabbitmq", ReferenceExpression.Create(
                $"amqp://communityai-{service.Resource.Name}:{roles.BrokerPassword}@{infrastructure.BrokerAddress}/"))
            .WaitFor(infrastructure.Broker);

    /// <summary>The history database under the service's own PostgreSQL role, once the set-up has run as the owner.</summary>
    public static IResourceBuilder<ProjectResource> WithHistory(this IResourceBuilder<ProjectResource> service,
        CommunityInfrastructure infrastructure, DatabaseRoles roles, string role) =>
        service
            // The owner's connection string with the role's login after it: the later keys win.
            .WithEnvironment("ConnectionStrings__history", ReferenceExpression.Create(
                $"{infrastructure.History.Resource.ConnectionStringExpression};Username={role};Password={roles.Password}"))
            .WaitFor(infrastructure.History).WaitForCompletion(roles.Setup);

    /// <summary>
    /// Runs tools/DatabaseSetup as the database's owner before any service starts: the service roles (one password for
    /// all of them locally, a development secret), the history's tables, the guard on stream prefixes, the services' schemas;
    /// then, as the broker's administrator, the services' broker users (one development password too).
    /// </summary>
    public static DatabaseRoles AddDatabaseRoles(this IDistributedApplicationBuilder builder, CommunityInfrastructure infrastructure)
    {
        var password = builder.AddParameter("database-role-password", secret: true);
        var brokerPassword = builder.AddParameter("broker-user-password", secret: true);
        var setup = builder.AddProject<Projects.DatabaseSetup>("database-setup")
            .WithReference(infrastructure.History, "owner").WaitFor(infrastructure.History)
            .WithEnvironment("DatabaseRoles__Password", password)
            .WithEnvironment("ConnectionStrings__broker-admin", infrastructure.BrokerManagement).WaitFor(infrastructure.Broker)
            .WithEnvironment("BrokerUsers__Password", brokerPassword);
        return new DatabaseRoles(setup, password, brokerPassword);
    }
}

/// <summary>The owner's set-up step, the services' role password and their broker users' password.</summary>
public sealed record DatabaseRoles(IResourceBuilder<ProjectResource> Setup, IResourceBuilder<ParameterResource> Password,
    IResourceBuilder<ParameterResource> BrokerPassword);
