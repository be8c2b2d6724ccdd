using System.Text.Json;
using CommunityAI.Governance.Domain;
using Marten;
using Microsoft.Extensions.Options;

namespace CommunityAI.Governance.Infrastructure;

/// <summary>
/// The governance parameters in force: the genesis set from configuration until a <c>governance-parameters</c>
/// proposal is activated, then the activated one with the highest version, read from the history.
/// </summary>
/// <remarks>
/// Two parameter proposals made under the same rules may pass and activate in either order; the version decides, not the
/// moment of activation, so an older set activated last does not take back a newer one (and the audit's replay applies
/// the same rule).
/// </remarks>
public sealed class ParametersBook(IDocumentStore store, IOptions<GovernanceOptions> options)
{
    public async Task<GovernanceParameters> InForceAsync(CancellationToken ct)
    {
        await using var session = store.QuerySession();
        var activated = await session.Query<Proposal>()
            .Where(p => p.Activated != null && p.Submitted.Kind == ProposalKind.GovernanceParameters)
            .ToListAsync(ct);
        var newest = options.Value.GenesisParameters;
        foreach (var proposal in activated)
        {
            using var payload = JsonDocument.Parse(proposal.Activated!.Payload);
            var parameters = PayloadRules.ParametersFrom(payload.RootElement);
            if (parameters.Version > newest.Version)
                newest = parameters;
        }
        return newest;
    }
}
