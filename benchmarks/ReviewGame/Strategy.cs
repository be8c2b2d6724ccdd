namespace CommunityAI.Benchmarks.ReviewGame;

/// <summary>How a validator in the game reviews.</summary>
public enum Strategy
{
    /// <summary>Scores the true quality with its own noise (each player's own, spread over 4–10 points within every strategy); rejects what it sees below the reward threshold.</summary>
    Honest,

    /// <summary>
    /// One of the Sybil contributor's ten validators: honest on other people's work; on the Sybil's own junk it scores 95
    /// when the Sybil holds a majority of the case's reviewers (the assignment is public), honestly otherwise.
    /// </summary>
    Sybil,

    /// <summary>Copies the automated score, the one score public before its own commitment.</summary>
    CopyAutomated,

    /// <summary>Copies the consensus of the last case that closed (public once closed).</summary>
    CopyLastConsensus,

    /// <summary>Commits to every case and never reveals.</summary>
    NeverReveal,

    /// <summary>Commits and reveals a random score and verdict.</summary>
    RevealRandom,

    /// <summary>
    /// One of a colluding pair that also contribute: scores the partner's work just inside the clipping distance above
    /// what it sees (so it is never clipped and keeps its pay), everything else honestly.
    /// </summary>
    Colluder,
}
