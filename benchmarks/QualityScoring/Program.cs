// Scoring throughput against the plain consume rate of the same messages on the same broker, measured in one run; the
// review-window closer's rate against closing by a last reveal in the same run; and near-duplicate lookup time against an
// index of 100k texts.
//   COMMUNITYAI_TEST_INFRA=local dotnet run --project benchmarks/QualityScoring -c Release --artifacts-path /tmp/art-x \
//     [contributions=3000] [reviewed=300] [indexSize=100000] [lookups=1000] [validators=5]
// indexSize or lookups 0: no near-duplicate phase.
// validators: how many are admitted and drawn from (the first five are anvil's dev keys 1-5, any more are generated).
using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using CommunityAI.Formats;
using CommunityAI.Benchmarks.QualityScoring;
using CommunityAI.Formats.Signing;
using CommunityAI.QualityScoring;
using CommunityAI.QualityScoring.Domain;
using CommunityAI.QualityScoring.Infrastructure;
using CommunityAI.Testing;
using HdrHistogram;
using Marten;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;

int Arg(int i, int fallback) => args.Length > i ? int.Parse(args[i], CultureInfo.InvariantCulture) : fallback;
var contributions = Arg(0, 3000);
var reviewed = Arg(1, 300);
var indexSize = Arg(2, 100_000);
var lookups = Arg(3, 1000);
var validators = Enumerable.Range(0, Arg(4, 5)).Select(Validator).ToList();
var keyOf = validators.ToDictionary(v => v.Address, v => v.Key, StringComparer.OrdinalIgnoreCase);

Console.WriteLine($"machine: {Environment.ProcessorCount} cores, {RuntimeInformation.OSDescription}, {RuntimeInformation.FrameworkDescription}");
Console.WriteLine($"load average at start: {LoadAverage()}");
var history = await PostgresServer.CreateDatabaseAsync("bench");
var broker = await RabbitServer.CreateVirtualHostAsync("bench");
try
{
    var texts = new Texts(seed: 7);
    var limit = await ConsumeLimit.MeasureAsync(broker, Enumerable.Range(0, contributions).Select(_ => Texts.Submission(6, texts.Next())).ToList());

    var builder = Host.CreateApplicationBuilder();
    builder.Configuration["ConnectionStrings:history"] = history;
    builder.Configuration["ConnectionStrings:rabbitmq"] = broker;
    builder.Configuration["Scoring:ReviewWindow"] = "01:00:00";
    builder.Configuration["Scoring:CommitWindow"] = "00:30:00"; // must end before the review window does
    builder.Configuration["Chain:VerifyingContract"] = TestChain.AnchorContract;
    // The validators below are admitted from the start.
    for (var i = 0; i < validators.Count; i++)
        builder.Configuration[$"Scoring:GenesisValidators:{i}"] = validators[i].Address;
    builder.Logging.ClearProviders();
    builder.AddApplicationServices();
    var clock = new ShiftedClock();
    builder.Services.AddSingleton<TimeProvider>(clock);
    using var host = builder.Build();
    await host.StartAsync();
    var bus = host.Services.GetRequiredService<IBus>();
    var dataSource = host.Services.GetRequiredService<NpgsqlDataSource>();
    using var roundTrips = new RoundTrips();
    var costs = new Costs(roundTrips, dataSource);

    // Warm-up (JIT, pools, Marten's generated code), then automated checks with no validator: every score final at once.
    await ScoreAllAsync(Enumerable.Range(0, 500).Select(_ => Texts.Submission(6, texts.Next())).ToList(), "contribution_scored");
    var before = await costs.TakeAsync();
    var automated = await ScoreAllAsync(Enumerable.Range(0, contributions).Select(_ => Texts.Submission(6, texts.Next())).ToList(), "contribution_scored");
    var automatedCosts = Costs.PerItem(before, await costs.TakeAsync(), contributions);

    // The validators register; each contribution gets three reviewers, then the reviews reach consensus.
    var registry = host.Services.GetRequiredService<ValidatorRegistry>();
    foreach (var (address, key) in validators)
    {
        var registration = new ValidatorRegistrationPayload(address, 1, (ulong)DateTimeOffset.UtcNow.AddHours(1).ToUnixTimeSeconds());
        var (outcome, _) = await registry.RegisterAsync(registration, TypedDataSigner.Sign(registration, TestChain.Domain, key), default);
        if (outcome != ValidatorRegistry.Outcome.Registered)
            throw new InvalidOperationException($"validator {registration.Validator}: {outcome}");
    }
    var toReview = Enumerable.Range(0, reviewed).Select(_ => Texts.Submission(6, texts.Next())).ToList();
    before = await costs.TakeAsync();
    var assignedRate = await ScoreAllAsync(toReview, "reviewers_assigned");
    var assignedCosts = Costs.PerItem(before, await costs.TakeAsync(), reviewed);
    var (consensusRate, reviewRate, reviewCosts) = await ReviewAllAsync(toReview.Select(s => s.ContributionId).ToList());

    // Cases closed at their deadline instead of by their last reveal: all three reviewers commit, two reveal, and the
    // clock moves past every review window at once; the service's own closer loop finalises them (publishes the held
    // reveals, scores, moves reputations, charges the missing reveal). The limit is the close by a last reveal above.
    // From a community of contributors, as in a running system (the closer closes one contributor's cases in order).
    var community = Enumerable.Range(0, 100).Select(_ => Nethereum.Signer.EthECKey.GenerateKey().GetPublicAddress()).ToArray();
    var toClose = Enumerable.Range(0, reviewed).Select(i => Texts.Submission(community[i % community.Length], texts.Next())).ToList();
    await ScoreAllAsync(toClose, "reviewers_assigned");
    await ReviewAllAsync(toClose.Select(s => s.ContributionId).ToList(), reveals: 2);
    before = await costs.TakeAsync();
    var closeWatch = Stopwatch.StartNew();
    clock.Advance(TimeSpan.FromHours(1) + TimeSpan.FromMinutes(1));
    await WaitRecordedAsync(toClose, "contribution_scored");
    var closeRate = reviewed / closeWatch.Elapsed.TotalSeconds;
    var closeCosts = Costs.PerItem(before, await costs.TakeAsync(), reviewed, countsRoundTrips: false);

    Console.WriteLine($"contributions: {contributions} (automated), {reviewed} (reviewed by 3 of {validators.Count} validators)");
    Console.WriteLine($"  plain consume (no-op consumer)          {limit,8:F0} msg/s   (limit)");
    Console.WriteLine($"  automated checks → final score          {automated,8:F0} /s      = {automated / limit:P1} of the limit");
    Console.WriteLine($"  automated checks → reviewers assigned   {assignedRate,8:F0} /s      = {assignedRate / limit:P1} of the limit");
    Console.WriteLine($"  signed reviews → consensus, reputation  {consensusRate,8:F0} /s      ({reviewRate:F0} reviews/s) = {consensusRate / limit:P1} of the limit");
    Console.WriteLine($"  review deadline → closed by the closer  {closeRate,8:F0} /s      = {closeRate / consensusRate:P0} of closing by a last reveal ({reviewed} cases of {community.Length} contributors, 2 of 3 revealed)");
    Console.WriteLine("  cost per item (round trips are database commands; each transaction's COMMIT comes on top):");
    Console.WriteLine($"    final score  {automatedCosts}");
    Console.WriteLine($"    assignment   {assignedCosts}");
    Console.WriteLine($"    review       {reviewCosts}");
    Console.WriteLine($"    close        {closeCosts} (the closer's loop: its round trips are not counted)");
    Console.WriteLine($"  a reviewed case as stored: {await CaseSizeAsync(toReview.Select(s => s.ContributionId).ToArray())}");
    Console.WriteLine($"load average at end: {LoadAverage()}");

    // indexSize or lookups 0 leaves the near-duplicate phase out (for a profile of the scoring phases alone).
    if (indexSize > 0 && lookups > 0)
        await NearDuplicateLookupAsync(dataSource, indexSize, lookups, texts);

    await host.StopAsync();

    async Task<double> ScoreAllAsync(IReadOnlyList<CommunityAI.Contracts.ContributionSubmitted> batch, string eventType)
    {
        // The contributions service records what it publishes; consumers take in only what the history holds.
        var ids = await RecordSubmissionsAsync(batch);
        var watch = Stopwatch.StartNew();
        await Publisher.PublishAllAsync(bus, batch, ids);
        await WaitRecordedAsync(batch, eventType);
        return batch.Count / watch.Elapsed.TotalSeconds;
    }

    async Task WaitRecordedAsync(IReadOnlyList<CommunityAI.Contracts.ContributionSubmitted> batch, string eventType)
    {
        // In publishing order, which is roughly the order they finish in: each poll looks at the oldest few only.
        var pending = batch.Select(s => ContributionIntakeWriter.StreamFor(CommunityAI.Formats.Hex.Encode(CommunityAI.Formats.Hex.Decode(s.ContributionId, 32)))).ToList();
        while (pending.Count > 0)
        {
            await Task.Delay(20);
            var oldest = pending.GetRange(0, Math.Min(200, pending.Count));
            var recorded = (await RecordedAsync(oldest.ToArray(), eventType)).ToHashSet();
            pending.RemoveRange(0, oldest.Count);
            pending.InsertRange(0, oldest.Where(s => !recorded.Contains(s)));
        }
    }

    async Task<Dictionary<string, Guid>> RecordSubmissionsAsync(IReadOnlyList<CommunityAI.Contracts.ContributionSubmitted> batch)
    {
        var store = host.Services.GetRequiredService<IDocumentStore>();
        var ids = new Dictionary<string, Guid>(StringComparer.Ordinal);
        foreach (var chunk in batch.Chunk(500))
        {
            await using var session = store.LightweightSession();
            var streams = chunk.Select(s => (s.ContributionId, Stream: session.Events.StartStream("contributions/" + s.ContributionId, s))).ToList();
            await session.SaveChangesAsync();
            foreach (var (id, stream) in streams)
                ids[id] = stream.Events[0].Id;
        }
        return ids;
    }

    // Every reviewer commits; the first <paramref name="reveals"/> of each case's reviewers reveal (all three: consensus).
    async Task<(double Contributions, double Reviews, string Costs)> ReviewAllAsync(IReadOnlyList<string> ids, int reveals = 3)
    {
        var store = host.Services.GetRequiredService<IDocumentStore>();
        var desk = host.Services.GetRequiredService<ReviewDesk>();
        await using var query = store.QuerySession();
        var cases = await query.LoadManyAsync<ScoringCase>(ids);
        var deadline = (ulong)DateTimeOffset.UtcNow.AddHours(1).ToUnixTimeSeconds();
        // Signing is the validators' work, done before the clock starts.
        var reviews = cases.SelectMany(c => c.Assignment!.Reviewers.Select((r, i) =>
        {
            var key = keyOf[r.Validator];
            var payload = new ReviewPayload(r.Validator, c.Id, (ushort)(60 + i * 5), "accept", Hex.Encode(RandomNumberGenerator.GetBytes(32)),
                (ulong)Random.Shared.NextInt64(1, long.MaxValue), deadline);
            var commit = new ReviewCommitPayload(r.Validator, c.Id, ReviewCommitment.Compute(payload.Score, payload.Verdict, payload.Salt),
                (ulong)Random.Shared.NextInt64(1, long.MaxValue), deadline);
            return (payload, TypedDataSigner.Sign(payload, TestChain.Domain, key),
                commit, TypedDataSigner.Sign(commit, TestChain.Domain, key), Reveals: i < reveals);
        })).ToList();
        var before = await CountAsync("contribution_scored");
        var next = -1;
        var spent = await costs.TakeAsync();
        var watch = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, 16).Select(async _ =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < reviews.Count)
            {
                // Signature recovery is part of accepting a review, as the API does it.
                // A review is a commitment and its reveal: two signed requests, each with its recovery and its transaction.
                using var handling = RoundTrips.Review();
                if (TypedDataSigner.RecoverSigner(reviews[i].commit, TestChain.Domain, reviews[i].Item4) != reviews[i].payload.Validator)
                    throw new InvalidOperationException("bad signature");
                if (await desk.CommitAsync(reviews[i].commit, reviews[i].Item4, default) is not ReviewDesk.Outcome.Committed)
                    throw new InvalidOperationException("commitment refused");
            }
        }));
        next = -1;
        await Task.WhenAll(Enumerable.Range(0, 16).Select(async _ =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < reviews.Count)
            {
                if (!reviews[i].Reveals)
                    continue;
                using var handling = RoundTrips.Review();
                if (TypedDataSigner.RecoverSigner(reviews[i].payload, TestChain.Domain, reviews[i].Item2) != reviews[i].payload.Validator)
                    throw new InvalidOperationException("bad signature");
                if (await desk.RevealAsync(reviews[i].payload, reviews[i].Item2, default) is not ReviewDesk.Outcome.Revealed)
                    throw new InvalidOperationException("reveal refused");
            }
        }));
        var seconds = watch.Elapsed.TotalSeconds;
        var perReview = Costs.PerItem(spent, await costs.TakeAsync(), reviews.Count);
        if (reveals == 3 && await CountAsync("contribution_scored") < before + ids.Count)
            throw new InvalidOperationException("not every reviewed contribution reached consensus");
        return (ids.Count / seconds, reviews.Count / seconds, perReview);
    }

    // The case document's stored (TOAST-compressed where large) size: what every rewrite of a case writes again.
    async Task<string> CaseSizeAsync(string[] ids)
    {
        await using var command = dataSource.CreateCommand(
            "SELECT avg(pg_column_size(data))::bigint, avg(octet_length(data::text))::bigint FROM scoring.mt_doc_scoringcase WHERE id = ANY(@ids)");
        command.Parameters.AddWithValue("ids", ids);
        await using var reader = await command.ExecuteReaderAsync();
        await reader.ReadAsync();
        return $"{reader.GetInt64(0):N0} bytes stored on average ({reader.GetInt64(1):N0} bytes of JSON)";
    }

    async Task<long> CountAsync(string type)
    {
        await using var command = dataSource.CreateCommand("SELECT count(*) FROM history.mt_events WHERE type = @type");
        command.Parameters.AddWithValue("type", type);
        return (long)(await command.ExecuteScalarAsync())!;
    }

    // Looks a few of the batch's own streams up by key (an index probe each) instead of counting a type over the whole
    // history: that scan's cost grows with every run, and polling made the database repeat it every few milliseconds.
    async Task<IReadOnlyList<string>> RecordedAsync(string[] streams, string type)
    {
        await using var command = dataSource.CreateCommand("SELECT DISTINCT stream_id FROM history.mt_events WHERE stream_id = ANY(@streams) AND type = @type");
        command.Parameters.AddWithValue("streams", streams);
        command.Parameters.AddWithValue("type", type);
        var found = new List<string>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
            found.Add(reader.GetString(0));
        return found;
    }
}
finally
{
    NpgsqlConnection.ClearAllPools();
    await RabbitServer.DeleteVirtualHostAsync(broker);
    await PostgresServer.DropDatabaseAsync(history);
}

static async Task NearDuplicateLookupAsync(NpgsqlDataSource dataSource, int indexSize, int lookups, Texts texts)
{
    var policy = new ScoringOptions().ToPolicy(DateTimeOffset.UtcNow);
    var minHash = new MinHash(policy.ShingleLength, policy.MinHashFunctions, policy.LshBands);
    var corpus = Enumerable.Range(0, indexSize).Select(_ => texts.Next()).ToArray();
    var watch = Stopwatch.StartNew();
    var rows = new (string, uint[], long[])[indexSize];
    Parallel.For(0, indexSize, i => rows[i] = IndexLoader.Row(minHash, $"bench-{i}", corpus[i]));
    var signing = watch.Elapsed;
    await IndexLoader.LoadAsync(dataSource, rows);
    Console.WriteLine($"near-duplicate index: {indexSize:N0} texts of ~{corpus.Average(t => t.Length):F0} chars; MinHash {signing.TotalMilliseconds * 1000 * Environment.ProcessorCount / indexSize:F0} µs/text/core, load {watch.Elapsed.TotalSeconds - signing.TotalSeconds:F1} s");

    var latency = new LongHistogram(TimeStamp.Seconds(10), 3);
    int found = 0, falseHits = 0;
    await using var connection = await dataSource.OpenConnectionAsync();
    for (var q = 0; q < lookups; q++)
    {
        var near = q % 2 == 0;
        var original = Random.Shared.Next(indexSize);
        var text = near ? texts.Edit(corpus[original]) : texts.Next();
        var start = Stopwatch.GetTimestamp();
        var signature = minHash.Signature(MinHash.Normalise(text));
        var best = await NearDuplicateIndex.FindNearestAsync(connection, "query", minHash.BandKeys(signature), signature, default);
        latency.RecordValue(Stopwatch.GetTimestamp() - start);
        var flagged = best is { } b && b.Similarity >= policy.NearDuplicateThreshold;
        if (near && flagged && best!.Value.ContributionId == $"bench-{original}")
            found++;
        if (!near && flagged)
            falseHits++;
    }
    double Ms(double percentile) => latency.GetValueAtPercentile(percentile) * 1000.0 / Stopwatch.Frequency;
    Console.WriteLine($"near-duplicate lookup (MinHash + LSH candidates + similarity), {lookups} queries: p50 {Ms(50):F2} ms, p99 {Ms(99):F2} ms, max {Ms(100):F2} ms");
    Console.WriteLine($"  one-word edits found pointing at their original: {found}/{lookups / 2}; unrelated texts flagged: {falseHits}/{lookups - lookups / 2}");
}

// Anvil's dev keys 1-5 first, as the benchmark always had; generated keys past them.
static (string Address, string Key) Validator(int i)
{
    if (i < 5)
        return (AnvilNode.DevAddresses[i + 1], AnvilNode.DevPrivateKeys[i + 1]);
    var key = Nethereum.Signer.EthECKey.GenerateKey();
    return (key.GetPublicAddress(), key.GetPrivateKey());
}

static string LoadAverage() =>
    File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "n/a";
