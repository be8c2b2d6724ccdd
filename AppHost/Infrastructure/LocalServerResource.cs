namespace CommunityAI.AppHost.Infrastructure;

/// <summary>A server run as a local process that services reach through a connection string.</summary>
public sealed class LocalServerResource(string name, string command, string workingDirectory, ReferenceExpression connectionString)
    : ExecutableResource(name, command, workingDirectory), IResourceWithConnectionString
{
    public ReferenceExpression ConnectionStringExpression { get; } = connectionString;
}
