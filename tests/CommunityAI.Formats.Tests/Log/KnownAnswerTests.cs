using CommunityAI.Formats.Log;

namespace CommunityAI.Formats.Tests.Log;

/// <summary>
/// The RFC 6962 test vectors every Certificate Transparency and transparency-dev implementation
/// passes. Expected hashes transcribed from transparency-dev/merkle, proof/verify_test.go
/// (https://github.com/transparency-dev/merkle/blob/main/proof/verify_test.go), where inclusion
/// vectors count leaves from 1; here they count from 0.
/// </summary>
public class KnownAnswerTests
{
    private static readonly byte[][] Leaves =
    [
        [],
        [0x00],
        [0x10],
        [0x20, 0x21],
        [0x30, 0x31],
        [0x40, 0x41, 0x42, 0x43],
        [0x50, 0x51, 0x52, 0x53, 0x54, 0x55, 0x56, 0x57],
        [0x60, 0x61, 0x62, 0x63, 0x64, 0x65, 0x66, 0x67, 0x68, 0x69, 0x6a, 0x6b, 0x6c, 0x6d, 0x6e, 0x6f],
    ];

    // Roots of the trees of the first 1..8 leaves.
    private static readonly string[] Roots =
    [
        "0x6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
        "0xfac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
        "0xaeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
        "0xd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        "0x4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
        "0x76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
        "0xddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
        "0x5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
    ];

    public static TheoryData<long, long, string[]> InclusionVectors => new()
    {
        { 0, 8, ["0x96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7", "0x5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e", "0x6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"] },
        { 5, 8, ["0xbc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b", "0xca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0", "0xd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"] },
        { 2, 3, ["0xfac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125"] },
        { 1, 5, ["0x6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d", "0x5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e", "0xbc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b"] },
        { 0, 1, [] },
    };

    public static TheoryData<long, long, string[]> ConsistencyVectors => new()
    {
        { 1, 1, [] },
        { 1, 8, ["0x96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7", "0x5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e", "0x6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"] },
        { 6, 8, ["0x0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a", "0xca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0", "0xd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"] },
        { 2, 5, ["0x5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e", "0xbc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b"] },
        { 6, 7, ["0x0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a", "0xb08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f", "0xd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"] },
    };

    private static readonly TestLog ClassicLog = new(Leaves);

    [Fact]
    public void Empty_tree_root_is_the_sha256_of_nothing()
    {
        Assert.Equal("0xe3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", Hex.Encode(LogHasher.EmptyRoot));
        Assert.Equal(Hex.Encode(LogHasher.EmptyRoot), Hex.Encode(CompactRange.Empty.RootHash()));
    }

    [Fact]
    public void Leaf_hash_of_the_empty_entry_matches_the_published_value()
    {
        // The root of a one-leaf tree is its leaf hash.
        Assert.Equal(Roots[0], Hex.Encode(LogHasher.HashLeaf([])));
    }

    [Fact]
    public void Roots_of_the_classic_trees_of_1_to_8_leaves_match_the_published_values()
    {
        var range = CompactRange.Empty;
        for (int size = 1; size <= Leaves.Length; size++)
        {
            range = range.Append(LogHasher.HashLeaf(Leaves[size - 1])).Range;
            Assert.Equal(Roots[size - 1], Hex.Encode(range.RootHash()));
        }
    }

    [Theory]
    [MemberData(nameof(InclusionVectors))]
    public void Inclusion_proofs_match_the_published_vectors_and_verify(long index, long size, string[] expected)
    {
        var proof = InclusionProof.Plan(index, size).Build(ClassicLog.LookupAtSize(size));

        Assert.Equal(expected, proof.Select(h => Hex.Encode(h)));
        var result = ProofVerifier.VerifyInclusion(index, size, LogHasher.HashLeaf(Leaves[index]), proof, Hex.Decode(Roots[size - 1]));
        Assert.True(result.IsValid, result.Message);
    }

    [Theory]
    [MemberData(nameof(ConsistencyVectors))]
    public void Consistency_proofs_match_the_published_vectors_and_verify(long first, long second, string[] expected)
    {
        var proof = ConsistencyProof.Plan(first, second).Build(ClassicLog.LookupAtSize(second));

        Assert.Equal(expected, proof.Select(h => Hex.Encode(h)));
        var result = ProofVerifier.VerifyConsistency(first, second, Hex.Decode(Roots[first - 1]), Hex.Decode(Roots[second - 1]), proof);
        Assert.True(result.IsValid, result.Message);
    }
}
