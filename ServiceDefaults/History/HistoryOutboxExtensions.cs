using CommunityAI.ServiceDefaults.Background;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace CommunityAI.ServiceDefaults.History;

public static class HistoryOutboxExtensions
{
    /// <summary>Publishes the service's own history events (streams under <paramref name="streamPrefix"/>).</summary>
    public static IHostApplicationBuilder AddHistoryOutbox(
        this IHostApplicationBuilder builder, string name, string streamPrefix, Action<OutboxRoutes> routes)
    {
        var outbox = new OutboxRoutes { Name = name, StreamPrefix = streamPrefix };
        routes(outbox);
        builder.Services.AddSingleton(outbox);
        builder.Services.AddLeaderLoop<HistoryOutbox>();
        return builder;
    }
}
