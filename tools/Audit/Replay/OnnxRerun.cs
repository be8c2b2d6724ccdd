using CommunityAI.Formats.Models;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace CommunityAI.Audit.Replay;

/// <summary>
/// Runs a contributed model as the contract <c>community-model-onnx/1</c> says (README, "Model contributions"), written
/// from that description rather than from the service's evaluator: the texts' hashed word counts
/// (<see cref="OnnxFeatures"/>, the format's reference code) into the one input, float [texts, 4096]; the first output's
/// row of scores, one per label; the highest score chosen, the lowest index on a tie. One thread, as the evaluator.
/// </summary>
/// <remarks>
/// This runs a contributor's file in the auditor's own process. Only models the history records as evaluated (not
/// refused) are run, which the service's sandbox ran within its limits first; an auditor who trusts neither can run
/// <c>replay</c> in a container of their own.
/// </remarks>
internal static class OnnxRerun
{
    private const int Batch = 64;

    /// <summary>The chosen label index of each text, or null when the model breaks the contract (it then gets none right).</summary>
    public static IReadOnlyList<int>? Classify(byte[] model, int labels, IReadOnlyList<string> texts)
    {
        using var options = new SessionOptions
        {
            IntraOpNumThreads = 1,
            InterOpNumThreads = 1,
            ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
            LogSeverityLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_FATAL,
        };
        try
        {
            using var session = new InferenceSession(model, options);
            if (session.InputMetadata.Count != 1 || session.OutputMetadata.Count == 0)
                return null;
            var (input, output) = (session.InputMetadata.Keys.First(), session.OutputMetadata.Keys.First());
            var chosen = new List<int>(texts.Count);
            for (var start = 0; start < texts.Count; start += Batch)
            {
                var batch = texts.Skip(start).Take(Batch).ToList();
                var features = new DenseTensor<float>(OnnxFeatures.Of(batch), [batch.Count, OnnxFeatures.Count]);
                using var results = session.Run([NamedOnnxValue.CreateFromTensor(input, features)], [output]);
                if (results.First().Value is not Tensor<float> scores || scores.Dimensions is not [var rows, var columns] || rows != batch.Count || columns != labels)
                    return null;
                for (var row = 0; row < rows; row++)
                {
                    var best = 0;
                    for (var label = 0; label < columns; label++)
                    {
                        if (!float.IsFinite(scores[row, label]))
                            return null;
                        if (scores[row, label] > scores[row, best])
                            best = label;
                    }
                    chosen.Add(best);
                }
            }
            return chosen;
        }
        catch (OnnxRuntimeException)
        {
            return null;
        }
    }
}
