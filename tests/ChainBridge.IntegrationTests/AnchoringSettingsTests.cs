using CommunityAI.ChainBridge.Anchoring;
using CommunityAI.Testing;
using Microsoft.Extensions.Options;

namespace ChainBridge.IntegrationTests;

/// <summary>Anchoring settings are validated when the service starts: a bad one stops it with a message naming it.</summary>
/// <remarks>
/// The service's own entry point runs with the settings as command-line arguments, as a process would. Through the test
/// host the failure raced the host's disposal: now and then the factory asked the already disposed services for the
/// host and reported an <see cref="ObjectDisposedException"/> instead (two CI runs).
/// </remarks>
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
        // Nothing listens at these addresses: validation comes before any connection, so nothing is touched.
        var settings = new Dictionary<string, string>
        {
            ["ConnectionStrings:history"] = "Host=127.0.0.1;Port=1;Database=none;Username=none;Password=none",
            ["ConnectionStrings:rabbitmq"] = "amqp://none:none@127.0.0.1:1/",
            ["ConnectionStrings:chain"] = "http://127.0.0.1:1",
            ["Chain:AnchorerKey"] = AnvilNode.DevPrivateKeys[1],
            ["Logging:LogLevel:Default"] = "None",
            ["urls"] = "http://127.0.0.1:0",
            [key] = value,
        };
        string[] args = [.. settings.Select(s => $"--{s.Key}={s.Value}"), "--environment=Testing"];
        var entryPoint = typeof(CommunityAI.ChainBridge.Log.LogStore).Assembly.EntryPoint!;

        var run = Task.Run(() => entryPoint.Invoke(null, entryPoint.GetParameters().Length == 0 ? [] : [args]));
        var ended = await Task.WhenAny(run, Task.Delay(TimeSpan.FromMinutes(1)));
        Assert.True(ended == run, $"the service started with {key}={value}");
        var error = await Record.ExceptionAsync(() => run);

        var invalid = ValidationFailure(error!);
        Assert.True(invalid is not null, error?.ToString() ?? "the service stopped without an error");
        Assert.Equal(typeof(AnchorOptions), invalid!.OptionsType);
        Assert.Contains(named, invalid.Message, StringComparison.Ordinal);
    }

    private static OptionsValidationException? ValidationFailure(Exception? error) => error switch
    {
        null => null,
        OptionsValidationException invalid => invalid,
        AggregateException many => many.InnerExceptions.Select(ValidationFailure).FirstOrDefault(e => e is not null),
        _ => ValidationFailure(error.InnerException),
    };
}
