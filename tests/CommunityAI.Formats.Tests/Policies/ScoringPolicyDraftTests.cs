using System.Text.Json;
using CommunityAI.Formats.Policies;

namespace CommunityAI.Formats.Tests.Policies;

public class ScoringPolicyDraftTests
{
    private const string Valid = """
        {"version":"scoring-2","automatedWeight":30,"reviewersPerContribution":3,"quorum":2,"reviewWindowSeconds":86400,
         "clipDistance":20,"reputationStart":0.5,"reputationFloor":0.05,"reputationRate":0.2,"nearDuplicateThreshold":0.8,
         "shingleLength":5,"minHashFunctions":128,"lshBands":16,"minTextLength":32,
         "kinds":{"data":{"maxBytes":10485760,"minTextLength":0,"requireContentAddressed":false}}}
        """;

    private static readonly IReadOnlySet<string> OnRecord = new HashSet<string> { "scoring-1" };

    private static Dictionary<string, string[]> Check(string json)
    {
        using var payload = JsonDocument.Parse(json);
        var (draft, errors) = ScoringPolicyDraft.Read(payload.RootElement);
        return draft?.Validate(OnRecord) ?? errors;
    }

    [Fact]
    public void A_complete_policy_with_a_new_version_is_valid() => Assert.Empty(Check(Valid));

    [Theory]
    [InlineData("\"version\":\"scoring-2\"", "\"version\":\"scoring-1\"", "version")]
    [InlineData("\"version\":\"scoring-2\"", "\"version\":\"Scoring 2\"", "version")]
    [InlineData("\"quorum\":2", "\"quorum\":4", "quorum")]
    [InlineData("\"lshBands\":16", "\"lshBands\":15", "lshBands")]
    [InlineData("\"reputationStart\":0.5", "\"reputationStart\":0.01", "reputationStart")]
    [InlineData("\"reviewWindowSeconds\":86400", "\"reviewWindowSeconds\":0", "reviewWindowSeconds")]
    [InlineData("\"automatedWeight\":30,", "", "automatedWeight")]
    [InlineData("\"automatedWeight\":30", "\"automatedWeight\":\"30\"", "automatedWeight")]
    [InlineData("\"kinds\":{\"data\"", "\"kinds\":{\"memes\"", "kinds.memes")]
    [InlineData("\"maxBytes\":10485760", "\"maxBytes\":9007199254740992", "kinds.data.maxBytes")]
    [InlineData("\"clipDistance\":20", "\"clipDistance\":20,\"payEveryone\":true", "payEveryone")]
    [InlineData("\"minTextLength\":32,", "\"minTextLength\":32,\"auditBasisPoints\":10001,", "auditBasisPoints")]
    [InlineData("\"minTextLength\":32,", "\"minTextLength\":32,\"auditBasisPoints\":-1,", "auditBasisPoints")]
    [InlineData("\"minTextLength\":32,", "\"minTextLength\":32,\"auditBasisPoints\":\"1000\",", "auditBasisPoints")]
    [InlineData("\"minTextLength\":32,", "\"minTextLength\":32,\"leanAuditPoints\":101,", "leanAuditPoints")]
    [InlineData("\"minTextLength\":32,", "\"minTextLength\":32,\"leanAuditPoints\":-1,", "leanAuditPoints")]
    [InlineData("\"minTextLength\":32,", "\"minTextLength\":32,\"leanExclusionPoints\":101,", "leanExclusionPoints")]
    [InlineData("\"minTextLength\":32,", "\"minTextLength\":32,\"leanExclusionPoints\":-1,", "leanExclusionPoints")]
    [InlineData("\"minTextLength\":32,", "\"minTextLength\":32,\"leanExclusionPoints\":\"10\",", "leanExclusionPoints")]
    [InlineData("\"minTextLength\":32,", "\"minTextLength\":32,\"licences\":[],", "licences")]
    [InlineData("\"minTextLength\":32,", "\"minTextLength\":32,\"licences\":[\"MIT\",\"MIT\"],", "licences")]
    [InlineData("\"minTextLength\":32,", "\"minTextLength\":32,\"licences\":[\"MIT; DROP\"],", "licences")]
    [InlineData("\"minTextLength\":32,", "\"minTextLength\":32,\"licences\":[\"-MIT\"],", "licences")]
    [InlineData("\"minTextLength\":32,", "\"minTextLength\":32,\"licences\":[null],", "licences")]
    [InlineData("\"minTextLength\":32,", "\"minTextLength\":32,\"licences\":\"MIT\",", "licences")]
    [InlineData("\"minTextLength\":32,", "\"minTextLength\":32,\"licences\":[\"MIT\",1],", "licences[1]")]
    public void A_policy_quality_scoring_could_not_apply_is_refused_naming_the_member(string from, string to, string member)
    {
        var errors = Check(Valid.Replace(from, to, StringComparison.Ordinal));
        Assert.True(errors.ContainsKey(member), $"{member} not in {string.Join(", ", errors.Keys)}");
    }

    [Fact]
    public void A_licence_list_is_a_member_of_the_voted_document_up_to_its_limit()
    {
        Assert.Empty(Check(Valid.Replace("\"minTextLength\":32,", "\"minTextLength\":32,\"licences\":[\"GPL-3.0-or-later\",\"CC0-1.0\",\"LicenseRef-community.1\"],", StringComparison.Ordinal)));
        var most = string.Join(",", Enumerable.Range(0, ScoringPolicyDraft.MaxLicences).Select(i => $"\"LicenseRef-{i}\""));
        Assert.Empty(Check(Valid.Replace("\"minTextLength\":32,", $"\"minTextLength\":32,\"licences\":[{most}],", StringComparison.Ordinal)));
        Assert.Contains("licences", Check(Valid.Replace("\"minTextLength\":32,", $"\"minTextLength\":32,\"licences\":[{most},\"MIT\"],", StringComparison.Ordinal)).Keys);
        Assert.Contains("licences", Check(Valid.Replace("\"minTextLength\":32,", $"\"minTextLength\":32,\"licences\":[\"{new string('M', 65)}\"],", StringComparison.Ordinal)).Keys);
    }

    /// <summary>
    /// The audit share is a member of the voted document: any share from none to every case is accepted, and a document
    /// without it (one written before the member existed among them) reads as absent, which quality-scoring records as the
    /// default share: turning audits off takes an explicit 0 that voters read.
    /// </summary>
    [Theory]
    [InlineData(",\"auditBasisPoints\":0", 0)]
    [InlineData(",\"auditBasisPoints\":1000", 1000)]
    [InlineData(",\"auditBasisPoints\":10000", 10000)]
    [InlineData("", null)]
    public void The_audit_share_is_read_when_present_and_absent_otherwise(string member, int? share)
    {
        var json = Valid.Replace("\"minTextLength\":32,", "\"minTextLength\":32" + member + ",", StringComparison.Ordinal);
        using var payload = JsonDocument.Parse(json);
        var (draft, errors) = ScoringPolicyDraft.Read(payload.RootElement);
        Assert.Empty(errors);
        Assert.Empty(draft!.Validate(OnRecord));
        Assert.Equal(share, draft.AuditBasisPoints);
    }

    /// <summary>
    /// The lean that targets an audit is a member of the voted document too: 0 (none) to 100 points are accepted, and a
    /// document without it leaves it absent, for quality-scoring to apply the default (<see cref="ScoringPolicyDraft.DefaultLeanAuditPoints"/>).
    /// </summary>
    [Theory]
    [InlineData(",\"leanAuditPoints\":0", 0)]
    [InlineData(",\"leanAuditPoints\":10", 10)]
    [InlineData(",\"leanAuditPoints\":100", 100)]
    [InlineData("", null)]
    public void The_lean_audit_points_are_read_when_present_and_absent_otherwise(string member, int? points)
    {
        var json = Valid.Replace("\"minTextLength\":32,", "\"minTextLength\":32" + member + ",", StringComparison.Ordinal);
        using var payload = JsonDocument.Parse(json);
        var (draft, errors) = ScoringPolicyDraft.Read(payload.RootElement);
        Assert.Empty(errors);
        Assert.Empty(draft!.Validate(OnRecord));
        Assert.Equal(points, draft.LeanAuditPoints);
    }

    /// <summary>
    /// The lean past which a reviewer is no longer drawn for a contributor is a member of the voted document too: 0 (none) to
    /// 100 points are accepted, and a document without it leaves it absent, for quality-scoring to apply the default
    /// (<see cref="ScoringPolicyDraft.DefaultLeanExclusionPoints"/>).
    /// </summary>
    [Theory]
    [InlineData(",\"leanExclusionPoints\":0", 0)]
    [InlineData(",\"leanExclusionPoints\":10", 10)]
    [InlineData(",\"leanExclusionPoints\":100", 100)]
    [InlineData("", null)]
    public void The_lean_exclusion_points_are_read_when_present_and_absent_otherwise(string member, int? points)
    {
        var json = Valid.Replace("\"minTextLength\":32,", "\"minTextLength\":32" + member + ",", StringComparison.Ordinal);
        using var payload = JsonDocument.Parse(json);
        var (draft, errors) = ScoringPolicyDraft.Read(payload.RootElement);
        Assert.Empty(errors);
        Assert.Empty(draft!.Validate(OnRecord));
        Assert.Equal(points, draft.LeanExclusionPoints);
    }
}
