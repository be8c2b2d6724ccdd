using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

namespace Contributions.IntegrationTests;

/// <summary>The contributions service started from its own Program with the test's settings.</summary>
public sealed class ContributionsHost(IReadOnlyDictionary<string, string> settings)
    : WebApplicationFactory<CommunityAI.Contributions.Domain.IntakeOptions>
{
    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        foreach (var (key, value) in settings)
            builder.UseSetting(key, value);
    }
}
