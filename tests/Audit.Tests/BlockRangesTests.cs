using CommunityAI.Audit.Chain;

namespace CommunityAI.Audit.Tests;

/// <summary>The pages chain logs are read in: every block once, none past the end, none larger than asked.</summary>
public sealed class BlockRangesTests
{
    [Theory]
    [InlineData(5UL, 12UL, 3UL, "5-7 8-10 11-12")]
    [InlineData(0UL, 5UL, 2_000UL, "0-5")]
    [InlineData(7UL, 7UL, 1UL, "7-7")]
    [InlineData(1UL, 4UL, 2UL, "1-2 3-4")]
    [InlineData(ulong.MaxValue - 2, ulong.MaxValue, 2UL, "18446744073709551613-18446744073709551614 18446744073709551615-18446744073709551615")]
    public void Pages_cover_the_interval_exactly(ulong from, ulong to, ulong size, string expected)
    {
        var pages = BlockRanges.Split(from, to, size).Select(p => $"{p.From}-{p.To}");

        Assert.Equal(expected, string.Join(' ', pages));
    }

    [Fact]
    public void A_page_of_zero_blocks_is_refused() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => BlockRanges.Split(0, 10, 0).ToList());
}
