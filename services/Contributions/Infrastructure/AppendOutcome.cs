namespace CommunityAI.Contributions.Infrastructure;

/// <summary>What the store made of an accepted contribution.</summary>
public abstract record AppendOutcome
{
    private AppendOutcome() { }

    /// <summary>Stored now: the first time this signed contribution was seen.</summary>
    public sealed record Stored(string ContributionId) : AppendOutcome;

    /// <summary>The identical signed contribution was stored before (idempotent resubmission).</summary>
    public sealed record AlreadyStored(string ContributionId, string Status) : AppendOutcome;

    /// <summary>The signer's nonce is taken by a different contribution.</summary>
    public sealed record NonceTaken(string ContributionId, string Reason) : AppendOutcome;

    /// <summary>The upload the contribution names cannot complete it (missing, someone else's, other content, incomplete, mismatching); nothing was stored.</summary>
    public sealed record UploadRefused(string ContributionId, int Status, string Title, string Field, string Detail) : AppendOutcome;
}
