using CommunityAI.ServiceDefaults.History;
using Marten;

namespace CommunityAI.Audit.Tests;

/// <summary>
/// A store that writes a history the way the services do (their <see cref="HistoryStoreExtensions.ConfigureHistory"/>),
/// for tests that hand the audit tool a history of their own making.
/// </summary>
internal static class WrittenHistory
{
    /// <param name="events">Registers the event types the test writes.</param>
    public static DocumentStore Store(string connectionString, Action<Marten.Events.IEventStoreOptions> events) => DocumentStore.For(options =>
    {
        options.Connection(connectionString);
        // The services' own settings: a store that differs from them changes the shared history's schema under them
        // (one without event headers dropped the column the services write).
        HistoryStoreExtensions.ConfigureHistory(options, "audit_tests");
        events(options.Events);
    });
}
