using CommunityAI.ServiceDefaults.Limits;
using Microsoft.Extensions.Time.Testing;
using Npgsql;

namespace ServiceDefaults.IntegrationTests;

/// <summary>
/// The signer quota taken for a whole batch at once: entry by entry as single takes would be, and never more than the
/// limit however many batches and single requests of one signer race each other.
/// </summary>
public sealed class SignerQuotaTests : IAsyncLifetime
{
    private static readonly TimeSpan Window = TimeSpan.FromHours(1);
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 12, 1, 10, 0, 0, TimeSpan.Zero));
    private string _database = "";
    private NpgsqlDataSource _dataSource = null!;
    private SignerQuota _quota = null!;

    public async Task InitializeAsync()
    {
        _database = await PostgresServer.CreateDatabaseAsync("signerquota");
        _dataSource = NpgsqlDataSource.Create(_database);
        _quota = new SignerQuota(_dataSource, "quota_test", _clock);
        await _quota.EnsureTableAsync(default);
    }

    public async Task DisposeAsync()
    {
        await _dataSource.DisposeAsync();
        await PostgresServer.DropDatabaseAsync(_database);
    }

    [Fact]
    public async Task A_batch_is_granted_entry_by_entry_in_order_as_single_takes_would_be()
    {
        Assert.Equal(2, (await _quota.TakeAsync("s", "0xAA", 3, Window, default))?.Left); // 2 left

        var granted = (await _quota.TakeEachAsync("s", ["0xaa", "0xBB", "0xAa", "0xaa", "0xbb", "0xcc"], 3, Window, default)).Each;

        // 0xaa had 2 left: its first two entries; 0xbb and 0xcc had all 3; case does not make another signer.
        Assert.Equal([true, true, true, false, true, true], granted);
        Assert.Null(await _quota.TakeAsync("s", "0xaa", 3, Window, default));
        Assert.Equal(0, (await _quota.TakeAsync("s", "0xbb", 3, Window, default))?.Left);
        Assert.Equal(new[] { false }, (await _quota.TakeEachAsync("s", ["0xbb"], 3, Window, default)).Each);
        Assert.Equal(new[] { true }, (await _quota.TakeEachAsync("other-scope", ["0xbb"], 3, Window, default)).Each);

        // A new window starts with the whole allowance again.
        _clock.Advance(Window);
        Assert.Equal(new[] { true, true, true, false }, (await _quota.TakeEachAsync("s", ["0xaa", "0xaa", "0xaa", "0xaa"], 3, Window, default)).Each);
    }

    [Fact]
    public async Task Given_back_requests_are_counted_per_entry_per_signer_and_never_below_nothing()
    {
        var taken = await _quota.TakeEachAsync("s", ["0xaa", "0xaa", "0xaa", "0xbb"], 3, Window, default);
        Assert.Equal([true, true, true, true], taken.Each);

        // Two of 0xaa's three back (any case), 0xbb's one back twice, and a signer with no row: nothing to give back.
        await _quota.GiveBackAsync("s", ["0xAA", "0xaa", "0xbb", "0xbb", "0xcc"], taken.Window, default);
        await _quota.GiveBackAsync("other-scope", ["0xaa"], taken.Window, default);

        Assert.Equal(new[] { true, true, false }, (await _quota.TakeEachAsync("s", ["0xaa", "0xaa", "0xaa"], 3, Window, default)).Each);
        Assert.Equal(new[] { true, true, true, false }, (await _quota.TakeEachAsync("s", ["0xbb", "0xbb", "0xbb", "0xbb"], 3, Window, default)).Each);
    }

    [Fact]
    public async Task A_request_given_back_after_its_window_ended_goes_back_to_that_window_not_the_next()
    {
        // Taken a moment before the hour turns: the single take and the batch both name the window they counted in.
        _clock.Advance(Window - TimeSpan.FromMilliseconds(1));
        var single = await _quota.TakeAsync("s", "0xaa", 2, Window, default);
        var batch = await _quota.TakeEachAsync("s", ["0xbb", "0xbb"], 2, Window, default);
        Assert.Equal(1, single?.Left);
        Assert.Equal([true, true], batch.Each);
        Assert.Equal(single?.Window, batch.Window);

        // The hour turns; each signer uses its whole allowance of the new window.
        _clock.Advance(TimeSpan.FromMilliseconds(1));
        Assert.Equal(new[] { true, true, false }, (await _quota.TakeEachAsync("s", ["0xaa", "0xaa", "0xaa"], 2, Window, default)).Each);
        Assert.Equal(new[] { true, true, false }, (await _quota.TakeEachAsync("s", ["0xbb", "0xbb", "0xbb"], 2, Window, default)).Each);

        // The earlier requests turn out to be replays and are given back, now: to the hour they were taken in. The new
        // hour is not credited, so neither signer gets a third request in it.
        await _quota.GiveBackAsync("s", ["0xaa"], single!.Value.Window, default);
        await _quota.GiveBackAsync("s", ["0xbb", "0xbb"], batch.Window, default);
        Assert.Null(await _quota.TakeAsync("s", "0xaa", 2, Window, default));
        Assert.Equal(new[] { false }, (await _quota.TakeEachAsync("s", ["0xbb"], 2, Window, default)).Each);
    }

    [Fact]
    public async Task Racing_batches_and_single_requests_of_one_signer_never_get_more_than_the_limit()
    {
        const int limit = 50;
        var signers = new[] { "0x01", "0x02", "0x03" };
        var batches = Enumerable.Range(0, 12).Select(i => Task.Run(async () =>
            ((await _quota.TakeEachAsync("race", [.. Enumerable.Range(0, 20).Select(j => signers[(i + j) % 3])], limit, Window, default)).Each)
                .Select((ok, j) => (Signer: signers[(i + j) % 3], Ok: ok))));
        var singles = Enumerable.Range(0, 60).Select(i => Task.Run(async () =>
            new[] { (Signer: signers[i % 3], Ok: await _quota.TakeAsync("race", signers[i % 3], limit, Window, default) is not null) }.AsEnumerable()));

        var results = (await Task.WhenAll(batches.Concat(singles))).SelectMany(r => r).ToList();

        // 12 × 20 + 60 = 300 requests, 100 per signer, against a limit of 50 each: exactly 50 granted per signer.
        foreach (var signer in signers)
            Assert.Equal(limit, results.Count(r => r.Signer == signer && r.Ok));
    }
}
