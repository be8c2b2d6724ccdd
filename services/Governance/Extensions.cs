using CommunityAI.ServiceDefaults.History;

namespace CommunityAI.Governance;

public static class Extensions
{
    public const string StreamPrefix = "governance/";

    /// <summary>The service's read-model schema.</summary>
    public const string Schema = "governance";

    public static void AddApplicationServices(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSingleton(TimeProvider.System);
        builder.AddHistoryStore(Schema);
    }
}
