using System.Security.Cryptography;
using System.Text;
using CommunityAI.Contracts;
using CommunityAI.Formats;
using CommunityAI.Testing;

namespace CommunityAI.Benchmarks.QualityScoring;

/// <summary>Distinct synthetic texts from a fixed vocabulary (about 250 characters each), and contributions carrying them.</summary>
internal sealed class Texts(int seed)
{
    private readonly Random _random = new(seed);
    private readonly string[] _vocabulary = MakeVocabulary(new Random(1), 5000);

    public string Next(int words = 40) => string.Join(' ', Enumerable.Range(0, words).Select(_ => _vocabulary[_random.Next(_vocabulary.Length)]));

    /// <summary>The same text with one word replaced: a near duplicate.</summary>
    public string Edit(string text)
    {
        var words = text.Split(' ');
        words[_random.Next(words.Length)] = _vocabulary[_random.Next(_vocabulary.Length)];
        return string.Join(' ', words);
    }

    public static ContributionSubmitted Submission(int contributorKey, string text) => Submission(AnvilNode.DevAddresses[contributorKey], text);

    public static ContributionSubmitted Submission(string contributor, string text) => new(
        Hex.Encode(RandomNumberGenerator.GetBytes(32)), contributor, "data",
        Hex.Encode(SHA256.HashData(Encoding.UTF8.GetBytes(text))), "ipfs://bench", "1", 0, "0x", Encoding.UTF8.GetByteCount(text),
        DateTimeOffset.UtcNow, text);

    private static string[] MakeVocabulary(Random random, int size) =>
        Enumerable.Range(0, size).Select(_ => new string(Enumerable.Range(0, random.Next(3, 10)).Select(_ => (char)('a' + random.Next(26))).ToArray())).ToArray();
}
