using System.Diagnostics;
using System.Text.Json;
using CommunityAI.ModelEvaluator;

// One evaluation per process: the model service starts this under its limits (EvaluatorSandbox) and reads one JSON
// answer from standard output. Anything else (a crash, a kill at the time limit, an allocation past the memory limit)
// is an answer too: the service refuses the model with the exit status.
var json = new JsonSerializerOptions(JsonSerializerDefaults.Web);
if (args.Length != 1)
{
    Console.Error.WriteLine("usage: CommunityAI.ModelEvaluator <request.json>");
    return 64;
}
var request = JsonSerializer.Deserialize<EvaluationRequest>(File.ReadAllBytes(args[0]), json)
    ?? throw new InvalidOperationException("empty request");
Console.Out.Write(JsonSerializer.Serialize(Evaluate(request), json));
return 0;

static EvaluationAnswer Evaluate(EvaluationRequest request)
{
    // The size is checked before a byte is read: an oversized file costs nothing.
    var size = new FileInfo(request.Model).Length;
    if (size > request.MaxModelBytes)
        return new(null, $"the model file is {size} bytes, more than the limit of {request.MaxModelBytes}", 0, 0);
    var started = Stopwatch.GetTimestamp();
    try
    {
        using var classifier = OnnxClassifier.Load(File.ReadAllBytes(request.Model), request.LabelCount);
        var loaded = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        var predictions = classifier.Classify(request.Texts);
        return new(predictions, null, loaded, Stopwatch.GetElapsedTime(started).TotalMilliseconds - loaded);
    }
    catch (OnnxClassifier.Refused refused)
    {
        return new(null, refused.Message, 0, 0);
    }
}
