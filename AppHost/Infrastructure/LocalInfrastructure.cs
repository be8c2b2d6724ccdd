using System.Globalization;
using Microsoft.Extensions.DependencyInjection;

namespace CommunityAI.AppHost.Infrastructure;

/// <summary>
/// PostgreSQL, RabbitMQ and anvil as local executables (Debian packages and the npm anvil), with their
/// state under the git-ignored .local/ folder. Fixed ports, distinct from the system services' defaults.
/// </summary>
public static class LocalInfrastructure
{
    public const int PostgresPort = 55432;
    public const int RabbitPort = 55672;
    public const int RabbitManagementPort = 55673;
    public const int AnvilPort = 8545;

    public static CommunityInfrastructure AddLocalInfrastructure(this IDistributedApplicationBuilder builder)
    {
        var repoRoot = Path.GetFullPath(Path.Combine(builder.AppHostDirectory, ".."));
        var state = Path.Combine(repoRoot, ".local");
        return new CommunityInfrastructure(
            builder.AddLocalPostgres(Path.Combine(state, "postgres")),
            builder.AddLocalRabbit(Path.Combine(state, "rabbitmq")),
            builder.AddLocalAnvil(repoRoot, Path.Combine(state, "anvil")),
            ReferenceExpression.Create($"127.0.0.1:{RabbitPort.ToString(CultureInfo.InvariantCulture)}"),
            // guest may log in from loopback only: the administrator of a broker that listens on loopback only.
            ReferenceExpression.Create($"http://guest:guest@127.0.0.1:{RabbitManagementPort.ToString(CultureInfo.InvariantCulture)}/"));
    }

    private static IResourceBuilder<IResourceWithConnectionString> AddLocalPostgres(this IDistributedApplicationBuilder builder, string dataDir)
    {
        var cluster = LocalPostgresCluster.EnsureInitialized(dataDir, database: "communityai");
        var connection = ReferenceExpression.Create(
            $"Host=127.0.0.1;Port={PostgresPort.ToString(CultureInfo.InvariantCulture)};Username=postgres;Database=communityai");
        var resource = new LocalServerResource("postgres", cluster.Command, dataDir, connection);
        builder.Services.AddHealthChecks().AddCheck("postgres-ready", new TcpHealthCheck("127.0.0.1", PostgresPort));
        return builder.AddResource(resource)
            .WithArgs([.. cluster.ArgsPrefix, "-D", dataDir, "-p", PostgresPort.ToString(CultureInfo.InvariantCulture),
                "-c", "listen_addresses=127.0.0.1", "-k", Path.GetTempPath(),
                // Four services' pools, their consumers and a load driver's limit measurement exceed the default 100.
                "-c", "max_connections=300"])
            .WithHealthCheck("postgres-ready")
            .ExcludeFromManifest()
            .Cast();
    }

    private static IResourceBuilder<IResourceWithConnectionString> AddLocalRabbit(this IDistributedApplicationBuilder builder, string baseDir)
    {
        Directory.CreateDirectory(baseDir);
        File.WriteAllText(Path.Combine(baseDir, "enabled_plugins"), "[rabbitmq_management].\n");
        File.WriteAllText(Path.Combine(baseDir, "rabbitmq.conf"), $"""
            listeners.tcp.default = 127.0.0.1:{RabbitPort}
            management.tcp.ip = 127.0.0.1
            management.tcp.port = {RabbitManagementPort}
            """);
        var command = File.Exists("/usr/lib/rabbitmq/bin/rabbitmq-server") ? "/usr/lib/rabbitmq/bin/rabbitmq-server" : "rabbitmq-server";
        var connection = ReferenceExpression.Create($"amqp://guest:guest@127.0.0.1:{RabbitPort.ToString(CultureInfo.InvariantCulture)}");
        builder.Services.AddHealthChecks().AddCheck("rabbitmq-ready", new TcpHealthCheck("127.0.0.1", RabbitPort));
        return builder.AddResource(new LocalServerResource("rabbitmq", command, baseDir, connection))
            .WithEnvironment("RABBITMQ_NODENAME", "communityai@localhost")
            .WithEnvironment("RABBITMQ_DIST_PORT", "55674")
            .WithEnvironment("RABBITMQ_CONFIG_FILE", Path.Combine(baseDir, "rabbitmq.conf"))
            .WithEnvironment("RABBITMQ_ENABLED_PLUGINS_FILE", Path.Combine(baseDir, "enabled_plugins"))
            .WithEnvironment("RABBITMQ_MNESIA_BASE", Path.Combine(baseDir, "mnesia"))
            .WithEnvironment("RABBITMQ_LOG_BASE", Path.Combine(baseDir, "log"))
            .WithEnvironment("RABBITMQ_LOGS", "-")
            .WithHttpEndpoint(port: RabbitManagementPort, name: "management", isProxied: false)
            .WithHealthCheck("rabbitmq-ready")
            .ExcludeFromManifest()
            .Cast();
    }

    private static IResourceBuilder<IResourceWithConnectionString> AddLocalAnvil(this IDistributedApplicationBuilder builder, string repoRoot, string stateDir)
    {
        var anvil = Path.Combine(repoRoot, "node_modules", "@foundry-rs", "anvil-linux-amd64", "bin", "anvil");
        if (!File.Exists(anvil))
            throw new InvalidOperationException($"anvil not found at {anvil}: run 'npm ci' at the repository root (eng/run.sh does).");
        Directory.CreateDirectory(stateDir);
        var connection = ReferenceExpression.Create($"http://127.0.0.1:{AnvilPort.ToString(CultureInfo.InvariantCulture)}");
        builder.Services.AddHealthChecks().AddCheck("anvil-ready", new TcpHealthCheck("127.0.0.1", AnvilPort));
        return builder.AddResource(new LocalServerResource("anvil", anvil, stateDir, connection))
            .WithArgs("--host", "127.0.0.1", "--port", AnvilPort.ToString(CultureInfo.InvariantCulture),
                "--chain-id", InfrastructureExtensions.LocalChainId.ToString(CultureInfo.InvariantCulture),
                // The chain outlives a restart like the history does, so anchored heads stay checkable.
                "--state", Path.Combine(stateDir, "state.json"))
            .WithHealthCheck("anvil-ready")
            .ExcludeFromManifest()
            .Cast();
    }

    private static IResourceBuilder<IResourceWithConnectionString> Cast<T>(this IResourceBuilder<T> builder)
        where T : IResourceWithConnectionString => (IResourceBuilder<IResourceWithConnectionString>)builder;
}
