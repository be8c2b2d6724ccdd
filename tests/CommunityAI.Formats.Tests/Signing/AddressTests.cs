using CommunityAI.Formats.Signing;

namespace CommunityAI.Formats.Tests.Signing;

public class AddressTests
{
    // The examples from EIP-55 itself.
    [Theory]
    [InlineData("0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed")]
    [InlineData("0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359")]
    [InlineData("0xdbF03B407c01E7cD3CBea99509d93f8DDDC8C6FB")]
    [InlineData("0xD1220A0cf47c7B9Be7A2E6BA89F429762e7b9aDb")]
    [InlineData("0x52908400098527886E0F7030069857D2E4169EE7")]
    [InlineData("0x8617E340B3D01FA5F11F306F4090FD50E238070D")]
    [InlineData("0xde709f2102306220921060314715629080e2fb77")]
    [InlineData("0x27b1fdb04752bbc536007a920d24acb045561c26")]
    public void Any_case_is_accepted_and_written_back_checksummed(string checksummed)
    {
        Assert.Equal(checksummed, Address.Parse(checksummed.ToLowerInvariant()));
        Assert.Equal(checksummed, Address.Parse("0x" + checksummed[2..].ToUpperInvariant()));
        Assert.Equal(checksummed, Address.Parse(checksummed));
        Assert.Equal(checksummed, Address.Format(Hex.Decode(checksummed)));
    }

    [Theory]
    [InlineData("0x5aaeb6053F3E94C9b9A09f33669435E7Ef1BeAed", "mixed case with a wrong checksum")]
    [InlineData("5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed", "no 0x prefix")]
    [InlineData("0X5AAEB6053F3E94C9B9A09F33669435E7EF1BEAED", "0X prefix")]
    [InlineData("0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAe", "39 digits")]
    [InlineData("0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed00", "21 bytes")]
    [InlineData("0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAeg", "non-hex digit")]
    [InlineData(" 0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed", "leading space")]
    [InlineData("0x５aAeb6053F3E94C9b9A09f33669435E7Ef1BeAe", "full-width digit")]
    [InlineData("", "empty")]
    [InlineData(null, "null")]
    public void Malformed_addresses_are_rejected(string? text, string why)
    {
        Assert.False(Address.IsValid(text), why);
        Assert.False(Address.TryParse(text, out _), why);
        if (text is not null)
            Assert.Throws<FormatException>(() => Address.Parse(text));
    }

    [Fact]
    public void The_zero_address_is_an_address()
    {
        Assert.Equal(Address.Zero, Address.Parse(Address.Zero));
    }

    [Fact]
    public void Formatting_needs_exactly_20_bytes()
    {
        Assert.Throws<ArgumentException>(() => Address.Format(new byte[19]));
    }
}
