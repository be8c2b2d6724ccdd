using System.Net.Http.Json;
using System.Text.Json;
using CommunityAI.ServiceDefaults.Signing;
using Microsoft.Extensions.Options;

namespace CommunityAI.DemoValidators;

/// <summary>
/// Registers the crew once quality-scoring answers, then reviews until the host stops. An honest member scores a case
/// near its automated score (which quality-scoring shows from the start; reviews stay sealed until the case closes), so
/// what a newcomer submits is judged by what it is, not by a number drawn from its id.
/// </summary>
public sealed partial class DemoCrewService(IHttpClientFactory clients, IOptions<SigningChainOptions> chain, ILogger<DemoCrewService> logger)
    : BackgroundService
{
    public const string ScoringClient = "quality-scoring";
    private const int CrewSize = 5;
    private static readonly TimeSpan RetryRegistration = TimeSpan.FromSeconds(2);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var scoring = clients.CreateClient(ScoringClient);
        var crew = new ValidatorCrew(scoring, chain.Value.ToDomain(), CrewSize, (id, ct) => AutomatedScoreAsync(scoring, id, ct));
        while (true)
        {
            try
            {
                foreach (var validator in await crew.RegisterAsync(stoppingToken))
                    LogRemoved(validator);
                break;
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested)
            {
                // quality-scoring is still starting, has not read its genesis validators yet, or answers too slowly for
                // the client's resilience timeout on a busy machine: any of them passes, so the crew tries again.
                LogWaiting(e.Message);
                await Task.Delay(RetryRegistration, stoppingToken);
            }
        }
        LogReviewing(crew.Size);
        var done = await crew.ReviewUntilAsync(stoppingToken);
        LogStopped(done.Accepted, done.Refused);
    }

    private static async ValueTask<int> AutomatedScoreAsync(HttpClient scoring, string contributionId, CancellationToken ct)
    {
        var found = await scoring.GetFromJsonAsync<JsonElement>($"/api/scoring/{contributionId}", ct);
        return found.GetProperty("checks").GetProperty("score").GetInt32();
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Waiting for quality-scoring to admit the crew: {Reason}")]
    private partial void LogWaiting(string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Demo validator {Validator} was removed by the community (too long at the reputation floor); the crew reviews without it")]
    private partial void LogRemoved(string validator);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Size} demo validators registered; reviewing every case assigned to them")]
    private partial void LogReviewing(int size);

    [LoggerMessage(Level = LogLevel.Information, Message = "Stopped after {Accepted} reviews accepted and {Refused} refused")]
    private partial void LogStopped(int accepted, int refused);
}
