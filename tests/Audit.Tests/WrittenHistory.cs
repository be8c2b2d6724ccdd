using JasperFx;
using JasperFx.Events;
using Marten;
using Weasel.Core;

namespace CommunityAI.Audit.Tests;

/// <summary>
/// A store that writes a history the way the services do (Marten, schema "history", string stream keys, quick append,
/// camelCase System.Text.Json), for tests that hand the audit tool a history of their own making.
/// </summary>
internal static class WrittenHistory
{
    /// <param name="events">Registers the event types the test writes.</param>
    public static DocumentStore Store(string connectionString, Action<Marten.Events.IEventStoreOptions> events) => DocumentStore.For(options =>
    {
        options.Connection(connectionString);
        options.DatabaseSchemaName = "audit_tests";
        options.Events.DatabaseSchemaName = "history";
        options.Events.StreamIdentity = StreamIdentity.AsString;
        options.Events.AppendMode = EventAppendMode.Quick;
        options.UseSystemTextJsonForSerialization(EnumStorage.AsString, Casing.CamelCase);
        options.AutoCreateSchemaObjects = AutoCreate.CreateOrUpdate;
        events(options.Events);
    });
}
