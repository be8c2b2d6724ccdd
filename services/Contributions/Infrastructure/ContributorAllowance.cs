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
        if (await quota.TakeAsync(Scope, signer, limit.PerContributor, limit.Window, ct) is not { } taken)
            return null;
        return (await AppendGivingBackAsync([signer], taken.Window, async none => [await append(none)]))[0];
    }

    /// <summary>
    /// Takes one of the allowance per entry (a signer may appear many times), then runs <paramref name="append"/> once
    /// for the entries granted, by their indexes in <paramref name="signers"/>, in order. Per entry, its outcome, or
    /// null when its signer's allowance is used up. As for one, the append runs without <paramref name="ct"/>, and a
    /// replay or a failed append gives back what it took.
    /// </summary>
    public async Task<AppendOutcome?[]> AppendEachWithinAsync(
        IReadOnlyList<string> signers, Func<IReadOnlyList<int>, CancellationToken, Task<AppendOutcome[]>> append, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(signers);
        ArgumentNullException.ThrowIfNull(append);
        var granted = await quota.TakeEachAsync(Scope, signers, limits.Value.PerContributor, limits.Value.Window, ct);
        var indexes = Enumerable.Range(0, signers.Count).Where(i => granted.Each[i]).ToArray();
        var appended = await AppendGivingBackAsync([.. indexes.Select(i => signers[i])], granted.Window, none => append(indexes, none));
        var outcomes = new AppendOutcome?[signers.Count];
        for (var k = 0; k < indexes.Length; k++)
            outcomes[indexes[k]] = appended[k];
        return outcomes;
    }

    /// <summary>
    /// Runs an append whose <paramref name="signers"/> (one per item, in order) took their allowance, and gives it back
    /// for the items stored already (a replay of what the history publishes uses none of it), or for all when the
    /// append failed (the store refused its transaction, so nothing was stored: sent again, each takes it again, once);
    /// to the quota's <paramref name="window"/> they were taken in.
    /// </summary>
    private async Task<AppendOutcome[]> AppendGivingBackAsync(
        IReadOnlyList<string> signers, long window, Func<CancellationToken, Task<AppendOutcome[]>> append)
    {
        AppendOutcome[] outcomes;
        try
        {
            outcomes = await append(CancellationToken.None);
        }
        catch
        {
            // On the way out of a failure: the give-back's own failure (the store still away: the allowance then stays
            // taken) is not thrown over the first.
            await GiveBackAsync(signers, window).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            throw;
        }
        await GiveBackAsync([.. signers.Where((_, i) => outcomes[i] is AppendOutcome.AlreadyStored)], window);
        return outcomes;
    }

    // Never cancelled, like the append before it.
    private Task GiveBackAsync(IReadOnlyCollection<string> signers, long window) =>
        quota.GiveBackAsync(Scope, signers, window, CancellationToken.None);
}
