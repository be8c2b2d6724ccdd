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
}
