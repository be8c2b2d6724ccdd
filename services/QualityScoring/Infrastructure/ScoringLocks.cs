using CommunityAI.ServiceDefaults.Background;
using Npgsql;

namespace CommunityAI.QualityScoring.Infrastructure;

/// <summary>
/// The names of the transaction-scoped advisory locks (<see cref="AdvisoryLock"/>) that make scoring's decisions serial where they must be, across replicas. Each
/// statement takes its keys in one sorted order. A transaction's first statement holds at most one case lock (intake
/// adds the content and band locks to it); only reviews take more afterwards, and then only validator locks, which no
/// transaction holds while it waits for a case, content or band lock. So two transactions never wait in a cycle.
/// </summary>
internal static class ScoringLocks
{
    public static string Case(string contributionId) => "scoring:case:" + contributionId;
    public static string Content(string contentHash) => "scoring:content:" + contentHash;
    public static string Band(long key) => "scoring:band:" + key.ToString(System.Globalization.CultureInfo.InvariantCulture);
    public static string Validator(string address) => "scoring:validator:" + address.ToLowerInvariant();
    /// <summary>
    /// A contributor's reviewer tallies (<see cref="Domain.ReviewerLean"/>): exclusive in a close that adds to them, shared in a
    /// draw for the contributor that reads them (<see cref="Domain.LeanExclusion"/>), so the history's order is the order in
    /// which draws saw the tallies. A close takes it after the reviewers' validator locks and before the seeds lock; a draw
    /// with its case's locks, before the seeds and workload locks; nobody holding it waits for a case or validator lock.
    /// </summary>
    public static string Lean(string contributor) => "scoring:lean:" + contributor.ToLowerInvariant();
    public const string Policies = "scoring:policies";
    /// <summary>Serialises the admissions stream: the genesis set and the follower's applied activations and checkpoint.</summary>
    public const string Admissions = "scoring:admissions";
    /// <summary>
    /// Exclusive to end a seed round, shared by intake, appeals and a close that draws an audit round: no round ends between
    /// reading the round and the commit. The close takes it after the reviewers' validator locks; that is no cycle, since
    /// the one exclusive holder (the round's end) holds nothing else and no shared holder then waits for a validator's lock.
    /// </summary>
    public const string Seeds = "scoring:seeds";
    public const string Schema = "scoring:schema";
    /// <summary>
    /// Exclusive around every draw of reviewers while a cap on reviews per epoch is set, so two draws never both count the
    /// same last free place. It sorts after every case, content, band, seeds and validator key, and no transaction holding it
    /// waits for any of those.
    /// </summary>
    public const string Workload = "scoring:workload";

    /// <summary>Takes every lock in <paramref name="keys"/> exclusively, in sorted order, in one round trip.</summary>
    public static Task TakeAsync(NpgsqlConnection connection, IEnumerable<string> keys, CancellationToken ct) =>
        AdvisoryLock.TakeAsync(connection, keys, ct);

    /// <summary>The statement that takes every lock in <paramref name="keys"/> in sorted order; null when there are none.</summary>
    public static NpgsqlBatchCommand? Command(IEnumerable<string> keys) => AdvisoryLock.Command(keys.Select(TransactionLock.Exclusive));

    /// <summary>As <see cref="Command(IEnumerable{string})"/>, with some locks shared.</summary>
    public static NpgsqlBatchCommand? Command(IEnumerable<TransactionLock> locks) => AdvisoryLock.Command(locks);
}
