namespace CommunityAI.Contracts;

/// <summary>
/// Private, never part of the history: the contributions service hands a contribution's stored content to
/// quality-scoring for its duplicate and text checks, sent to the queue <see cref="QueueName"/> only, as an item of
/// <see cref="ScoringContents"/> (versions before 1.19 sent each alone, which quality-scoring still takes). Quality-scoring
/// uses it only when its SHA-256 equals the content hash of the contribution's stored, signed
/// <see cref="ContributionSubmitted"/>, so a forged message cannot put other content in its place. The broker's
/// permissions must let only the two services read and write this queue (docs/security.md). Content larger than
/// <see cref="MaxHandedOverBytes"/> is not handed over.
/// </summary>
/// <param name="ContributionId">The contribution the content belongs to (0x-hex EIP-712 digest).</param>
/// <param name="Content">The stored bytes (salt line included), base64.</param>
public sealed record ScoringContent(string ContributionId, string Content)
{
    /// <summary>The one queue this message is sent to.</summary>
    public const string QueueName = "quality-scoring-content";

    /// <summary>Longest text, after the salt line, that quality-scoring checks for near duplicates and text rules.</summary>
    public const int MaxTextBytes = 64 * 1024;

    /// <summary>
    /// Largest stored content (salt line of 82 bytes included) handed over. Larger content has no text quality-scoring
    /// would check, so it is not sent: quality-scoring takes such a contribution in on its signed hash and size alone,
    /// and a file uploaded in parts (up to 64 MiB) never becomes a message past the broker's size limit (16 MiB by
    /// default since RabbitMQ 4).
    /// </summary>
    public const long MaxHandedOverBytes = MaxTextBytes + 82;
}
