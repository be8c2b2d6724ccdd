using CommunityAI.Audit.Chain;
using CommunityAI.Audit.Commands;

namespace CommunityAI.Audit.Watch;

/// <summary>
/// Follows a log: checks its head every interval (or once), keeps the newest verified head in the state file, and on any
/// inconsistency raises an alert and stops with exit code 1. <paramref name="onVerified"/> runs for each newly verified
/// head (the witness cosigns there); it may return an alert of its own.
/// </summary>
internal sealed class WatchLoop(WatchSettings settings, AuditConsole console, TextWriter error, HttpClient http,
    Func<HeadCheck, CancellationToken, Task<string?>>? onVerified = null)
{
    public async Task<int> RunAsync(CancellationToken ct)
    {
        var tiles = new TileClient(http, settings.Url);
        Func<CancellationToken, Task<IReadOnlyList<AnchoredHead>>>? anchors = settings.Chain is null ? null
            : new AnchorFollower(settings.Chain).ReadAsync;
        var watcher = new HeadWatcher(tiles, settings.CheckpointPath, settings.LogKey, settings.Witnesses, settings.WitnessesRequired, anchors);
        var alerting = new Alerting(http, settings.Webhook, error);
        var state = WatchState.Load(settings.StatePath);
        DateTimeOffset? unreachableSince = null;

        while (true)
        {
            HeadCheck check;
            try
            {
                check = await watcher.CheckAsync(state, ct);
                unreachableSince = null;
            }
            catch (Exception e) when ((e is HttpRequestException or TaskCanceledException || ChainReadException.IsChainFailure(e))
                && !ct.IsCancellationRequested && !settings.Once
                && DateTimeOffset.UtcNow - (unreachableSince ??= DateTimeOffset.UtcNow) < settings.UnreachableAlertAfter)
            {
                // No answer is not a misbehaving log: a log starting or restarting, or a busy machine, must not stop a
                // monitor for good (nothing would cosign or watch again). Nor is a chain that does not answer yet, or holds
                // no contract yet: a witness started beside a new deployment reads the chain before the contracts are on
                // it (the local witness died that way at start). Either becomes an alert only if it lasts.
                var what = ChainReadException.IsChainFailure(e) ? "the chain could not be read" : "the log did not answer";
                await error.WriteLineAsync($"warning {settings.Url}: {what} ({e.Message}); trying again in {settings.Interval.TotalSeconds:0.#} s");
                await Task.Delay(settings.Interval, ct);
                continue;
            }
            catch (Exception e) when (e is WatchException or HttpRequestException or InvalidDataException or TaskCanceledException && !ct.IsCancellationRequested
                || ChainReadException.IsChainFailure(e))
            {
                // Malformed tiles, a log unreachable for longer than allowed, or the chain failing: an operator must look.
                await alerting.RaiseAsync(settings.Url, $"the log could not be checked: {e.Message}", ct);
                return ExitCodes.CheckFailed;
            }
            if (check.IsAlert)
            {
                await alerting.RaiseAsync(settings.Url, check.Alert!, ct);
                return ExitCodes.CheckFailed;
            }
            if (check.Waiting is { } waiting)
            {
                console.Line($"waiting: {waiting}");
                if (settings.Once)
                    return ExitCodes.CheckFailed;
            }
            else if (check.Older is { } older)
            {
                // Not news and not an inconsistency: nothing to keep, nothing to cosign.
                console.Line(older);
            }
            else if (check.State is { } next)
            {
                if (state is null || next != state)
                {
                    if (state is null || next.TreeSize != state.TreeSize)
                        console.Line($"verified head {next.TreeSize} {next.RootHash}" + (settings.Chain is null ? "" : $" ({next.AnchorsChecked} anchors consistent)"));
                    state = next;
                    state.Save(settings.StatePath);
                }
                if (onVerified is not null && await onVerified(check, ct) is { } alert)
                {
                    await alerting.RaiseAsync(settings.Url, alert, ct);
                    return ExitCodes.CheckFailed;
                }
            }
            if (settings.Once)
                return ExitCodes.Ok;
            await Task.Delay(settings.Interval, ct);
        }
    }
}
