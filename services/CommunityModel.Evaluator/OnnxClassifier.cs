using CommunityAI.Formats.Models;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace CommunityAI.ModelEvaluator;

/// <summary>
/// A contributed model checked against the contract (<see cref="OnnxFeatures"/>): exactly one input, float
/// [batch, 4096] with a free batch dimension; the first output float [batch, labels]. The chosen label is the highest
/// score, the lowest index on a tie; a score that is not finite refuses the model. One thread, so an evaluation takes
/// one core at most.
/// </summary>
public sealed class OnnxClassifier : IDisposable
{
    /// <summary>Texts per run: bounds the input tensor (64 × 4096 floats = 1 MiB).</summary>
    public const int Batch = 64;

    private readonly InferenceSession _session;
    private readonly string _input;
    private readonly string _output;
    private readonly int _labels;

    private OnnxClassifier(InferenceSession session, string input, string output, int labels) =>
        (_session, _input, _output, _labels) = (session, input, output, labels);

    /// <summary>Why a model breaks the contract; the message is the reason recorded.</summary>
    public sealed class Refused(string reason) : Exception(reason);

    /// <summary>
    /// Loads ONNX Runtime's native library and the feature code before the process confines itself, so nothing is read
    /// from disk afterwards by a process that may no longer be allowed to (it becomes nobody when started as root).
    /// </summary>
    public static void Prepare()
    {
        // Errors only: anything it wrote to standard error before the "confined" line would be read as the machine's words.
        OrtEnv.Instance().EnvLogLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR;
        _ = OnnxFeatures.Of(["a text"]);
    }

    /// <summary>Loads the model and checks its declared input and output; throws <see cref="Refused"/>.</summary>
    public static OnnxClassifier Load(byte[] model, int labels)
    {
        using var options = new SessionOptions
        {
            IntraOpNumThreads = 1,
            InterOpNumThreads = 1,
            ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
            LogSeverityLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_FATAL,
        };
        InferenceSession session;
        try
        {
            session = new InferenceSession(model, options);
        }
        catch (OnnxRuntimeException e)
        {
            throw new Refused("not a model ONNX Runtime can load: " + Short(e.Message));
        }
        try
        {
            if (session.InputMetadata.Count != 1)
                throw new Refused($"must have exactly one input, float [batch, {OnnxFeatures.Count}]; it has {session.InputMetadata.Count}");
            var (inputName, input) = session.InputMetadata.First();
            if (!input.IsTensor || input.ElementType != typeof(float) || input.Dimensions is not [< 0, OnnxFeatures.Count])
                throw new Refused($"input '{inputName}' must be float [batch, {OnnxFeatures.Count}] with a free batch dimension; it is {Describe(input)}");
            if (session.OutputMetadata.Count == 0)
                throw new Refused("has no output");
            var (outputName, output) = session.OutputMetadata.First();
            if (!output.IsTensor || output.ElementType != typeof(float) || output.Dimensions.Length != 2
                || output.Dimensions[1] is var scored && scored >= 0 && scored != labels)
                throw new Refused($"first output '{outputName}' must be float [batch, {labels}] (one score per label); it is {Describe(output)}");
            return new OnnxClassifier(session, inputName, outputName, labels);
        }
        catch
        {
            session.Dispose();
            throw;
        }
    }

    /// <summary>The chosen label index of each text; throws <see cref="Refused"/> when an answer breaks the contract.</summary>
    public IReadOnlyList<int> Classify(IReadOnlyList<string> texts)
    {
        var chosen = new List<int>(texts.Count);
        for (var start = 0; start < texts.Count; start += Batch)
        {
            var batch = texts.Skip(start).Take(Batch).ToList();
            var input = new DenseTensor<float>(OnnxFeatures.Of(batch), [batch.Count, OnnxFeatures.Count]);
            IDisposableReadOnlyCollection<DisposableNamedOnnxValue> results;
            try
            {
                results = _session.Run([NamedOnnxValue.CreateFromTensor(_input, input)], [_output]);
            }
            catch (OnnxRuntimeException e)
            {
                throw new Refused("failed while running: " + Short(e.Message));
            }
            using (results)
            {
                if (results.First().Value is not DenseTensor<float> scores || scores.Dimensions is not [var rows, var columns]
                    || rows != batch.Count || columns != _labels)
                    throw new Refused($"answered a batch of {batch.Count} texts with {Describe(results.First())}, not float [{batch.Count}, {_labels}]");
                for (var row = 0; row < rows; row++)
                {
                    var best = 0;
                    for (var label = 0; label < columns; label++)
                    {
                        var score = scores[row, label];
                        if (!float.IsFinite(score))
                            throw new Refused("answered a score that is not a finite number");
                        if (score > scores[row, best])
                            best = label;
                    }
                    chosen.Add(best);
                }
            }
        }
        return chosen;
    }

    /// <summary>The model's scores for one text, one per label (a served prediction; the contract was checked by the evaluator).</summary>
    public float[] Scores(string text)
    {
        var input = new DenseTensor<float>(OnnxFeatures.Of([text]), [1, OnnxFeatures.Count]);
        using var results = _session.Run([NamedOnnxValue.CreateFromTensor(_input, input)], [_output]);
        if (results.First().Value is not DenseTensor<float> scores || scores.Dimensions is not [1, var columns] || columns != _labels)
            throw new Refused($"answered one text with {Describe(results.First())}, not float [1, {_labels}]");
        return scores.ToArray();
    }

    public void Dispose() => _session.Dispose();

    private static string Describe(NodeMetadata m) =>
        m.IsTensor ? $"{m.ElementType.Name} [{string.Join(", ", m.Dimensions.Select(d => d < 0 ? "?" : d.ToString(System.Globalization.CultureInfo.InvariantCulture)))}]" : m.OnnxValueType.ToString();

    private static string Describe(DisposableNamedOnnxValue value) =>
        value.Value is Tensor<float> t ? $"float [{string.Join(", ", t.Dimensions.ToArray())}]" : value.ValueType.ToString();

    private static string Short(string message) => message.Length <= 300 ? message : message[..300] + "…";
}
