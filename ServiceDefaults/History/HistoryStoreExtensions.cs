using JasperFx;
using JasperFx.Events;
using Marten;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using CommunityAI.ServiceDefaults.Telemetry;
using Npgsql;
using Weasel.Core;

namespace CommunityAI.ServiceDefaults.History;

/// <summary>
/// Registers the one shared event history (schema <c>history</c>) with a service's own schema for
/// its read models. Every service appends only to streams under its own prefix.
/// </summary>
public static class HistoryStoreExtensions
{
    /// <summary>Connection string name of the history database, as the AppHost and Kubernetes name it.</summary>
    public const string ConnectionName = "history";

    /// <summary>Schema of mt_events / mt_streams, shared by all services.</summary>
    public const string EventsSchema = "history";

    /// <summary>
    /// How many of the statements each connection sends most Npgsql prepares, so PostgreSQL stops parsing and planning
    /// them at every execution. The services repeat a handful of statements: in the contributions, scoring, ledger,
    /// governance and model benchmarks PostgreSQL's CPU fell by a tenth to a third and none ran slower (the README's
    /// performance section). Chain-bridge's log writer, which writes through COPY, appends as fast either way.
    /// </summary>
    public const int MaxAutoPrepare = 64;

    public static MartenServiceCollectionExtensions.MartenConfigurationExpression AddHistoryStore(
        this IHostApplicationBuilder builder, string serviceSchema, Action<StoreOptions>? configure = null)
    {
        var connectionString = builder.Configuration.GetConnectionString(ConnectionName)
            ?? throw new InvalidOperationException($"ConnectionStrings:{ConnectionName} is not configured.");
        if (Database.DatabaseTransport.Problem(connectionString, builder.Environment.EnvironmentName,
                builder.Configuration.GetValue<bool>(Database.DatabaseTransport.AllowSetting)) is { } unverified)
            throw new InvalidOperationException(unverified);

        builder.Services.AddSingleton(_ => DataSourceBuilder(connectionString).TraceOnlyInsideOperations().Build());
        builder.Services.AddHealthChecks().AddNpgSql(connectionString, name: "postgres", tags: ["ready"]);
        builder.Services.AddSingleton<HistoryFacts>();
        var pulse = new HistoryPulse();
        builder.Services.AddSingleton(pulse);

        return builder.Services.AddMarten(options =>
            {
                ConfigureHistory(options, serviceSchema);
                options.Listeners.Add(new HistoryPulseListener(pulse));
                options.Listeners.Add(new HistoryTraceListener());
                configure?.Invoke(options);
            })
            .UseLightweightSessions()
            .ApplyAllDatabaseChangesOnStartup()
            .UseNpgsqlDataSource();
    }

    /// <summary>
    /// The history's data source as every service builds it: up to <see cref="MaxAutoPrepare"/> statements prepared per
    /// connection unless the connection string says otherwise ("Max Auto Prepare=0" turns it off).
    /// </summary>
    public static NpgsqlDataSourceBuilder DataSourceBuilder(string connectionString)
    {
        var dataSource = new NpgsqlDataSourceBuilder(connectionString);
        // The plain builder knows only the keys actually written in the string (Npgsql's knows every keyword).
        var written = new System.Data.Common.DbConnectionStringBuilder { ConnectionString = connectionString };
        if (!written.ContainsKey("Max Auto Prepare") && !written.ContainsKey("MaxAutoPrepare"))
            dataSource.ConnectionStringBuilder.MaxAutoPrepare = MaxAutoPrepare;
        return dataSource;
    }

    /// <summary>
    /// The history's settings every service shares. The database set-up (<see cref="Database.DatabaseSetup"/>) creates
    /// the history's tables with these same settings as the owner role, so a service's own role finds nothing to change.
    /// </summary>
    public static void ConfigureHistory(StoreOptions options, string serviceSchema)
    {
        options.DatabaseSchemaName = serviceSchema;
        options.Events.DatabaseSchemaName = EventsSchema;
        // Stream keys carry the owning service's prefix (contributions/…, scoring/…), readable by auditors.
        options.Events.StreamIdentity = StreamIdentity.AsString;
        // Quick append is about twice as fast and we never need Marten's inline version checks on append.
        options.Events.AppendMode = EventAppendMode.Quick;
        // Consumers load the event a message announces by its id (HistoryFacts); every service sets this, so
        // no service's schema check drops the index another one relies on.
        options.Events.EnableUniqueIndexOnEventId = true;
        // Each event keeps the trace context it was appended in, for the outbox to publish it in (HistoryTraceContext).
        options.Events.MetadataConfig.HeadersEnabled = true;
        // Indexes the database set-up adds for one service's reads: no service's schema check may drop them.
        foreach (var index in Database.HistoryIndexes.All)
            options.Events.IgnoreIndex(index.Name);
        options.UseSystemTextJsonForSerialization(EnumStorage.AsString, Casing.CamelCase);
        options.AutoCreateSchemaObjects = AutoCreate.CreateOrUpdate;
        // Start-up schema changes take one advisory lock for every service: where a service's login may create the
        // history's shared tables (tests, a first start as the owner), two services must not create them at once. Six
        // services starting together on a busy machine queue behind each other's migrations, and with Marten's ten-second
        // wait the last one exited (contributions, in the quick start at load 30): each now waits as long as a start can take.
        options.ApplyChangesLockTimeout = SchemaLockTimeout;
    }

    /// <summary>How long a service waits at start for another service's or replica's schema changes.</summary>
    public static readonly TimeSpan SchemaLockTimeout = TimeSpan.FromMinutes(3);
}
