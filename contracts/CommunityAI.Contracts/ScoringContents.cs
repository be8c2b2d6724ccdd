namespace CommunityAI.Contracts;

/// <summary>
/// Private, never part of the history: many contributions' contents handed to quality-scoring in one message, sent to
/// the queue <see cref="ScoringContent.QueueName"/> only (added in 1.19). Each item is exactly a <see cref="ScoringContent"/>
/// and is checked on its own: used only when its SHA-256 equals the content hash of its contribution's stored, signed
/// <see cref="ContributionSubmitted"/>, passed over otherwise, whatever the other items are. The contributions service
/// sends its handoff this way, at most <see cref="MaxItems"/> items and <see cref="MaxContentChars"/> characters of
/// base64 content a message (a broker's message size limit stays far), in the order the history recorded them.
/// </summary>
/// <remarks>
/// One message a batch instead of one a contribution: each send is serialised, confirmed by the broker and consumed
/// with a history read of its own, and a bulk intake of 1,000 contributions made a thousand of each.
/// </remarks>
/// <param name="Items">The contents, in the order their contributions were recorded.</param>
public sealed record ScoringContents(IReadOnlyList<ScoringContent> Items)
{
    /// <summary>Most items in one message; quality-scoring refuses a longer one whole.</summary>
    public const int MaxItems = 1_000;

    /// <summary>
    /// Most base64 content characters the sender puts in one message (4 MiB, about 3 MiB of content): a single content
    /// of up to <see cref="ScoringContent.MaxHandedOverBytes"/> always fits, and a message stays a quarter of RabbitMQ 4's
    /// default 16 MiB limit.
    /// </summary>
    public const int MaxContentChars = 4 * 1024 * 1024;
}
