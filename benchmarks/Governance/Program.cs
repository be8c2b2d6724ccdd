using System.Diagnostics;
using System.Globalization;
using System.Numerics;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using CommunityAI.Benchmarks;
using CommunityAI.Testing;
using CommunityAI.Contracts;
using CommunityAI.Formats;
using CommunityAI.Formats.Claims;
using CommunityAI.Formats.Json;
using CommunityAI.Formats.Signing;
using CommunityAI.Governance;
using CommunityAI.Governance.Domain;
using CommunityAI.Governance.Infrastructure;
using CommunityAI.ServiceDefaults.History;
using CommunityAI.ServiceDefaults.Limits;
using CommunityAI.ServiceDefaults.Signing;
using Marten;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Nethereum.Signer;

// Governance at scale, each figure beside a limit measured in the same run:
// - signed votes accepted per second through the desk (signature check, weight from the snapshot, tally, the vote and
//   its nonce in one transaction) against raw Marten appends, and how the rate moves as one proposal gathers votes;
// - the time to tally 100k voters (with delegations) against one pass over the same weights;
// - the time to establish 100k earners' weights from the history (credits read, claim tree rebuilt, root checked)
//   against building that claim tree alone.
// Usage: communityai-governance-bench [votes=2000] [parallel=16] [earners=100000]
var votes = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 2_000;
var parallel = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 16;
var earners = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 100_000;
var server = Environment.GetEnvironmentVariable("COMMUNITYAI_BENCH_POSTGRES") ?? "Host=127.0.0.1;Port=5432;Username=postgres;Password=postgres";

Console.WriteLine($"machine: {Environment.ProcessorCount} cores, {RuntimeInformation.OSDescription}, {RuntimeInformation.FrameworkDescription}");
Console.WriteLine($"load average at start: {LoadAverage.Read()}");
await using var database = await BenchDatabase.CreateAsync(server, "bench_governance_", maxPoolSize: 64);

var clock = new ShiftedClock();
var builder = Host.CreateApplicationBuilder();
builder.Configuration["ConnectionStrings:history"] = database.ConnectionString;
builder.Configuration["Chain:Id"] = "31337";
builder.Configuration["Chain:VerifyingContract"] = SigningChainOptions.DevelopmentVerifyingContract;
builder.Configuration["Governance:Genesis"] = "Development";
builder.Logging.ClearProviders();
builder.Services.AddSingleton<TimeProvider>(clock);
builder.Services.AddOptions<GovernanceOptions>().BindConfiguration(GovernanceOptions.Section);
builder.AddSignedRequestCheck();
builder.AddHistoryStore(Extensions.Schema, Extensions.ConfigureGovernanceStore);
builder.Services.AddSingleton<EarnedWeights>();
builder.Services.AddSingleton<ParametersBook>();
builder.Services.AddSingleton<PolicyVersions>();
builder.AddSignerQuota(Extensions.Schema);
builder.Services.AddSingleton<ProposalWriteGate>();
builder.Services.AddSingleton<GovernanceDesk>();
using var host = builder.Build();
await host.StartAsync();
var store = host.Services.GetRequiredService<IDocumentStore>();
var desk = host.Services.GetRequiredService<GovernanceDesk>();
var domain = new SigningDomain(31337, SigningChainOptions.DevelopmentVerifyingContract);

// An epoch of `earners` earners, as reward-ledger records it; the first `votes` of them hold keys and will vote.
var keys = Enumerable.Range(0, votes).Select(_ => EthECKey.GenerateKey()).ToArray();
// Amounts in token units of 10^18, as the ledger credits them (the proposal threshold is one token).
var token = BigInteger.Pow(10, 18);
BigInteger Earned() => token * (1 + RandomNumberGenerator.GetInt32(1_000)) + RandomNumberGenerator.GetInt32(1_000_000);
var earned = new Dictionary<string, BigInteger>(StringComparer.Ordinal);
foreach (var key in keys)
    earned[key.GetPublicAddress()] = Earned();
while (earned.Count < earners)
    earned[Address.Parse(Hex.Encode(RandomNumberGenerator.GetBytes(20)))] = Earned();
foreach (var chunk in earned.Chunk(2_000))
{
    await using var session = store.LightweightSession();
    foreach (var (address, amount) in chunk)
    {
        var id = Hex.Encode(RandomNumberGenerator.GetBytes(32));
        session.Events.StartStream("ledger/credits/" + id,
            new ContributionRewarded(id, address, amount.ToString(CultureInfo.InvariantCulture), 1, "reward-1", clock.GetUtcNow()));
    }
    await session.SaveChangesAsync();
}
var treeWatch = Stopwatch.StartNew();
var tree = ClaimTree.OfCumulativeAmounts(earned.Select(e => (e.Key, e.Value)))!;
var treeAlone = treeWatch.Elapsed;
await using (var closing = store.LightweightSession())
{
    closing.Events.StartStream("ledger/epochs/1", new EpochClosed(1, clock.GetUtcNow(), "0",
        tree.Total.ToString(CultureInfo.InvariantCulture), tree.Count, tree.Root));
    await closing.SaveChangesAsync();
}

// Weights from the history: every credit read back, the tree rebuilt and its root checked (cached per epoch afterwards).
var weightsWatch = Stopwatch.StartNew();
var weights = await host.Services.GetRequiredService<EarnedWeights>().ForAsync((await host.Services.GetRequiredService<EarnedWeights>().ClosedAsync(1, default))!, default);
var weightsTime = weightsWatch.Elapsed;
if (weights.Earned.Count != earners)
    throw new InvalidOperationException($"weights for {weights.Earned.Count} earners, expected {earners}");

// A proposal by the first voter, then the clock past the voting delay.
ulong Deadline() => (ulong)clock.GetUtcNow().AddHours(1).ToUnixTimeSeconds();
var payload = JsonSerializer.SerializeToElement(new { validator = Address.Parse(Hex.Encode(RandomNumberGenerator.GetBytes(20))) });
const string Body = "Admit a validator the community knows.";
var proposalMessage = new ProposalPayload(keys[0].GetPublicAddress(), "validator-admission", "Admit a validator",
    Hex.Encode(SHA256.HashData(Encoding.UTF8.GetBytes(Body))), Hex.Encode(SHA256.HashData(JsonCanonicalizer.Canonicalize(payload))), 1, Deadline());
var proposed = await desk.ProposeAsync(new ProposalRequest(proposalMessage.Proposer, proposalMessage.Kind, proposalMessage.Title, Body, payload,
    proposalMessage.Nonce, proposalMessage.Deadline, TypedDataSigner.Sign(proposalMessage, domain, keys[0].GetPrivateKey())), default);
var proposalId = proposed is DeskOutcome.Recorded recorded ? recorded.Id : throw new InvalidOperationException($"proposal refused: {proposed}");
clock.Advance(TimeSpan.FromSeconds(GovernanceParameters.Development.VotingDelaySeconds + 1));

// Votes signed before the clock starts, as wallets would have: the desk verifies, it does not sign.
var signWatch = Stopwatch.StartNew();
var requests = keys.Select((key, i) =>
{
    var message = new VotePayload(key.GetPublicAddress(), proposalId, (byte)(i % 3), "", 1, Deadline());
    return new VoteRequest(message.Voter, proposalId, message.Support, "", message.Nonce, message.Deadline, TypedDataSigner.Sign(message, domain, key.GetPrivateKey()));
}).ToArray();
var signRate = votes / signWatch.Elapsed.TotalSeconds;

// What the desk cannot do faster than: recovering each vote's signer (one core).
var check = host.Services.GetRequiredService<SignedRequestCheck>();
var verifyWatch = Stopwatch.StartNew();
foreach (var request in requests)
{
    var message = new VotePayload(request.Voter!, proposalId, (byte)request.Support!.Value, "", 1, request.Deadline!.Value);
    if (check.Verify(message, request.Signature) is { } error)
        throw new InvalidOperationException($"a pre-signed vote does not verify: {error}");
}
var verifyRate = votes / verifyWatch.Elapsed.TotalSeconds;

// Limit: one small event per stream per transaction, as raw as Marten appends.
var raw = await Rate.MeasureAsync(votes, parallel, async i =>
{
    await using var session = store.LightweightSession();
    session.Events.StartStream($"bench/raw/{i}", new DelegationChanged("0x" + i.ToString("x40", CultureInfo.InvariantCulture), "", "1", 0, "", clock.GetUtcNow()));
    await session.SaveChangesAsync();
});

// Votes through the desk, in tenths, so the rate's drift as the proposal gathers votes shows.
var tenth = Math.Max(1, votes / 10);
var segments = new List<double>();
var refused = 0;
var deskWatch = Stopwatch.StartNew();
for (var start = 0; start < votes; start += tenth)
{
    var slice = requests.Skip(start).Take(tenth).ToArray();
    segments.Add(await Rate.MeasureAsync(slice.Length, parallel, async i =>
    {
        if (await desk.VoteAsync(slice[i], default) is not DeskOutcome.Recorded { Again: false })
            Interlocked.Increment(ref refused);
    }));
}
var deskRate = votes / deskWatch.Elapsed.TotalSeconds;
if (refused > 0)
    throw new InvalidOperationException($"{refused} of {votes} votes were not recorded");

// The tally of 100k voters: half delegate to someone in the other half, who votes; the delegators then vote too,
// taking their weight back (the costly path). Limit: one pass summing the same weights.
var tallyVoters = earned.Keys.Take(100_000).ToArray();
var delegations = new Dictionary<string, string>(StringComparer.Ordinal);
for (var i = 0; i < tallyVoters.Length / 2; i++)
    delegations[tallyVoters[i]] = tallyVoters[tallyVoters.Length / 2 + i % 1_000];
var cast = tallyVoters.Reverse().Select((voter, i) => new CastVote(voter, (VoteSupport)(i % 3), DateTimeOffset.UnixEpoch.AddSeconds(i))).ToArray();
var power = new VotingPower(earned, delegations, squareRoot: false);
Tally.Count(power, 400, cast); // warm-up
var tallyWatch = Stopwatch.StartNew();
var tally = Tally.Count(power, 400, cast);
var tallyTime = tallyWatch.Elapsed;
var sumWatch = Stopwatch.StartNew();
var sum = BigInteger.Zero;
foreach (var vote in cast)
    sum += power.Own(vote.Voter);
var sumTime = sumWatch.Elapsed;
if (tally.For + tally.Against + tally.Abstain != sum)
    throw new InvalidOperationException($"the tally counted {tally.For + tally.Against + tally.Abstain}, the voters hold {sum}");

Console.WriteLine($"load average at end: {LoadAverage.Read()}");
Console.WriteLine();
Console.WriteLine("| measure | value | limit in the same run | ratio |");
Console.WriteLine("|---|---|---|---|");
Console.WriteLine($"| votes accepted through the desk ({votes:N0} voters, {parallel} at once, one proposal) | {deskRate:N0}/s | raw Marten append {raw:N0}/s | {deskRate / raw:P1} |");
Console.WriteLine($"| votes accepted through the desk | {deskRate:N0}/s | signature checks alone, one core {verifyRate:N0}/s | {deskRate / verifyRate:P1} |");
Console.WriteLine($"| first tenth of the votes / last tenth | {segments[0]:N0}/s / {segments[^1]:N0}/s | first tenth | {segments[^1] / segments[0]:P0} |");
Console.WriteLine($"| tally of {cast.Length:N0} voters, {delegations.Count:N0} delegating | {tallyTime.TotalMilliseconds:N1} ms | one pass summing their weights {sumTime.TotalMilliseconds:N1} ms | {tallyTime / sumTime:N1}× |");
Console.WriteLine($"| weights of {earners:N0} earners from the history (read, tree, root check) | {weightsTime.TotalMilliseconds:N0} ms | claim tree alone {treeAlone.TotalMilliseconds:N0} ms | {weightsTime / treeAlone:N1}× |");
Console.WriteLine($"| (for scale) votes signed by a wallet library, one core | {signRate:N0}/s | | |");
Console.WriteLine($"| votes per tenth | {string.Join(", ", segments.Select(s => s.ToString("N0", CultureInfo.InvariantCulture)))} | | |");
