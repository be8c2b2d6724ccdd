using CommunityAI.ChainBridge.Chain;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Nethereum.Web3;

namespace ChainBridge.IntegrationTests;

/// <summary>
/// The bridge's loops ask the node for its latest block through one <see cref="ChainHead"/>: within Chain:HeadPoll they
/// get the block read last and the node is not asked; after it, the node's answer. Against a real node (anvil) that
/// mines only when told, so a block mined in between shows what was and was not asked.
/// </summary>
public sealed class ChainHeadTests(IdleChain chain) : IClassFixture<IdleChain>
{
    [Fact]
    public async Task Within_the_poll_the_block_read_last_is_served_and_after_it_the_nodes_new_one()
    {
        var clock = new FakeTimeProvider();
        var web3 = new Web3(chain.RpcUrl);
        var asked = 0;
        var head = new ChainHead(() => { asked++; return web3; }, Options.Create(new ChainOptions { HeadPoll = TimeSpan.FromSeconds(3) }), clock);

        var first = await head.LatestAsync(default);
        await chain.MineAsync();
        clock.Advance(TimeSpan.FromMilliseconds(2_999));
        var again = await head.LatestAsync(default);

        // The node has a new block, but the poll has not passed: the block read last, and no second request.
        Assert.Equal(first, again);
        Assert.Equal(1, asked);

        clock.Advance(TimeSpan.FromMilliseconds(1));
        var next = await head.LatestAsync(default);

        Assert.Equal(first.Number + 1, next.Number);
        Assert.NotEqual(first.Hash, next.Hash);
        Assert.Equal(2, asked);
    }

    [Theory]
    [InlineData("00:00:00")]
    [InlineData("00:05:00")]
    public async Task A_head_poll_out_of_its_range_stops_the_service_at_start_and_names_the_setting(string value)
    {
        var invalid = await ServiceStartUp.ValidationFailureAsync(("Chain:HeadPoll", value));

        Assert.Equal(typeof(ChainOptions), invalid.OptionsType);
        Assert.Contains("Chain:HeadPoll", invalid.Message, StringComparison.Ordinal);
    }
}
