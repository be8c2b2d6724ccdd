using CommunityAI.QualityScoring.Domain;

namespace CommunityAI.QualityScoring.Tests;

public sealed class MinHashTests
{
    private static readonly MinHash Hasher = new(5, 128, 16);

    private const string Original =
        "Gradient clipping bounds the norm of the gradient before each optimiser step, which keeps training of deep recurrent networks stable when losses spike.";

    [Fact]
    public void Texts_differing_only_in_case_and_whitespace_have_the_same_signature() =>
        Assert.Equal(Hasher.Signature(MinHash.Normalise(Original)), Hasher.Signature(MinHash.Normalise("  " + Original.ToUpperInvariant().Replace(" ", " \n\t "))));

    [Fact]
    public void A_lightly_edited_text_is_estimated_close_and_shares_a_band()
    {
        var edited = Original.Replace("deep recurrent networks", "deep recurrent nets");
        var a = Hasher.Signature(MinHash.Normalise(Original));
        var b = Hasher.Signature(MinHash.Normalise(edited));
        Assert.True(MinHash.Similarity(a, b) >= 0.8, $"similarity {MinHash.Similarity(a, b)}");
        Assert.NotEmpty(Hasher.BandKeys(a).Intersect(Hasher.BandKeys(b)));
    }

    [Fact]
    public void Unrelated_texts_are_estimated_far_apart()
    {
        var a = Hasher.Signature(MinHash.Normalise(Original));
        var b = Hasher.Signature(MinHash.Normalise("Sourdough needs a lively starter, a long cold proof and a very hot oven with steam for the first twenty minutes."));
        Assert.True(MinHash.Similarity(a, b) < 0.2, $"similarity {MinHash.Similarity(a, b)}");
    }

    [Fact]
    public void The_estimate_tracks_the_true_jaccard_similarity_of_the_shingles()
    {
        var random = new Random(7);
        var words = Enumerable.Range(0, 400).Select(_ => new string(Enumerable.Range(0, random.Next(3, 9)).Select(_ => (char)('a' + random.Next(26))).ToArray())).ToArray();
        var baseText = string.Join(' ', words.Take(200));
        var other = string.Join(' ', words.Skip(60).Take(200));
        var estimate = MinHash.Similarity(Hasher.Signature(baseText), Hasher.Signature(other));
        var truth = Jaccard(Shingles(baseText), Shingles(other));
        Assert.InRange(estimate, truth - 0.12, truth + 0.12);
    }

    [Fact]
    public void Signatures_are_the_same_in_every_process() =>
        // Fixed values: any change to the hashing breaks auditors' recomputation, so it must be a new policy version.
        Assert.Equal([1520193112u, 125858844u], Hasher.Signature("community")[..2]);

    private static HashSet<string> Shingles(string text) => Enumerable.Range(0, text.Length - 4).Select(i => text.Substring(i, 5)).ToHashSet();

    private static double Jaccard(HashSet<string> a, HashSet<string> b) => (double)a.Intersect(b).Count() / a.Union(b).Count();
}
