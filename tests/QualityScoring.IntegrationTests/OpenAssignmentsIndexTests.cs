using CommunityAI.QualityScoring.Apis;
using CommunityAI.QualityScoring.Domain;
using Marten;
using Marten.Linq;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace CommunityAI.QualityScoring.IntegrationTests;

/// <summary>
/// Every validator polls its open assignments (<see cref="ValidatorsApi.OpenAssignments"/>). The poll reads through an
/// index of open assignments only, so its cost stays with what is open: with the former index on every assignment by
/// validator, each poll read all of a validator's assignments ever made and filtered them, and an hour's soak found the
/// poll among the server's busiest statements. What the poll returns is tested through the API in the review tests.
/// </summary>
public sealed class OpenAssignmentsIndexTests(ScoringSystemWithoutValidators system) : IClassFixture<ScoringSystemWithoutValidators>
{
    private const string FormerIndex = "mt_doc_assignment_idx_validator";
    private const string Validator = "0x00000000000000000000000000000000000000aa";

    [Fact]
    public async Task A_validators_poll_reads_the_open_assignments_index_and_a_restart_drops_the_former_one_and_keeps_the_new()
    {
        var store = system.Services.GetRequiredService<IDocumentStore>();
        var now = DateTimeOffset.UtcNow;
        await using (var session = store.LightweightSession())
        {
            for (var i = 0; i < 500; i++)
                session.Store(new Assignment(Assignment.IdFor($"closed-{i}", Validator), Validator, $"closed-{i}", now.AddMinutes(-i), Open: false));
            session.Store(new Assignment(Assignment.IdFor("open", Validator), Validator, "open", now.AddMinutes(5), Open: true, now.AddMinutes(2)));
            await session.SaveChangesAsync();
        }
        // A database from before: the index on every assignment, as the former start made it.
        await ExecuteAsync($"CREATE INDEX {FormerIndex} ON scoring.mt_doc_assignment USING btree (((data ->> 'validator'::text)))");
        var before = await IndexesAsync();
        Assert.Contains(Extensions.OpenAssignmentsIndex, before.Keys);

        // Another replica's start (the same schema check every start runs) drops the former index and keeps every other
        // as it is: an index whose definition the check reads as changed is rebuilt at every start, locking its table
        // while it reads every row.
        await using (var restarted = system.StartReplica())
            restarted.CreateClient().Dispose();
        before.Remove(FormerIndex);
        var after = await IndexesAsync();
        Assert.DoesNotContain(FormerIndex, after.Keys);
        Assert.Empty(before.Where(i => after.GetValueOrDefault(i.Key) != i.Value).Select(i => i.Key));

        await using var query = store.QuerySession();
        var poll = ValidatorsApi.OpenAssignments(query, Validator, now);
        Assert.Equal(["open"], (await poll.ToListAsync()).Select(a => a.ContributionId));
        var command = poll.ToCommand(FetchType.FetchMany);
        var plan = await CommunityAI.Testing.QueryPlans.GenericAsync(system.History, command.CommandText,
            (":p0", "text", $"'{Validator}'"), (":p1", "timestamptz", "now()"), (":p2", "timestamptz", "now()"), (":p3", "int", "200"));
        Assert.Contains(plan, line => line.Contains(Extensions.OpenAssignmentsIndex, StringComparison.Ordinal));
    }

    /// <summary>Every index in the service's schema, by name, with its object id (a rebuilt index has a new one).</summary>
    private async Task<Dictionary<string, uint>> IndexesAsync()
    {
        await using var connection = new NpgsqlConnection(system.History);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            "SELECT c.relname, c.oid FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.relkind = 'i' AND n.nspname = 'scoring'", connection);
        var indexes = new Dictionary<string, uint>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
            indexes[reader.GetString(0)] = reader.GetFieldValue<uint>(1);
        return indexes;
    }

    private async Task ExecuteAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(system.History);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }
}
