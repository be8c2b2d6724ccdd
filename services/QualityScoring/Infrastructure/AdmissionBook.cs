using CommunityAI.Contracts;
using CommunityAI.QualityScoring.Domain;
using CommunityAI.ServiceDefaults.History;
using Marten;
using Microsoft.Extensions.Options;

namespace CommunityAI.QualityScoring.Infrastructure;

/// <summary>
/// Who is admitted as a validator, stream <c>scoring/admissions</c> (rule in <see cref="ValidatorAdmitted"/>): the
/// configured genesis set, recorded at the very first start only, then every admission or removal a passed proposal
/// decides, recorded with the feed's checkpoint in one transaction so each activation is applied exactly once.
/// </summary>
public sealed partial class AdmissionBook(IDocumentStore store, IOptions<ScoringOptions> options, TimeProvider clock, ILogger<AdmissionBook> logger)
{
    public const string Stream = Extensions.StreamPrefix + "admissions";

    /// <summary><c>reputation</c>: the reason of an automatic removal (rule in <see cref="GenesisValidatorsRecorded.RemovalAfterFloorRounds"/>).</summary>
    public const string ByReputation = "reputation";

    /// <summary><c>AdmissionFollower</c>'s <see cref="FollowerCheckpoint"/>: every activation at or below it is applied.</summary>
    public const string CheckpointKey = "admissions";

    /// <summary>The genesis rule for automatic removal, as recorded (0: never); read at start.</summary>
    public int RemovalAfterFloorRounds { get; private set; }

    /// <summary>Records the configured genesis set when the stream does not exist yet; a later configuration changes nothing.</summary>
    public async Task RecordGenesisAsync(CancellationToken ct)
    {
        await using var session = store.LightweightSession();
        await session.BeginTransactionAsync(ct);
        await ScoringLocks.TakeAsync(session.Connection!, [ScoringLocks.Admissions], ct);
        if (await session.Events.FetchStreamStateAsync(Stream, ct) is not null)
        {
            var recorded = (await session.Events.FetchStreamAsync(Stream, version: 1, token: ct))[0].Data as GenesisValidatorsRecorded;
            RemovalAfterFloorRounds = recorded?.RemovalAfterFloorRounds ?? 0;
            return;
        }
        var genesis = new GenesisValidatorsRecorded(AdmissionDecision.GenesisSet(options.Value.GenesisValidators), clock.GetUtcNow(),
            options.Value.RemovalAfterFloorRounds);
        RemovalAfterFloorRounds = options.Value.RemovalAfterFloorRounds;
        session.Events.StartStream(Stream, genesis);
        foreach (var validator in genesis.Validators)
            session.Store(ValidatorAdmission.Genesis(validator, genesis));
        await session.SaveChangesAsync(ct);
    }

    /// <summary>
    /// Applies one activation read from governance's streams at history sequence <paramref name="sequence"/>, and moves
    /// the checkpoint to it in the same transaction. Returns what was recorded, or null when it changed nothing.
    /// </summary>
    public async Task<object?> ApplyAsync(PolicyActivated activation, long sequence, CancellationToken ct)
    {
        var subject = AdmissionDecision.Subject(activation);
        await using var session = store.LightweightSession();
        await session.BeginTransactionAsync(ct);
        // The validator's lock: registration and commitments read its admission under it.
        string[] locks = subject is null ? [ScoringLocks.Admissions] : [ScoringLocks.Admissions, ScoringLocks.Validator(subject)];
        var read = new LockedRead(session).Lock(locks);
        var checkpoint = read.Load<FollowerCheckpoint>(CheckpointKey);
        var current = subject is null ? Task.FromResult<ValidatorAdmission?>(null) : read.Load<ValidatorAdmission>(subject);
        await read.ExecuteAsync(ct);
        if (!FollowerCheckpoint.Advances(await checkpoint, sequence))
            return null;
        var decided = AdmissionDecision.Decide(activation, await current, clock.GetUtcNow());
        switch (decided)
        {
            case ValidatorAdmitted admitted:
                session.Events.Append(Stream, admitted);
                session.Store(ValidatorAdmission.From(admitted));
                LogAdmitted(admitted.Validator, admitted.ProposalId);
                break;
            case ValidatorRemoved removed:
                session.Events.Append(Stream, removed);
                session.Store(ValidatorAdmission.From(removed));
                LogRemoved(removed.Validator, removed.Reason, removed.ProposalId);
                break;
        }
        session.Store(new FollowerCheckpoint(CheckpointKey, sequence));
        await session.SaveChangesAsync(ct);
        return decided;
    }

    public Task<long> CheckpointAsync(CancellationToken ct) =>
        FollowerCheckpoint.LoadAsync(store, CheckpointKey, "mt_doc_admissionfeedcheckpoint", ct);

    /// <summary>Moves the checkpoint past events that were not activations (never backwards).</summary>
    public async Task SaveCheckpointAsync(long sequence, CancellationToken ct)
    {
        await using var session = store.LightweightSession();
        await session.BeginTransactionAsync(ct);
        var read = new LockedRead(session).Lock([ScoringLocks.Admissions]);
        var checkpoint = read.Load<FollowerCheckpoint>(CheckpointKey);
        await read.ExecuteAsync(ct);
        if (!FollowerCheckpoint.Advances(await checkpoint, sequence))
            return;
        session.Store(new FollowerCheckpoint(CheckpointKey, sequence));
        await session.SaveChangesAsync(ct);
    }

    /// <summary>
    /// Inside a case's close, which holds the validator's lock: removes a validator whose reputation has stayed at the floor
    /// for the genesis number of consecutive rounds, if it is still admitted. Its open assignments are then absent and are
    /// replaced at their commit deadlines.
    /// </summary>
    public async Task<ValidatorRemoved?> RemoveIfAtFloorAsync(IDocumentSession session, ValidatorView view, DateTimeOffset now, CancellationToken ct)
    {
        if (!view.DueForRemoval(RemovalAfterFloorRounds)
            || await session.LoadAsync<ValidatorAdmission>(view.Id, ct) is not { Admitted: true })
            return null;
        var removed = new ValidatorRemoved(view.Id, ByReputation, null, now);
        session.Events.Append(Stream, removed);
        session.Store(ValidatorAdmission.From(removed));
        LogRemoved(removed.Validator, removed.Reason, null);
        return removed;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Validator {Validator} admitted by proposal {ProposalId}")]
    private partial void LogAdmitted(string validator, string proposalId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Validator {Validator} removed ({Reason}, proposal {ProposalId})")]
    private partial void LogRemoved(string validator, string reason, string? proposalId);
}
