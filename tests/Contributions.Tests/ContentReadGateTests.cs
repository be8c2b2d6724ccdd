using CommunityAI.Contributions.Apis;
using CommunityAI.Contributions.Domain;
using Microsoft.Extensions.Options;

namespace Contributions.Tests;

public sealed class ContentReadGateTests
{
    [Fact]
    public void Each_reader_streams_two_reads_at_most_all_readers_the_configured_number_and_a_place_is_given_back_once()
    {
        var gate = new ContentReadGate(Options.Create(new ContentStoreOptions { MaxConcurrentReads = 3 }));

        var a1 = gate.TryEnter("0xAa");
        var a2 = gate.TryEnter("0xaa");
        Assert.Null(gate.TryEnter("0xAA")); // the same reader, in any case: its two places are taken
        var b1 = gate.TryEnter("0xbb");
        Assert.Null(gate.TryEnter("0xcc")); // three in all
        Assert.NotNull(a1);
        Assert.NotNull(a2);
        Assert.NotNull(b1);

        a1.Dispose();
        a1.Dispose(); // a second dispose gives back nothing more
        var c1 = gate.TryEnter("0xcc");
        Assert.NotNull(c1);
        Assert.Null(gate.TryEnter("0xdd"));
    }
}
