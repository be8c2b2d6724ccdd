using CommunityAI.Formats.Policies;
using System.Diagnostics;
using CommunityAI.Benchmarks;
using CommunityAI.Benchmarks.RewardLedger;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using CommunityAI.Contracts;
using CommunityAI.Formats;
using CommunityAI.Formats.Claims;
using CommunityAI.RewardLedger;
using CommunityAI.RewardLedger.Domain;
using CommunityAI.RewardLedger.Infrastructure;
using CommunityAI.ServiceDefaults.Epochs;
using CommunityAI.ServiceDefaults.History;
using Marten;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

// Credits/s with the ledger's exactly-once guard (locks, journal entry, account, credit stream in one transaction)
// against the raw Marten append rate in the same run, database round trips per credit, then claim-tree build times.
// Usage: communityai-ledger-bench [credits=3000] [parallel=16] [treeSizes=100000,1000000]
//    or: communityai-ledger-bench invalidations [events=1000000] [lag=10000] [batches=20] [batchSize=500] (InvalidationReads)
//    or: communityai-ledger-bench epochs [events=2000000] [credits=160000] [addresses=20000] (EpochCloses)
var mode = args.FirstOrDefault() is "invalidations" or "epochs" ? args[0] : null;
if (mode is not null)
    args = args[1..];
var credits = args.Length > 0 ? int.Parse(args[0]) : 3_000;
var parallel = args.Length > 1 ? int.Parse(args[1]) : 16;
var treeSizes = args.Length > 2 ? args[2].Split(',').Where(s => s.Length > 0).Select(int.Parse).ToArray() : [100_000, 1_000_000];
var server = Environment.GetEnvironmentVariable("COMMUNITYAI_BENCH_POSTGRES") ?? "Host=127.0.0.1;Port=5432;Username=postgres;Password=postgres";

Console.WriteLine($"machine: {Environment.ProcessorCount} cores, {RuntimeInformation.OSDescription}, {RuntimeInformation.FrameworkDescription}");
Console.WriteLine($"load average at start: {LoadAverage.Read()}");
using var roundTrips = new RoundTrips();
await using var database = await BenchDatabase.CreateAsync(server, "bench_ledger_", maxPoolSize: 64);

var builder = Host.CreateApplicationBuilder();
builder.Configuration["ConnectionStrings:history"] = database.ConnectionString;
builder.Logging.ClearProviders();
// The system clock, moved past an epoch's end when the epoch run closes one as the running ledger does.
var clock = new CommunityAI.Testing.ShiftedClock();
builder.Services.AddSingleton<TimeProvider>(clock);
builder.Services.AddOptions<EpochOptions>();
builder.AddHistoryStore(Extensions.Schema, options =>
{
    Extensions.ConfigureLedgerStore(options);
    options.Events.AddEventType<ContributionScored>();
    options.Events.AddEventType<PolicyActivated>();
});
// The service's data source, with Npgsql's transaction log going to the round-trip count (registered last, so it wins).
builder.Services.AddSingleton(_ => HistoryStoreExtensions.DataSourceBuilder(database.ConnectionString).UseLoggerFactory(roundTrips.Loggers).Build());
builder.Services.AddOptions<RewardGenesisOptions>();
builder.Services.AddSingleton<RewardPolicyBook>();
builder.Services.AddSingleton<ContributionEvidence>();
builder.Services.AddSingleton<CreditWriter>();
builder.Services.AddSingleton<EpochCloser>();
using var host = builder.Build();
await host.StartAsync();
var store = host.Services.GetRequiredService<IDocumentStore>();
var writer = host.Services.GetRequiredService<CreditWriter>();
await host.Services.GetRequiredService<RewardPolicyBook>().ScheduleAsync(default);
// The benchmark's own progress polling, on a data source of its own that the round-trip count leaves out.
var pollBuilder = new Npgsql.NpgsqlDataSourceBuilder(database.ConnectionString) { Name = RoundTrips.Ignored };
await using var poll = pollBuilder.Build();

// A score of a contributor of its own (the invalidation and epoch runs).
ContributionScored ScoredOfAnyone(int i) => new(Hex.Encode(RandomNumberGenerator.GetBytes(32)), Hex.Encode(RandomNumberGenerator.GetBytes(20)), "data", 20 + i % 81, "scoring-1", DateTimeOffset.UtcNow);

if (mode == "invalidations")
{
    await InvalidationReads.RunAsync(store, poll, writer, roundTrips, ScoredOfAnyone,
        events: args.Length > 0 ? int.Parse(args[0]) : 1_000_000, lag: args.Length > 1 ? int.Parse(args[1]) : 10_000,
        batches: args.Length > 2 ? int.Parse(args[2]) : 20, batchSize: args.Length > 3 ? int.Parse(args[3]) : 500);
    Console.WriteLine($"load average at end: {LoadAverage.Read()}");
    await host.StopAsync();
    return;
}

if (mode == "epochs")
{
    await EpochCloses.RunAsync(store, poll, host.Services.GetRequiredService<Npgsql.NpgsqlDataSource>(), host.Services.GetRequiredService<EpochCloser>(),
        writer, clock, host.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<EpochOptions>>().Value, ScoredOfAnyone, events: args.Length > 0 ? int.Parse(args[0]) : 2_000_000, credits: args.Length > 1 ? int.Parse(args[1]) : 160_000,
        addresses: args.Length > 2 ? int.Parse(args[2]) : 20_000);
    Console.WriteLine($"load average at end: {LoadAverage.Read()}");
    await host.StopAsync();
    return;
}

var contributors = Enumerable.Range(0, 500).Select(_ => Hex.Encode(RandomNumberGenerator.GetBytes(20))).ToArray();
ContributionScored NewScored(int i) => new(Hex.Encode(RandomNumberGenerator.GetBytes(32)), contributors[i % contributors.Length], "data", 20 + i % 81, "scoring-1", DateTimeOffset.UtcNow);

// Rate and round trips per item of one measured step.
async Task<(double Rate, double PerItem, double Operations, double Transactions)> MeasureAsync(int count, Func<Task> step)
{
    var (operations, transactions) = roundTrips.Read();
    var watch = Stopwatch.StartNew();
    await step();
    watch.Stop();
    var (operationsAfter, transactionsAfter) = roundTrips.Read();
    var (o, t) = ((operationsAfter - operations) / (double)count, (transactionsAfter - transactions) / (double)count);
    return (count / watch.Elapsed.TotalSeconds, o + t, o, t);
}
string Trips((double Rate, double PerItem, double Operations, double Transactions) m) =>
    $"{m.PerItem,6:F2} round trips each ({m.Operations:F2} commands + {m.Transactions:F2} commits)";

// Warm-up of both paths (JIT, pools, schema).
await Rate.MeasureAsync(200, parallel, async i => { await using var s = store.LightweightSession(); s.Events.StartStream($"bench/warm/{i}", NewScored(i)); await s.SaveChangesAsync(); });
await Rate.MeasureAsync(200, parallel, i => writer.CreditAsync(NewScored(i), default));

// Limit: one event per stream per transaction, as raw as Marten appends (quick append, lightweight session).
var raw = await MeasureAsync(credits, () => Rate.MeasureAsync(credits, parallel, async i =>
{
    await using var session = store.LightweightSession();
    session.Events.StartStream($"bench/raw/{i}", NewScored(i));
    await session.SaveChangesAsync();
}));
var scored = Enumerable.Range(0, credits).Select(NewScored).ToArray();
var ledger = await MeasureAsync(credits, () => Rate.MeasureAsync(credits, parallel, i => writer.CreditAsync(scored[i], default)));
var redelivered = await MeasureAsync(credits, () => Rate.MeasureAsync(credits, parallel, i => writer.CreditAsync(scored[i], default)));

// The limit of the followed path: the same credits' events (one stream each, as the ledger starts them) appended raw
// by one writer in transactions of the feed's batch size.
const int FeedBatch = 500;
var rawBatched = await MeasureAsync(credits, async () =>
{
    foreach (var chunk in Enumerable.Range(0, credits).Chunk(FeedBatch))
    {
        await using var session = store.LightweightSession();
        foreach (var i in chunk)
            session.Events.StartStream($"bench/raw-batched/{i}", new ContributionRewarded(Hex.Encode(RandomNumberGenerator.GetBytes(32)),
                contributors[i % contributors.Length], "1000", 0, "genesis", DateTimeOffset.UtcNow));
        await session.SaveChangesAsync();
    }
});

// The real path: scores recorded in quality-scoring's streams, then credited by the ledger's ScoreFollower under its
// leader loop, from the first feed read to the last credit.
var dataSource = host.Services.GetRequiredService<Npgsql.NpgsqlDataSource>();
var toFollow = Enumerable.Range(0, credits).Select(NewScored).ToArray();
foreach (var chunk in toFollow.Chunk(FeedBatch))
{
    await using var session = store.LightweightSession();
    foreach (var score in chunk)
        session.Events.StartStream(ScoreFollower.ScoringStreamPrefix + score.ContributionId, score);
    await session.SaveChangesAsync();
}
async Task<long> CreditCountAsync()
{
    await using var command = poll.CreateCommand("SELECT count(*) FROM history.mt_events WHERE type = 'contribution_rewarded'");
    return (long)(await command.ExecuteScalarAsync())!;
}
var creditedBefore = await CreditCountAsync();
var follower = new CommunityAI.ServiceDefaults.Background.LeaderLoop<ScoreFollower>(
    new ScoreFollower(dataSource, store, writer), dataSource, TimeProvider.System, Microsoft.Extensions.Logging.Abstractions.NullLoggerFactory.Instance);
var followed = await MeasureAsync(credits, async () =>
{
    await follower.StartAsync(default);
    while (await CreditCountAsync() < creditedBefore + credits)
        await Task.Delay(20);
    await follower.StopAsync(default);
});

Console.WriteLine($"parallel {parallel}, {credits} each:");
Console.WriteLine($"  raw Marten append       {raw.Rate,10:N0} events/s  (limit)                     {Trips(raw)}");
Console.WriteLine($"  ledger credit           {ledger.Rate,10:N0} credits/s = {ledger.Rate / raw.Rate,5:P0} of the limit   {Trips(ledger)}");
Console.WriteLine($"  redelivery (refused)    {redelivered.Rate,10:N0} msgs/s    = {redelivered.Rate / raw.Rate,5:P0} of the limit   {Trips(redelivered)}");
Console.WriteLine($"one writer, transactions of {FeedBatch}:");
Console.WriteLine($"  raw Marten append       {rawBatched.Rate,10:N0} events/s  (limit)                     {Trips(rawBatched)}");
Console.WriteLine($"  followed from history   {followed.Rate,10:N0} credits/s = {followed.Rate / rawBatched.Rate,5:P0} of the limit   {Trips(followed)} (ScoreFollower, one leader)");

foreach (var size in treeSizes)
{
    var claims = Enumerable.Range(0, size)
        .Select(i => (Hex.Encode(RandomNumberGenerator.GetBytes(20)), (System.Numerics.BigInteger)(1_000_000_000_000_000_000L + i)))
        .ToArray();
    var watch = Stopwatch.StartNew();
    var tree = ClaimTree.Build(claims);
    watch.Stop();
    var perLeaf = watch.Elapsed.TotalMilliseconds * 1_000 / size;
    Console.WriteLine($"claim tree {size,9:N0} addresses: {watch.Elapsed.TotalSeconds,6:F2} s ({perLeaf:F2} µs/address), root {tree.Root[..18]}…");
}
Console.WriteLine($"load average at end: {LoadAverage.Read()}");
await host.StopAsync();
