using CommunityAI.Testing;
using Microsoft.Extensions.Options;

namespace ChainBridge.IntegrationTests;

/// <summary>
/// Runs the service's own entry point with settings as command-line arguments, as a process would, and returns the
/// options validation that stopped it.
/// </summary>
/// <remarks>
/// Through the test host the failure raced the host's disposal: now and then the factory asked the already disposed
/// services for the host and reported an <see cref="ObjectDisposedException"/> instead (two CI runs).
/// </remarks>
internal static class ServiceStartUp
{
    public static async Task<OptionsValidationException> ValidationFailureAsync(params (string Key, string Value)[] extra)
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
        };
        foreach (var (key, value) in extra)
            settings[key] = value;
        string[] args = [.. settings.Select(s => $"--{s.Key}={s.Value}"), "--environment=Testing"];
        var entryPoint = typeof(CommunityAI.ChainBridge.Log.LogStore).Assembly.EntryPoint!;

        var run = Task.Run(() => entryPoint.Invoke(null, entryPoint.GetParameters().Length == 0 ? [] : [args]));
        var ended = await Task.WhenAny(run, Task.Delay(TimeSpan.FromMinutes(1)));
        Assert.True(ended == run, $"the service started with {string.Join(", ", extra.Select(e => $"{e.Key}={e.Value}"))}");
        var error = await Record.ExceptionAsync(() => run);

        var invalid = ValidationFailure(error);
        Assert.True(invalid is not null, error?.ToString() ?? "the service stopped without an error");
        return invalid!;
    }

    private static OptionsValidationException? ValidationFailure(Exception? error) => error switch
    {
        null => null,
        OptionsValidationException invalid => invalid,
        AggregateException many => many.InnerExceptions.Select(ValidationFailure).FirstOrDefault(e => e is not null),
        _ => ValidationFailure(error.InnerException),
    };
}
