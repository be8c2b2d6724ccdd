using System.Globalization;
using CommunityAI.Audit.Commands;
using CommunityAI.Audit.History;
using CommunityAI.Audit.Replay;
using static CommunityAI.Audit.Scores.EventData;

namespace CommunityAI.Audit.Policies;

/// <summary>
/// Checks every contribution's licence against the list the community voted: the <c>licences</c> of the newest scoring
/// policy quality-scoring recorded (<c>scoring/policies</c>) before the contribution. A policy that names none leaves the
/// contributions service's configured genesis list in force, which is not in the history, so those contributions are only
/// counted. Pure: fed one event at a time, in log order.
/// </summary>
/// <remarks>
/// The intake reads the list at most a few seconds late (it keeps it for five), so a contribution recorded within
/// <see cref="Grace"/> of a change may carry a licence of the list before it; past that, a licence the list in force does
/// not allow is the finding <c>licence not allowed</c>.
/// </remarks>
internal sealed class LicenceReplay : IReplay
{
    public static readonly TimeSpan Grace = TimeSpan.FromMinutes(1);

    public string Name => "licences";

    private const string PolicyStream = "scoring/policies";

    private (string Version, IReadOnlySet<string>? Licences, DateTimeOffset? At)? _current;
    private IReadOnlySet<string>? _before; // the list the newest policy replaced (null: the configured one)
    private int _checked, _configured, _withinGrace;
    private readonly List<ReplayDifference> _findings = [];

    public void Add(LogEvent e)
    {
        switch (Normalize(e.Type))
        {
            case "scoringpolicypublished" when e.Stream == PolicyStream:
                _before = _current?.Licences;
                var licences = Array(e.Data, "licences")?.Select(l => l.ValueKind == System.Text.Json.JsonValueKind.String ? l.GetString()! : "").ToHashSet(StringComparer.Ordinal);
                _current = (Text(e.Data, "version") ?? "?", licences, At(e, "publishedAt"));
                break;
            case "contributionsubmitted" when e.Stream.StartsWith("contributions/", StringComparison.Ordinal):
                Check(e);
                break;
        }
    }

    private void Check(LogEvent e)
    {
        if (_current is not { Licences: { } allowed } policy)
        {
            _configured++;
            return;
        }
        _checked++;
        var licence = Text(e.Data, "licence") ?? "";
        if (allowed.Contains(licence))
            return;
        var recentChange = policy.At is { } changed && At(e, "submittedAt") is { } submitted && submitted - changed < Grace;
        if (recentChange && (_before is null || _before.Contains(licence)))
        {
            _withinGrace++;
            return;
        }
        _findings.Add(new ReplayDifference(e.Index, "licence not allowed",
            $"contribution {Text(e.Data, "contributionId")} carries licence '{licence}', which scoring policy {policy.Version} in force does not allow ({string.Join(", ", allowed.Order(StringComparer.Ordinal))})"));
    }

    private static DateTimeOffset? At(LogEvent e, string member) =>
        Text(e.Data, member) is { } text && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.None, out var at) ? at : null;

    public IReplaySection Finish() => new LicenceReplayResult(_checked, _configured, _withinGrace, _findings);
}

/// <summary>What checking the licences found.</summary>
/// <param name="Checked">Contributions submitted under a voted licence list.</param>
/// <param name="UnderConfiguredList">Contributions submitted while no policy named one (the configured genesis list, not in the history).</param>
/// <param name="WithinGrace">Contributions allowed by the list before a change, recorded within a minute of it.</param>
internal sealed record LicenceReplayResult(int Checked, int UnderConfiguredList, int WithinGrace, IReadOnlyList<ReplayDifference> Findings) : IReplaySection
{
    /// <inheritdoc/>
    public void Print(AuditConsole console)
    {
        string I(int n) => n.ToString(CultureInfo.InvariantCulture);
        console.Table("licences", ["checked against a voted list", "under the configured list", "within a change's grace", "findings"],
            [[I(Checked), I(UnderConfiguredList), I(WithinGrace), I(Findings.Count)]]);
        console.Findings("licence findings", Findings);
    }
}
