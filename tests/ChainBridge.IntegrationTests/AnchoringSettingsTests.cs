using CommunityAI.ChainBridge.Anchoring;

namespace ChainBridge.IntegrationTests;

/// <summary>Anchoring settings are validated when the service starts: a bad one stops it with a message naming it.</summary>
public sealed class AnchoringSettingsTests
{
    [Theory]
    [InlineData("Anchoring:Period", "00:00:00", "Period")]
    [InlineData("Anchoring:EveryEntries", "0", "EveryEntries")]
    [InlineData("Anchoring:Confirmations", "-1", "Confirmations")]
    [InlineData("Anchoring:ReorgWindow", "-5", "ReorgWindow")]
    [InlineData("Anchoring:RetryInitialDelay", "00:00:00", "RetryInitialDelay")]
    [InlineData("Anchoring:RetryMaxDelay", "00:00:00.500", "RetryMaxDelay")]
    public async Task A_bad_anchoring_setting_stops_the_service_at_start_and_names_the_setting(string key, string value, string named)
    {
        var invalid = await ServiceStartUp.ValidationFailureAsync((key, value));

        Assert.Equal(typeof(AnchorOptions), invalid.OptionsType);
        Assert.Contains(named, invalid.Message, StringComparison.Ordinal);
    }
}
