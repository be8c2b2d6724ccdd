namespace CommunityAI.AppHost.Infrastructure;

/// <summary>The three servers every run needs, whichever way they were started.</summary>
public sealed record CommunityInfrastructure(
    IResourceBuilder<IResourceWithConnectionString> History,
    IResourceBuilder<IResourceWithConnectionString> Broker,
    IResourceBuilder<IResourceWithConnectionString> Chain);
