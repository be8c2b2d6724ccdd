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
/// that every registration and every drawn candidate was admitted when it was recorded. Pure: fed one event at a time.
/// </summary>
internal sealed class AdmissionReplay
{
    private const string AdmissionsStream = "scoring/admissions";
    private readonly HashSet<string> _admitted = new(StringComparer.OrdinalIgnoreCase);
    private readonly Queue<(long Index, string ProposalId, string Kind, string? Validator)> _activations = new();
    private readonly List<ReplayDifference> _findings = [];
    private bool _genesis;
    private int _admissions, _removals, _registrations;

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
                Decided(e, "validator-removal");
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
