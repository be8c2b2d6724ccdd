using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using CommunityAI.Formats;

namespace CommunityAI.QualityScoring.Domain;

/// <summary>
/// Which reviewed cases get an audit round (rule in <see cref="Contracts.AppealFiled"/>, role <c>audit</c>): a case whose
/// first round closed on a consensus is audited when the first 8 bytes of seed = SHA-256(secret ‖ auditId bytes), as a
/// big-endian unsigned integer, modulo 10,000 are below the policy's <c>AuditBasisPoints</c>. The secret is the one of the
/// assignment round in progress when the score was recorded (the number of <c>AssignmentSeedRevealed</c> before
/// <c>ContributionScored</c>), and auditId = SHA-256("audit" ‖ contributionId bytes). The same seed then draws the audit's
/// panel (<see cref="AppealDecision.Panel"/> with the audit id as the appeal id), so one public number decides both.
/// </summary>
/// <remarks>
/// Not the case's own assignment seed: that one is public from the moment the reviewers are drawn, so reviewers who know
/// a case will not be audited could inflate exactly those. The round in progress at the close has its secret committed
/// before the round began and revealed only after it ends, after every commitment of the case: nobody who reviews, nor
/// the contributor, can know the draw; the operator, committed to the secret in advance, can at most delay a close into
/// the next round (the residual choice appeals have too). Pure, so an auditor's recomputation is this very code.
/// </remarks>
public static class AuditDraw
{
    /// <summary>The policy share in basis points of a policy recorded before audit rounds: none.</summary>
    public const int None = 0;

    private static readonly byte[] Domain = Encoding.ASCII.GetBytes("audit");

    /// <summary>The audit round's appeal id, 0x-hex: SHA-256("audit" ‖ contributionId bytes).</summary>
    public static string AppealIdFor(string contributionId)
    {
        Span<byte> input = stackalloc byte[Domain.Length + 32];
        Domain.CopyTo(input);
        Hex.Decode(contributionId, 32).CopyTo(input[Domain.Length..]);
        return Hex.Encode(SHA256.HashData(input));
    }

    /// <summary>True when the case is drawn for an audit under a policy auditing <paramref name="basisPoints"/> of 10,000.</summary>
    public static bool Drawn(string secret, string contributionId, int basisPoints) =>
        basisPoints > 0 && Ticket(AssignmentSeed.For(secret, AppealIdFor(contributionId))) < (ulong)basisPoints;

    /// <summary>The draw's ticket, 0–9,999, from an audit seed.</summary>
    public static ulong Ticket(ReadOnlySpan<byte> seed) => BinaryPrimitives.ReadUInt64BigEndian(seed) % 10_000;
}
