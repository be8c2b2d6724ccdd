using CommunityAI.Audit.Commands;
using Npgsql;

namespace CommunityAI.EndToEndTests;

/// <summary>
/// The platform's promises, checked in the database after a run: every submitted contribution is scored
/// once and credited once, every committed history event is in the log exactly once under a dense index,
/// and the anchored head covers every entry but the bridge's own records of its anchors.
/// </summary>
public static class HistoryInvariants
{
    public sealed record Snapshot(long Submitted, long Scored, long Rewarded, long Events, long Logged, long MaxLogIndex, long DistinctLoggedSequences, long AnchoredSize,
        long UnanchoredOthers, IReadOnlyList<string> ScoredTwice, IReadOnlyList<string> RewardedTwice)
    {
        // The bridge's records of its anchors (anchored, confirmed, dropped) after the newest anchor are covered by
        // the next anchor, never by themselves; every other entry must be anchored.
        public bool Settled => Scored == Submitted && Rewarded == Submitted && Logged == Events && (Logged == 0 || AnchoredSize > 0) && UnanchoredOthers == 0;
        public override string ToString() =>
            $"submitted {Submitted}, scored {Scored}, rewarded {Rewarded}, events {Events}, logged {Logged} (max index {MaxLogIndex}, distinct sequences {DistinctLoggedSequences}), anchored {AnchoredSize} ({UnanchoredOthers} other entries past it), scored twice [{string.Join(",", ScoredTwice)}], rewarded twice [{string.Join(",", RewardedTwice)}]";
    }

    // The largest anchored size whose anchor a reorg has not dropped.
    private const string KeptAnchoredSize = """
        SELECT coalesce(max((a.data->>'treeSize')::bigint), 0) FROM history.mt_events a
        WHERE a.type = 'tree_head_anchored' AND NOT EXISTS (
            SELECT 1 FROM history.mt_events d WHERE d.type = 'tree_head_anchor_dropped' AND d.data->>'txHash' = a.data->>'txHash')
        """;

    /// <summary>The contributions a stage has not reached yet, with the stage: what a timed-out settle waited for.</summary>
    private static async Task<string> UnfinishedAsync(string history)
    {
        try
        {
            await using var connection = new NpgsqlConnection(history);
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand("""
                SELECT string_agg(s.data->>'contributionId' || ' (seq ' || s.seq_id || CASE WHEN s.data->>'contentSize' IS NULL THEN ', pointer' ELSE ', content' END || ')'
                    || CASE WHEN sc.id IS NOT NULL THEN ' scored at ' || sc.seq_id || ' not rewarded'
                            WHEN EXISTS (SELECT 1 FROM history.mt_events c WHERE c.stream_id = 'scoring/' || (s.data->>'contributionId'))
                            THEN ' taken in, not scored' ELSE ' never taken in' END, '; ')
                FROM history.mt_events s
                  LEFT JOIN history.mt_events sc ON sc.stream_id = 'scoring/' || (s.data->>'contributionId') AND sc.type = 'contribution_scored'
                  LEFT JOIN history.mt_events r ON r.stream_id = 'ledger/credits/' || (s.data->>'contributionId') AND r.type = 'contribution_rewarded'
                WHERE s.type = 'contribution_submitted' AND (sc.id IS NULL OR r.id IS NULL)
                """, connection);
            return await command.ExecuteScalarAsync() as string ?? "none";
        }
        catch (NpgsqlException ex)
        {
            return $"unknown ({ex.Message})";
        }
    }

    public static async Task<Snapshot> ReadAsync(string history)
    {
        await using var connection = new NpgsqlConnection(history);
        await connection.OpenAsync();
        async Task<long> Count(string sql)
        {
            await using var command = new NpgsqlCommand(sql, connection);
            return Convert.ToInt64(await command.ExecuteScalarAsync() ?? 0L, System.Globalization.CultureInfo.InvariantCulture);
        }
        async Task<List<string>> Twice(string type)
        {
            await using var command = new NpgsqlCommand($"""
                SELECT data->>'contributionId' FROM history.mt_events WHERE type = '{type}'
                GROUP BY data->>'contributionId' HAVING count(*) > 1
                """, connection);
            var ids = new List<string>();
            await using var reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync())
                ids.Add(reader.GetString(0));
            return ids;
        }

        return new Snapshot(
            await Count("SELECT count(DISTINCT data->>'contributionId') FROM history.mt_events WHERE type = 'contribution_submitted'"),
            await Count("SELECT count(DISTINCT data->>'contributionId') FROM history.mt_events WHERE type = 'contribution_scored'"),
            await Count("SELECT count(DISTINCT data->>'contributionId') FROM history.mt_events WHERE type = 'contribution_rewarded'"),
            await Count("SELECT count(*) FROM history.mt_events"),
            await Count("SELECT count(*) FROM chainbridge.log_entries"),
            await Count("SELECT coalesce(max(log_index), -1) FROM chainbridge.log_entries"),
            await Count("SELECT count(DISTINCT seq_id) FROM chainbridge.log_entries"),
            await Count(KeptAnchoredSize),
            await Count($"""
                SELECT count(*) FROM chainbridge.log_entries
                WHERE log_index >= ({KeptAnchoredSize}) AND convert_from(entry, 'UTF8')::jsonb->>'stream' <> 'chain/anchors'
                """),
            await Twice("contribution_scored"),
            await Twice("contribution_rewarded"));
    }

    /// <summary>
    /// Waits for the system to catch up, asserts every invariant, then has the auditors' tool verify the log against
    /// the chain and replay the rewards from the history alone, as an outside auditor would after the incident.
    /// </summary>
    public static async Task AssertSettledAsync(string history, IReadOnlyCollection<string> accepted, TimeSpan timeout, string rpcUrl)
    {
        await AssertSettledAsync(history, accepted, timeout);
        await AssertViewsSettledAsync(history, accepted, TimeSpan.FromSeconds(60));
        await AssertLedgerBalancesAsync(history);
        await AssertAuditPassesAsync(history, rpcUrl);
    }

    /// <summary>
    /// What contributors are shown: every accepted contribution's view says anchored, with its score, its reward and
    /// the log index the chain-bridge's log gave its event. The views are a projection of the history, so a view that
    /// lags or misses a fact shows here.
    /// </summary>
    public static async Task AssertViewsSettledAsync(string history, IReadOnlyCollection<string> accepted, TimeSpan timeout)
    {
        var behind = await Eventually.MatchesAsync(async () =>
        {
            await using var connection = new NpgsqlConnection(history);
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand("""
                SELECT a.id || ' ' || coalesce(v.data::text, 'no view') || ' log ' || coalesce(l.log_index::text, 'none')
                FROM unnest(@ids) AS a(id) LEFT JOIN contributions.mt_doc_contributionview v ON v.id = a.id
                  LEFT JOIN history.mt_events e ON e.stream_id = 'contributions/' || a.id AND e.type = 'contribution_submitted'
                  LEFT JOIN chainbridge.log_entries l ON l.seq_id = e.seq_id
                WHERE v.id IS NULL OR v.data->>'status' <> 'anchored' OR jsonb_typeof(v.data->'logIndex') IS DISTINCT FROM 'number'
                   OR (v.data->>'logIndex')::bigint IS DISTINCT FROM l.log_index
                   OR jsonb_typeof(v.data->'score') IS DISTINCT FROM 'number'
                   OR (v.data->>'score')::int IS DISTINCT FROM (SELECT (s.data->>'score')::int FROM history.mt_events s
                        WHERE s.stream_id = 'scoring/' || a.id AND s.type = 'contribution_scored')
                   OR v.data->>'reward' IS DISTINCT FROM (SELECT r.data->>'amount' FROM history.mt_events r
                        WHERE r.stream_id = 'ledger/credits/' || a.id AND r.type = 'contribution_rewarded')
                ORDER BY 1 LIMIT 5
                """, connection);
            command.Parameters.AddWithValue("ids", accepted.ToArray());
            var rows = new List<string>();
            await using var reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync())
                rows.Add(reader.GetString(0));
            return string.Join("; ", rows);
        }, rows => rows.Length == 0, "every accepted contribution's view to show it anchored with its score, reward and log index", timeout);
        Assert.Equal("", behind);
    }

    /// <summary>
    /// The ledger balances: every journal entry's lines sum to zero, there is one entry per credit event with the
    /// event's amount, and every account's balance is the sum of its postings.
    /// </summary>
    public static async Task AssertLedgerBalancesAsync(string history)
    {
        await using var connection = new NpgsqlConnection(history);
        await connection.OpenAsync();
        async Task<string> Scalar(string sql)
        {
            await using var command = new NpgsqlCommand(sql, connection);
            return Convert.ToString(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture) ?? "";
        }

        const string Lines = "ledger.mt_doc_journalentry e, jsonb_array_elements(e.data->'lines') l";
        Assert.Equal("0", await Scalar($"SELECT count(*) FROM (SELECT e.id FROM {Lines} GROUP BY e.id HAVING sum((l->>'amount')::numeric) <> 0) unbalanced"));
        Assert.Equal("0", await Scalar($"SELECT coalesce(sum((l->>'amount')::numeric), 0) FROM {Lines}"));
        Assert.Equal("0", await Scalar("""
            SELECT count(*) FROM (SELECT * FROM history.mt_events WHERE type = 'contribution_rewarded') r
              FULL JOIN ledger.mt_doc_journalentry e ON e.id = r.data->>'contributionId'
            WHERE r.id IS NULL OR e.id IS NULL OR e.data->>'amount' <> r.data->>'amount'
            """));
        Assert.Equal("0", await Scalar($"""
            SELECT count(*) FROM ledger.mt_doc_ledgeraccount a LEFT JOIN
              (SELECT l->>'account' AS account, sum((l->>'amount')::numeric) AS total FROM {Lines} GROUP BY 1) p ON p.account = a.id
            WHERE coalesce(p.total, 0) <> (a.data->>'balance')::numeric
            """));
    }

    /// <summary>
    /// <c>communityai-audit verify</c> (strict) and <c>replay</c> must both exit 0. The system is live, so a new anchor
    /// may land between the tool's read of the history and its read of the chain: a failing verify is retried a
    /// few times, and only a failure that persists fails the test.
    /// </summary>
    public static async Task AssertAuditPassesAsync(string history, string rpcUrl)
    {
        // A test that has just seen its contribution rewarded may be ahead of the first anchor: wait for one.
        var anchor = await Eventually.MatchesAsync(async () =>
        {
            await using var connection = new NpgsqlConnection(history);
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand(
                "SELECT data->>'anchorContract' FROM history.mt_events WHERE type = 'tree_head_anchored' ORDER BY seq_id DESC LIMIT 1", connection);
            return (string?)await command.ExecuteScalarAsync();
        }, a => a is not null, "a tree head to be anchored", TimeSpan.FromSeconds(60));

        var verify = await Eventually.MatchesAsync(() => AuditAsync("verify", "--database", history, "--rpc", rpcUrl, "--anchor", anchor!, "--strict"),
            run => run.ExitCode == 0, "communityai-audit verify to pass", TimeSpan.FromSeconds(30));
        Assert.Equal(0, verify.ExitCode);
        var replay = await AuditAsync("replay", "--database", history);
        Assert.True(replay.ExitCode == 0, $"communityai-audit replay failed: {replay}");
    }

    private sealed record AuditRun(int ExitCode, string Output, string Error)
    {
        public override string ToString() => $"exit {ExitCode}\n{Output}\n{Error}";
    }

    private static async Task<AuditRun> AuditAsync(params string[] args)
    {
        await using var output = new StringWriter();
        await using var error = new StringWriter();
        var code = await AuditApp.RunAsync(args, output, error);
        return new AuditRun(code, output.ToString(), error.ToString());
    }

    /// <summary>Waits for the system to catch up, then asserts every invariant.</summary>
    public static async Task AssertSettledAsync(string history, IReadOnlyCollection<string> accepted, TimeSpan timeout)
    {
        Snapshot? snapshot;
        try
        {
            snapshot = await Eventually.MatchesAsync(async () =>
            {
                try
                {
                    return await ReadAsync(history);
                }
                catch (NpgsqlException)
                {
                    return null; // the database may still be coming back
                }
            }, s => s is not null && s.Submitted >= accepted.Count && s.Settled, "the system to settle", timeout);
        }
        catch (Xunit.Sdk.XunitException timedOut)
        {
            throw new Xunit.Sdk.XunitException($"{timedOut.Message}\nunfinished: {await UnfinishedAsync(history)}\nwhat the services logged:\n{ServiceWarnings.Summary(history)}");
        }

        Assert.Empty(snapshot!.ScoredTwice);
        Assert.Empty(snapshot.RewardedTwice);
        Assert.Equal(snapshot.Events, snapshot.Logged);
        Assert.Equal(snapshot.Logged - 1, snapshot.MaxLogIndex);        // dense
        Assert.Equal(snapshot.Logged, snapshot.DistinctLoggedSequences); // nothing twice
        Assert.InRange(snapshot.AnchoredSize, 1, snapshot.Logged);
        Assert.Equal(0, snapshot.UnanchoredOthers);
        Assert.True(snapshot.Submitted >= accepted.Count);
    }
}
