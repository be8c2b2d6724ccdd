using CommunityAI.Contracts;
using CommunityAI.QualityScoring.Domain;
using CommunityAI.ServiceDefaults.Background;
using CommunityAI.ServiceDefaults.Epochs;
using Marten;
using Microsoft.Extensions.Options;

namespace CommunityAI.QualityScoring.Infrastructure;

/// <summary>
/// Opens the audit round of a case the policy's draw picks (<see cref="AuditDraw"/>) or a reviewer's lean toward its
/// contributor targets (<see cref="LeanAudit"/>), inside the transaction that records
/// the case's consensus score: an <see cref="AppealFiled"/> of role <c>audit</c> and its panel, drawn by the appeal's own
/// rule (<see cref="AppealDecision.Panel"/>) from the same seed. From there the second round is any appeal's: the panel
/// commits and reveals, the closer decides it, the ledger settles it. In the score's transaction, so a drawn case is
/// audited exactly once whatever restarts, and an undrawn one never.
/// </summary>
/// <remarks>
/// The seeds lock is taken shared (as intake and appeals do), so no round ends between reading the round in progress and
/// the commit: the score lands in the round whose secret drew the audit, which is how an auditor finds it. The caller
/// holds the case's and the reviewers' locks; no transaction holding the seeds lock, shared or exclusive, waits for a
/// validator's, and none holding the workload lock waits for anything, so taking them after those is no cycle.
/// </remarks>
public sealed partial class AuditOpener(IOptions<ScoringOptions> options, IOptions<EpochOptions> epochs, ILogger<AuditOpener> logger)
{
    /// <summary>
    /// For a case whose first round just closed on <paramref name="scored"/> (applied to <paramref name="case"/>): adds its
    /// reviews to their reviewers' leans toward the contributor (<see cref="LeanAudit"/>), and returns the case with its
    /// audit round begun when the draw picks it or a reviewer's lean targets it and somebody is left to draw, otherwise the
    /// case unchanged. The caller holds the reviewers' locks, which keep each lean's tally serial.
    /// </summary>
    public async Task<ScoringCase> OpenIfDrawnAsync(IDocumentSession session, ScoringCase @case, ContributionScored scored,
        ScoringPolicyPublished policy, DateTimeOffset now, CancellationToken ct)
    {
        var share = policy.AuditBasisPoints ?? AuditDraw.None;
        var lean = policy.LeanAuditPoints ?? LeanAudit.None;
        // The tallies are kept while either rule that reads them is on: targeted audits, or the draw's exclusion.
        var counts = LeanExclusion.Counts(policy);
        if (scored.Fallback is not null || (share <= 0 && !counts))
            return @case;
        var settings = options.Value;
        // One round trip: the seeds lock, the round in progress, and the reviewers' tallies toward the contributor (under
        // their locks, which the caller holds, and the contributor's lean lock, which a draw for it takes shared).
        var read = new LockedRead(session).Lock([
            TransactionLock.Shared(ScoringLocks.Seeds), .. counts ? [TransactionLock.Exclusive(ScoringLocks.Lean(scored.Contributor))] : Array.Empty<TransactionLock>()]);
        var seedRound = read.Query(SeedBook.RoundOfCommand(read, long.MaxValue), SeedBook.ReadRoundAsync);
        var leanIds = counts ? (scored.Reviews ?? []).Select(r => ReviewerLean.IdFor(r.Validator, scored.Contributor)).ToList() : [];
        var tallies = leanIds.Count > 0 ? read.LoadMany<ReviewerLean>(leanIds) : Task.FromResult<IReadOnlyList<ReviewerLean>>([]);
        await read.ExecuteAsync(ct);
        var after = LeanAudit.Tally(scored, (await tallies).ToDictionary(t => t.Id, StringComparer.Ordinal));
        if (counts)
            foreach (var tally in after)
                session.Store(tally);
        var leaning = LeanAudit.Targets(after, lean);
        if (@case.Appeal is not null || (share <= 0 && !leaning))
            return @case;
        var (round, secret) = await seedRound;
        if (secret is null)
            throw new InvalidOperationException($"assignment round {round} is not committed yet: the audit draw of {@case.Id} cannot be made");
        var drawn = AuditDraw.Drawn(secret, @case.Id, share);
        if (!drawn && !leaning)
            return @case;

        long? epoch = settings.MaxReviewsPerValidatorPerEpoch > 0 ? epochs.Value.EpochAt(now) : null;
        var byWorkload = new LockedRead(session).Lock(epoch is null ? [] : [ScoringLocks.Workload]);
        var selectable = byWorkload.Query(SelectableValidators.Command(byWorkload, epoch), SelectableValidators.ReadAsync);
        await byWorkload.ExecuteAsync(ct);
        var validators = await selectable;
        var auditId = AuditDraw.AppealIdFor(@case.Id);
        var filed = new AppealFiled(auditId, @case.Id, AppealFiled.AuditAppellant, drawn ? AppealFiled.Audit : LeanAudit.Reason, "0", 0, "",
            scored.Score, now, AppealFiled.Audit);
        if (AppealDecision.Panel(@case, auditId, validators, settings.AppealReviewers, round, secret, now - settings.LivenessWindow,
                settings.CommitWindow, settings.ReviewWindow, now, settings.MaxReviewsPerValidatorPerEpoch) is not { } panel)
        {
            // Nobody outside the first round is admitted and under the cap: the audit round is recorded all the same, with its
            // empty panel, and decided at once short of its quorum. The history shows the audit the rule called for and that
            // the first score stands; nothing waits for reviewers who cannot come.
            var nobody = AppealDecision.NobodyToAudit(@case, auditId, round, secret, settings.CommitWindow, settings.ReviewWindow, now);
            var (decided, moved) = AppealDecision.Decide(@case.Apply(filed).Apply(nobody), policy, new Dictionary<string, decimal>(), now);
            if (moved.Count > 0)
                throw new InvalidOperationException($"an audit of {@case.Id} with nobody on its panel moved reputations");
            session.Events.Append(ContributionIntakeWriter.StreamFor(@case.Id), filed, nobody, decided);
            LogNobodyToAudit(@case.Id, filed.Reason);
            return @case.Apply(filed).Apply(nobody).Apply(decided);
        }
        session.Events.Append(ContributionIntakeWriter.StreamFor(@case.Id), filed, panel);
        foreach (var reviewer in panel.Reviewers)
            session.Store(new Assignment(Assignment.IdFor(@case.Id, reviewer.Validator), reviewer.Validator, @case.Id, panel.WindowClosesAt, true, panel.CommitClosesAt));
        if (epoch is { } counted)
            ReviewLoads.Count(session, counted, panel.Reviewers.Select(r => r.Validator), validators);
        LogAuditOpened(@case.Id, round, panel.Reviewers.Count, filed.Reason);
        return @case.Apply(filed).Apply(panel);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Case {ContributionId} audited (seed round {Round}, reason {Reason}): a panel of {Panel}")]
    private partial void LogAuditOpened(string contributionId, long round, int panel, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Case {ContributionId} is due an audit round (reason {Reason}), but no admitted validator outside its first round is under its cap: recorded with an empty panel, the first score stands")]
    private partial void LogNobodyToAudit(string contributionId, string reason);
}
