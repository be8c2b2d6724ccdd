using System.Collections.Concurrent;
using System.Diagnostics;
using CommunityAI.ServiceDefaults.Telemetry;
using CommunityAI.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;
using OpenTelemetry;
using OpenTelemetry.Trace;

namespace ServiceDefaults.IntegrationTests;

/// <summary>
/// What a service sends to the telemetry collector at rest: no span for a background poll of the database or of another
/// server over HTTP, and no Information line for every request, while each stays available where it tells an operator
/// something.
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
        await using (var table = dataSource.CreateCommand("CREATE TABLE copied (n int)"))
            await table.ExecuteNonQueryAsync();

        // A poll: no operation around it.
        await RunEachKindAsync();
        Assert.Empty(spans);

        // The same work inside a consumed message or a request is part of its trace.
        using var source = new ActivitySource("test");
        using (var operation = source.StartActivity("consume"))
        {
            Assert.NotNull(operation);
            await RunEachKindAsync();
            Assert.Equal(["postgresql", "postgresql", "COPY FROM"], spans.Select(span => span.DisplayName));
            Assert.All(spans, span => Assert.Equal(operation.TraceId, span.TraceId));
        }

        // The same work inside an operation the sampler dropped: no span, and Npgsql is not even asked for one.
        using (var operation = source.StartActivity("dropped-consume"))
        {
            Assert.NotNull(operation);
            Assert.False(operation.Recorded);
            dropped = operation.TraceId;
            await RunEachKindAsync();
        }
        Assert.Equal(3, spans.Count);
        Assert.Equal(0, askedWhenDropped);

        // A command, a batch and a COPY: each kind has a filter of its own in Npgsql.
        async Task RunEachKindAsync()
        {
            await using (var command = dataSource.CreateCommand("SELECT 1"))
                await command.ExecuteScalarAsync();
            await using (var batch = dataSource.CreateBatch())
            {
                batch.BatchCommands.Add(new NpgsqlBatchCommand("SELECT 2"));
                await batch.ExecuteScalarAsync();
            }
            await using var connection = await dataSource.OpenConnectionAsync();
            await using var copy = await connection.BeginBinaryImportAsync("COPY copied (n) FROM STDIN (FORMAT BINARY)");
            await copy.WriteRowAsync(default, 1);
            await copy.CompleteAsync();
        }
    }

    [Fact]
    public async Task An_outgoing_request_is_traced_inside_a_traced_operation_and_not_as_a_poll_of_its_own()
    {
        // A real server to call, and the service defaults' tracing with a processor that keeps what would be exported.
        var server = WebApplication.CreateBuilder();
        server.WebHost.UseUrls("http://127.0.0.1:0");
        await using var app = server.Build();
        app.MapGet("/", () => "ok");
        await app.StartAsync();
        var address = app.Urls.Single();

        var exported = new ConcurrentQueue<Activity>();
        var builder = Host.CreateApplicationBuilder();
        builder.ConfigureOpenTelemetry();
        builder.Services.ConfigureOpenTelemetryTracerProvider(tracing => tracing
            .AddSource("test")
            .AddProcessor(new Collect(exported)));
        using var host = builder.Build();
        await host.StartAsync();
        using var client = new HttpClient();

        // The provider hears the whole process, and other test classes run beside this one: only calls to this server count.
        bool ToThisServer(Activity span) => span.Kind == ActivityKind.Client && span.GetTagItem("url.full") is string url && url.StartsWith(address, StringComparison.Ordinal);

        // A poll of the chain's head or any loop's call on its own: no span.
        await client.GetStringAsync(address);
        Assert.DoesNotContain(exported, ToThisServer);

        // The same call inside an operation: a span of that operation's trace.
        using var source = new ActivitySource("test");
        using (var operation = source.StartActivity("consume"))
        {
            Assert.NotNull(operation);
            Assert.True(operation.Recorded);
            await client.GetStringAsync(address);
            var call = Assert.Single(exported, ToThisServer);
            Assert.Equal(operation.SpanId, call.ParentSpanId);
        }
        await host.StopAsync();
    }

    /// <summary>Keeps each span the provider ends with its data, as an exporter would receive it.</summary>
    private sealed class Collect(ConcurrentQueue<Activity> spans) : BaseProcessor<Activity>
    {
        public override void OnEnd(Activity data)
        {
            if (data.Recorded)
                spans.Enqueue(data);
        }
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
