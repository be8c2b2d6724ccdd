using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using CommunityAI.Audit.Commands;
using CommunityAI.Audit.History;
using CommunityAI.Formats;
using CommunityAI.Formats.Signing;
using static CommunityAI.Audit.Scores.EventData;

namespace CommunityAI.Audit.Replay;

/// <summary>
/// Verifies every signature a person made that the history keeps: contributions, validator registrations, proposals, votes,
/// delegations, erasures, dataset snapshots and model registrations (reviews, review commitments and vetoes are checked by the replays that use
/// them). Each must recover, in the deployment's version-2 domain, to the address the event names; the ids that are
/// digests (a contribution's, a proposal's, a vote's) must be the digest; a proposal's body and payload must hash to what
/// was signed; an erasure must be signed by the contribution's own contributor; and no signer's nonce may be used twice
/// for one type. Without this an operator could write facts in anyone's name and every other replay would agree with them.
/// A dataset snapshot must also come from an admitted builder (<c>contributions/builders</c>), a builder admitted or
/// removed by governance must follow an activated <c>dataset-builder-admission</c> or <c>dataset-builder-removal</c>
/// naming it, and an address a vote removed may not be admitted by configuration until an admission vote; histories from before admissions were
/// recorded (no admission at all yet) are not held to that. Pure: fed one event at a time, in log order.
/// </summary>
internal sealed class SignatureReplay(SigningDomain domain) : IReplay
{
    public string Name => "signatures";

    IReplaySection IReplay.Finish() => Finish();

    private readonly Dictionary<string, int> _verified = new(StringComparer.Ordinal);
    private readonly Dictionary<(string Type, string Signer, string Nonce), long> _nonces = [];
    private readonly Dictionary<string, string> _contributors = new(StringComparer.OrdinalIgnoreCase);
    private readonly List<ReplayDifference> _findings = [];
    private readonly List<Pending> _pending = [];
    private readonly HashSet<string> _builders = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, (string Kind, string Builder)> _builderVotes = new(StringComparer.OrdinalIgnoreCase);
    // Addresses a removal vote barred: the setting may not admit them again, only an admission vote.
    private readonly Dictionary<string, string> _barred = new(StringComparer.OrdinalIgnoreCase);
    private bool _buildersRecorded;
    private const string BuilderStream = "contributions/builders", BuilderAdmissionKind = "dataset-builder-admission",
        BuilderRemovalKind = "dataset-builder-removal";
    private const int Batch = 4096;
    private const string SnapshotStreams = "contributions/datasets/", ModelStreams = "contributions/models/";
    private readonly HashSet<string> _snapshots = new(StringComparer.OrdinalIgnoreCase);

    public void Add(LogEvent e)
    {
        var d = e.Data;
        switch (Normalize(e.Type))
        {
            case "contributionsubmitted" when e.Stream.StartsWith("contributions/", StringComparison.Ordinal):
                Check(e, "contribution", Text(d, "contributor"), Text(d, "contributionId"), (nonce, deadline) =>
                    new ContributionPayload(Text(d, "contributor")!, Text(d, "kind") ?? "", Text(d, "contentHash") ?? "",
                        Text(d, "contentUri") ?? "", Text(d, "licence") ?? "", nonce, deadline));
                if (Text(d, "contributionId") is { } id && Text(d, "contributor") is { } contributor)
                    _contributors.TryAdd(id, contributor);
                break;
            case "validatorregistered" when e.Stream.StartsWith("scoring/validators/", StringComparison.Ordinal):
                Check(e, "registration", Text(d, "validator"), null, (nonce, deadline) =>
                    new ValidatorRegistrationPayload(Text(d, "validator")!, nonce, deadline));
                break;
            case "proposalsubmitted" when e.Stream.StartsWith("governance/", StringComparison.Ordinal):
                CheckHash(e, "proposal body", Text(d, "body"), Text(d, "bodyHash"));
                CheckHash(e, "proposal payload", Text(d, "payload"), Text(d, "payloadHash"));
                Check(e, "proposal", Text(d, "proposer"), Text(d, "proposalId"), (nonce, deadline) =>
                    new ProposalPayload(Text(d, "proposer")!, Text(d, "kind") ?? "", Text(d, "title") ?? "", Text(d, "bodyHash") ?? "",
                        Text(d, "payloadHash") ?? "", nonce, deadline));
                break;
            case "votecast" when e.Stream.StartsWith("governance/", StringComparison.Ordinal):
                Check(e, "vote", Text(d, "voter"), Text(d, "voteId"), (nonce, deadline) => Int(d, "support") is int support and >= 0 and <= byte.MaxValue
                    ? new VotePayload(Text(d, "voter")!, Text(d, "proposalId") ?? "", (byte)support, Text(d, "reason") ?? "", nonce, deadline)
                    : null);
                break;
            case "delegationchanged" when e.Stream.StartsWith("governance/", StringComparison.Ordinal):
                Check(e, "delegation", Text(d, "delegator"), null, (nonce, deadline) =>
                    new DelegationPayload(Text(d, "delegator")!, Text(d, "delegatee") ?? "", nonce, deadline));
                break;
            case "contributionerased" when e.Stream.StartsWith("contributions/", StringComparison.Ordinal):
                CheckErasedBy(e, Text(d, "contributionId"), Text(d, "contributor"));
                Check(e, "erasure", Text(d, "contributor"), null, (nonce, deadline) =>
                    new ErasurePayload(Text(d, "contributor")!, Text(d, "contributionId") ?? "", nonce, deadline));
                break;
            case "policyactivated" when e.Stream.StartsWith("governance/", StringComparison.Ordinal) && Text(d, "kind") is BuilderAdmissionKind or BuilderRemovalKind:
                if (Text(d, "proposalId") is { } proposal && CommunityAI.Formats.Policies.ProposalPayloads.AddressOf(Text(d, "payload"), "builder") is { } voted)
                    _builderVotes[proposal] = (Text(d, "kind")!, voted);
                break;
            case "datasetbuilderadmitted" when e.Stream == BuilderStream:
                _buildersRecorded = true;
                if (Text(d, "builder") is not { } admitted)
                    break;
                if (Text(d, "by") == "governance")
                {
                    if (!Voted(Text(d, "proposalId"), BuilderAdmissionKind, admitted))
                        Find(e.Index, "dataset builder", $"{admitted} is recorded as admitted by proposal {Text(d, "proposalId") ?? "(none)"}, but no activated {BuilderAdmissionKind} for it precedes");
                    _barred.Remove(admitted);
                }
                else if (_barred.TryGetValue(admitted, out var barredBy))
                    Find(e.Index, "dataset builder", $"{admitted} is recorded as admitted by configuration, but proposal {barredBy} removed it and no admission vote followed");
                _builders.Add(admitted);
                break;
            case "datasetbuilderremoved" when e.Stream == BuilderStream:
                if (Text(d, "builder") is not { } removed)
                    break;
                _builders.Remove(removed);
                if (Text(d, "by") == "governance")
                {
                    if (!Voted(Text(d, "proposalId"), BuilderRemovalKind, removed))
                        Find(e.Index, "dataset builder", $"{removed} is recorded as removed by proposal {Text(d, "proposalId") ?? "(none)"}, but no activated {BuilderRemovalKind} for it precedes");
                    _barred[removed] = Text(d, "proposalId") ?? "(none)";
                }
                break;
            case "datasetsnapshotted" when e.Stream.StartsWith("contributions/", StringComparison.Ordinal):
                if (e.Stream.StartsWith(SnapshotStreams, StringComparison.Ordinal))
                    _snapshots.Add(e.Stream[SnapshotStreams.Length..]);
                if (_buildersRecorded && Text(d, "builder") is { } builder && !_builders.Contains(builder))
                    Find(e.Index, "dataset builder", $"the snapshot's builder {builder} is not an admitted dataset builder at this point of the history");
                Check(e, "dataset snapshot", Text(d, "builder"), null, (nonce, deadline) => Int(d, "minScore") is int minScore and >= 0 and <= ushort.MaxValue
                    ? new DatasetSnapshotPayload(Text(d, "builder")!, Text(d, "kind") ?? "", (ushort)minScore, Text(d, "licences") ?? "", nonce, deadline)
                    : null);
                break;
            case "modelregistered" when e.Stream.StartsWith("contributions/", StringComparison.Ordinal):
                CheckModel(e);
                break;
        }
    }

    /// <summary>
    /// A model registration: in the stream its id names, by a builder admitted at that point, on a snapshot recorded before
    /// it, and signed (its id the signed digest), so nobody can credit a model to a builder or a snapshot after the fact.
    /// </summary>
    private void CheckModel(LogEvent e)
    {
        var d = e.Data;
        var id = Text(d, "modelId");
        if (id is null || !string.Equals(e.Stream, ModelStreams + id, StringComparison.OrdinalIgnoreCase))
            Find(e.Index, "model registration", $"{e.Describe()}: its modelId does not name its stream");
        if (_buildersRecorded && Text(d, "builder") is { } builder && !_builders.Contains(builder))
            Find(e.Index, "dataset builder", $"the model's builder {builder} is not an admitted dataset builder at this point of the history");
        if (Text(d, "snapshotRoot") is not { } root || !_snapshots.Contains(root))
            Find(e.Index, "model snapshot", $"model {id ?? "(none)"} names snapshot {Text(d, "snapshotRoot") ?? "(none)"}, which the history does not hold before it");
        Check(e, "model registration", Text(d, "builder"), id, (nonce, deadline) =>
            new ModelRegistrationPayload(Text(d, "builder")!, Text(d, "snapshotRoot") ?? "", Text(d, "name") ?? "", Text(d, "weightsUri") ?? "",
                Text(d, "weightsHash") ?? "", nonce, deadline));
    }

    /// <summary>Whether an activated proposal of <paramref name="kind"/> naming <paramref name="builder"/> precedes, as <paramref name="proposal"/>.</summary>
    private bool Voted(string? proposal, string kind, string builder) =>
        proposal is not null && _builderVotes.TryGetValue(proposal, out var vote) && vote.Kind == kind
        && string.Equals(vote.Builder, builder, StringComparison.OrdinalIgnoreCase);

    public SignatureReplayResult Finish()
    {
        RecoverPending();
        return new(new SortedDictionary<string, int>(_verified, StringComparer.Ordinal), [.. _findings.OrderBy(f => f.Index)]);
    }

    /// <summary>
    /// Recovers the signer of the message <paramref name="build"/> makes from the event and compares it with the
    /// <paramref name="claimed"/> address; when <paramref name="id"/> is given it must be the message's digest.
    /// </summary>
    private void Check(LogEvent e, string what, string? claimed, string? id, Func<ulong, ulong, ISignedMessage?> build)
    {
        var nonceText = Text(e.Data, "nonce");
        if (claimed is null || !ulong.TryParse(nonceText, NumberStyles.None, CultureInfo.InvariantCulture, out var nonce)
            || Long(e.Data, "deadline") is not { } deadline || deadline < 0)
        {
            Find(e.Index, what + " signature", $"the {what} names no signer, nonce or deadline, so it cannot have been signed");
            return;
        }
        byte[] digest;
        try
        {
            if (build(nonce, (ulong)deadline) is not { } message)
            {
                Find(e.Index, what + " signature", $"the {what} of {claimed} holds a value no signed message can carry");
                return;
            }
            digest = TypedDataSigner.Digest(message, domain);
        }
        catch (ArgumentException)
        {
            // An address, hash or id that cannot be encoded: nobody can have signed it.
            Find(e.Index, what + " signature", $"the {what} of {claimed} holds a value no signed message can carry");
            return;
        }
        var key = (what, claimed.ToLowerInvariant(), nonceText!);
        if (_nonces.TryGetValue(key, out var first))
            Find(e.Index, "nonce reused", $"{claimed} used nonce {nonceText} for a {what} twice (first at log index {first.ToString(CultureInfo.InvariantCulture)}): a replayed request was recorded");
        else
            _nonces[key] = e.Index;
        _pending.Add(new Pending(e.Index, what, claimed, id, digest, Text(e.Data, "signature")));
        if (_pending.Count == Batch)
            RecoverPending();
    }

    /// <summary>
    /// Recovers the batch's signers on every core: recovery is most of the replay's time on a history of signed facts,
    /// and each one depends on nothing but its own digest and signature.
    /// </summary>
    private void RecoverPending()
    {
        var signers = new string?[_pending.Count];
        Parallel.For(0, _pending.Count, i => signers[i] = TypedDataSigner.RecoverSigner(_pending[i].Digest, _pending[i].Signature));
        for (var i = 0; i < _pending.Count; i++)
        {
            var (index, what, claimed, id, digest, _) = _pending[i];
            if (signers[i] is not { } signer || !string.Equals(signer, claimed, StringComparison.OrdinalIgnoreCase))
                Find(index, what + " signature", $"the {what} of {claimed} recovers to {signers[i] ?? "no address"} in the domain of chain {domain.ChainId} and contract {domain.VerifyingContract}");
            else if (id is not null && !string.Equals(id, Hex.Encode(digest), StringComparison.OrdinalIgnoreCase))
                Find(index, what + " id", $"the {what} of {claimed} is recorded as {id}, its signed digest is {Hex.Encode(digest)}");
            else
                _verified[what] = _verified.GetValueOrDefault(what) + 1;
        }
        _pending.Clear();
    }

    private void CheckHash(LogEvent e, string what, string? text, string? recorded)
    {
        if (text is null || recorded is null
            || !string.Equals(Hex.Encode(SHA256.HashData(Encoding.UTF8.GetBytes(text))), recorded, StringComparison.OrdinalIgnoreCase))
            Find(e.Index, what, $"the {what} does not hash to the {what.Split(' ')[1]}Hash that was signed");
    }

    private void CheckErasedBy(LogEvent e, string? contributionId, string? contributor)
    {
        if (contributionId is null || !_contributors.TryGetValue(contributionId, out var owner))
            Find(e.Index, "erasure", $"contribution {contributionId ?? "(none)"} is erased but was never submitted");
        else if (!string.Equals(owner, contributor, StringComparison.OrdinalIgnoreCase))
            Find(e.Index, "erasure", $"contribution {contributionId} of {owner} is erased in the name of {contributor ?? "nobody"}");
    }

    private void Find(long index, string what, string detail) => _findings.Add(new ReplayDifference(index, what, detail));

    private sealed record Pending(long Index, string What, string Claimed, string? Id, byte[] Digest, string? Signature);
}

/// <param name="Verified">Signatures that recovered to their signer, per kind of signed message.</param>
internal sealed record SignatureReplayResult(IReadOnlyDictionary<string, int> Verified, IReadOnlyList<ReplayDifference> Findings) : IReplaySection
{
    /// <inheritdoc/>
    public void Print(AuditConsole console)
    {
        console.Table("signatures verified", ["signed message", "verified"],
            Verified.Select(v => new[] { v.Key, v.Value.ToString(CultureInfo.InvariantCulture) }));
        console.Findings("signature findings", Findings);
    }
}
