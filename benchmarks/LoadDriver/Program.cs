using CommunityAI.Benchmarks.LoadDriver;
using CommunityAI.Benchmarks.LoadDriver.Limits;
using CommunityAI.DemoValidators;
using Spectre.Console;

// Acts as a community against a running system (eng/run.sh), then measures the limits on the same machine.
var settings = LoadSettings.Parse(args);
if (settings is null)
{
    Console.WriteLine($"communityai-load [option value]…  (against a running eng/run.sh; every option has a default)\noptions: {LoadSettings.Options}");
    return 0;
}
if (Console.IsOutputRedirected)
    AnsiConsole.Profile.Width = 160; // tables written to a file keep one row per line
// Room for signing, the run itself, its lags, the check that nothing was lost and the limits measured after.
using var cancel = new CancellationTokenSource(TimeSpan.FromMinutes(10) + settings.Duration + settings.LagTimeout + settings.CompleteTimeout);
var count = (int)(settings.Rate * settings.Duration.TotalSeconds);

AnsiConsole.MarkupLine($"[bold]CommunityAI load[/]: {count} contributions from {settings.Contributors} contributors at {settings.Rate}/s against {settings.Contributions}");
var submissions = AnsiConsole.Status().Start("Signing contributions (EIP-712)…", _ => Community.Sign(settings.Contributors, count, settings.Domain));

using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 256, PooledConnectionLifetime = TimeSpan.FromMinutes(5) })
{
    BaseAddress = settings.Contributions,
    Timeout = TimeSpan.FromSeconds(60),
};

// Validators register before the first contribution, so every contribution gets reviewers; they review until the lags are in.
using var scoringHttp = new HttpClient { BaseAddress = settings.Scoring, Timeout = TimeSpan.FromSeconds(60) };
var crew = new ValidatorCrew(scoringHttp, settings.Domain, settings.Validators, ValidatorCrew.ByContributionId);
var removed = await AnsiConsole.Status().StartAsync($"Registering {settings.Validators} validators…", _ => crew.RegisterAsync(cancel.Token));
foreach (var validator in removed)
    AnsiConsole.MarkupLine($"[yellow]validator {validator} was removed by the community (reputation floor): {crew.Size} review[/]");
using var stopReviewing = CancellationTokenSource.CreateLinkedTokenSource(cancel.Token);
var reviewing = settings.Validators > 0 ? crew.ReviewUntilAsync(stopReviewing.Token) : Task.FromResult(new ReviewResult(0, 0, new HdrHistogram.LongHistogram(HdrHistogram.TimeStamp.Minutes(1), 3), new Dictionary<string, int>()));

var historyPort = new Npgsql.NpgsqlConnectionStringBuilder(settings.History).Port;
// The system's own CPU at rest (polling loops, the dashboard, anvil's blocks), subtracted from the run's so what is left
// is the work the contributions caused. Sampled before the run, once the validators are registered: after it, review
// windows, anchors and the model's rounds are still closing on the run's work. Run the driver twice after a start, so
// start-up and just-in-time compilation are not charged to rest.
// Its sessions are followed as the run's are: a pool that closes idle connections meanwhile would otherwise put their
// whole lives' CPU on the server's line at rest.
var idleFrom = ProcessCpu.Take(historyPort);
var idleSessions = new SessionTrail(historyPort, TimeSpan.FromSeconds(2));
using (var stopIdle = CancellationTokenSource.CreateLinkedTokenSource(cancel.Token))
{
    var followingIdle = idleSessions.FollowAsync(idleFrom, stopIdle.Token);
    await AnsiConsole.Status().StartAsync($"Sampling the system's CPU at rest ({settings.IdleSample.TotalSeconds:0} s)…", _ => Task.Delay(settings.IdleSample, cancel.Token));
    await stopIdle.CancelAsync();
    await followingIdle;
}
var idle = (From: idleFrom, To: ProcessCpu.Take(historyPort));

RunResult run = null!;
var busyFrom = ProcessCpu.Take(historyPort);
var writtenFrom = await DatabaseGrowth.MarkAsync(settings.History, cancel.Token);
using var stopSampling = CancellationTokenSource.CreateLinkedTokenSource(cancel.Token);
var memory = new MemoryTrend(historyPort, settings.MemoryInterval);
var sampling = memory.SampleUntilAsync(stopSampling.Token);
var sessions = new SessionTrail(historyPort, TimeSpan.FromSeconds(2));
var following = sessions.FollowAsync(busyFrom, stopSampling.Token);
using var lagTracker = new LagTracker(http, count, settings.LagSample);
await AnsiConsole.Progress().Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn())
    .StartAsync(async progress =>
    {
        var task = progress.AddTask("Submitting", maxValue: count);
        run = await new OpenLoopRunner(http, (sent, accepted, failed) =>
        {
            task.Value = sent;
            task.Description = $"Submitting: {accepted} accepted, {failed} failed, {sent - accepted - failed} in flight";
        }, lagTracker.Accepted).RunAsync(submissions, settings.Rate, cancel.Token);
    });

var lags = await AnsiConsole.Status().StartAsync("Following the rest of the sample to scored, rewarded, anchored…",
    _ => lagTracker.CompleteAsync(settings.LagTimeout, cancel.Token));

await stopSampling.CancelAsync();
await sampling;
await following;
// The CPU window ends where it always did, when the sample's lags are in; the check below only reads.
var busy = (From: busyFrom, To: ProcessCpu.Take(historyPort));
var written = (From: writtenFrom, To: await DatabaseGrowth.MarkAsync(settings.History, cancel.Token));

// Every accepted contribution, not the sample: with the validators still reviewing, so no case is left to its fallback.
var complete = await AnsiConsole.Status().StartAsync($"Checking all {run.Accepted} accepted contributions were scored, rewarded and anchored…",
    _ => new Completeness(http).CheckAsync(run.AcceptedAt.Keys.ToList(), settings.CompleteTimeout, cancel.Token));

await stopReviewing.CancelAsync();
var reviews = await reviewing;

var limits = await AnsiConsole.Status().StartAsync("Measuring the limits on this machine (raw append, raw broker)…", async _ =>
{
    var append = await MartenAppendLimit.MeasureAsync(settings.History, writers: 16, TimeSpan.FromSeconds(8), cancel.Token);
    var (publish, consume) = await RabbitLimit.MeasureAsync(settings.Broker, 20_000, cancel.Token);
    return (append, publish, consume);
});

Report.Print(settings, run, lags, reviews, limits.append, limits.publish, limits.consume);
Report.PrintCpu(CpuUse.Of(idle.From, idle.To, busy.From, busy.To, run.Accepted, sessions, idleSessions));
Report.PrintWritten(written.From, written.To, run.Accepted);
Report.PrintCompleteness(complete);
memory.Print();
return run.Failed == 0 && complete.Unfinished.Count == 0 ? 0 : 1;
