using System.Text.Json;
using CommunityAI.Audit.History;
using CommunityAI.Audit.Replay;
using CommunityAI.Formats.Signing;
using static CommunityAI.Audit.Scores.EventData;

namespace CommunityAI.Audit.Scores;

/// <summary>
/// Recomputes who is an admitted validator from the history alone (rule of ValidatorAdmitted): the genesis set of
/// scoring/admissions, then every validator-admission and validator-removal activation in governance's streams, applied
/// in log order. Checks that quality-scoring recorded exactly the admissions and removals those activations decide, and
/// that every registration and every drawn candidate was admitted when it was recorded. Automatic removals are recomputed
/// from the recorded reputation changes: a validator at its policy's reputation floor after the genesis number of
/// consecutive changes is removed (reason <c>reputation</c>), and only then. Pure: fed one event at a time.
/// </summary>
internal sealed class AdmissionReplay
{
    private const string AdmissionsStream = "scoring/admissions";
    private readonly HashSet<string> _admitted = new(StringComparer.OrdinalIgnoreCase);
    private readonly Queue<(long Index, string ProposalId, string Kind, string? Validator)> _activations = new();
    private readonly List<ReplayDifference> _findings = [];
    private readonly Dictionary<string, decimal> _floors = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (int Streak, long Index)> _atFloor = new(StringComparer.OrdinalIgnoreCase);
    private bool _genesis;
    private int _admissions, _removals, _registrations, _removalRounds;

    /// <summary>Whether admission is in force (a genesis set is on record); before it, anyone could register.</summary>
    public bool InForce => _genesis;

    public bool IsAdmitted(string validator) => !_genesis || _admitted.Contains(validator);

    public int Admitted => _admitted.Count;
    public int Admissions => _admissions;
    public int Removals => _removals;
    public int Registrations => _registrations;
    /// <summary>Activations recorded after the last admission event: applied or not yet, nobody can tell until the next one.</summary>
    public int Pending => _activations.Count;
    public IReadOnlyList<ReplayDifference> Findings => _findings;

    /// <summary>Ends the replay: a validator still admitted after the removal streak should have been removed.</summary>
    public void Finish()
    {
        if (_removalRounds <= 0)
            return;
        foreach (var (validator, (streak, index)) in _atFloor.Where(v => v.Value.Streak >= _removalRounds && _admitted.Contains(v.Key)))
            Find(index, "not removed", $"{validator} was at the reputation floor for {streak} consecutive changes and is still admitted (removal after {_removalRounds})");
    }

    public void Add(LogEvent e)
    {
        switch (Normalize(e.Type))
        {
            case "genesisvalidatorsrecorded":
                if (e.Stream != AdmissionsStream || _genesis)
                {
                    Find(e.Index, "genesis validators", $"{e.Describe()}: the genesis set is recorded once, first in {AdmissionsStream}");
                    return;
                }
                _genesis = true;
                _removalRounds = Int(e.Data, "removalAfterFloorRounds") ?? 0;
                foreach (var v in Array(e.Data, "validators") ?? [])
                    if (v.ValueKind == JsonValueKind.String && Address.TryParse(v.GetString(), out var address))
                        _admitted.Add(address);
                    else
                        Find(e.Index, "genesis validators", $"{e.Describe()}: {v} is not an address");
                break;
            case "policyactivated":
                if (e.Stream.StartsWith("governance/", StringComparison.Ordinal)
                    && Text(e.Data, "kind") is "validator-admission" or "validator-removal" && Text(e.Data, "proposalId") is { } proposalId)
                    _activations.Enqueue((e.Index, proposalId, Text(e.Data, "kind")!, Subject(Text(e.Data, "payload"))));
                break;
            case "validatoradmitted":
                Decided(e, "validator-admission");
                break;
            case "validatorremoved":
                if (Text(e.Data, "reason") == "reputation")
                    RemovedForReputation(e);
                else
                    Decided(e, "validator-removal");
                break;
            case "scoringpolicypublished":
                if (Text(e.Data, "version") is { } version && Decimal(e.Data, "reputationFloor") is { } floor)
                    _floors.TryAdd(version, floor);
                break;
            case "reputationchanged":
                if (Text(e.Data, "validator") is { } moved && Decimal(e.Data, "next") is { } next
                    && Text(e.Data, "policyVersion") is { } policy && _floors.TryGetValue(policy, out var policyFloor))
                    _atFloor[moved] = next <= policyFloor ? (_atFloor.GetValueOrDefault(moved).Streak + 1, e.Index) : (0, e.Index);
                break;
            case "validatorregistered":
                _registrations++;
                if (Text(e.Data, "validator") is { } registered && !IsAdmitted(registered))
                    Find(e.Index, "registration not admitted", $"{registered} registered at a time it was not admitted");
                break;
        }
    }

    /// <summary>
    /// An admission event names its proposal. The follower applies activations in log order, so every activation before
    /// that one was applied already: each of them must have changed nothing at its turn, and this one exactly this.
    /// </summary>
    private void Decided(LogEvent e, string kind)
    {
        if (e.Stream != AdmissionsStream || Text(e.Data, "validator") is not { } validator)
        {
            Find(e.Index, "malformed admission", $"{e.Describe()}: an admission or removal names a validator, in {AdmissionsStream}");
            return;
        }
        var proposalId = Text(e.Data, "proposalId");
        if (proposalId is null)
        {
            Find(e.Index, "admission without decision", $"{e.Describe()}: {validator} names no proposal");
            return;
        }
        if (!_activations.Any(a => string.Equals(a.ProposalId, proposalId, StringComparison.OrdinalIgnoreCase)))
        {
            Find(e.Index, "admission without decision", $"{validator}: no {kind} activation of proposal {proposalId} in governance's streams precedes it");
            return;
        }
        while (_activations.TryDequeue(out var activation))
        {
            var change = Change(activation.Kind, activation.Validator);
            if (string.Equals(activation.ProposalId, proposalId, StringComparison.OrdinalIgnoreCase))
            {
                if (activation.Kind != kind || !string.Equals(activation.Validator, validator, StringComparison.OrdinalIgnoreCase) || !change)
                    Find(e.Index, "admission", $"proposal {proposalId} ({activation.Kind} of {activation.Validator ?? "nobody"}) decides no {kind} of {validator} here");
                else
                    Apply(kind, validator);
                return;
            }
            if (change)
                Find(e.Index, "activation not applied", $"proposal {activation.ProposalId} at log index {activation.Index} ({activation.Kind} of {activation.Validator}) was skipped");
        }
    }

    private void RemovedForReputation(LogEvent e)
    {
        if (Text(e.Data, "validator") is not { } validator)
        {
            Find(e.Index, "malformed admission", $"{e.Describe()}: a removal names a validator");
            return;
        }
        var streak = _atFloor.GetValueOrDefault(validator).Streak;
        if (_removalRounds <= 0 || streak < _removalRounds || !_admitted.Contains(validator))
            Find(e.Index, "removal by reputation", $"{validator} is removed for its reputation after {streak} consecutive changes at the floor (removal after {_removalRounds}, admitted: {_admitted.Contains(validator)})");
        Apply("validator-removal", validator);
    }

    private bool Change(string kind, string? validator) =>
        validator is not null && (kind == "validator-admission" ? !_admitted.Contains(validator) : _admitted.Contains(validator));

    private void Apply(string kind, string validator)
    {
        if (kind == "validator-admission")
        {
            _admitted.Add(validator);
            _admissions++;
        }
        else
        {
            _admitted.Remove(validator);
            _removals++;
        }
    }

    private static string? Subject(string? payload)
    {
        if (payload is null)
            return null;
        try
        {
            using var document = JsonDocument.Parse(payload);
            return Text(document.RootElement, "validator") is { } v && Address.TryParse(v, out var address) ? address : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private void Find(long index, string what, string detail) => _findings.Add(new ReplayDifference(index, what, detail));
}
