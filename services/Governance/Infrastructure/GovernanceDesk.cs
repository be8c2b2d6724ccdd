using System.Collections.Concurrent;
using System.Globalization;
using System.Numerics;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using CommunityAI.Contracts;
using CommunityAI.Formats;
using CommunityAI.Formats.Json;
using CommunityAI.Formats.Signing;
using CommunityAI.Governance.Domain;
using CommunityAI.ServiceDefaults.History;
using CommunityAI.ServiceDefaults.Limits;
using JasperFx;
using Marten;
using Microsoft.Extensions.Options;

namespace CommunityAI.Governance.Infrastructure;

/// <summary>
/// Takes signed proposals, votes and delegations: checks each the one way every signed request is checked, decides
/// with the pure core, and records the event and the nonce in one transaction. A refusal changes nothing.
/// </summary>
public sealed class GovernanceDesk(
    IDocumentStore store, SignedRequestCheck check, EarnedWeights weights, ParametersBook parameters, PolicyVersions policies,
    ProposalWriteGate gate, SignerQuota quota, IOptions<GovernanceOptions> options)
{
    private const int ConcurrencyRetries = 8;
    private const int MaxCachedPowers = 32;
    private const string QuotaScope = "governance";
    private readonly ConcurrentDictionary<string, VotingPower> _powers = new(StringComparer.Ordinal);

    public async Task<DeskOutcome> ProposeAsync(ProposalRequest request, CancellationToken ct)
    {
        var errors = new List<SigningError>();
        var proposer = check.CheckFields("proposer", request.Proposer, request.Nonce, request.Deadline, request.Signature,
            options.Value.MaxDeadlineAhead, errors);
        var fields = new Dictionary<string, string[]>(StringComparer.Ordinal);
        if (request.Kind is null || !ProposalKind.All.Contains(request.Kind))
            fields["kind"] = [$"one of {string.Join(", ", ProposalKind.All)}"];
        if (string.IsNullOrWhiteSpace(request.Title) || request.Title.Length > RequestLimits.Title || request.Title.Any(char.IsControl))
            fields["title"] = [$"1 to {RequestLimits.Title} characters on one line"];
        if (request.Body is null || Encoding.UTF8.GetByteCount(request.Body) > RequestLimits.Body)
            fields["body"] = [$"the rationale, at most {RequestLimits.Body} bytes of UTF-8"];
        byte[]? canonical = null;
        if (request.Payload is not { ValueKind: JsonValueKind.Object } payload)
            fields["payload"] = ["the proposed change, a JSON object"];
        else
        {
            try
            {
                canonical = JsonCanonicalizer.Canonicalize(payload);
                if (canonical.Length > RequestLimits.Payload)
                    fields["payload"] = [$"at most {RequestLimits.Payload} bytes as canonical JSON"];
            }
            catch (JsonCanonicalizationException e)
            {
                fields["payload"] = [e.Message];
            }
        }
        AddAll(fields, errors);
        if (fields.Count > 0)
            return new DeskOutcome.Malformed(fields);

        var bodyHash = Hex.Encode(SHA256.HashData(Encoding.UTF8.GetBytes(request.Body!)));
        var payloadHash = Hex.Encode(SHA256.HashData(canonical!));
        var signed = new ProposalPayload(proposer!, request.Kind!, request.Title!, bodyHash, payloadHash, request.Nonce!.Value, request.Deadline!.Value);
        if (check.Verify(signed, request.Signature) is { } unsigned)
            return new DeskOutcome.Unsigned(unsigned);
        var proposalId = Hex.Encode(TypedDataSigner.Digest(signed, check.Domain));

        // The payload is checked before the allowance is drawn: a proposal refused as malformed changes nothing, the
        // signer's allowance included (the check reads only the rules in force and the policy versions on record).
        var rules = await parameters.InForceAsync(ct);
        var payloadProblems = PayloadRules.Check(request.Kind!, request.Payload!.Value, rules, await policies.ReadAsync(ct),
            options.Value.ScoringCommitWindow);
        if (payloadProblems.Count > 0)
            return new DeskOutcome.Malformed(payloadProblems.ToDictionary(p => p.Key, p => new[] { p.Value }, StringComparer.Ordinal));
        if (await TakeQuotaAsync(proposer!, ct) is not { } taken)
            return TooMany(proposer!);

        await using var session = store.LightweightSession();
        if (await session.LoadAsync<Proposal>(Proposal.StreamKey(proposalId), ct) is not null)
            return await GiveBackIfAgainAsync(proposer!, taken, new DeskOutcome.Recorded(proposalId, Again: true), ct);

        var epoch = await weights.LatestClosedAsync(ct);
        EpochWeights? snapshot;
        try
        {
            snapshot = epoch is null ? null : await weights.ForAsync(epoch, ct);
        }
        catch (InvalidOperationException e)
        {
            return new DeskOutcome.Unavailable(e.Message);
        }
        var delegations = (await session.Query<Delegation>().Where(d => d.Delegatee != null).ToListAsync(ct))
            .ToDictionary(d => d.Delegator, d => d.Delegatee!, StringComparer.Ordinal);
        var power = new VotingPower(snapshot?.Earned ?? new Dictionary<string, BigInteger>(), delegations, rules.SquareRootWeighting);
        var proposerWeight = power.WeightOf(proposer!, new HashSet<string>());
        if (proposerWeight == 0 || proposerWeight < rules.ProposalThreshold)
            return new DeskOutcome.NoWeight("proposer", epoch is null
                ? "no reward epoch has closed yet, so nobody has voting weight to propose with"
                : $"{proposer} has weight {proposerWeight} at epoch {epoch.Epoch}; proposing needs at least {BigInteger.Max(rules.ProposalThreshold, 1)}");

        var now = check.Now;
        var timeline = ProposalTimeline.For(now, rules);
        var submitted = new ProposalSubmitted(proposalId, proposer!, request.Kind!, request.Title!, request.Body!, bodyHash,
            Encoding.UTF8.GetString(canonical!), payloadHash, Format(request.Nonce.Value), (long)request.Deadline.Value, request.Signature!,
            epoch?.Epoch ?? -1, epoch?.ClaimRoot ?? "", delegations, Format(power.Total), Format(proposerWeight),
            rules.QuorumFor(request.Kind!), rules.Version, rules.SquareRootWeighting, now, timeline.VotingStartsAt, timeline.VotingEndsAt,
            timeline.LateQuorumExtensionSeconds, timeline.TimelockSeconds);

        session.Events.StartStream<Proposal>(Proposal.StreamKey(proposalId), submitted);
        return await GiveBackIfAgainAsync(proposer!, taken, await SaveWithNonceAsync(session, "Proposal", proposer!, request.Nonce.Value, proposalId, ct), ct);
    }

    public async Task<DeskOutcome> VoteAsync(VoteRequest request, CancellationToken ct)
    {
        var errors = new List<SigningError>();
        var voter = check.CheckFields("voter", request.Voter, request.Nonce, request.Deadline, request.Signature, options.Value.MaxDeadlineAhead, errors);
        var fields = new Dictionary<string, string[]>(StringComparer.Ordinal);
        if (!Hex.TryDecode(request.ProposalId, out _, 32))
            fields["proposalId"] = ["a proposal id is a 32-byte 0x-prefixed hex string"];
        if (request.Support is not (0 or 1 or 2))
            fields["support"] = ["0 against, 1 for or 2 abstain"];
        if (request.Reason is { Length: > RequestLimits.Reason })
            fields["reason"] = [$"at most {RequestLimits.Reason} characters"];
        AddAll(fields, errors);
        if (fields.Count > 0)
            return new DeskOutcome.Malformed(fields);

        var proposalId = request.ProposalId!.ToLowerInvariant();
        var signed = new VotePayload(voter!, proposalId, (byte)request.Support!.Value, request.Reason ?? "", request.Nonce!.Value, request.Deadline!.Value);
        if (check.Verify(signed, request.Signature) is { } unsigned)
            return new DeskOutcome.Unsigned(unsigned);
        if (await TakeQuotaAsync(voter!, ct) is not { } taken)
            return TooMany(voter!);
        var voteId = Hex.Encode(TypedDataSigner.Digest(signed, check.Domain));

        for (var attempt = 0; ; attempt++)
        {
            using var turn = await gate.EnterAsync(proposalId, ct);
            await using var session = store.LightweightSession();
            var stream = await session.Events.FetchForWriting<Proposal>(Proposal.StreamKey(proposalId), ct);
            if (stream.Aggregate is not { } proposal)
                return new DeskOutcome.Unknown("proposalId", $"no proposal {proposalId}");

            EpochWeights? snapshot;
            try
            {
                snapshot = await SnapshotOfAsync(proposal, ct);
            }
            catch (InvalidOperationException e)
            {
                return new DeskOutcome.Unavailable(e.Message);
            }
            var power = PowerFor(proposal, snapshot);
            // Only the rows this vote depends on are read: the voter's own (one vote each), its delegators' (whose weight
            // it carries unless they voted) and its delegate's (whose count it takes its own weight back from). Their
            // number does not grow with the votes already cast.
            var delegatee = power.DelegateOf(voter!);
            string[] relatedVoters = [voter!, .. power.DelegatorsOf(voter!), .. delegatee is null ? Array.Empty<string>() : [delegatee]];
            var related = await session.LoadManyAsync<ProposalVote>(ct, relatedVoters.Distinct(StringComparer.Ordinal)
                .Select(v => ProposalVote.KeyFor(proposalId, v)).ToArray());
            if (related.FirstOrDefault(v => v.Voter == voter) is { } earlier)
                return earlier.VoteId == voteId
                    ? await GiveBackIfAgainAsync(voter!, taken, new DeskOutcome.Recorded(voteId, Again: true), ct)
                    : new DeskOutcome.Conflict("voter", $"{voter} already voted on this proposal; a vote cannot be changed");

            var running = await RunningTallyAsync(session, proposal, stream.CurrentVersion, power, ct);
            var now = check.Now;
            if (proposal.Open is false || !proposal.Timeline.AcceptsVotesAt(now, running.QuorumReachedAt))
                return new DeskOutcome.Conflict("proposalId",
                    $"votes are taken from {proposal.Timeline.VotingStartsAt:O} until {proposal.Timeline.Deadline(running.QuorumReachedAt):O}; it is {now:O}");
            var weight = power.WeightOf(voter!, related.Select(v => v.Voter).ToHashSet(StringComparer.Ordinal));
            if (weight == 0)
                return new DeskOutcome.NoWeight("voter", $"{voter} has no voting weight on this proposal (snapshot epoch {proposal.Submitted.SnapshotEpoch})");

            var support = (VoteSupport)request.Support.Value;
            var delegateSupport = related.FirstOrDefault(v => v.Voter == delegatee)?.Support;
            stream.AppendOne(new VoteCast(proposalId, voter!, request.Support.Value, request.Reason ?? "", Format(weight),
                Format(request.Nonce.Value), (long)request.Deadline.Value, request.Signature!, now, voteId));
            // The count carried forward in the same transaction: it commits only if the stream's version check lets this
            // vote be the next one, so it always counts the votes in the stream's order.
            session.Store(RunningTally.Of(proposal.Id, proposal.VoteCount + 1,
                running.With(support, weight, delegateSupport, power.Own(voter!), now)));
            try
            {
                return await GiveBackIfAgainAsync(voter!, taken, await SaveWithNonceAsync(session, "Vote", voter!, request.Nonce.Value, voteId, ct), ct);
            }
            catch (Exception e) when (attempt < ConcurrencyRetries && (e is ConcurrencyException || StoreConflicts.IsDuplicate(e)))
            {
                // Another replica's vote on the same proposal committed first (or this voter's, which the next look
                // answers): count again on top of it, after a short random pause so the replicas do not collide again in step.
                turn.Dispose();
                await Task.Delay(TimeSpan.FromMilliseconds(Random.Shared.Next(5, 20 << Math.Min(attempt, 4))), ct);
            }
        }
    }

    public async Task<DeskOutcome> DelegateAsync(DelegationRequest request, CancellationToken ct)
    {
        var errors = new List<SigningError>();
        var delegator = check.CheckFields("delegator", request.Delegator, request.Nonce, request.Deadline, request.Signature,
            options.Value.MaxDeadlineAhead, errors);
        var fields = new Dictionary<string, string[]>(StringComparer.Ordinal);
        if (request.Delegatee is null || !Address.TryParse(request.Delegatee, out var delegatee))
        {
            fields["delegatee"] = ["a 20-byte 0x-prefixed hex address; the zero address revokes"];
            delegatee = null;
        }
        else if (delegatee == delegator)
            fields["delegatee"] = ["an address cannot delegate to itself; the zero address revokes a delegation"];
        AddAll(fields, errors);
        if (fields.Count > 0)
            return new DeskOutcome.Malformed(fields);

        var signed = new DelegationPayload(delegator!, delegatee!, request.Nonce!.Value, request.Deadline!.Value);
        if (check.Verify(signed, request.Signature) is { } unsigned)
            return new DeskOutcome.Unsigned(unsigned);
        if (await TakeQuotaAsync(delegator!, ct) is not { } taken)
            return TooMany(delegator!);
        var id = Hex.Encode(TypedDataSigner.Digest(signed, check.Domain));

        await using var session = store.LightweightSession();
        session.Events.Append(Delegation.StreamKey(delegator!),
            new DelegationChanged(delegator!, delegatee!, Format(request.Nonce.Value), (long)request.Deadline.Value, request.Signature!, check.Now));
        return await GiveBackIfAgainAsync(delegator!, taken, await SaveWithNonceAsync(session, "Delegation", delegator!, request.Nonce.Value, id, ct), ct);
    }

    /// <summary>
    /// The guardian's veto: only the configured guardian, only while the proposal waits out its timelock, always with a
    /// public reason. The proposal's stream is written with the closer's concurrency check, so a veto and an activation
    /// racing at the end of the timelock cannot both be recorded.
    /// </summary>
    public async Task<DeskOutcome> VetoAsync(VetoRequest request, CancellationToken ct)
    {
        var errors = new List<SigningError>();
        var guardian = check.CheckFields("guardian", request.Guardian, request.Nonce, request.Deadline, request.Signature,
            options.Value.MaxDeadlineAhead, errors);
        var fields = new Dictionary<string, string[]>(StringComparer.Ordinal);
        if (!Hex.TryDecode(request.ProposalId, out _, 32))
            fields["proposalId"] = ["a proposal id is a 32-byte 0x-prefixed hex string"];
        if (string.IsNullOrWhiteSpace(request.Reason) || request.Reason.Length > RequestLimits.Reason)
            fields["reason"] = [$"a veto gives its public reason, 1 to {RequestLimits.Reason} characters"];
        AddAll(fields, errors);
        if (fields.Count > 0)
            return new DeskOutcome.Malformed(fields);

        var proposalId = request.ProposalId!.ToLowerInvariant();
        var signed = new VetoPayload(guardian!, proposalId, request.Reason!, request.Nonce!.Value, request.Deadline!.Value);
        if (check.Verify(signed, request.Signature) is { } unsigned)
            return new DeskOutcome.Unsigned(unsigned);
        if (!Address.TryParse(options.Value.Guardian, out var configured) || configured != guardian)
            return new DeskOutcome.NotAllowed("guardian", string.IsNullOrEmpty(options.Value.Guardian)
                ? "this deployment has no guardian, so nobody can veto"
                : $"{guardian} is not the guardian");
        var vetoId = Hex.Encode(TypedDataSigner.Digest(signed, check.Domain));

        await using var session = store.LightweightSession();
        var stream = await session.Events.FetchForWriting<Proposal>(Proposal.StreamKey(proposalId), ct);
        if (stream.Aggregate is not { } proposal)
            return new DeskOutcome.Unknown("proposalId", $"no proposal {proposalId}");
        if (proposal.Vetoed is { } earlier && string.Equals(earlier.Signature, request.Signature, StringComparison.OrdinalIgnoreCase))
            return new DeskOutcome.Recorded(vetoId, Again: true);
        Tally tally;
        try
        {
            tally = await TallyAsync(proposal, ct);
        }
        catch (InvalidOperationException e)
        {
            return new DeskOutcome.Unavailable(e.Message);
        }
        var now = check.Now;
        if (!ProposalLifecycle.CanVeto(proposal.Timeline, tally, now, proposal.Vetoed is not null, proposal.Activated is not null))
            return new DeskOutcome.Conflict("proposalId", $"a veto is possible only while a passed proposal waits out its timelock; it is {ProposalLifecycle.StateAt(proposal.Timeline, tally, now, proposal.Vetoed is not null, proposal.Activated is not null).ToString().ToLowerInvariant()}");

        stream.AppendOne(new ProposalVetoed(proposalId, guardian!, request.Reason!, now, Format(request.Nonce.Value), (long)request.Deadline.Value, request.Signature!));
        try
        {
            return await SaveWithNonceAsync(session, "Veto", guardian!, request.Nonce.Value, vetoId, ct);
        }
        catch (ConcurrencyException)
        {
            return new DeskOutcome.Conflict("proposalId", "the proposal changed while the veto was recorded (activated at the end of its timelock); look again");
        }
    }

    /// <summary>
    /// The proposal's votes counted under its snapshot's weights: the running tally when it has counted every vote the
    /// proposal holds, otherwise counted again from the history.
    /// </summary>
    public async Task<Tally> TallyAsync(Proposal proposal, CancellationToken ct)
    {
        await using var session = store.QuerySession();
        if (await session.LoadAsync<RunningTally>(proposal.Id, ct) is { } running && running.Votes == proposal.VoteCount)
            return running.ToTally();
        return proposal.VoteCount == 0
            ? Tally.Opening(Amount(proposal.Submitted.TotalWeight), proposal.Submitted.QuorumBasisPoints)
            : await RecountAsync(session, proposal, ct);
    }

    /// <summary>
    /// The proposal's votes counted from its stream in the history, in the order they were recorded, under its snapshot's
    /// weights: what an auditor's replay computes. The closer records outcomes from this count, never from a cache.
    /// </summary>
    public async Task<Tally> RecountAsync(IQuerySession session, Proposal proposal, CancellationToken ct) =>
        Count(await session.Events.FetchStreamAsync(proposal.Id, token: ct), proposal, PowerOf(proposal, await SnapshotOfAsync(proposal, ct)));

    private static Tally Count(IReadOnlyList<JasperFx.Events.IEvent> events, Proposal proposal, VotingPower power) =>
        Tally.Count(power, proposal.Submitted.QuorumBasisPoints, events.Select(e => e.Data).OfType<VoteCast>()
            .Select(v => new CastVote(v.Voter, (VoteSupport)v.Support, v.CastAt)));

    // The running tally the next vote builds on, read in the vote's session; counted again from the stream (once) when
    // it is missing or behind.
    private static async Task<Tally> RunningTallyAsync(IDocumentSession session, Proposal proposal, long? version, VotingPower power,
        CancellationToken ct)
    {
        if (await session.LoadAsync<RunningTally>(proposal.Id, ct) is { } running && running.Votes == proposal.VoteCount)
            return running.ToTally();
        return proposal.VoteCount == 0
            ? Tally.Opening(power.Total, proposal.Submitted.QuorumBasisPoints)
            : Count(await session.Events.FetchStreamAsync(proposal.Id, version ?? 0, token: ct), proposal, power);
    }

    /// <summary>Who may vote on the proposal with how much: its snapshot's earned amounts and the delegations it recorded.</summary>
    public static VotingPower PowerOf(Proposal proposal, EpochWeights? snapshot) =>
        new(snapshot?.Earned ?? new Dictionary<string, BigInteger>(), proposal.Submitted.Delegations, proposal.Submitted.SquareRootWeighting);

    // A proposal's voting power never changes (its snapshot epoch and delegations are fixed at submission), and building
    // it walks every earner: kept for the proposals being voted on, forgotten wholesale when too many pile up.
    private VotingPower PowerFor(Proposal proposal, EpochWeights? snapshot)
    {
        if (_powers.Count > MaxCachedPowers)
            _powers.Clear();
        return _powers.GetOrAdd(proposal.ProposalId, _ => PowerOf(proposal, snapshot));
    }

    /// <summary>The earned amounts a proposal's weights come from (null when no epoch had closed).</summary>
    public async Task<EpochWeights?> SnapshotOfAsync(Proposal proposal, CancellationToken ct)
    {
        if (proposal.Submitted.SnapshotEpoch < 0)
            return null;
        var epoch = await weights.ClosedAsync(proposal.Submitted.SnapshotEpoch, ct)
            ?? throw new InvalidOperationException($"epoch {proposal.Submitted.SnapshotEpoch} is not in the history");
        return await weights.ForAsync(epoch, ct);
    }

    // After the signature check, for the signer it proves: nobody can use up someone else's allowance, and every
    // replica counts against the same allowance.
    private Task<SignerQuota.Taken?> TakeQuotaAsync(string signer, CancellationToken ct) =>
        quota.TakeAsync(QuotaScope, signer, options.Value.SignedRequestsPerSigner, options.Value.SignedRequestWindow, ct);

    private DeskOutcome.TooMany TooMany(string signer) =>
        new("signature", $"{signer} made {options.Value.SignedRequestsPerSigner} signed requests in {options.Value.SignedRequestWindow}; retry later");

    // The identical signed request again: recorded already, so it gives back the allowance it took. Votes, proposals and
    // delegations are published with their signatures; without this anyone could replay a voter's published vote until
    // the voter's allowance was gone and the voter could not vote again within the window. Given back to the window
    // it was taken in.
    private async Task<DeskOutcome> GiveBackIfAgainAsync(string signer, SignerQuota.Taken taken, DeskOutcome outcome, CancellationToken ct)
    {
        if (outcome is DeskOutcome.Recorded { Again: true })
            await quota.GiveBackAsync(QuotaScope, [signer], taken.Window, ct);
        return outcome;
    }

    private static async Task<DeskOutcome> SaveWithNonceAsync(IDocumentSession session, string type, string signer, ulong nonce, string id, CancellationToken ct)
    {
        var key = UsedNonce.KeyFor(type, signer, nonce);
        session.Insert(new UsedNonce(key, id));
        try
        {
            await session.SaveChangesAsync(ct);
            return new DeskOutcome.Recorded(id, Again: false);
        }
        catch (Exception e) when (StoreConflicts.IsDuplicate(e))
        {
            // The same signed request again is answered as before; another request with this nonce is a replay.
            await using var query = session.DocumentStore.QuerySession();
            var taken = await query.LoadAsync<UsedNonce>(key, ct);
            if (taken is null)
                throw; // the conflict was over something else the transaction stored: the caller knows what
            return taken.RecordedAs == id
                ? new DeskOutcome.Recorded(id, Again: true)
                : new DeskOutcome.Conflict("nonce", $"nonce {nonce} of {signer} is already used by another {type}");
        }
    }

    private static void AddAll(Dictionary<string, string[]> fields, List<SigningError> errors)
    {
        foreach (var error in errors)
            fields[error.Field] = [.. fields.GetValueOrDefault(error.Field) ?? [], error.Detail];
    }

    private static string Format(BigInteger value) => value.ToString(CultureInfo.InvariantCulture);

    private static BigInteger Amount(string value) => BigInteger.Parse(value, NumberStyles.None, CultureInfo.InvariantCulture);

    private static string Format(ulong value) => value.ToString(CultureInfo.InvariantCulture);
}
