using Xunit;

namespace CommunityAI.Testing;

/// <summary>The one way a test finds what stopped a service's start-up.</summary>
public static class StartUpFailure
{
    /// <summary>
    /// Starts the host (<paramref name="start"/>, e.g. <c>() =&gt; host.Services</c>), expects it to fail, and returns the
    /// first exception matching <paramref name="match"/>: in what the factory threw, or else in what the host logged.
    /// </summary>
    /// <remarks>
    /// The factory's deferred host asks the app's service provider for its lifetime after the app built it; when the
    /// app's start fails at once (a missing key is known without a network call), the app can dispose that provider
    /// first, and the factory throws ObjectDisposedException in place of the failure (one CI run in many). The host
    /// always logs the failure ("Hosting failed to start") before it disposes, so it is looked for there too.
    /// </remarks>
    public static Exception Find(Func<object> start, CapturedLogs logs, Func<Exception, bool> match, string what)
    {
        var thrown = Assert.ThrowsAny<Exception>(start);
        return Causes(thrown).Concat(logs.Exceptions.SelectMany(Causes)).FirstOrDefault(match)
            ?? throw new Xunit.Sdk.XunitException($"start-up failed, but not for {what}: {thrown}");
    }

    /// <summary>The exception and its causes, through aggregates.</summary>
    private static IEnumerable<Exception> Causes(Exception exception)
    {
        for (Exception? e = exception; e is not null; e = e is AggregateException { InnerExceptions: [var single] } ? single : e.InnerException)
            yield return e;
    }
}
