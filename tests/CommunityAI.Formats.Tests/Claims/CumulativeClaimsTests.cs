using System.Numerics;
using CommunityAI.Formats.Claims;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace CommunityAI.Formats.Tests.Claims;

/// <summary>
/// The rule the distributor needs: a published cumulative amount never goes down, a debit is absorbed by later earnings,
/// and without debits the amount is the plain sum of credits.
/// </summary>
public sealed class CumulativeClaimsTests
{
    private static readonly string[] Addresses =
    [
        "0x70997970C51812dc3A010C7d01b50e0d17dc79C8",
        "0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC",
        "0x90F79bf6EB2c4f870365E785982E1f101E93b906",
    ];

    private const int Epochs = 6;

    [Fact]
    public void A_debit_keeps_the_amount_until_later_earnings_pay_it_off_and_then_the_remainder_counts()
    {
        var alice = Addresses[0];
        (string, long, BigInteger)[] entries = [(alice, 1, 100), (alice, 2, -100), (alice, 3, 60), (alice, 4, 70)];

        Assert.Equal(100, Amount(entries, alice, 1));
        Assert.Equal(100, Amount(entries, alice, 2)); // net 0: the published 100 stays
        Assert.Equal(100, Amount(entries, alice, 3)); // net 60: still absorbing the debt
        Assert.Equal(130, Amount(entries, alice, 4)); // net 130: 30 more than ever published
    }

    [Fact]
    public void Credits_and_debits_of_one_epoch_net_out_and_addresses_compare_without_case()
    {
        var bob = Addresses[1];
        var claims = CumulativeClaims.At([(bob, 1, 50), (bob.ToLowerInvariant(), 1, -20), (bob, 2, 5)], 1);

        Assert.Equal([(bob, new BigInteger(30))], claims);
    }

    [Fact]
    public void An_address_whose_only_entry_is_a_debit_has_nothing_to_claim()
    {
        var tree = CumulativeClaims.TreeAt([(Addresses[2], 1, -10)], 3);

        Assert.Null(tree);
    }

    [Property(MaxTest = 300)]
    public Property The_cumulative_amount_never_goes_down_from_one_epoch_to_the_next() =>
        Prop.ForAll(Histories(withDebits: true), entries =>
        {
            for (var epoch = 1; epoch < Epochs; epoch++)
                foreach (var address in Addresses)
                    if (Amount(entries, address, epoch) < Amount(entries, address, epoch - 1))
                        return false.Label($"{address} went down at epoch {epoch}");
            return true.ToProperty();
        });

    [Property(MaxTest = 300)]
    public Property Without_debits_the_cumulative_amount_is_the_plain_sum() =>
        Prop.ForAll(Histories(withDebits: false), entries =>
        {
            for (var epoch = 0; epoch < Epochs; epoch++)
                foreach (var address in Addresses)
                {
                    var sum = entries.Where(e => e.Address == address && e.Epoch <= epoch).Aggregate(BigInteger.Zero, (s, e) => s + e.Amount);
                    if (Amount(entries, address, epoch) != sum)
                        return false.Label($"{address} at epoch {epoch}: not the sum {sum}");
                }
            return true.ToProperty();
        });

    [Property(MaxTest = 300)]
    public Property The_amount_is_the_highest_net_total_ever_reached_and_at_least_the_net_total() =>
        Prop.ForAll(Histories(withDebits: true), entries =>
        {
            foreach (var address in Addresses)
            {
                var nets = Enumerable.Range(0, Epochs).Select(e =>
                    entries.Where(x => x.Address == address && x.Epoch <= e).Aggregate(BigInteger.Zero, (s, x) => s + x.Amount)).ToList();
                for (var epoch = 0; epoch < Epochs; epoch++)
                {
                    var expected = nets.Take(epoch + 1).Append(BigInteger.Zero).Max();
                    var amount = Amount(entries, address, epoch);
                    if (amount != expected || amount < nets[epoch])
                        return false.Label($"{address} at epoch {epoch}: {amount}, expected {expected}");
                }
            }
            return true.ToProperty();
        });

    private static BigInteger Amount(IEnumerable<(string Address, long Epoch, BigInteger Amount)> entries, string address, long epoch) =>
        CumulativeClaims.At(entries, epoch).Where(c => c.Address == address).Select(c => c.Amount).SingleOrDefault();

    // Random ledgers over a few addresses and epochs; debits (when allowed) as a third of the entries.
    private static Arbitrary<(string Address, long Epoch, BigInteger Amount)[]> Histories(bool withDebits)
    {
        var entry =
            from address in Gen.Elements(Addresses)
            from epoch in Gen.Choose(0, Epochs - 1)
            from amount in Gen.Choose(0, 1_000)
            from debit in withDebits ? Gen.Choose(0, 2).Select(d => d == 0) : Gen.Constant(false)
            select (address, (long)epoch, debit ? -new BigInteger(amount) : new BigInteger(amount));
        return Gen.ArrayOf(entry).ToArbitrary();
    }
}
