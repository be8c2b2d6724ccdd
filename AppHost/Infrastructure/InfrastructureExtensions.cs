using System.Diagnostics;

namespace CommunityAI.AppHost.Infrastructure;

public static class InfrastructureExtensions
{
    /// <summary>Local chain id of anvil; the services' EIP-712 domain uses the same by default.</summary>
    public const int LocalChainId = 31337;

    /// <summary>
    /// The HistoryAnchor the chain-bridge deploys on a fresh local chain, known before it exists: the anchorer key is
    /// anvil's account 0, which deploys token, distributor and anchor in that order (ChainDeployer), so the anchor is
    /// the contract created at its nonce 1. Equal to SigningChainOptions.DevelopmentVerifyingContract, which
    /// ChainBridge.IntegrationTests checks against a real deployment.
    /// </summary>
    public const string LocalAnchorContract = "0xe7f1725E7734CE288F8367e1Bb143E90bb3F0512";

    /// <summary>
    /// The one chain setting (<c>Chain:Id</c>, <c>Chain:VerifyingContract</c>), given alike to every service that signs
    /// or checks signatures, so they all bind signatures to the same deployment.
    /// </summary>
    public static IResourceBuilder<ProjectResource> WithChainSetting(this IResourceBuilder<ProjectResource> service) =>
        service
            .WithEnvironment("Chain__Id", LocalChainId.ToString(System.Globalization.CultureInfo.InvariantCulture))
            .WithEnvironment("Chain__VerifyingContract", LocalAnchorContract);

    /// <summary>
    /// Locally an epoch lasts five minutes (a day elsewhere), so a newcomer sees an epoch close, its claim root published
    /// and a claim paid within minutes. Given alike to the two services that count epochs (the ledger's credits and
    /// claim roots, quality-scoring's caps per epoch). The local genesis is later than the deployed one (2026-01-01): a
    /// local history begun with day-long epochs (numbers in the hundreds) then has its next epoch start later, instead
    /// of tens of thousands of empty five-minute epochs to close since New Year.
    /// </summary>
    public static IResourceBuilder<ProjectResource> WithLocalEpochs(this IResourceBuilder<ProjectResource> service) =>
        service
            .WithEnvironment("Epochs__Genesis", "2026-12-01T00:00:00Z")
            .WithEnvironment("Epochs__Length", "00:05:00");

    /// <summary>
    /// The portal proxies every API from this machine's loopback, so a service trusts <c>X-Forwarded-For</c> from there
    /// (and from nowhere else): its per-client limit then counts each browser, not the portal as one client.
    /// </summary>
    public static IResourceBuilder<ProjectResource> BehindThePortal(this IResourceBuilder<ProjectResource> service) =>
        service
            .WithEnvironment("Network__TrustedProxies__0", "127.0.0.1")
            .WithEnvironment("Network__TrustedProxies__1", "::1");

    /// <summary>
    /// Containers when a container runtime answers (or Infrastructure:Mode=containers), otherwise the same
    /// servers as local executables (Infrastructure:Mode=local), so a machine without Docker runs it too.
    /// </summary>
    public static CommunityInfrastructure AddCommunityInfrastructure(this IDistributedApplicationBuilder builder)
    {
        var mode = builder.Configuration["Infrastructure:Mode"] ?? "auto";
        var useContainers = mode switch
        {
            "containers" => true,
            "local" => false,
            _ => ContainerRuntimeAnswers(),
        };
        return useContainers ? builder.AddContainerInfrastructure() : builder.AddLocalInfrastructure();
    }

    private static CommunityInfrastructure AddContainerInfrastructure(this IDistributedApplicationBuilder builder)
    {
        var postgres = builder.AddPostgres("postgres").WithDataVolume()
            // Four services' pools, their consumers and a load driver's limit measurement exceed the default 100.
            .WithArgs("-c", "max_connections=300");
        var history = postgres.AddDatabase("history", "communityai");
        var rabbit = builder.AddRabbitMQ("rabbitmq").WithManagementPlugin().WithDataVolume();
        var anvil = builder.AddContainer("anvil", "ghcr.io/foundry-rs/foundry", "stable")
            .WithEntrypoint("anvil")
            .WithArgs("--host", "0.0.0.0", "--chain-id", LocalChainId.ToString(System.Globalization.CultureInfo.InvariantCulture))
            .WithHttpEndpoint(targetPort: 8545, name: "rpc");
        var chain = builder.AddConnectionString("chain", ReferenceExpression.Create($"{anvil.GetEndpoint("rpc")}"));
        var amqp = rabbit.Resource.PrimaryEndpoint.Property(EndpointProperty.HostAndPort);
        var management = rabbit.GetEndpoint("management").Property(EndpointProperty.HostAndPort);
        return new CommunityInfrastructure(history, rabbit, chain, ReferenceExpression.Create($"{amqp}"),
            ReferenceExpression.Create($"http://{rabbit.Resource.UserNameReference}:{rabbit.Resource.PasswordParameter}@{management}/"));
    }

    private static bool ContainerRuntimeAnswers()
    {
        try
        {
            using var docker = Process.Start(new ProcessStartInfo("docker", "info")
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            });
            if (docker is null)
                return false;
            if (!docker.WaitForExit(TimeSpan.FromSeconds(10)))
            {
                docker.Kill();
                return false;
            }
            return docker.ExitCode == 0;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return false; // no docker client at all
        }
    }
}
