using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

namespace Contributions.IntegrationTests;

/// <summary>The contributions service started from its own Program with the test's settings.</summary>
public sealed class ContributionsHost(IReadOnlyDictionary<string, string> settings)
    : ServiceHost<CommunityAI.Contributions.Domain.IntakeOptions>(settings);
