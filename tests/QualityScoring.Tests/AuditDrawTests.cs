using System.Security.Cryptography;
using CommunityAI.Formats;
using CommunityAI.QualityScoring.Domain;

namespace CommunityAI.QualityScoring.Tests;

/// <summary>The audit draw (rule in AppealFiled, role <c>audit</c>): a vector an outside implementation must reproduce, and its share.</summary>
public sealed class AuditDrawTests
{
    private static readonly string Secret = "0x" + new string('1', 64);
    private static readonly string Id = "0x" + new string('2', 64);

    /// <summary>Computed outside .NET (Python's hashlib): auditId = SHA-256("audit" ‖ id), seed = SHA-256(secret ‖ auditId), ticket = first 8 bytes mod 10,000.</summary>
    [Fact]
    public void The_audit_id_seed_and_ticket_follow_the_published_rule()
    {
        Assert.Equal("0x618f0e9dcd6c4ec3b25c73fb85dbdc10d4538c3de9b83b7435fcf09674ec3459", AuditDraw.AppealIdFor(Id));
        var seed = AssignmentSeed.For(Secret, AuditDraw.AppealIdFor(Id));
        Assert.Equal("0xef6e24c7fa025d1e2dc598aa67978c66dd4f263077076461015aa35c6556680a", Hex.Encode(seed));
        Assert.Equal(9614UL, AuditDraw.Ticket(seed));
        Assert.True(AuditDraw.Drawn(Secret, Id, 9615));
        Assert.False(AuditDraw.Drawn(Secret, Id, 9614));
    }

    /// <summary>Not the case's own assignment seed, which is public as soon as its reviewers are drawn.</summary>
    [Fact]
    public void The_draw_is_not_the_first_rounds_seed() =>
        Assert.NotEqual(Hex.Encode(AssignmentSeed.For(Secret, Id)), Hex.Encode(AssignmentSeed.For(Secret, AuditDraw.AppealIdFor(Id))));

    [Fact]
    public void No_share_audits_nothing_a_whole_share_audits_everything_and_a_tenth_about_a_tenth()
    {
        var ids = Enumerable.Range(0, 4_000).Select(_ => Hex.Encode(RandomNumberGenerator.GetBytes(32))).ToList();
        Assert.DoesNotContain(ids, id => AuditDraw.Drawn(Secret, id, 0));
        Assert.All(ids, id => Assert.True(AuditDraw.Drawn(Secret, id, 10_000)));
        var drawn = ids.Count(id => AuditDraw.Drawn(Secret, id, 1_000));
        // 400 expected, standard deviation 19: five of them either side.
        Assert.InRange(drawn, 305, 495);
    }
}
