using CommunityAI.Formats.Policies;

namespace CommunityAI.RewardLedger.IntegrationTests;

/// <summary>The built-in genesis policy pays nothing for a score no validator reviewed.</summary>
public class NoPayWithoutEvidenceTests(LedgerSystem system) : IClassFixture<LedgerSystem>
{
    [Theory]
    [InlineData("no-validators", 2_000L)]
    [InlineData("no-quorum", 2_000L)]
    [InlineData("no-validators", null)]
    public async Task By_default_a_fallback_score_earns_nothing_however_high(string fallback, long? contentSize)
    {
        var scored = LedgerSystem.Scored(LedgerSystem.RandomAddress(), 100) with { Fallback = fallback };
        await system.RecordSubmissionAsync(scored.ContributionId, scored.Contributor, contentSize);
        await system.PublishAsync([scored]);
        var credit = await Credits.WaitAsync(system, scored.ContributionId);
        Assert.Equal("0", credit.GetProperty("amount").GetString());
        Assert.Equal("reward-1", credit.GetProperty("policyVersion").GetString());
    }

    [Fact]
    public async Task A_reviewed_score_is_still_paid_in_full()
    {
        var scored = LedgerSystem.Scored(LedgerSystem.RandomAddress(), 100);
        await system.PublishAsync([scored]);
        Assert.Equal(TokenAmount.Format(10 * TokenAmount.OneToken), (await Credits.WaitAsync(system, scored.ContributionId)).GetProperty("amount").GetString());
    }
}

/// <summary>A genesis policy that sets the shares explicitly pays exactly those shares.</summary>
public class FallbackShareTests(FallbackShareLedgerSystem system) : IClassFixture<FallbackShareLedgerSystem>
{
    [Fact]
    public async Task Fallback_scores_earn_the_policy_share_and_pointer_only_content_the_smaller_one()
    {
        var seen = LedgerSystem.Scored(LedgerSystem.RandomAddress(), 80) with { Fallback = "no-quorum" };
        var pointer = LedgerSystem.Scored(LedgerSystem.RandomAddress(), 80) with { Fallback = "no-validators" };
        var unrecorded = LedgerSystem.Scored(LedgerSystem.RandomAddress(), 80) with { Fallback = "no-validators" };
        var reviewed = LedgerSystem.Scored(LedgerSystem.RandomAddress(), 80);
        await system.RecordSubmissionAsync(seen.ContributionId, seen.Contributor, 1_234);
        await system.RecordSubmissionAsync(pointer.ContributionId, pointer.Contributor, contentSize: null);
        await system.PublishAsync([seen, pointer, unrecorded, reviewed]);

        var full = 10 * TokenAmount.OneToken * 80 / 100;
        Assert.Equal(TokenAmount.Format(full), (await Credits.WaitAsync(system, reviewed.ContributionId)).GetProperty("amount").GetString());
        Assert.Equal(TokenAmount.Format(full / 2), (await Credits.WaitAsync(system, seen.ContributionId)).GetProperty("amount").GetString());
        Assert.Equal(TokenAmount.Format(full / 10), (await Credits.WaitAsync(system, pointer.ContributionId)).GetProperty("amount").GetString());
        // No submission in the history at all: nothing the system saw, so the smaller share.
        Assert.Equal(TokenAmount.Format(full / 10), (await Credits.WaitAsync(system, unrecorded.ContributionId)).GetProperty("amount").GetString());
    }
}
