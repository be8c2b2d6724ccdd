using CommunityAI.ChainBridge.Anchoring;
using CommunityAI.ChainBridge.Chain;

namespace ChainBridge.Tests;

public sealed class ContractLocatorTests
{
    private const string HotKey = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8";
    private const string Admin = "0xa0Ee7A142d267C1f36714E4a8F75612F20a79720";
    private const string Guardian = "0x23618e81E3f5cdF7f54C3d65f7FBc0aBf5B21E8f";
    private const long Sepolia = 11155111;

    [Theory]
    [InlineData(DevelopmentChain.ChainId)]
    [InlineData(Sepolia)]
    public void Known_addresses_are_always_found_never_deployed(long chainId)
    {
        var (deploy, refusal) = ContractLocator.Decide(chainId, new ChainOptions { Deploy = true }, known: true, HotKey);

        Assert.Null(deploy);
        Assert.Null(refusal);
    }

    [Fact]
    public void The_development_chain_deploys_with_a_second_key_as_admin_and_the_hot_key_as_anchorer_and_publisher()
    {
        var (deploy, refusal) = ContractLocator.Decide(DevelopmentChain.ChainId, new ChainOptions(), known: false, HotKey);

        Assert.Null(refusal);
        Assert.Equal(new(DevelopmentChain.Admin, DevelopmentChain.Guardian, HotKey, HotKey, DevelopmentChain.Treasury), deploy);
    }

    [Fact]
    public void A_public_network_without_addresses_is_refused_unless_told_to_deploy()
    {
        var (deploy, refusal) = ContractLocator.Decide(Sepolia, new ChainOptions { AdminAddress = Admin, GuardianAddress = Guardian }, known: false, HotKey);

        Assert.Null(deploy);
        Assert.Contains("deploys only on the development chain", refusal, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null, Guardian, "required")]
    [InlineData(Admin, null, "required")]
    [InlineData(HotKey, Guardian, "may not be the admin")]
    [InlineData(Admin, "0x70997970c51812dc3a010c7d01b50e0d17dc79c8", "may not be the admin")]
    public void A_public_deployment_needs_an_admin_and_a_guardian_other_than_the_hot_key(string? admin, string? guardian, string reason)
    {
        var (deploy, refusal) = ContractLocator.Decide(Sepolia, new ChainOptions { Deploy = true, AdminAddress = admin, GuardianAddress = guardian },
            known: false, HotKey);

        Assert.Null(deploy);
        Assert.Contains(reason, refusal, StringComparison.Ordinal);
    }

    [Fact]
    public void A_public_deployment_when_told_to_uses_the_configured_roles()
    {
        var (deploy, refusal) = ContractLocator.Decide(Sepolia, new ChainOptions { Deploy = true, AdminAddress = Admin, GuardianAddress = Guardian },
            known: false, HotKey);

        Assert.Null(refusal);
        Assert.Equal(new(Admin, Guardian, HotKey, HotKey), deploy);
    }
}
