using CommunityAI.Contributions.Domain;
using CommunityAI.Contributions.Infrastructure;

namespace CommunityAI.Contributions.IntegrationEvents.EventHandling;

/// <summary>
/// How a refused partner command is told in its <c>ContributionRejected</c>: the field, the rule and the HTTP status the
/// same contribution gets over HTTP. One mapping for the single and the batch command.
/// </summary>
public static class PartnerRefusal
{
    /// <summary>The signer has used its allowance (<c>RateLimits:PerContributor</c> per window), as HTTP's 429.</summary>
    public static readonly (string Field, string Reason, int Status) OverQuota =
        ("contributor", "too many submissions for this contributor address; retry later", StatusCodes.Status429TooManyRequests);

    /// <summary>The refusal of a decision, or null when the decision accepts.</summary>
    public static (string Field, string Reason, int Status)? Of(IntakeDecision decision) => decision switch
    {
        // One field per rejection: the first in ordinal order, as the problem's errors list them.
        IntakeDecision.Invalid invalid => invalid.Errors.OrderBy(kv => kv.Key, StringComparer.Ordinal)
            .Select(kv => (kv.Key, string.Join("; ", kv.Value), StatusCodes.Status400BadRequest)).First(),
        IntakeDecision.Unsigned unsigned => (unsigned.Error.Field, unsigned.Error.Detail, StatusCodes.Status401Unauthorized),
        IntakeDecision.Accept => null,
        _ => throw new InvalidOperationException("unknown intake decision"),
    };

    /// <summary>The refusal of what the store made of an accepted command, or null when it is stored (now or before).</summary>
    public static (string Field, string Reason, int Status)? Of(AppendOutcome outcome) => outcome switch
    {
        AppendOutcome.NonceTaken taken => ("nonce", taken.Reason, StatusCodes.Status409Conflict),
        _ => null,
    };

    /// <summary>The refusal of one item of a batch, or null when it is stored (now or before).</summary>
    public static (string Field, string Reason, int Status)? Of(BatchItemOutcome outcome) => outcome switch
    {
        BatchItemOutcome.Refused refused => Of(refused.Decision),
        BatchItemOutcome.OverQuota => OverQuota,
        BatchItemOutcome.Appended appended => Of(appended.Outcome),
        _ => throw new InvalidOperationException("unknown batch item outcome"),
    };

    /// <summary>
    /// Longest partner-chosen text kept in a <see cref="CommunityAI.Contracts.ContributionRejected"/>: a correlation id or
    /// partner name is for the partner's bookkeeping, and the history keeps every rejection forever, so a partner cannot
    /// make it store megabytes. Longer values are cut here and marked as cut.
    /// </summary>
    public const int MaxPartnerText = 128;

    /// <summary>
    /// The rejection as recorded: the partner's own strings (its correlation id, its name, the contributor address as
    /// sent, which may be anything) cut to <see cref="MaxPartnerText"/> characters.
    /// </summary>
    public static CommunityAI.Contracts.ContributionRejected Rejection(string? correlationId, string? partnerId, string? contributor,
        (string Field, string Reason, int Status) refusal, DateTimeOffset now) =>
        new(Clip(correlationId), Clip(partnerId), Clip(contributor), refusal.Field, refusal.Reason, refusal.Status, now);

    /// <summary>
    /// The key a rejection is recorded under, so that a redelivery records nothing new: the message id, or else the
    /// partner's correlation id (its SHA-256 when longer than a key should be), or else a fresh one.
    /// </summary>
    public static string Key(Guid? messageId, string? correlationId) => messageId?.ToString("N")
        ?? correlationId switch
        {
            null => Guid.NewGuid().ToString("N"),
            { Length: <= 64 } id when id.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_') => id,
            var id => Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(id))),
        };

    private static string? Clip(string? text) =>
        text is { Length: > MaxPartnerText } ? string.Concat(text.AsSpan(0, MaxPartnerText), $"…(cut from {text.Length} characters)") : text;

    /// <summary>The single path's check of a partner command: its wire shape mapped to the HTTP body, then the same decision.</summary>
    public static IntakeDecision Decide(CommunityAI.Contracts.SubmitContribution? command, Func<SubmitContributionRequest?, IntakeDecision> decide)
    {
        ArgumentNullException.ThrowIfNull(decide);
        if (command is null)
            return decide(null);
        var request = PartnerSubmission.ToRequest(command, out var mappingError);
        return mappingError is { } e
            ? new IntakeDecision.Invalid(new Dictionary<string, string[]> { [e.Field] = [e.Rule] })
            : decide(request);
    }
}
