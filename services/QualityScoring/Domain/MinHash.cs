using System.Buffers.Binary;

namespace CommunityAI.QualityScoring.Domain;

/// <summary>
/// MinHash signatures of a text's character shingles and their LSH band keys. Pure and fully specified (FNV-1a 64 over
/// the shingle's UTF-16 code units, then SplitMix64 finalisation per function), so every replica and every auditor
/// computes the same signature; .NET's HashCode is randomised per process and would not do.
/// </summary>
public sealed class MinHash(int shingleLength, int functions, int bands)
{
    public int Functions => functions;
    public int Bands => bands;
    private int RowsPerBand => functions / bands;

    /// <summary>Lowercases (invariant) and collapses every run of whitespace to one space, trimming the ends.</summary>
    public static string Normalise(string text)
    {
        var builder = new System.Text.StringBuilder(text.Length);
        var space = false;
        foreach (var c in text)
        {
            if (char.IsWhiteSpace(c))
            {
                space = builder.Length > 0;
                continue;
            }
            if (space)
                builder.Append(' ');
            space = false;
            builder.Append(char.ToLowerInvariant(c));
        }
        return builder.ToString();
    }

    /// <summary>The signature of an already normalised text: per function, the least hash over all shingles.</summary>
    public uint[] Signature(string normalised)
    {
        var signature = new uint[functions];
        Array.Fill(signature, uint.MaxValue);
        var last = Math.Max(0, normalised.Length - shingleLength);
        for (var start = 0; start <= last; start++)
        {
            var shingle = Fnv1a(normalised.AsSpan(start, Math.Min(shingleLength, normalised.Length - start)));
            for (var i = 0; i < functions; i++)
            {
                var h = (uint)(SplitMix(shingle + (ulong)(i + 1) * 0x9E3779B97F4A7C15UL) >> 32);
                if (h < signature[i])
                    signature[i] = h;
            }
        }
        return signature;
    }

    /// <summary>One key per band: texts sharing any band key are candidates for the similarity check.</summary>
    public long[] BandKeys(ReadOnlySpan<uint> signature)
    {
        var keys = new long[bands];
        Span<byte> row = stackalloc byte[4];
        for (var band = 0; band < bands; band++)
        {
            var hash = 14695981039346656037UL ^ (ulong)band;
            foreach (var value in signature.Slice(band * RowsPerBand, RowsPerBand))
            {
                BinaryPrimitives.WriteUInt32LittleEndian(row, value);
                foreach (var b in row)
                    hash = (hash ^ b) * 1099511628211UL;
            }
            keys[band] = (long)SplitMix(hash);
        }
        return keys;
    }

    /// <summary>Estimated Jaccard similarity: the share of functions on which both signatures agree.</summary>
    public static double Similarity(ReadOnlySpan<uint> a, ReadOnlySpan<uint> b)
    {
        if (a.Length != b.Length || a.Length == 0)
            throw new ArgumentException("signatures must have the same, non-zero length");
        var same = 0;
        for (var i = 0; i < a.Length; i++)
            same += a[i] == b[i] ? 1 : 0;
        return (double)same / a.Length;
    }

    private static ulong Fnv1a(ReadOnlySpan<char> text)
    {
        var hash = 14695981039346656037UL;
        foreach (var c in text)
        {
            hash = (hash ^ (byte)c) * 1099511628211UL;
            hash = (hash ^ (byte)(c >> 8)) * 1099511628211UL;
        }
        return hash;
    }

    private static ulong SplitMix(ulong x)
    {
        x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9UL;
        x = (x ^ (x >> 27)) * 0x94D049BB133111EBUL;
        return x ^ (x >> 31);
    }
}
