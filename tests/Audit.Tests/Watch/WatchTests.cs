using CommunityAI.Formats.Notes;
using CommunityAI.Testing;

namespace CommunityAI.Audit.Tests.Watch;

/// <summary>
/// <c>communityai-audit watch</c> against a log operator it does not trust, over real HTTP: an honest, growing log passes;
/// a split view (another root for a size already seen, signed with the right key), a rewritten history, a shrunk log
/// (an older head is accepted only as a proven prefix of the last one), tiles that do not hash to the signed root and a
/// checkpoint under another key are each caught, named, and alerted.
/// </summary>
public sealed class WatchTests : IAsyncLifetime
{
    private static readonly NoteSigner Operator = new("log.example/test", Enumerable.Repeat((byte)3, 32).ToArray());
    private readonly string _state = Path.Combine(Path.GetTempPath(), $"watch-{Guid.NewGuid():N}.json");
    private LogServer _server = null!;

    public async Task InitializeAsync() => _server = await LogServer.StartAsync(new ServedLog(ServedLog.Entries(300), Operator));

    [Fact]
    public async Task An_honest_growing_log_is_verified_head_after_head_and_the_state_follows()
    {
        var first = await WatchAsync();
        _server.Log = new ServedLog(ServedLog.Entries(777), Operator);
        var second = await WatchAsync();
        var third = await WatchAsync();

        Assert.True(first.ExitCode == 0, first.ToString());
        Assert.Contains("verified head 300 ", first.Output, StringComparison.Ordinal);
        Assert.True(second.ExitCode == 0, second.ToString());
        Assert.Contains("verified head 777 ", second.Output, StringComparison.Ordinal);
        Assert.True(third.ExitCode == 0, third.ToString());
        Assert.Contains("\"treeSize\":777", await File.ReadAllTextAsync(_state), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_split_view_two_signed_roots_for_one_size_is_caught_and_posted_to_the_webhook()
    {
        Assert.Equal(0, (await WatchAsync()).ExitCode);
        var stateBefore = await File.ReadAllTextAsync(_state);
        _server.Log = new ServedLog(ServedLog.Entries(300, changedAt: 299), Operator);

        var run = await WatchAsync("--webhook", _server.Url + "/hook");

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("ALERT", run.Error, StringComparison.Ordinal);
        Assert.Contains("split view: two signed checkpoints of size 300 with different roots", run.Error, StringComparison.Ordinal);
        Assert.Contains("split view", Assert.Single(_server.Alerts), StringComparison.Ordinal);
        Assert.Equal(stateBefore, await File.ReadAllTextAsync(_state));
    }

    [Fact]
    public async Task A_larger_head_that_rewrote_an_entry_already_seen_is_caught()
    {
        Assert.Equal(0, (await WatchAsync()).ExitCode);
        _server.Log = new ServedLog(ServedLog.Entries(520, changedAt: 17), Operator);

        var run = await WatchAsync();

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("the head of size 520", run.Error, StringComparison.Ordinal);
        Assert.Contains("is not an extension of the head of size 300", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_shrunk_log_is_caught()
    {
        Assert.Equal(0, (await WatchAsync()).ExitCode);
        _server.Log = new ServedLog(ServedLog.Entries(299), Operator);

        var run = await WatchAsync();

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("the log shrank: signed checkpoint of size 299 after one of size 300", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_older_head_proven_a_prefix_of_the_last_one_is_not_news_and_the_state_stays()
    {
        Assert.Equal(0, (await WatchAsync()).ExitCode);
        var stateBefore = await File.ReadAllTextAsync(_state);
        // A log serving its newest witnessed checkpoint goes back once, when its first one is witnessed; its tiles
        // still hold the tree of 300.
        _server.Log.Checkpoint = new ServedLog(ServedLog.Entries(250), Operator).Checkpoint;

        var run = await WatchAsync();

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("the log serves head 250, older than head 300 verified before and a prefix of it", run.Output, StringComparison.Ordinal);
        Assert.Equal(stateBefore, await File.ReadAllTextAsync(_state));
    }

    [Fact]
    public async Task An_older_head_that_is_not_a_prefix_of_the_last_one_is_caught()
    {
        Assert.Equal(0, (await WatchAsync()).ExitCode);
        _server.Log.Checkpoint = new ServedLog(ServedLog.Entries(250, changedAt: 17), Operator).Checkpoint;

        var run = await WatchAsync();

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("the log shrank: signed checkpoint of size 250 after one of size 300", run.Error, StringComparison.Ordinal);
        Assert.Contains("not a prefix of that one", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Tiles_that_do_not_hash_to_the_signed_root_are_caught()
    {
        _server.TamperTiles = tile =>
        {
            var copy = tile.ToArray();
            copy[^1] ^= 1;
            return copy;
        };

        var run = await WatchAsync();

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("the tiles of the tree of size 300 hash to", run.Error, StringComparison.Ordinal);
        Assert.False(File.Exists(_state));
    }

    [Fact]
    public async Task A_checkpoint_signed_by_another_key_is_refused()
    {
        var impostor = new NoteSigner(Operator.Key.Name, Enumerable.Repeat((byte)4, 32).ToArray());
        _server.Log = new ServedLog(ServedLog.Entries(300), impostor);

        var run = await WatchAsync();

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("carries no valid signature by log.example/test+", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Witnesses_are_required_k_of_n_and_an_unwitnessed_head_is_not_accepted()
    {
        var witness = new NoteSigner("w1.example", Enumerable.Repeat((byte)5, 32).ToArray(), NoteKey.CosignatureType);
        var other = new NoteSigner("w2.example", Enumerable.Repeat((byte)6, 32).ToArray(), NoteKey.CosignatureType);
        string[] both = ["--witness-key", witness.Key.ToString(), "--witness-key", other.Key.ToString()];

        var unwitnessed = await WatchAsync([.. both, "--witnesses-required", "1"]);
        SignedNote.TryParse(System.Text.Encoding.UTF8.GetBytes(_server.Log.Checkpoint), out var note, out _);
        _server.Log.Checkpoint = new SignedNote(note.Text, [.. note.Signatures, witness.Cosign(note.Text, 1)]).Format();
        var oneOfTwo = await WatchAsync([.. both, "--witnesses-required", "1"]);
        var twoOfTwo = await WatchAsync([.. both, "--witnesses-required", "2"]);

        Assert.Equal(1, unwitnessed.ExitCode);
        Assert.Contains("valid cosignatures from 0 of the 1 witnesses required", unwitnessed.Output, StringComparison.Ordinal);
        Assert.True(oneOfTwo.ExitCode == 0, oneOfTwo.ToString());
        Assert.Equal(1, twoOfTwo.ExitCode);
    }

    [Fact]
    public async Task A_log_that_does_not_answer_is_tried_again_then_watched_and_a_later_inconsistency_still_stops_the_watch()
    {
        _server.Down = true;
        var watching = AuditRun.RunAsync("watch", "--url", _server.Url, "--log-key", Operator.Key.ToString(), "--state", _state,
            "--interval", "0.2", "--unreachable-alert", "60");
        await Task.Delay(TimeSpan.FromSeconds(1.5));
        Assert.False(watching.IsCompleted); // not stopped by a log that is only unreachable

        _server.Down = false;
        await Eventually.MatchesAsync(() => Task.FromResult(File.Exists(_state) && File.ReadAllText(_state).Contains("\"treeSize\":300", StringComparison.Ordinal)),
            verified => verified, "the head verified once the log answers", TimeSpan.FromSeconds(20));
        _server.Log = new ServedLog(ServedLog.Entries(299), Operator);
        var run = await watching.WaitAsync(TimeSpan.FromSeconds(20));

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("did not answer", run.Error, StringComparison.Ordinal);
        Assert.Contains("verified head 300 ", run.Output, StringComparison.Ordinal);
        Assert.Contains("the log shrank", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_log_unreachable_for_longer_than_allowed_or_in_a_single_check_is_an_alert()
    {
        _server.Down = true;
        var once = await WatchAsync();
        var continuous = await AuditRun.RunAsync("watch", "--url", _server.Url, "--log-key", Operator.Key.ToString(), "--state", _state,
            "--interval", "0.2", "--unreachable-alert", "1");

        Assert.Equal(1, once.ExitCode);
        Assert.Contains("the log could not be checked", once.Error, StringComparison.Ordinal);
        Assert.Equal(1, continuous.ExitCode);
        Assert.Contains("did not answer", continuous.Error, StringComparison.Ordinal);
        Assert.Contains("the log could not be checked", continuous.Error, StringComparison.Ordinal);
        Assert.False(File.Exists(_state));
    }

    [Fact]
    public async Task A_chain_that_holds_no_contract_yet_is_tried_again_and_is_an_alert_only_if_it_lasts_or_in_a_single_check()
    {
        // A node with nothing deployed: what a witness started beside a new deployment reads before the contracts are on it.
        var chain = new AnvilNode();
        await chain.InitializeAsync();
        try
        {
            string[] watch = ["watch", "--url", _server.Url, "--log-key", Operator.Key.ToString(), "--rpc", chain.RpcUrl, "--anchor", AnvilNode.DevAddresses[9]];
            var clock = System.Diagnostics.Stopwatch.StartNew();
            var waiting = AuditRun.RunAsync([.. watch, "--state", _state, "--interval", "0.2", "--unreachable-alert", "8"]);
            await Task.Delay(TimeSpan.FromSeconds(1.5));
            Assert.False(waiting.IsCompleted); // not stopped by a chain that is only not ready
            var once = await AuditRun.RunAsync([.. watch, "--once"]);
            var run = await waiting.WaitAsync(TimeSpan.FromMinutes(2));

            Assert.Equal(1, once.ExitCode);
            Assert.Contains("no contract at", once.Error, StringComparison.Ordinal);
            Assert.Equal(1, run.ExitCode);
            Assert.Contains("the chain could not be read", run.Error, StringComparison.Ordinal);
            Assert.Contains("the log could not be checked: no contract at", run.Error, StringComparison.Ordinal);
            Assert.True(clock.Elapsed >= TimeSpan.FromSeconds(8), $"alerted after {clock.Elapsed}");
        }
        finally
        {
            await chain.DisposeAsync();
        }
    }

    [Fact]
    public async Task Bad_arguments_are_usage_errors()
    {
        Assert.Equal(2, (await AuditRun.RunAsync("watch", "--url", _server.Url, "--log-key", "nonsense", "--once")).ExitCode);
        Assert.Equal(2, (await AuditRun.RunAsync("watch", "--url", "ftp://x", "--log-key", Operator.Key.ToString(), "--once")).ExitCode);
        Assert.Equal(2, (await AuditRun.RunAsync("watch", "--url", _server.Url, "--log-key", Operator.Key.ToString(), "--witnesses-required", "1")).ExitCode);
        Assert.Equal(2, (await AuditRun.RunAsync("watch", "--url", _server.Url, "--log-key", Operator.Key.ToString(), "--rpc", "http://127.0.0.1:9")).ExitCode);
        Assert.Equal(2, (await AuditRun.RunAsync("watch", "--url", _server.Url, "--log-key", Operator.Key.ToString(), "--unreachable-alert", "-1")).ExitCode);
    }

    private Task<AuditRun> WatchAsync(params string[] extra) =>
        AuditRun.RunAsync(["watch", "--url", _server.Url, "--log-key", Operator.Key.ToString(), "--state", _state, "--once", .. extra]);

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        File.Delete(_state);
    }
}
