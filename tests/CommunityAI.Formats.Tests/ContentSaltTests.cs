using System.Security.Cryptography;
using System.Text;

namespace CommunityAI.Formats.Tests;

public sealed class ContentSaltTests
{
    [Fact]
    public void A_salted_content_strips_back_to_the_content_and_the_same_text_hashes_differently_each_time()
    {
        var text = Encoding.UTF8.GetBytes("yes");
        var first = ContentSalt.Add(text);
        var second = ContentSalt.Add(text);

        Assert.True(ContentSalt.TryStrip(first, out var content));
        Assert.Equal(text, content.ToArray());
        Assert.Equal(ContentSalt.LineLength + text.Length, first.Length);
        Assert.NotEqual(SHA256.HashData(first), SHA256.HashData(second));
    }

    [Fact]
    public void The_salt_line_has_one_spelling_so_every_client_agrees_on_the_bytes()
    {
        var salted = ContentSalt.Add("hi"u8, new byte[32]);
        Assert.Equal("communityai-salt:" + new string('0', 64) + "\nhi", Encoding.UTF8.GetString(salted));
    }

    [Theory]
    [InlineData("")]
    [InlineData("yes")]
    [InlineData("communityai-salt:00\nyes")]
    [InlineData("communityai-salt:000000000000000000000000000000000000000000000000000000000000000G\nyes")]
    [InlineData("communityai-salt:0000000000000000000000000000000000000000000000000000000000000000 yes")]
    [InlineData("Communityai-salt:0000000000000000000000000000000000000000000000000000000000000000\nyes")]
    public void Anything_else_is_not_salted(string stored) => Assert.False(ContentSalt.TryStrip(Encoding.UTF8.GetBytes(stored), out _));
}
