using System.Globalization;
using CommunityAI.Testing;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

namespace CommunityAI.Benchmarks.ContributionsIntake;

/// <summary>The contributions service from its own Program, in process (TestServer), against real PostgreSQL and RabbitMQ.</summary>
public sealed class IntakeHost(IReadOnlyDictionary<string, string> settings)
    : WebApplicationFactory<CommunityAI.Contributions.Domain.IntakeOptions>
{
    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Benchmark");
        foreach (var (key, value) in settings)
            builder.UseSetting(key, value);
    }

    /// <summary>The service against the benchmark's database and broker, on the development chain, quiet.</summary>
    public static IntakeHost Start(string history, string broker)
    {
        // Run from an artifacts folder outside the tree, the factory cannot find the service's folder by the solution.
        Environment.SetEnvironmentVariable("ASPNETCORE_TEST_CONTENTROOT_COMMUNITYAI_CONTRIBUTIONS", AppContext.BaseDirectory);
        return new IntakeHost(new Dictionary<string, string>
        {
            ["ConnectionStrings:history"] = history,
            ["ConnectionStrings:rabbitmq"] = broker,
            ["Chain:Id"] = AnvilNode.ChainId.ToString(CultureInfo.InvariantCulture),
            ["Chain:VerifyingContract"] = TestChain.AnchorContract,
            ["Logging:LogLevel:Default"] = "Warning",
        });
    }
}
