using CommunityAI.ChainBridge.Anchoring;
using CommunityAI.Testing;
using Microsoft.Extensions.Options;

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
    public void A_bad_anchoring_setting_stops_the_service_at_start_and_names_the_setting(string key, string value, string named)
    {
        // Nothing listens at these addresses: validation comes before any connection, so nothing is touched.
        using var host = new BridgeHost(new Dictionary<string, string>
        {
            ["ConnectionStrings:history"] = "Host=127.0.0.1;Port=1;Database=none;Username=none;Password=none",
            ["ConnectionStrings:rabbitmq"] = "amqp://none:none@127.0.0.1:1/",
            ["ConnectionStrings:chain"] = "http://127.0.0.1:1",
            ["Chain:AnchorerKey"] = AnvilNode.DevPrivateKeys[1],
            ["Logging:LogLevel:Default"] = "None",
            [key] = value,
        });

        var error = Assert.ThrowsAny<Exception>(() => host.CreateClient());

        // Seen once under load: the start failed with an ObjectDisposedException on top; the validation failure is
        // looked for among all the causes, and the whole exception is shown when it is not there.
        var invalid = ValidationFailure(error);
        Assert.True(invalid is not null, error.ToString());
        Assert.Equal(typeof(AnchorOptions), invalid!.OptionsType);
        Assert.Contains(named, invalid.Message, StringComparison.Ordinal);
    }

    private static OptionsValidationException? ValidationFailure(Exception error) => error switch
    {
        OptionsValidationException invalid => invalid,
        AggregateException many => many.InnerExceptions.Select(ValidationFailure).FirstOrDefault(e => e is not null),
        _ => error.InnerException is { } inner ? ValidationFailure(inner) : null,
    };
}
