using CommunityAI.Contributions.Domain;
using CommunityAI.ServiceDefaults.Limits;
using Microsoft.Extensions.Options;

namespace CommunityAI.Contributions.Infrastructure;

/// <summary>
/// The one allowance every signed contribution draws on, however it arrives (alone over HTTP, in a batch, on the bus):
/// taken for the signer its signature proves, given back when the contribution turns out to be stored already (a replay
/// of what the history publishes uses none of it) or when the store refused to record it (sent again, it takes it
/// again).
/// </summary>
public sealed class ContributorAllowance(SignerQuota quota, IOptions<RateLimitOptions> limits)
{
    /// <summary>The signer-quota scope of contributions.</summary>
    public const string Scope = "contributions";

    /// <summary>
    /// Takes one of <paramref name="signer"/>'s allowance, then runs <paramref name="append"/>; null, appending
    /// nothing, when the allowance is used up. The append runs without <paramref name="ct"/> once the allowance is
    /// taken: only its answer tells a replay to give it back (see <see cref="SignerQuota"/>'s remarks).
    /// </summary>
    public async Task<AppendOutcome?> AppendWithinAsync(string signer, Func<CancellationToken, Task<AppendOutcome>> append, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(append);
        var limit = limits.Value;
        if (await quota.TakeAsync(Scope, signer, limit.PerContributor, limit.Window, ct) is null)
            return null;
        AppendOutcome outcome;
        try
        {
            outcome = await append(CancellationToken.None);
        }
        catch
        {
            await GiveBackUnstoredAsync([signer]);
            throw;
        }
        if (outcome is AppendOutcome.AlreadyStored)
            await GiveBackAsync([signer]);
        return outcome;
    }

    /// <summary>
    /// One of the allowance per entry (a signer may appear many times), in order; per entry, whether it was granted.
    /// </summary>
    public Task<bool[]> TakeEachAsync(IReadOnlyList<string> signers, CancellationToken ct) =>
        quota.TakeEachAsync(Scope, signers, limits.Value.PerContributor, limits.Value.Window, ct);

    /// <summary>
    /// Gives back one per entry: contributions that were stored already. Never cancelled, like the append before it.
    /// </summary>
    public Task GiveBackAsync(IReadOnlyCollection<string> signers) =>
        quota.GiveBackAsync(Scope, signers, limits.Value.Window, CancellationToken.None);

    /// <summary>
    /// Gives back one per entry whose append failed (the store refused its transaction, so nothing was stored): sent
    /// again, it takes its allowance again, once. Called on the way out of a failure, so its own failure (the store
    /// still away: the allowance then stays taken, as before this existed) is not thrown over the first.
    /// </summary>
    public async Task GiveBackUnstoredAsync(IReadOnlyCollection<string> signers) =>
        await GiveBackAsync(signers).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
}
