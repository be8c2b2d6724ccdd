namespace CommunityAI.Contracts;

/// <summary>
/// The community model committed to the secret salt of one evaluation period before anything was trained or evaluated
/// with it (stream <c>model/evaluation/{period}</c>). A period is one training round: the salt is drawn, committed, used
/// for that round's split, and revealed by <see cref="EvaluationSplitRevealed"/> when the round ends.
/// </summary>
/// <remarks>
/// Within the period an example is held out when the first 8 bytes of SHA-256(salt ‖ UTF-8 text), read big-endian,
/// mod 100 are below <paramref name="HeldOutPercent"/>: the same text always lands on the same side, and nobody without
/// the salt can tell which side a text will land on, so nobody can plant data on the evaluated side or tune to it.
/// </remarks>
/// <param name="Period">The period, 1, 2, 3, … (one per training round).</param>
/// <param name="Commitment">SHA-256 of the period's 32-byte salt, 0x-prefixed hex.</param>
/// <param name="HeldOutPercent">Share of examples the salted split holds out for evaluation.</param>
/// <param name="CommittedAt">When the commitment was recorded.</param>
public sealed record EvaluationSplitCommitted(long Period, string Commitment, int HeldOutPercent, DateTimeOffset CommittedAt);
