namespace CommunityAI.QualityScoring.Domain;

/// <summary>How far <c>AdmissionFollower</c> has read governance's history: every activation at or below <see cref="Sequence"/> is applied.</summary>
public sealed record AdmissionFeedCheckpoint(string Id, long Sequence)
{
    public const string Key = "admissions";
}
