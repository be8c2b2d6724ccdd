using System.Diagnostics;
using System.Globalization;
using CommunityAI.CommunityModel.Domain;
using Microsoft.ML;
using Microsoft.ML.Trainers;

// The community model's training (canonical order, text-hash split, held-out evaluation, save, model hash) against
// plain ML.NET fitting the same pipeline on the same examples, and predictions per second of the saved model.
// Usage: dotnet run -c Release -- [examples per size, comma-separated]   (default 1000,10000)
// Or: dotnet run -c Release -- evaluation [texts, comma-separated]   (a contributed model in the sandbox against plain ONNX Runtime)
// Or: dotnet run -c Release -- predictions [examples] [predictions] [clients]   (POST /api/model/predictions of the hosted
//     service against the plain prediction engine of the same model; needs the local PostgreSQL and RabbitMQ)
if (args is ["evaluation", ..])
{
    await EvaluationBenchmark.RunAsync(args.Length > 1 ? args[1] : "100,1000");
    return;
}
string[] labels = ["question", "bug-report", "idea", "praise"];
if (args is ["predictions", ..])
{
    int Arg(int i, int otherwise) => args.Length > i ? int.Parse(args[i], CultureInfo.InvariantCulture) : otherwise;
    var (trainingCount, predictions) = (Arg(1, 400), Arg(2, 2000));
    await PredictionsBenchmark.RunAsync(Corpus(trainingCount + predictions, labels), trainingCount, predictions, Arg(3, 8));
    return;
}
var sizes = (args.Length > 0 ? args[0] : "1000,10000").Split(',').Select(s => int.Parse(s, CultureInfo.InvariantCulture)).ToArray();
var settings = new TextClassifier.Settings(labels, 2026, 20);

Console.WriteLine("examples | plain ML.NET fit (ms) | community model round (ms) | ratio | held-out accuracy (bp) | predictions/s (plain engine)");
foreach (var size in sizes)
{
    var examples = Corpus(size, labels);
    // Warm both paths once (JIT), then measure.
    Plain(examples.Take(40).ToList(), labels);
    TextClassifier.Train(examples.Take(40).ToList(), settings);

    // Plain ML.NET fits the same training split the round trains on; the round adds ordering, the split, the held-out
    // evaluation, saving and the model hash. Best of two runs each, alternating, on a shared machine.
    var split = examples.Where(e => !HeldOutSplit.IsHeldOut(e.Text, settings.HeldOutPercent)).ToList();
    var (plainMs, ourMs) = (double.MaxValue, double.MaxValue);
    MLContext ml = null!;
    ITransformer plain = null!;
    TextClassifier.Outcome.Trained trained = null!;
    var clock = new Stopwatch();
    for (var run = 0; run < 2; run++)
    {
        clock.Restart();
        (ml, plain) = Plain(split, labels);
        plainMs = Math.Min(plainMs, clock.Elapsed.TotalMilliseconds);
        clock.Restart();
        trained = (TextClassifier.Outcome.Trained)TextClassifier.Train(examples, settings);
        ourMs = Math.Min(ourMs, clock.Elapsed.TotalMilliseconds);
    }

    var engine = ml.Model.CreatePredictionEngine<TextClassifier.Row, TextClassifier.Prediction>(plain);
    var texts = examples.Take(2000).Select(e => new TextClassifier.Row { Text = e.Text }).ToList();
    clock.Restart();
    foreach (var row in texts)
        engine.Predict(row);
    var perSecond = texts.Count / clock.Elapsed.TotalSeconds;

    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"{size} | {plainMs:F0} | {ourMs:F0} | {ourMs / plainMs:F2} | {trained.AccuracyBasisPoints} | {perSecond:F0}"));
}

static (MLContext, ITransformer) Plain(IReadOnlyList<LabelledExample> examples, string[] labels)
{
    var ml = new MLContext(2026);
    var keys = ml.Data.LoadFromEnumerable(labels.Select(l => new LabelOnly { Label = l }));
    var pipeline = ml.Transforms.Conversion.MapValueToKey("Label", keyData: keys)
        .Append(ml.Transforms.Text.FeaturizeText("Features", "Text"))
        .Append(ml.MulticlassClassification.Trainers.SdcaMaximumEntropy(new SdcaMaximumEntropyMulticlassTrainer.Options
        {
            NumberOfThreads = 1, MaximumNumberOfIterations = 100,
        }))
        .Append(ml.Transforms.Conversion.MapKeyToValue("PredictedLabel"));
    return (ml, pipeline.Fit(ml.Data.LoadFromEnumerable(examples.Select(TextClassifier.Row.Of))));
}

// Two words typical of the label among four everyday ones, as in the tests' corpus, from a larger vocabulary.
static List<LabelledExample> Corpus(int size, string[] labels)
{
    var random = new Random(7);
    static string Word(int n) => "w" + n.ToString("x", CultureInfo.InvariantCulture);
    var examples = new List<LabelledExample>(size);
    for (var i = 0; i < size; i++)
    {
        var index = i % labels.Length;
        // Words 0..799 are typical of one label each (200 per label); words 800..1299 are everyday ones.
        var words = new[] { Word(index * 200 + random.Next(200)), Word(index * 200 + random.Next(200)) }
            .Concat(Enumerable.Range(0, 4).Select(_ => Word(800 + random.Next(500))));
        examples.Add(new LabelledExample(string.Join(' ', words.OrderBy(_ => random.Next())), labels[index]));
    }
    return examples;
}

internal sealed class LabelOnly
{
    public string Label { get; set; } = "";
}
