using System.Buffers.Binary;
using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using CommunityAI.Contracts;
using CommunityAI.Formats;
using CommunityAI.Formats.Signing;
using CommunityAI.QualityScoring.Domain;
using CommunityAI.Testing;
using Nethereum.Signer;
using Npgsql;

namespace CommunityAI.QualityScoring.IntegrationTests;

/// <summary>
/// A contributor who controls ten of twenty validators grinds contribution ids (its nonces) offline, keeping only ids
/// whose reviewers, as it can compute them when signing, are all its own; and an auditor recomputes every assignment
/// from the history once the rounds are revealed.
/// </summary>
public sealed class AssignmentSeedTests(ScoringSystem system) : IClassFixture<ScoringSystem>
{
    private const int Contributor = 1;
    private const int Contributions = 30;

    [Fact]
    public async Task A_contributor_grinding_nonces_gets_no_more_than_its_share_of_validators_and_an_auditor_recomputes_every_assignment()
    {
        var keys = Enumerable.Range(0, 20).Select(_ => Hex.Encode(RandomNumberGenerator.GetBytes(32))).ToList();
        var addresses = keys.Select(k => Address.Parse(new EthECKey(k).GetPublicAddress())).ToList();
        await system.AdmitAsync(addresses);
        foreach (var key in keys)
            Assert.Equal(HttpStatusCode.Created, (await RegisterAsync(key)).StatusCode);
        var own = addresses.Take(10).ToHashSet(StringComparer.OrdinalIgnoreCase);

        // Grinding: everything public at signing time is the id, the validator set and the rounds already revealed; the
        // best the contributor can do is the rule that uses what it knows (the id itself, as assignment did before rounds).
        var ground = new List<ContributionSubmitted>();
        while (ground.Count < Contributions)
        {
            // Texts of their own, so that no ground contribution is a near duplicate of another (those get no reviewers).
            var candidate = ScoringSystem.Submission(Contributor, "Gauge readings " + Convert.ToHexString(RandomNumberGenerator.GetBytes(48)));
            if (PredictFromIdAlone(candidate.ContributionId, addresses).All(own.Contains))
                ground.Add(candidate);
        }
        foreach (var submitted in ground)
            await system.PublishAsync(submitted);
        var assignments = await Eventually.MatchesAsync(() => AssignmentsAsync(), found => found.Count == Contributions, "every ground contribution assigned");

        var slots = assignments.Sum(a => a.Reviewers.Count);
        var share = assignments.Sum(a => a.Reviewers.Count(own.Contains)) / (double)slots;
        Assert.Equal(Contributions * 3, slots);
        // Chance is one half; grinding against the id alone would give 1.
        Assert.InRange(share, 0.25, 0.75);

        // The secret was not public when the contribution was recorded: its round's reveal comes later in the history.
        foreach (var a in assignments)
            Assert.True(await RevealSequenceAsync(a.Round) is not { } revealed || revealed > a.ContributionSequence,
                $"round {a.Round} was revealed before {a.ContributionId} was recorded");

        // An auditor, once the rounds are revealed: each round's secret matches its earlier commitment, each contribution
        // belongs to the round the history places it in, and its reviewers follow from the seed and the candidates.
        var maxRound = assignments.Max(a => a.Round);
        await Eventually.MatchesAsync(() => RevealSequenceAsync(maxRound), s => s is not null, $"round {maxRound} revealed", TimeSpan.FromSeconds(30));
        var rounds = await RoundsAsync();
        foreach (var a in assignments)
        {
            var (commitment, committedAt, secret, revealedAt) = rounds[a.Round];
            Assert.Equal(commitment, Hex.Encode(SHA256.HashData(Hex.Decode(secret!, 32))));
            Assert.True(committedAt < a.ContributionSequence, "the round was committed before the contribution was recorded");
            Assert.True(revealedAt > a.ContributionSequence, "the round was revealed after the contribution was recorded");
            Assert.Equal(rounds.Values.Count(r => r.RevealedAt < a.ContributionSequence), a.Round);
            var seed = SHA256.HashData([.. Hex.Decode(secret!, 32), .. Hex.Decode(a.ContributionId, 32)]);
            Assert.Equal(Hex.Encode(seed), a.Seed);
            Assert.Equal(ReviewerSelection.Select(seed, a.Candidates, 3).Select(r => r.Validator), a.Reviewers);
        }
    }

    /// <summary>The assignment rule before rounds: keys from SHA-256(contribution id ‖ address), equal reputations.</summary>
    private static IEnumerable<string> PredictFromIdAlone(string contributionId, IEnumerable<string> validators) =>
        validators.Select(v =>
            {
                var hash = SHA256.HashData([.. Hex.Decode(contributionId, 32), .. Hex.Decode(v, 20)]);
                return (v, Key: Math.Log((BinaryPrimitives.ReadUInt64BigEndian(hash) + 0.5) / 18446744073709551616.0) / 0.5);
            })
            .OrderByDescending(x => x.Key).ThenBy(x => x.v, StringComparer.OrdinalIgnoreCase).Take(3).Select(x => x.v);

    private Task<HttpResponseMessage> RegisterAsync(string key)
    {
        var registration = new ValidatorRegistrationPayload(new EthECKey(key).GetPublicAddress(), 1, (ulong)DateTimeOffset.UtcNow.AddMinutes(10).ToUnixTimeSeconds());
        return system.Api.PostAsJsonAsync("/api/validators", new
        {
            registration.Validator, registration.Nonce, registration.Deadline,
            signature = TypedDataSigner.Sign(registration, TestChain.Domain, key),
        });
    }

    private sealed record Assigned(string ContributionId, long ContributionSequence, long Round, string Seed,
        IReadOnlyList<AssignedReviewer> Candidates, IReadOnlyList<string> Reviewers);

    private async Task<List<Assigned>> AssignmentsAsync()
    {
        await using var connection = new NpgsqlConnection(system.History);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("""
            SELECT a.data::text, c.seq_id FROM history.mt_events a
            JOIN history.mt_events c ON c.stream_id = 'contributions/' || (a.data->>'contributionId') AND c.type = 'contribution_submitted'
            WHERE a.type = 'reviewers_assigned'
            """, connection);
        var found = new List<Assigned>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            var data = JsonDocument.Parse(reader.GetString(0)).RootElement;
            found.Add(new Assigned(data.GetProperty("contributionId").GetString()!, reader.GetInt64(1), data.GetProperty("seedRound").GetInt64(),
                data.GetProperty("seed").GetString()!,
                data.GetProperty("candidates").EnumerateArray().Select(c => new AssignedReviewer(c.GetProperty("validator").GetString()!, c.GetProperty("reputation").GetDecimal())).ToList(),
                data.GetProperty("reviewers").EnumerateArray().Select(r => r.GetProperty("validator").GetString()!).ToList()));
        }
        return found;
    }

    private Task<long?> RevealSequenceAsync(long round) => system.ScalarAsync<long?>(
        "SELECT seq_id FROM history.mt_events WHERE type = 'assignment_seed_revealed' AND (data->>'round')::bigint = @round", ("round", round));

    /// <summary>Each round's commitment and its sequence, and (once revealed) its secret and the reveal's sequence.</summary>
    private async Task<Dictionary<long, (string Commitment, long CommittedAt, string? Secret, long RevealedAt)>> RoundsAsync()
    {
        await using var connection = new NpgsqlConnection(system.History);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("""
            SELECT (c.data->>'round')::bigint, c.data->>'commitment', c.seq_id, r.data->>'secret', coalesce(r.seq_id, 9223372036854775807)
            FROM history.mt_events c
            LEFT JOIN history.mt_events r ON r.type = 'assignment_seed_revealed' AND r.data->>'round' = c.data->>'round'
            WHERE c.type = 'assignment_seed_committed'
            """, connection);
        var rounds = new Dictionary<long, (string, long, string?, long)>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
            rounds[reader.GetInt64(0)] = (reader.GetString(1), reader.GetInt64(2), reader.IsDBNull(3) ? null : reader.GetString(3), reader.GetInt64(4));
        return rounds;
    }
}
