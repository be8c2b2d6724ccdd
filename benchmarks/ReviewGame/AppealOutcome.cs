namespace CommunityAI.Benchmarks.ReviewGame;

/// <summary>The appeals filed in a game by honest validators whose review was clipped, by outcome.</summary>
/// <param name="Filed">Appeals filed (a panel was drawn).</param>
/// <param name="Changed">Decided by the panel with a score other than the first.</param>
/// <param name="Upheld">Decided by the panel with the first score.</param>
/// <param name="NoQuorum">Short of the panel's quorum: the first score stood.</param>
/// <param name="InflatedCases">The Sybil's own cases on which its validators held a majority (and inflated).</param>
/// <param name="InflatedAppealed">Those of them appealed: an honest validator was in the clipped minority.</param>
public sealed record AppealOutcome(int Filed, int Changed, int Upheld, int NoQuorum, int InflatedCases, int InflatedAppealed);
