using System.Diagnostics;
using System.Text.Json;
using CommunityAI.ModelEvaluator;

// One evaluation per process: the model service starts this with an empty environment and a wall-clock limit
// (EvaluatorSandbox) and reads one JSON answer from standard output. The process reads its request and the model's
// bytes, then confines itself (Confinement) before ONNX Runtime parses a byte of the model. Anything else (a crash, a
// kill at the time limit, an allocation past the memory limit) is an answer too: the service refuses the model with the
// exit status. `--self-check <memory bytes> <host:port>` shows an operator what the confinement stops on this machine.
var json = new JsonSerializerOptions(JsonSerializerDefaults.Web);
if (args is ["--self-check", var memoryText, var address] && SelfCheck.Parse(memoryText, address) is var (memoryBytes, host, port))
    return SelfCheck.Run(memoryBytes, host, port);
if (args.Length != 1 || args[0] == "--self-check")
{
    Console.Error.WriteLine("usage: CommunityAI.ModelEvaluator <request.json> | --self-check <memory bytes> <host:port>");
    return 64;
}
var request = JsonSerializer.Deserialize<EvaluationRequest>(File.ReadAllBytes(args[0]), json)
    ?? throw new InvalidOperationException("empty request");

// The size is checked before a byte is read: an oversized file costs nothing.
var size = new FileInfo(request.Model).Length;
if (size > request.MaxModelBytes)
    return Answer(new(null, $"the model file is {size} bytes, more than the limit of {request.MaxModelBytes}", 0, 0));
var model = File.ReadAllBytes(request.Model);
OnnxClassifier.Prepare();
if (Confinement.Apply(request.MemoryBytes) is { } failed)
{
    Console.Error.WriteLine("confinement: " + failed);
    return Confinement.Failed;
}
Console.Error.WriteLine(Confinement.Confirmed);
Console.Error.Flush();
return Answer(Evaluate(model, request));

int Answer(EvaluationAnswer answer)
{
    Console.Out.Write(JsonSerializer.Serialize(answer, json));
    return 0;
}

static EvaluationAnswer Evaluate(byte[] model, EvaluationRequest request)
{
    var started = Stopwatch.GetTimestamp();
    try
    {
        using var classifier = OnnxClassifier.Load(model, request.LabelCount);
        var loaded = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        var predictions = classifier.Classify(request.Texts);
        return new(predictions, null, loaded, Stopwatch.GetElapsedTime(started).TotalMilliseconds - loaded);
    }
    catch (OnnxClassifier.Refused refused)
    {
        return new(null, refused.Message, 0, 0);
    }
}
