using System.Text.Json;
using CommunityAI.Governance.Domain;
using Marten;
using Microsoft.Extensions.Options;

namespace CommunityAI.Governance.Infrastructure;

/// <summary>
/// The governance parameters in force: the genesis set from configuration until a <c>governance-parameters</c>
/// proposal is activated, then the latest activated one, read from the history.
/// </summary>
public sealed class ParametersBook(IDocumentStore store, IOptions<GovernanceOptions> options)
{
    public async Task<GovernanceParameters> InForceAsync(CancellationToken ct)
    {
        await using var session = store.QuerySession();
        var activated = await session.Query<Proposal>()
            .Where(p => p.Activated != null && p.Submitted.Kind == ProposalKind.GovernanceParameters)
            .ToListAsync(ct);
        var latest = activated.MaxBy(p => p.Activated!.ActivatedAt);
        if (latest is null)
            return options.Value.GenesisParameters;
        using var payload = JsonDocument.Parse(latest.Activated!.Payload);
        return PayloadRules.ParametersFrom(payload.RootElement);
    }

}
