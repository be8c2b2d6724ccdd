using CommunityAI.Contracts;
using CommunityAI.QualityScoring.Domain;
using CommunityAI.ServiceDefaults.Background;
using CommunityAI.ServiceDefaults.Epochs;
using Marten;
using Microsoft.Extensions.Options;

namespace CommunityAI.QualityScoring.Infrastructure;

/// <summary>
/// Opens the audit round of a case the policy's draw picks (<see cref="AuditDraw"/>), inside the transaction that records
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
    /// For a case whose first round just closed on <paramref name="scored"/> (applied to <paramref name="case"/>): the case
    /// with its audit round begun when the draw picks it and somebody is left to draw, otherwise the case unchanged.
    /// </summary>
    public async Task<ScoringCase> OpenIfDrawnAsync(IDocumentSession session, ScoringCase @case, ContributionScored scored,
        ScoringPolicyPublished policy, DateTimeOffset now, CancellationToken ct)
    {
        var share = policy.AuditBasisPoints ?? AuditDraw.None;
        if (share <= 0 || scored.Fallback is not null || @case.Appeal is not null)
            return @case;
        var settings = options.Value;
        var read = new LockedRead(session).Lock([TransactionLock.Shared(ScoringLocks.Seeds)]);
        var seedRound = read.Query(SeedBook.RoundOfCommand(read, long.MaxValue), SeedBook.ReadRoundAsync);
        await read.ExecuteAsync(ct);
        var (round, secret) = await seedRound;
        if (secret is null)
            throw new InvalidOperationException($"assignment round {round} is not committed yet: the audit draw of {@case.Id} cannot be made");
        if (!AuditDraw.Drawn(secret, @case.Id, share))
            return @case;

        long? epoch = settings.MaxReviewsPerValidatorPerEpoch > 0 ? epochs.Value.EpochAt(now) : null;
        var byWorkload = new LockedRead(session).Lock(epoch is null ? [] : [ScoringLocks.Workload]);
        var selectable = byWorkload.Query(SelectableValidators.Command(byWorkload, epoch), SelectableValidators.ReadAsync);
        await byWorkload.ExecuteAsync(ct);
        var validators = await selectable;
        var auditId = AuditDraw.AppealIdFor(@case.Id);
        if (AppealDecision.Panel(@case, auditId, validators, settings.AppealReviewers, round, secret, now - settings.LivenessWindow,
                settings.CommitWindow, settings.ReviewWindow, now, settings.MaxReviewsPerValidatorPerEpoch) is not { } panel)
        {
            // Nobody outside the first round is admitted: the replay sees the same from the candidates it can recompute.
            LogNobodyToAudit(@case.Id);
            return @case;
        }
        var filed = new AppealFiled(auditId, @case.Id, AppealFiled.AuditAppellant, AppealFiled.Audit, "0", 0, "", scored.Score, now, AppealFiled.Audit);
        session.Events.Append(ContributionIntakeWriter.StreamFor(@case.Id), filed, panel);
        foreach (var reviewer in panel.Reviewers)
            session.Store(new Assignment(Assignment.IdFor(@case.Id, reviewer.Validator), reviewer.Validator, @case.Id, panel.WindowClosesAt, true, panel.CommitClosesAt));
        if (epoch is { } counted)
            ReviewLoads.Count(session, counted, panel.Reviewers.Select(r => r.Validator), validators);
        LogAuditOpened(@case.Id, round, panel.Reviewers.Count);
        return @case.Apply(filed).Apply(panel);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Case {ContributionId} drawn for an audit round (seed round {Round}): a panel of {Panel}")]
    private partial void LogAuditOpened(string contributionId, long round, int panel);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Case {ContributionId} was drawn for an audit round, but no admitted validator outside its first round is left to draw")]
    private partial void LogNobodyToAudit(string contributionId);
}
