using System.Security.Cryptography;
using System.Text.Json;
using CommunityAI.Contracts;
using CommunityAI.Formats;
using CommunityAI.Formats.Signing;
using CommunityAI.QualityScoring.Domain;
using CommunityAI.Testing;

namespace CommunityAI.Audit.Tests;

/// <summary>
/// <c>replay</c> recomputes each seeded assignment from the revealed round secret and checks each sealed review, on
/// histories written as quality-scoring writes them; an honest one passes, and each kind of tampering is named.
/// </summary>
public sealed class AssignmentReplayTests : IAsyncLifetime
{
    private string _database = "";

    public async Task InitializeAsync() => _database = await PostgresServer.CreateDatabaseAsync("auditassign");

    public async Task DisposeAsync() => await PostgresServer.DropDatabaseAsync(_database);

    [Fact]
    public async Task An_honest_commit_reveal_history_recomputes_every_assignment_and_opens_every_commitment()
    {
        await WriteAsync(reviewers => reviewers, reveal => reveal, secret => secret);

        var run = await AuditRun.RunAsync("replay", "--database", _database, "--json");

        Assert.True(run.ExitCode == 0, run.ToString());
        var assignments = run.Json.GetProperty("assignments");
        Assert.Equal(1, assignments.GetProperty("recomputed").GetInt32());
        Assert.Equal(3, assignments.GetProperty("commitments").GetInt32());
        Assert.Equal(3, assignments.GetProperty("reveals").GetInt32());
    }

    [Fact]
    public async Task Steered_reviewers_a_reveal_that_opens_nothing_and_a_swapped_secret_are_each_found()
    {
        await WriteAsync(reviewers => [.. reviewers.Skip(1), new AssignedReviewer(AnvilNode.DevAddresses[9], 0.5m)],
            reveal => reveal with { Score = reveal.Score + 1 }, _ => AssignmentSeed.NewSecret());

        var run = await AuditRun.RunAsync("replay", "--database", _database, "--json");

        Assert.Equal(1, run.ExitCode);
        var found = run.Json.GetProperty("assignments").GetProperty("findings").EnumerateArray().Select(f => f.GetProperty("what").GetString()).ToList();
        Assert.Contains("seed commitment", found);
        Assert.Contains("assignment", found);
        Assert.Contains("reveal mismatch", found);
    }

    /// <summary>One round, one contribution in it, its assignment, three commitments, the round's reveal, three reveals.</summary>
    private async Task WriteAsync(Func<IReadOnlyList<AssignedReviewer>, IReadOnlyList<AssignedReviewer>> steer,
        Func<ReviewSubmitted, ReviewSubmitted> tamperReveal, Func<string, string> revealedSecret)
    {
        await using var history = new ScoringHistory(_database);
        var now = DateTimeOffset.UtcNow;
        var secret = AssignmentSeed.NewSecret();
        await history.AppendAsync("scoring/seeds", new AssignmentSeedCommitted(0, AssignmentSeed.Commitment(secret), now));
        var submitted = SignedFacts.Contribution(0, now);
        var id = submitted.ContributionId;
        await history.AppendAsync("contributions/" + id, submitted);
        var candidates = Enumerable.Range(2, 6).Select(k => new AssignedReviewer(AnvilNode.DevAddresses[k], 0.5m)).ToList();
        var seed = AssignmentSeed.For(secret, id);
        var reviewers = steer(ReviewerSelection.Select(seed, candidates, 3));
        await history.AppendAsync("scoring/" + id, new ReviewersAssigned(id, reviewers, 6, 2, now.AddHours(2), "scoring-1", now, 0, Hex.Encode(seed),
            candidates, now.AddHours(1)));
        var reveals = new List<ReviewSubmitted>();
        ulong nonce = 0;
        foreach (var reviewer in reviewers)
        {
            var key = AnvilNode.DevPrivateKeys[AnvilNode.DevAddresses.ToList().IndexOf(reviewer.Validator)];
            var salt = Hex.Encode(RandomNumberGenerator.GetBytes(32));
            var deadline = (ulong)now.AddHours(1).ToUnixTimeSeconds();
            var commit = new ReviewCommitPayload(reviewer.Validator, id, ReviewCommitment.Compute(70, "accept", salt), ++nonce, deadline);
            await history.AppendAsync("scoring/" + id, new ReviewCommitted(id, reviewer.Validator, commit.Commitment, nonce.ToString(System.Globalization.CultureInfo.InvariantCulture),
                (long)deadline, TypedDataSigner.Sign(commit, ScoringHistory.Domain, key), now));
            var review = new ReviewPayload(reviewer.Validator, id, 70, "accept", salt, ++nonce, deadline);
            reveals.Add(new ReviewSubmitted(id, reviewer.Validator, 70, "accept", nonce.ToString(System.Globalization.CultureInfo.InvariantCulture), (long)deadline,
                TypedDataSigner.Sign(review, ScoringHistory.Domain, key), now, salt));
        }
        await history.AppendAsync("scoring/seeds", new AssignmentSeedRevealed(0, revealedSecret(secret), now));
        foreach (var (reveal, i) in reveals.Select((r, i) => (r, i)))
            await history.AppendAsync("scoring/" + id, i == 0 ? tamperReveal(reveal) : reveal);
    }
}
