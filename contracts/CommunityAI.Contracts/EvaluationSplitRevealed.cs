namespace CommunityAI.Contracts;

/// <summary>
/// The salt of an ended evaluation period, revealed (stream <c>model/evaluation/{period}</c>, after its
/// <see cref="EvaluationSplitCommitted"/>). SHA-256 of the salt must equal the commitment; with it anyone holding the
/// snapshot's content can redo the period's split, training and metrics.
/// </summary>
/// <param name="Period">The period the salt belongs to.</param>
/// <param name="Salt">The 32-byte salt, 0x-prefixed hex.</param>
/// <param name="Commitment">The commitment recorded before, repeated for the reader's convenience.</param>
/// <param name="RevealedAt">When the salt was revealed.</param>
public sealed record EvaluationSplitRevealed(long Period, string Salt, string Commitment, DateTimeOffset RevealedAt);
