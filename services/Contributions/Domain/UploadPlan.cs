namespace CommunityAI.Contributions.Domain;

/// <summary>
/// What a signed <c>ContentUpload</c> fixes: whose upload it is, the whole content's hash and size, and every part's
/// length and SHA-256. Parts may arrive in any order and any number of times: each is checked against its own signed
/// hash, so a retried or reordered part is harmless, and the content is whole when every index holds its part. Pure.
/// </summary>
public sealed record UploadPlan(string UploadId, string Contributor, string ContentHash, long Size, int PartSize, IReadOnlyList<byte[]> PartHashes)
{
    public int Parts => PartHashes.Count;

    /// <summary>How many parts a content of <paramref name="size"/> bytes is cut into with parts of <paramref name="partSize"/>.</summary>
    public static long PartCount(long size, long partSize) => (size + partSize - 1) / partSize;

    /// <summary>The length part <paramref name="index"/> must have: <see cref="PartSize"/>, or the remainder for the last one.</summary>
    public int LengthOf(int index) => index < Parts - 1 ? PartSize : checked((int)(Size - (long)(Parts - 1) * PartSize));

    /// <summary>The part hashes as stored: concatenated, 32 bytes each.</summary>
    public byte[] JoinedHashes() => PartHashes.SelectMany(h => h).ToArray();

    /// <summary>The part hashes from their stored, concatenated form.</summary>
    public static IReadOnlyList<byte[]> SplitHashes(byte[] joined) => joined.Chunk(32).ToArray();
}
