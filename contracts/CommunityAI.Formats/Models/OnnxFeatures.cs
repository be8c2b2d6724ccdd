using System.Buffers.Binary;
using System.Security.Cryptography;

namespace CommunityAI.Formats.Models;

/// <summary>
/// The input contract of a contributed model (ONNX, "community-model-onnx/1"): a text becomes
/// <see cref="Count"/> float features by hashed word counts, computed alike by the evaluator, the service and anyone
/// who trains a model. Chosen over feeding the string itself to the model because ONNX has no standard tokenizer
/// operator, and a fixed, byte-level recipe is one a contributor can reimplement in a few lines in any language.
/// </summary>
/// <remarks>
/// Recipe: encode the text as UTF-8; a token is a maximal run of bytes that are ASCII letters, ASCII digits or any byte
/// of 0x80 and above; ASCII letters are lower-cased; each token adds 1 to feature
/// (first 4 bytes of SHA-256(token bytes), big-endian) mod <see cref="Count"/>. Counts, not normalized: a model that
/// wants normalization does it in its graph.
/// </remarks>
public static class OnnxFeatures
{
    /// <summary>The contract's name, as recorded with every evaluation.</summary>
    public const string Contract = "community-model-onnx/1";

    /// <summary>Features per text: the input's second dimension.</summary>
    public const int Count = 4096;

    /// <summary>Adds the text's features to <paramref name="features"/> (length <see cref="Count"/>, zeroed by the caller).</summary>
    public static void Add(string text, Span<float> features)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (features.Length != Count)
            throw new ArgumentException($"features must have {Count} elements", nameof(features));
        var bytes = System.Text.Encoding.UTF8.GetBytes(text);
        Span<byte> hash = stackalloc byte[32];
        var start = -1;
        for (var i = 0; i <= bytes.Length; i++)
        {
            var inToken = i < bytes.Length && IsTokenByte(bytes[i]);
            if (inToken)
            {
                if (start < 0)
                    start = i;
                if (bytes[i] is >= (byte)'A' and <= (byte)'Z')
                    bytes[i] = (byte)(bytes[i] + 32);
            }
            else if (start >= 0)
            {
                SHA256.HashData(bytes.AsSpan(start, i - start), hash);
                features[(int)(BinaryPrimitives.ReadUInt32BigEndian(hash) % Count)] += 1;
                start = -1;
            }
        }
    }

    /// <summary>The features of many texts, row after row: the model's input tensor [texts, <see cref="Count"/>].</summary>
    public static float[] Of(IReadOnlyList<string> texts)
    {
        ArgumentNullException.ThrowIfNull(texts);
        var features = new float[texts.Count * Count];
        for (var i = 0; i < texts.Count; i++)
            Add(texts[i], features.AsSpan(i * Count, Count));
        return features;
    }

    private static bool IsTokenByte(byte b) => b >= 0x80 || b is >= (byte)'0' and <= (byte)'9' or >= (byte)'a' and <= (byte)'z' or >= (byte)'A' and <= (byte)'Z';
}
