using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using CommunityAI.CommunityModel.Domain;
using Microsoft.ML;

/// <summary>
/// Predictions per second through the real path, <c>POST /api/model/predictions</c> of the model service (its own Program,
/// real PostgreSQL and RabbitMQ, a model it trained itself from contributed examples; each answer parsed, checked and
/// stored with its id), one client and several at once, against the plain ML.NET prediction engine of the same stored
/// model on the same texts in the same process, one thread. Measured alternately, best of three each.
/// </summary>
internal static class PredictionsBenchmark
{
    public static async Task RunAsync(List<LabelledExample> corpus, int trainingCount, int predictions, int clients)
    {
        Console.WriteLine($"load average {CommunityAI.Benchmarks.LoadAverage.Read()}; {Environment.ProcessorCount} cores; " +
            $"{trainingCount} contributed examples, {predictions} predictions per run, {clients} clients in the concurrent run");
        await using var served = await ServedModel.StartAsync(corpus.Take(trainingCount).ToList());
        var texts = corpus.Skip(trainingCount).Take(predictions).Select(e => e.Text).ToList();

        var ml = new MLContext(2026);
        using var zip = new MemoryStream(await served.ModelZipAsync());
        var engine = ml.Model.CreatePredictionEngine<TextClassifier.Row, TextClassifier.Prediction>(ml.Model.Load(zip, out _));

        // Warm both: JIT, the service's model load and engine pool, connection pools, Marten's generated code.
        Plain(engine, texts.Take(100));
        await ServedAsync(served.Client, texts.Take(100).ToList(), clients);

        var (plain, one, many) = (0.0, 0.0, 0.0);
        for (var run = 0; run < 3; run++)
        {
            plain = Math.Max(plain, Plain(engine, texts));
            one = Math.Max(one, await ServedAsync(served.Client, texts, 1));
            many = Math.Max(many, await ServedAsync(served.Client, texts, clients));
        }
        Console.WriteLine("plain prediction engine, one thread (/s) | POST /api/model/predictions, 1 client (/s) | ratio | " +
            $"{clients} clients (/s) | ratio");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{plain:F0} | {one:F0} | {one / plain:P2} | {many:F0} | {many / plain:P2}"));
        Console.WriteLine($"load average {CommunityAI.Benchmarks.LoadAverage.Read()}");
    }

    private static double Plain(PredictionEngine<TextClassifier.Row, TextClassifier.Prediction> engine, IEnumerable<string> texts)
    {
        var clock = Stopwatch.StartNew();
        var count = 0;
        foreach (var text in texts)
        {
            if (string.IsNullOrEmpty(engine.Predict(new TextClassifier.Row { Text = text }).PredictedLabel))
                throw new InvalidOperationException("the engine chose no label");
            count++;
        }
        return count / clock.Elapsed.TotalSeconds;
    }

    /// <summary>Every text through the service, <paramref name="clients"/> at a time; each answer must be 201 with an id and a label.</summary>
    private static async Task<double> ServedAsync(HttpClient client, IReadOnlyList<string> texts, int clients)
    {
        var next = -1;
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, clients).Select(async _ =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < texts.Count)
            {
                using var response = await client.PostAsJsonAsync("/api/model/predictions", new { text = texts[i] });
                if (response.StatusCode != HttpStatusCode.Created)
                    throw new InvalidOperationException($"prediction answered {response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
                var answer = await response.Content.ReadFromJsonAsync<PredictionAnswer>();
                if (answer?.PredictionId is null || answer.Label is null)
                    throw new InvalidOperationException("a prediction without an id or label");
            }
        }));
        return texts.Count / clock.Elapsed.TotalSeconds;
    }

    private sealed record PredictionAnswer(string? PredictionId, string? Label);
}
