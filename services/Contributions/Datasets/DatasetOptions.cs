using System.ComponentModel.DataAnnotations;

namespace CommunityAI.Contributions.Datasets;

/// <summary>Who may build datasets and how big a snapshot may be, from configuration section "Datasets".</summary>
public sealed class DatasetOptions
{
    public const string Section = "Datasets";

    /// <summary>
    /// Addresses admitted as dataset builders. Configuration for now; governance's <c>dataset-builder-admission</c>
    /// proposal kind is to own this list as history events, as it owns the other policies.
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

    /// <summary>Most contributions one snapshot may hold: an export returns all their content in one answer.</summary>
    [Range(1, 100_000)]
    public int MaxMembers { get; set; } = 1000;

    /// <summary>Whether <paramref name="address"/> (EIP-55 or any case) is an admitted builder.</summary>
    public bool Admits(string address) => Builders.Any(b => string.Equals(b.Trim(), address, StringComparison.OrdinalIgnoreCase));
}
