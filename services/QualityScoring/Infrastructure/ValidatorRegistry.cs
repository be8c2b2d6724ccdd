using CommunityAI.Formats.Signing;
using CommunityAI.Contracts;
using CommunityAI.QualityScoring.Domain;
using CommunityAI.ServiceDefaults.History;
using Marten;

namespace CommunityAI.QualityScoring.Infrastructure;

/// <summary>
/// Registers an admitted validator once: its stream <c>scoring/validators/{address}</c> can only be started once. The
/// admission is read under the validator's lock, which the admission follower holds when it records a decision.
/// </summary>
public sealed class ValidatorRegistry(IDocumentStore store, ScoringPolicyBook policies, TimeProvider clock)
{
    /// <summary>What became of a registration.</summary>
    public enum Outcome { Registered, AlreadyRegistered, NotAdmitted }

    /// <summary>The registration recorded now, or why nothing was recorded.</summary>
    public async Task<(Outcome Outcome, ValidatorRegistered? Registered)> RegisterAsync(ValidatorRegistrationPayload registration, string signature, CancellationToken ct)
    {
        var policy = policies.Current;
        try
        {
            await using var session = store.LightweightSession();
            await session.BeginTransactionAsync(ct);
            var read = new LockedRead(session).Lock([ScoringLocks.Validator(registration.Validator)]);
            var admission = read.Load<ValidatorAdmission>(registration.Validator);
            var registeredBefore = read.Exists<ValidatorView>(registration.Validator);
            await read.ExecuteAsync(ct);
            if (await admission is not { Admitted: true })
                return (Outcome.NotAdmitted, null);
            if (await registeredBefore)
                return (Outcome.AlreadyRegistered, null);
            var registered = new ValidatorRegistered(registration.Validator, policy.ReputationStart,
                registration.Nonce.ToString(System.Globalization.CultureInfo.InvariantCulture), (long)registration.Deadline,
                signature.ToLowerInvariant(), policy.Version, clock.GetUtcNow());
            session.Events.StartStream(CaseFinaliser.ValidatorStream(registration.Validator), registered);
            session.Insert(new UsedNonce(UsedNonce.IdFor(registration.Validator, registration.Nonce)));
            session.Insert(ValidatorView.Create(registered));
            await session.SaveChangesAsync(ct);
            return (Outcome.Registered, registered);
        }
        catch (Exception ex) when (StoreConflicts.IsDuplicate(ex))
        {
            return (Outcome.AlreadyRegistered, null);
        }
    }
}
