using CommunityAI.Contracts;
using CommunityAI.Contributions.Infrastructure;

namespace Contributions.Tests;

/// <summary>How the scoring handoff packs a batch's contents into <see cref="ScoringContents"/> messages.</summary>
public sealed class ScoringContentMessagesTests
{
    private static ScoringContent Content(int index, int chars) => new($"0x{index:x64}", new string('A', chars));

    [Fact]
    public void Nothing_to_hand_over_makes_no_message() => Assert.Empty(ScoringContentHandoff.Messages([]));

    [Fact]
    public void Small_contents_go_in_messages_of_at_most_the_item_limit_in_their_order()
    {
        var contents = Enumerable.Range(0, ScoringContents.MaxItems * 2 + 1).Select(i => Content(i, 40)).ToList();

        var messages = ScoringContentHandoff.Messages(contents).ToList();

        Assert.Equal([ScoringContents.MaxItems, ScoringContents.MaxItems, 1], messages.Select(m => m.Items.Count));
        Assert.Equal(contents, messages.SelectMany(m => m.Items));
    }

    [Fact]
    public void Large_contents_split_before_a_message_passes_the_character_limit_and_one_larger_than_it_travels_alone()
    {
        var largest = (int)(ScoringContent.MaxHandedOverBytes + 2) / 3 * 4; // base64 of the largest content handed over
        var contents = Enumerable.Range(0, 100).Select(i => Content(i, largest)).Append(Content(100, ScoringContents.MaxContentChars + 1)).Append(Content(101, 8)).ToList();

        var messages = ScoringContentHandoff.Messages(contents).ToList();

        Assert.Equal(contents, messages.SelectMany(m => m.Items));
        Assert.All(messages, m => Assert.NotEmpty(m.Items));
        Assert.All(messages.Where(m => m.Items.Count > 1), m => Assert.True(m.Items.Sum(i => i.Content.Length) <= ScoringContents.MaxContentChars));
        Assert.Equal(ScoringContents.MaxContentChars / largest, messages[0].Items.Count);
        Assert.Single(messages, m => m.Items.Count == 1 && m.Items[0].Content.Length > ScoringContents.MaxContentChars);
        Assert.Equal([contents[^1]], messages[^1].Items); // nothing joins the oversized one
    }
}
