using CommunityAI.CommunityModel.Domain;

namespace CommunityModel.IntegrationTests;

/// <summary>The training core alone (no I/O): deterministic, honest about too little data, better with more data.</summary>
public sealed class TextClassifierTests
{
    private static readonly TextClassifier.Settings Settings = new(CommunityTexts.Labels, Seed: 2026, HeldOutPercent: 20);

    private static TextClassifier.Outcome.Trained Train(IEnumerable<LabelledExample> examples) =>
        Assert.IsType<TextClassifier.Outcome.Trained>(TextClassifier.Train(examples, Settings));

    [Fact]
    public void The_same_examples_in_any_order_give_the_same_model_hash_and_metrics()
    {
        var examples = CommunityTexts.Examples(10, seed: 1);

        var first = Train(examples);
        var again = Train(Enumerable.Reverse(examples));

        Assert.Equal(first.ModelHash, again.ModelHash);
        Assert.Equal(first.AccuracyBasisPoints, again.AccuracyBasisPoints);
        Assert.Equal(first.MacroAccuracyBasisPoints, again.MacroAccuracyBasisPoints);
        Assert.Equal((first.TrainCount, first.HeldOutCount), (again.TrainCount, again.HeldOutCount));
        Assert.Equal(40, first.TrainCount + first.HeldOutCount);
    }

    [Fact]
    public void More_labelled_examples_give_a_higher_held_out_accuracy()
    {
        var few = Train(CommunityTexts.Examples(4, seed: 3));
        var many = Train(CommunityTexts.Examples(40, seed: 3));

        Assert.True(many.AccuracyBasisPoints > few.AccuracyBasisPoints + 1000,
            $"accuracy {few.AccuracyBasisPoints} bp with 16 examples, {many.AccuracyBasisPoints} bp with 160");
    }

    [Fact]
    public void Too_little_data_is_refused_rather_than_evaluated_on_nothing()
    {
        var oneLabel = CommunityTexts.Examples(6, seed: 5).Where(e => e.Label == "idea");

        var refused = Assert.IsType<TextClassifier.Outcome.Refused>(TextClassifier.Train(oneLabel, Settings));
        Assert.Contains("fewer than 2 labels", refused.Reason);
    }

    [Theory]
    [InlineData("{\"text\":\"it crashed\",\"label\":\"bug-report\"}", true)]
    [InlineData("{\"text\":\"it crashed\",\"label\":\"unknown-label\"}", false)]
    [InlineData("{\"text\":\"   \",\"label\":\"bug-report\"}", false)]
    [InlineData("{\"text\":42,\"label\":\"bug-report\"}", false)]
    [InlineData("[\"it crashed\",\"bug-report\"]", false)]
    [InlineData("not json at all", false)]
    public void Only_documented_examples_with_a_known_label_are_read(string content, bool read)
    {
        var stored = CommunityAI.Formats.ContentSalt.Add(System.Text.Encoding.UTF8.GetBytes(content));

        Assert.Equal(read, LabelledExample.TryRead(stored, CommunityTexts.Labels, 2000) is not null);
    }

    [Fact]
    public void A_text_stays_on_its_side_of_the_split_however_the_dataset_grows()
    {
        var texts = CommunityTexts.Examples(50, seed: 9).Select(e => e.Text).ToList();
        var heldOut = texts.Count(t => HeldOutSplit.IsHeldOut(t, 20));

        Assert.All(texts, t => Assert.Equal(HeldOutSplit.IsHeldOut(t, 20), HeldOutSplit.IsHeldOut(t, 20)));
        Assert.InRange(heldOut, 20, 60); // about 20% of 200
    }

    [Theory]
    [InlineData("{\"predictionId\":\"prediction-1\",\"correct\":true}", "question")]
    [InlineData("{\"predictionId\":\"prediction-1\",\"correct\":false,\"label\":\"idea\"}", "idea")]
    [InlineData("{\"predictionId\":\"prediction-1\",\"correct\":false}", null)]
    [InlineData("{\"predictionId\":\"prediction-1\",\"correct\":false,\"label\":\"complaint\"}", null)]
    [InlineData("{\"predictionId\":\"prediction-1\",\"correct\":\"yes\"}", null)]
    [InlineData("{\"correct\":true}", null)]
    [InlineData("it was wrong", null)]
    public void Feedback_says_right_or_gives_a_known_label_and_becomes_that_example(string content, string? label)
    {
        var stored = CommunityAI.Formats.ContentSalt.Add(System.Text.Encoding.UTF8.GetBytes(content));

        var feedback = Feedback.TryRead(stored, CommunityTexts.Labels);

        Assert.Equal(label, feedback?.ExampleOf("how do I vote?", "question").Label);
    }
}
