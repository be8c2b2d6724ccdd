using System.Globalization;

namespace CommunityAI.QualityScoring.Domain;

/// <summary>
/// How many cases a validator was drawn for in one epoch (id = "{epoch}/{validator}"), kept only while a cap is set
/// (<see cref="ScoringOptions.MaxReviewsPerValidatorPerEpoch"/>) and written with the assignment that counts.
/// </summary>
public sealed record ReviewLoad(string Id, string Validator, long Epoch, int Assigned)
{
    public static string IdFor(long epoch, string validator) => epoch.ToString(CultureInfo.InvariantCulture) + "/" + validator;

    public static ReviewLoad For(long epoch, string validator, int assigned) => new(IdFor(epoch, validator), validator, epoch, assigned);
}
