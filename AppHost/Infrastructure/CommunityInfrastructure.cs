namespace CommunityAI.AppHost.Infrastructure;

/// <summary>The three servers every run needs, whichever way they were started.</summary>
public sealed record CommunityInfrastructure(
    IResourceBuilder<IResourceWithConnectionString> History,
    IResourceBuilder<IResourceWithConnectionString> Broker,
    IResourceBuilder<IResourceWithConnectionString> Chain);

public static class CommunityInfrastructureExtensions
{
    /// <summary>The history database and the broker, under the connection names the services read, started first.</summary>
    public static IResourceBuilder<ProjectResource> WithHistoryAndBus(this IResourceBuilder<ProjectResource> service, CommunityInfrastructure infrastructure) =>
        service
            .WithReference(infrastructure.History, "history").WaitFor(infrastructure.History)
            .WithReference(infrastructure.Broker, "rabbitmq").WaitFor(infrastructure.Broker);
}
