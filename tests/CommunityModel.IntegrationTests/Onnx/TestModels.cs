using CommunityAI.CommunityModel.Domain;
using CommunityAI.Formats.Models;
using static CommunityModel.IntegrationTests.Onnx.OnnxWriter;

namespace CommunityModel.IntegrationTests.Onnx;

/// <summary>
/// The models the tests contribute, all made here from code (nothing downloaded, no fixture file): an honest linear
/// classifier under the contract (multinomial naive Bayes over the published features, written as one Gemm), and
/// hostile files, each breaking one rule.
/// </summary>
public static class TestModels
{
    /// <summary>Naive Bayes trained on <paramref name="examples"/>: scores = features · log P(feature | label) + log P(label).</summary>
    public static byte[] NaiveBayes(IReadOnlyList<LabelledExample> examples, IReadOnlyList<string> labels, int features = OnnxFeatures.Count)
    {
        var counts = new double[labels.Count, OnnxFeatures.Count];
        var totals = new double[labels.Count];
        var priors = new double[labels.Count];
        var row = new float[OnnxFeatures.Count];
        foreach (var example in examples)
        {
            var label = labels.ToList().IndexOf(example.Label);
            Array.Clear(row);
            OnnxFeatures.Add(example.Text, row);
            priors[label]++;
            for (var f = 0; f < row.Length; f++)
            {
                counts[label, f] += row[f];
                totals[label] += row[f];
            }
        }
        var weights = new float[features * labels.Count];
        var bias = new float[labels.Count];
        for (var l = 0; l < labels.Count; l++)
        {
            bias[l] = (float)Math.Log((priors[l] + 1) / (examples.Count + labels.Count));
            for (var f = 0; f < features; f++)
                weights[f * labels.Count + l] = f < OnnxFeatures.Count
                    ? (float)Math.Log((counts[l, f] + 1) / (totals[l] + OnnxFeatures.Count))
                    : 0f;
        }
        return Linear(weights, bias, features, labels.Count);
    }

    /// <summary>
    /// Overfitted: it memorizes which label each of <paramref name="examples"/> has through its noise words only (the words
    /// of <paramref name="noise"/>, which say nothing of the label), so it fits those examples and learns nothing that carries over.
    /// </summary>
    public static byte[] Memorizer(IReadOnlyList<LabelledExample> examples, IReadOnlyList<string> labels, IReadOnlyCollection<string> noise)
    {
        var weights = new float[OnnxFeatures.Count * labels.Count];
        var row = new float[OnnxFeatures.Count];
        foreach (var example in examples)
        {
            var label = labels.ToList().IndexOf(example.Label);
            Array.Clear(row);
            OnnxFeatures.Add(string.Join(' ', example.Text.Split(' ').Where(noise.Contains)), row);
            for (var f = 0; f < row.Length; f++)
                weights[f * labels.Count + label] += row[f];
        }
        return Linear(weights, new float[labels.Count], OnnxFeatures.Count, labels.Count);
    }

    /// <summary>scores = Gemm(features, weights, bias): the contract's shape when <paramref name="features"/> is 4096.</summary>
    public static byte[] Linear(float[] weights, float[] bias, int features, int labels, int paddingFloats = 0) =>
        Model(Graph("linear",
            [Node("Gemm", ["features", "weights", "bias"], ["scores"])],
            paddingFloats == 0
                ? [FloatTensor("weights", [features, labels], weights), FloatTensor("bias", [labels], bias)]
                : [FloatTensor("weights", [features, labels], weights), FloatTensor("bias", [labels], bias), FloatTensor("padding", [paddingFloats], new float[paddingFloats])],
            [Value("features", Float, null, features)],
            [Value("scores", Float, null, labels)]));

    /// <summary>A model that answers the same label for everything: honest in shape, useless in accuracy.</summary>
    public static byte[] Constant(int labels, int label)
    {
        var bias = new float[labels];
        bias[label] = 1;
        return Linear(new float[OnnxFeatures.Count * labels], bias, OnnxFeatures.Count, labels);
    }

    /// <summary>Right shapes, endless compute: a Loop of 2^62 turns feeds the scores.</summary>
    public static byte[] Endless(int labels)
    {
        var body = Graph("turn",
            [Node("Identity", ["cond_in"], ["cond_out"]), Node("Identity", ["carried_in"], ["carried_out"])],
            [],
            [Value("turn", Long), Value("cond_in", Bool), Value("carried_in", Float, 1, labels)],
            [Value("cond_out", Bool), Value("carried_out", Float, 1, labels)]);
        return Model(Graph("endless",
            [
                Node("Loop", ["turns", "keep_going", "zeros"], ["looped"], GraphAttribute("body", body)),
                Node("Gemm", ["features", "weights", "bias"], ["linear"]),
                Node("Add", ["linear", "looped"], ["scores"]),
            ],
            [
                Int64Tensor("turns", [], [1L << 62]), BoolTensor("keep_going", true), FloatTensor("zeros", [1, labels], new float[labels]),
                FloatTensor("weights", [OnnxFeatures.Count, labels], new float[OnnxFeatures.Count * labels]), FloatTensor("bias", [labels], new float[labels]),
            ],
            [Value("features", Float, null, OnnxFeatures.Count)],
            [Value("scores", Float, null, labels)]));
    }

    /// <summary>
    /// Right declared shapes, but at run time it asks for a tensor of 2^30 floats (4 GiB): a size this machine could give,
    /// so only the sandbox's memory limit refuses it.
    /// </summary>
    public static byte[] MemoryBomb(int labels) =>
        Model(Graph("bomb",
            [
                Node("ConstantOfShape", ["huge_shape"], ["huge"]),
                Node("ReduceSum", ["huge"], ["total"], IntAttribute("keepdims", 1)),
                Node("Gemm", ["features", "weights", "bias"], ["linear"]),
                Node("Add", ["linear", "total"], ["scores"]),
            ],
            [
                Int64Tensor("huge_shape", [2], [1L << 16, 1L << 14]),
                FloatTensor("weights", [OnnxFeatures.Count, labels], new float[OnnxFeatures.Count * labels]), FloatTensor("bias", [labels], new float[labels]),
            ],
            [Value("features", Float, null, OnnxFeatures.Count)],
            [Value("scores", Float, null, labels)]));

    /// <summary>Right declared shapes, but its operator fails on every input: a Reshape to a size the batch never has.</summary>
    public static byte[] FailsWhenRun(int labels) =>
        Model(Graph("fails",
            [Node("Gemm", ["features", "weights", "bias"], ["linear"]), Node("Reshape", ["linear", "odd_shape"], ["scores"])],
            [
                FloatTensor("weights", [OnnxFeatures.Count, labels], new float[OnnxFeatures.Count * labels]), FloatTensor("bias", [labels], new float[labels]),
                Int64Tensor("odd_shape", [2], [7, 1_000_003]),
            ],
            [Value("features", Float, null, OnnxFeatures.Count)],
            [Value("scores", Float, null, labels)]));
}
