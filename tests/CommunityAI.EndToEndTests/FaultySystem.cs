using CommunityAI.Testing;

namespace CommunityAI.EndToEndTests;

/// <summary>The system on a PostgreSQL cluster and a RabbitMQ node of its own, which the test may stop and restart.</summary>
public sealed class FaultySystem : SystemUnderTest
{
    public PrivatePostgres Database { get; } = new();
    public PrivateRabbit Rabbit { get; } = new();

    public override async Task InitializeAsync()
    {
        await Task.WhenAll(Database.InitializeAsync(), Rabbit.InitializeAsync());
        await base.InitializeAsync();
    }

    protected override Task<string> CreateHistoryAsync() => Task.FromResult(Database.ConnectionString);
    protected override Task<string> CreateBrokerAsync() => Task.FromResult(Rabbit.AmqpUri);
    protected override Task<Uri> BrokerManagementAsync() => Task.FromResult(Rabbit.ManagementUri);
    protected override Task DeleteBrokerAsync() => Task.CompletedTask;
    protected override Task DropHistoryAsync() => Task.CompletedTask;

    public override Task DisposeAsync() => ReleaseAllAsync(base.DisposeAsync, () => Task.WhenAll(Rabbit.DisposeAsync(), Database.DisposeAsync()));
}
