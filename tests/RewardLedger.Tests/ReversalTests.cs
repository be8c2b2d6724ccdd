using CommunityAI.Contracts;
using CommunityAI.RewardLedger.Domain;

namespace CommunityAI.RewardLedger.Tests;

public class ReversalTests
{
    private const string Alice = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8";
    private const string Id = "0xAA00000000000000000000000000000000000000000000000000000000000001";

    private static PolicyActivated Activation(string kind, string payload) => new("0xbb", kind, payload, "0x00", DateTimeOffset.UnixEpoch);

    [Fact]
    public void A_reversal_is_the_balanced_mirror_of_the_credit_from_the_contributor_back_to_emission()
    {
        var entry = JournalEntry.Reversal("0x01", Alice, 42, 4, "reward-1", 2, DateTimeOffset.UnixEpoch);

        Assert.True(entry.IsBalanced);
        Assert.Equal("-42", entry.Amount);
        Assert.Equal("reversal:0x01", entry.Id);
        Assert.Equal([new Posting(JournalEntry.EmissionAccount, "42"), new Posting(Alice, "-42")], entry.Lines);
        Assert.Throws<ArgumentOutOfRangeException>(() => JournalEntry.Reversal("0x01", Alice, -1, 4, "reward-1", 2, DateTimeOffset.UnixEpoch));
    }

    [Fact]
    public void An_invalidation_is_read_from_its_activation_with_the_id_in_the_credit_streams_case()
    {
        var invalidation = Invalidation.From(Activation("contribution-invalidation", $$"""{"contributionId":"{{Id}}","reason":"plagiarised"}"""));

        Assert.Equal(new Invalidation(Id.ToLowerInvariant(), "plagiarised", "0xbb"), invalidation);
    }

    [Theory]
    [InlineData("reward-policy", """{"contributionId":"0xaa00000000000000000000000000000000000000000000000000000000000001","reason":"x"}""")]
    [InlineData("contribution-invalidation", """{"contributionId":"0x01","reason":"x"}""")]
    [InlineData("contribution-invalidation", """{"contributionId":"0xaa00000000000000000000000000000000000000000000000000000000000001"}""")]
    [InlineData("contribution-invalidation", "not json")]
    [InlineData("contribution-invalidation", "[]")]
    public void Another_kind_or_a_payload_that_does_not_read_is_no_invalidation(string kind, string payload) =>
        Assert.Null(Invalidation.From(Activation(kind, payload)));
}
