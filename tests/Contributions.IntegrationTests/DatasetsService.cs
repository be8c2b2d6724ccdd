using CommunityAI.Testing;

namespace Contributions.IntegrationTests;

/// <summary>The service with one admitted dataset builder, and a licence per test so each test selects only its own contributions.</summary>
public sealed class DatasetsService : ContributionsService
{
    public const int Builder = 5;

    public static readonly string[] Licences = ["DS-A-1.0", "DS-B-1.0", "DS-C-1.0", "DS-D-1.0", "DS-E-1.0", "DS-F-1.0", "DS-G-1.0", "DS-H-1.0", "DS-I-1.0"];

    /// <summary>A small multiproof bound, so "exactly the maximum" and "one more" are cheap to send.</summary>
    public const int MaxMultiProofMembers = 5;

    /// <summary>A small snapshot bound, so a selection one over it is cheap to make; each test's own selection stays under it.</summary>
    public const int MaxMembers = 8;

    protected override IEnumerable<KeyValuePair<string, string>> ExtraSettings =>
        new Dictionary<string, string>
        {
            ["Datasets:Builders:0"] = AnvilNode.DevAddresses[Builder],
            ["Datasets:MaxMultiProofMembers"] = MaxMultiProofMembers.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Datasets:MaxMembers"] = MaxMembers.ToString(System.Globalization.CultureInfo.InvariantCulture),
        }
            .Concat(Licences.Select((l, i) => KeyValuePair.Create($"Intake:Licences:{i}", l)));
}
