using CommunityAI.Formats.Signing;
using CommunityAI.Contracts;
using CommunityAI.QualityScoring.Domain;
using CommunityAI.ServiceDefaults.History;
using Marten;

namespace CommunityAI.QualityScoring.Infrastructure;

/// <summary>Registers a validator once: its stream <c>scoring/validators/{address}</c> can only be started once.</summary>
public sealed class ValidatorRegistry(IDocumentStore store, PolicyBook policies, TimeProvider clock)
{
    /// <summary>The registration recorded now, or null when the validator was registered before.</summary>
    public async Task<ValidatorRegistered?> RegisterAsync(ValidatorRegistrationPayload registration, string signature, CancellationToken ct)
    {
        var policy = policies.Current;
        try
        {
            await using var session = store.LightweightSession();
            await session.BeginTransactionAsync(ct);
            await ScoringLocks.TakeAsync(session.Connection!, [ScoringLocks.Validator(registration.Validator)], ct);
            if (await session.LoadAsync<ValidatorView>(registration.Validator, ct) is not null)
                return null;
            var registered = new ValidatorRegistered(registration.Validator, policy.ReputationStart,
                registration.Nonce.ToString(System.Globalization.CultureInfo.InvariantCulture), (long)registration.Deadline,
                signature.ToLowerInvariant(), policy.Version, clock.GetUtcNow());
            session.Events.StartStream(CaseFinaliser.ValidatorStream(registration.Validator), registered);
            session.Insert(new UsedNonce(UsedNonce.IdFor(registration.Validator, registration.Nonce)));
            session.Insert(ValidatorView.Create(registered));
            await session.SaveChangesAsync(ct);
            return registered;
        }
        catch (Exception ex) when (StoreConflicts.IsDuplicate(ex))
        {
            return null;
        }
    }
}
