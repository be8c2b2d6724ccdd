using System.ComponentModel.DataAnnotations;

namespace CommunityAI.Contributions.Datasets;

/// <summary>Who may build datasets and how big a snapshot may be, from configuration section "Datasets".</summary>
public sealed class DatasetOptions
{
    public const string Section = "Datasets";

    /// <summary>
    /// Addresses the operator admits as dataset builders (the community model's, say). Recorded in the history at every
    /// start (<see cref="DatasetBuilders"/>), beside the builders governance's <c>dataset-builder-admission</c> votes admit;
    /// an address taken out of the setting is recorded as removed, unless a vote admitted it.
    /// </summary>
    public string[] Builders { get; set; } = [];

    /// <summary>Longest kind accepted in the criteria.</summary>
    [Range(1, 256)]
    public int MaxKindLength { get; set; } = 64;

    /// <summary>Longest licences string accepted in the criteria (comma-separated SPDX identifiers).</summary>
    [Range(8, 4096)]
    public int MaxLicencesLength { get; set; } = 512;

    /// <summary>Most licences one snapshot may allow.</summary>
    [Range(1, 64)]
    public int MaxLicences { get; set; } = 16;

    /// <summary>
    /// Most contributions one snapshot may hold. Its event lists every member (about 170 bytes each, so 1.7 MB at the
    /// default) and the community model trains on one snapshot, so this is also how much labelled data a round can use;
    /// at 1,000 the model stopped learning once the community had contributed that many examples.
    /// </summary>
    [Range(1, 100_000)]
    public int MaxMembers { get; set; } = 10_000;

    /// <summary>Most contributions one multiproof request may name: a bigger set is cheaper proven by the snapshot itself.</summary>
    [Range(1, 100_000)]
    public int MaxMultiProofMembers { get; set; } = 1000;
}
