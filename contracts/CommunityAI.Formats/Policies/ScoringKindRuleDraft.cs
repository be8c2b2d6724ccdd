namespace CommunityAI.Formats.Policies;

/// <summary>Size and format rules for one contribution kind, as a <see cref="ScoringPolicyDraft"/> carries them.</summary>
/// <param name="MaxBytes">Inline content larger than this breaks the rule <c>size</c>; null for no limit.</param>
/// <param name="MinTextLength">Inline text shorter than this (characters) breaks the rule <c>text</c>.</param>
/// <param name="RequireContentAddressed">When true, a URI other than ipfs:// or ar:// breaks the rule <c>uri</c>.</param>
public sealed record ScoringKindRuleDraft(long? MaxBytes, int? MinTextLength, bool? RequireContentAddressed);
