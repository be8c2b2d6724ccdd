using System.Net;
using System.Security.Cryptography;
using System.Text.Json;
using CommunityAI.CommunityModel.Domain;
using CommunityAI.CommunityModel.Infrastructure;
using CommunityAI.Formats;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace CommunityModel.IntegrationTests;

/// <summary>
/// The private evaluation split through the real path: a round commits to its period's salt before it trains, the salt
/// is in no event and no answer until its reveal, the reveal opens the commitment, the recorded metrics are those of the
/// salted split, and a round a restart stopped is revealed by the next start's first round.
/// </summary>
public sealed class PrivateSplitTests(ModelService service) : IClassFixture<ModelService>
{
    [Fact]
    public async Task A_round_commits_its_salt_before_training_keeps_it_out_of_every_event_and_answer_and_reveals_a_salt_that_opens_the_commitment()
    {
        var examples = CommunityTexts.Examples(12, seed: 21);
        await service.ContributeAsync(examples);

        // A period a stopped round left committed: its salt is stored, not yet revealed (one is committed exactly like this at a round's start).
        var stopped = await service.Model.Services.GetRequiredService<EvaluationPeriods>().CommitAsync(20, CancellationToken.None);
        Assert.NotNull(stopped);
        var stoppedSalt = Hex.Encode(stopped.Salt);
        Assert.Equal(EvaluationSalt.Commitment(stopped.Salt), stopped.Commitment);
        // Before its reveal the salt is nowhere public: not in the history (which is the log), not in any answer.
        Assert.DoesNotContain(stoppedSalt, await AllEventsTextAsync(service), StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(stoppedSalt, await (await service.Client.GetAsync("/api/model")).Content.ReadAsStringAsync(), StringComparison.OrdinalIgnoreCase);
        Assert.Equal(1, await service.CountAsync("mt_doc_storedevaluationsalt"));

        // A restart: a new host over the same database. Its first round reveals the stopped period, then commits, trains and reveals its own.
        var logged = new CapturedLog();
        // (Model:StoppedRoundAfter is zero here: by default a period counts as stopped ten minutes after its commitment.)
        await using var restarted = service.Model.WithWebHostBuilder(b => b.UseSetting("Logging:LogLevel:Default", "Trace")
            .UseSetting("Model:StoppedRoundAfter", "00:00:00")
            .ConfigureLogging(l => l.SetMinimumLevel(LogLevel.Trace).AddProvider(logged)));
        using var client = restarted.CreateClient();
        var trainedAnswer = await (await client.TrainAsync()).Content.ReadAsStringAsync();
        Assert.Contains("modelHash", trainedAnswer);

        var events = await OrderedModelEventsAsync();
        var types = events.Select(e => e.Type).ToList();
        Assert.Equal(["evaluation_split_committed", "evaluation_split_revealed", "evaluation_split_committed", "model_trained", "model_evaluated",
            "data_valued", "evaluation_split_revealed"], types);
        var reveals = events.Where(e => e.Type == "evaluation_split_revealed").Select(e => JsonDocument.Parse(e.Data).RootElement).ToList();
        Assert.Equal(stoppedSalt, reveals[0].GetProperty("salt").GetString());
        var commit = JsonDocument.Parse(events[2].Data).RootElement;
        var reveal = reveals[1];
        Assert.Equal((2, "model/evaluation/2"), (commit.GetProperty("period").GetInt64(), events[2].Stream));
        // The reveal opens the commitment recorded before the training.
        var salt = Hex.Decode(reveal.GetProperty("salt").GetString()!, 32);
        Assert.Equal(commit.GetProperty("commitment").GetString(), Hex.Encode(SHA256.HashData(salt)));
        Assert.Equal(commit.GetProperty("commitment").GetString(), reveal.GetProperty("commitment").GetString());
        // Before the reveal, no event and no answer held this salt either.
        var saltHex = Hex.Encode(salt);
        Assert.All(events.Take(5), e => Assert.DoesNotContain(saltHex, e.Data, StringComparison.OrdinalIgnoreCase));
        Assert.DoesNotContain(saltHex, trainedAnswer, StringComparison.OrdinalIgnoreCase);
        // Nor any log line of the service, at every level.
        Assert.NotEmpty(logged.Lines);
        Assert.DoesNotContain(logged.Lines, line => line.Contains(saltHex[2..], StringComparison.OrdinalIgnoreCase));

        // The recorded metrics are the salted split's, and differ in membership from the public split's.
        var trained = JsonDocument.Parse(events[3].Data).RootElement;
        var replay = Assert.IsType<TextClassifier.Outcome.Trained>(TextClassifier.Train(examples,
            new TextClassifier.Settings(CommunityTexts.Labels, trained.GetProperty("seed").GetInt32(), 20, salt)));
        Assert.Equal(trained.GetProperty("modelHash").GetString(), replay.ModelHash);
        Assert.Equal(trained.GetProperty("accuracyBasisPoints").GetInt32(), replay.AccuracyBasisPoints);
        var evaluated = JsonDocument.Parse(events[4].Data).RootElement;
        Assert.Equal((2, true), (evaluated.GetProperty("period").GetInt64(), evaluated.GetProperty("becameChampion").GetBoolean()));
        Assert.NotEqual(examples.Where(e => HeldOutSplit.IsHeldOut(e.Text, 20)).Select(e => e.Text).Order(),
            replay.HeldOut.Select(e => e.Text).Order());
    }

    internal static async Task<string> AllEventsTextAsync(ModelService service)
    {
        await using var connection = new NpgsqlConnection(service.History);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("select coalesce(string_agg(data::text, '\n' order by seq_id), '') from history.mt_events", connection);
        return (string)(await command.ExecuteScalarAsync())!;
    }

    private async Task<List<(string Stream, string Type, string Data)>> OrderedModelEventsAsync()
    {
        await using var connection = new NpgsqlConnection(service.History);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("select stream_id, type, data::text from history.mt_events where stream_id like 'model/%' order by seq_id", connection);
        var rows = new List<(string, string, string)>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
            rows.Add((reader.GetString(0), reader.GetString(1), reader.GetString(2)));
        return rows;
    }

    /// <summary>Every log line the host writes, at every level, with its exception.</summary>
    private sealed class CapturedLog : ILoggerProvider
    {
        public System.Collections.Concurrent.ConcurrentQueue<string> Lines { get; } = new();

        public ILogger CreateLogger(string categoryName) => new Logger(Lines);

        public void Dispose() { }

        private sealed class Logger(System.Collections.Concurrent.ConcurrentQueue<string> lines) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
                lines.Enqueue(formatter(state, exception) + " " + state + " " + exception);
        }
    }
}
