using System.Security.Cryptography;
using CommunityAI.Formats.Log;

namespace CommunityAI.Formats.Tests.Log;

public class LogHasherTests
{
    [Theory]
    [InlineData(0)]
    [InlineData(511)]
    [InlineData(512)]
    [InlineData(4096)]
    public void Leaf_hash_is_sha256_of_a_zero_byte_and_the_entry(int length)
    {
        var entry = RandomNumberGenerator.GetBytes(length);

        Assert.Equal(SHA256.HashData([0x00, .. entry]), LogHasher.HashLeaf(entry));
    }

    [Fact]
    public void Node_hash_is_sha256_of_a_one_byte_and_both_children()
    {
        var left = RandomNumberGenerator.GetBytes(32);
        var right = RandomNumberGenerator.GetBytes(32);

        Assert.Equal(SHA256.HashData([0x01, .. left, .. right]), LogHasher.HashChildren(left, right));
    }

    [Fact]
    public void Node_hash_may_be_written_over_either_child()
    {
        var left = RandomNumberGenerator.GetBytes(32);
        var right = RandomNumberGenerator.GetBytes(32);
        var expected = LogHasher.HashChildren(left, right);

        var inPlaceLeft = (byte[])left.Clone();
        LogHasher.HashChildren(inPlaceLeft, right, inPlaceLeft);
        var inPlaceRight = (byte[])right.Clone();
        LogHasher.HashChildren(left, inPlaceRight, inPlaceRight);

        Assert.Equal(expected, inPlaceLeft);
        Assert.Equal(expected, inPlaceRight);
    }

    [Fact]
    public void Children_that_are_not_32_bytes_are_refused()
    {
        Assert.Throws<ArgumentException>(() => LogHasher.HashChildren(new byte[31], new byte[32]));
        Assert.Throws<ArgumentException>(() => LogHasher.HashChildren(new byte[32], new byte[33]));
        Assert.Throws<ArgumentException>(() => LogHasher.HashLeaf([], new byte[31]));
    }
}
