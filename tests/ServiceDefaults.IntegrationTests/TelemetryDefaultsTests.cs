using System.Collections.Concurrent;
using System.Diagnostics;
using CommunityAI.ServiceDefaults.Telemetry;
using CommunityAI.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace ServiceDefaults.IntegrationTests;

/// <summary>
/// What a service sends to the telemetry collector at rest: no span for a background poll of the database, and no
/// Information line for every request, while both stay available where they tell an operator something.
/// </summary>
public sealed class TelemetryDefaultsTests : IAsyncLifetime
{
    private string _database = "";

    public async Task InitializeAsync() => _database = await PostgresServer.CreateDatabaseAsync("telemetry");

    public async Task DisposeAsync() => await PostgresServer.DropDatabaseAsync(_database);

    [Fact]
    public async Task A_database_command_is_traced_inside_a_traced_operation_and_not_as_a_poll_of_its_own()
    {
        var spans = new ConcurrentQueue<Activity>();
        // The listener hears every data source of the process, and other test classes run beside this one: only spans on
        // this test's own database count.
        var database = new NpgsqlConnectionStringBuilder(_database).Database;
        // Npgsql's requests for a span inside the operation the sampler drops (it builds the span's text before asking).
        var askedWhenDropped = 0;
        ActivityTraceId dropped = default;
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name is "Npgsql" or "test",
            // As the production overlay's parent-based sampler: an operation it drops is propagated, not recorded.
            Sample = (ref ActivityCreationOptions<ActivityContext> options) =>
            {
                if (options.Source.Name == "Npgsql" && options.Parent.TraceId == dropped && dropped != default)
                    Interlocked.Increment(ref askedWhenDropped);
                return options.Name == "dropped-consume" || (options.Parent.TraceId == dropped && dropped != default)
                    ? ActivitySamplingResult.PropagationData : ActivitySamplingResult.AllDataAndRecorded;
            },
            ActivityStopped = activity =>
            {
                if (activity.Source.Name == "Npgsql" && activity.TagObjects.Any(tag => tag.Value is string value && value == database))
                    spans.Enqueue(activity);
            },
        };
        ActivitySource.AddActivityListener(listener);
        await using var dataSource = new NpgsqlDataSourceBuilder(_database).TraceOnlyInsideOperations().Build();

        // A poll: no operation around it.
        await using (var poll = dataSource.CreateCommand("SELECT 1"))
            await poll.ExecuteScalarAsync();
        await using (var batch = dataSource.CreateBatch())
        {
            batch.BatchCommands.Add(new NpgsqlBatchCommand("SELECT 2"));
            await batch.ExecuteScalarAsync();
        }
        Assert.Empty(spans);

        // The same work inside a consumed message or a request is part of its trace.
        using var source = new ActivitySource("test");
        using (var operation = source.StartActivity("consume"))
        {
            Assert.NotNull(operation);
            await using var command = dataSource.CreateCommand("SELECT 3");
            await command.ExecuteScalarAsync();
            await using var batch = dataSource.CreateBatch();
            batch.BatchCommands.Add(new NpgsqlBatchCommand("SELECT 4"));
            await batch.ExecuteScalarAsync();
            Assert.Equal(2, spans.Count);
            Assert.All(spans, span => Assert.Equal(operation.TraceId, span.TraceId));
        }

        // The same work inside an operation the sampler dropped: no span, and Npgsql is not even asked for one.
        using (var operation = source.StartActivity("dropped-consume"))
        {
            Assert.NotNull(operation);
            Assert.False(operation.Recorded);
            dropped = operation.TraceId;
            await using var command = dataSource.CreateCommand("SELECT 5");
            await command.ExecuteScalarAsync();
            await using var batch = dataSource.CreateBatch();
            batch.BatchCommands.Add(new NpgsqlBatchCommand("SELECT 6"));
            await batch.ExecuteScalarAsync();
        }
        Assert.Equal(2, spans.Count);
        Assert.Equal(0, askedWhenDropped);
    }

    [Fact]
    public void Request_lines_of_aspnet_core_are_warnings_only_unless_configuration_asks_for_more()
    {
        const string requestLog = "Microsoft.AspNetCore.Hosting.Diagnostics";
        using var quiet = Build();
        Assert.False(quiet.Services.GetRequiredService<ILoggerFactory>().CreateLogger(requestLog).IsEnabled(LogLevel.Information));
        Assert.True(quiet.Services.GetRequiredService<ILoggerFactory>().CreateLogger(requestLog).IsEnabled(LogLevel.Warning));
        Assert.True(quiet.Services.GetRequiredService<ILoggerFactory>().CreateLogger("CommunityAI.Anything").IsEnabled(LogLevel.Information));

        // An operator chasing a problem turns them back on with ordinary configuration (here a command-line switch).
        using var verbose = Build("--Logging:LogLevel:Microsoft.AspNetCore=Information");
        Assert.True(verbose.Services.GetRequiredService<ILoggerFactory>().CreateLogger(requestLog).IsEnabled(LogLevel.Information));

        static IHost Build(params string[] args)
        {
            var builder = Host.CreateApplicationBuilder(args);
            builder.AddLoggingDefaults();
            return builder.Build();
        }
    }
}
