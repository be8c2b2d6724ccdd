using System.Collections.Concurrent;
using CommunityAI.Formats.Tiles;
using CommunityAI.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace CommunityAI.Audit.Tests.Watch;

/// <summary>
/// A small HTTP server playing a log operator over real HTTP: serves <c>/checkpoint</c> and tlog-tiles for whatever
/// <see cref="Log"/> it is told to show (honest, forked, rewritten) with its entry bundles, can corrupt tiles or
/// entries, and records webhook alerts.
/// </summary>
internal sealed class LogServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private LogServer(WebApplication app) => _app = app;

    public ServedLog Log { get; set; } = null!;

    /// <summary>When set, changes every hash tile before it is served.</summary>
    public Func<byte[], byte[]>? TamperTiles { get; set; }

    /// <summary>When set, changes the entries of every entry bundle before it is served.</summary>
    public Func<byte[], byte[]>? TamperEntries { get; set; }

    public ConcurrentQueue<string> Alerts { get; } = new();

    /// <summary>When set, the checkpoint is answered 503, as a log restarting behind its proxy answers.</summary>
    public bool Down { get; set; }

    public string Url => TestHttpServer.UrlOf(_app);

    public static async Task<LogServer> StartAsync(ServedLog log)
    {
        LogServer? started = null;
        await TestHttpServer.StartAsync(app =>
        {
            var server = started = new LogServer(app) { Log = log };
            app.MapGet("/checkpoint", () => server.Down ? Results.StatusCode(StatusCodes.Status503ServiceUnavailable)
                : Results.Text(server.Log.Checkpoint, "text/plain; charset=utf-8"));
            app.MapGet("/tile/{**path}", (string path) =>
            {
                if (!TilePath.TryParse(path, out var tile, out _))
                    return Results.BadRequest();
                if (tile.Level is not { } level)
                    return server.EntryBundle(tile);
                var nodes = level * TilePath.Height < server.Log.Levels.Count ? server.Log.Levels[level * TilePath.Height] : [];
                long start = tile.Index * TilePath.FullWidth;
                if (start + tile.Width > nodes.Length)
                    return Results.NotFound();
                var bytes = nodes.Skip((int)start).Take(tile.Width).SelectMany(h => h).ToArray();
                return Results.Bytes(server.TamperTiles?.Invoke(bytes) ?? bytes, "application/octet-stream");
            });
            app.MapPost("/hook", async (HttpRequest request) =>
            {
                using var reader = new StreamReader(request.Body);
                server.Alerts.Enqueue(await reader.ReadToEndAsync());
                return Results.Ok();
            });
        });
        return started!;
    }

    private IResult EntryBundle(TilePath tile)
    {
        long start = tile.Index * TilePath.FullWidth;
        if (start + tile.Width > Log.ServedEntries.Count)
            return Results.NotFound();
        var bundle = new List<byte>();
        foreach (var entry in Log.ServedEntries.Skip((int)start).Take(tile.Width).Select(e => TamperEntries?.Invoke(e) ?? e))
        {
            bundle.Add((byte)(entry.Length >> 8));
            bundle.Add((byte)entry.Length);
            bundle.AddRange(entry);
        }
        return Results.Bytes(bundle.ToArray(), "application/octet-stream");
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}
