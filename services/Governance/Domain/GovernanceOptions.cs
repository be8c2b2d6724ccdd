using System.ComponentModel.DataAnnotations;

namespace CommunityAI.Governance.Domain;

/// <summary>Configuration section <c>Governance</c>: only the genesis rules and the guardian; every later change is voted.</summary>
public sealed class GovernanceOptions
{
    public const string Section = "Governance";

    /// <summary><c>Production</c> (days) or <c>Development</c> (minutes): the parameters in force until a vote changes them.</summary>
    [RegularExpression("^(Production|Development)$")]
    public string Genesis { get; set; } = "Production";

    /// <summary>The guardian's address, who may veto a passed proposal during its timelock with a public reason; empty for none.</summary>
    public string Guardian { get; set; } = "";

    /// <summary>How often the closer looks for proposals whose vote or timelock ended.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:10:00")]
    public TimeSpan CloseInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>How far ahead a signature's deadline may lie.</summary>
    [Range(typeof(TimeSpan), "00:01:00", "30.00:00:00")]
    public TimeSpan MaxDeadlineAhead { get; set; } = TimeSpan.FromDays(7);

    /// <summary>Signed proposals, votes and delegations one signer may make per <see cref="SignedRequestWindow"/> (all replicas together).</summary>
    [Range(1, 1_000_000)]
    public int SignedRequestsPerSigner { get; set; } = 120;

    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan SignedRequestWindow { get; set; } = TimeSpan.FromHours(1);

    /// <summary>
    /// Quality-scoring's <c>Scoring:CommitWindow</c>, set from the same value: a scoring policy whose review window is not
    /// longer could never be honoured (sealed reviews would close after the window, leaving no time to reveal), so it is
    /// refused when proposed. Both default to 12 hours.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", "366.00:00:00")]
    public TimeSpan ScoringCommitWindow { get; set; } = TimeSpan.FromHours(12);

    public GovernanceParameters GenesisParameters => Genesis == "Development" ? GovernanceParameters.Development : GovernanceParameters.Production;
}
