using CommunityAI.ChainBridge.Checkpoints;

namespace ChainBridge.IntegrationTests.Checkpoints;

/// <summary>
/// A witness requirement that could never be met (more witnesses than are known) or means nothing (negative) stops the
/// service at start with a message naming the setting, instead of serving unwitnessed heads for ever.
/// </summary>
public sealed class CheckpointSettingsTests
{
    [Theory]
    [InlineData("2")]
    [InlineData("-1")]
    public async Task A_witness_requirement_beyond_the_known_witnesses_stops_the_service_at_start(string required)
    {
        var invalid = await ServiceStartUp.ValidationFailureAsync(
            ("Checkpoints:SigningKey", CheckpointedBridge.LogKey.ToPrivateKey()),
            ("Checkpoints:Witnesses:0", CheckpointedBridge.Witness.Key.ToString()),
            ("Checkpoints:WitnessesRequired", required));

        Assert.Equal(typeof(CheckpointOptions), invalid.OptionsType);
        Assert.Contains("Checkpoints:WitnessesRequired", invalid.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("-1")]
    [InlineData("3601")]
    public async Task A_witness_cadence_below_zero_or_above_an_hour_stops_the_service_at_start(string seconds)
    {
        var invalid = await ServiceStartUp.ValidationFailureAsync(
            ("Checkpoints:SigningKey", CheckpointedBridge.LogKey.ToPrivateKey()),
            ("Checkpoints:WitnessCadenceSeconds", seconds));

        Assert.Equal(typeof(CheckpointOptions), invalid.OptionsType);
        Assert.Contains("Checkpoints:WitnessCadenceSeconds", invalid.Message, StringComparison.Ordinal);
    }
}
