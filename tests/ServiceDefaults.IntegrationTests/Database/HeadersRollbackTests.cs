using CommunityAI.ServiceDefaults.Database;
using CommunityAI.ServiceDefaults.History;
using Marten;
using Npgsql;

namespace ServiceDefaults.IntegrationTests.Database;

/// <summary>
/// The runbook's rollback past the release that added the history's <c>headers</c> column (each event's trace context):
/// a service of the release before, under its own role, finds the column and the append function it does not know and,
/// not owning them, cannot start; the release before's schema Job, run as the owner first, puts its schema back, and it
/// starts. The next upgrade's set-up adds the column again.
/// </summary>
public sealed class HeadersRollbackTests(RoleDatabase database) : IClassFixture<RoleDatabase>
{
    private static readonly ServiceRole Service = ServiceRoles.Contributions;

    [Fact]
    public async Task A_release_from_before_event_headers_starts_once_its_own_schema_job_ran_first()
    {
        var refused = await Record.ExceptionAsync(() => ApplyReleaseBeforeAsync(database.LoginOf(Service.Role)));
        Assert.True(refused?.InnerException is Weasel.Core.InsufficientDatabasePrivilegeException, $"not refused for want of ownership: {refused}");

        await ApplyReleaseBeforeAsync(database.Owner);
        await ApplyReleaseBeforeAsync(database.LoginOf(Service.Role));
        Assert.Equal(0, await database.OwnerCountAsync(
            "SELECT count(*) FROM information_schema.columns WHERE table_schema = 'history' AND table_name = 'mt_events' AND column_name = 'headers'"));

        await DatabaseSetup.ApplyAsync(database.Owner, ServiceRoles.All.Select(r => r.Role).Append(ServiceRoles.Audit)
            .ToDictionary(r => r, _ => RoleDatabase.Password));
        await using var store = await database.StartStoreAsync(Service);
        await using var session = store.LightweightSession();
        session.Events.StartStream(Service.StreamPrefix + "after-upgrade", new ProbeRecorded("again"));
        await session.SaveChangesAsync();
    }

    /// <summary>The history's settings of the release before this one (no event headers), applied over a login: a service's start, or its Job's.</summary>
    private static async Task ApplyReleaseBeforeAsync(string login)
    {
        await using var store = DocumentStore.For(options =>
        {
            options.Connection(new NpgsqlConnectionStringBuilder(login) { Pooling = false }.ConnectionString);
            HistoryStoreExtensions.ConfigureHistory(options, Service.Schemas[0]);
            options.Events.MetadataConfig.HeadersEnabled = false;
            options.Events.AddEventType<ProbeRecorded>();
        });
        await store.Storage.ApplyAllConfiguredChangesToDatabaseAsync();
    }
}
