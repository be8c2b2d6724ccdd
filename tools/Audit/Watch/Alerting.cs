using System.Net.Http.Json;

namespace CommunityAI.Audit.Watch;

/// <summary>Raises an alert: one line on standard error starting with ALERT, and a JSON POST to the webhook if one is given.</summary>
internal sealed class Alerting(HttpClient http, Uri? webhook, TextWriter error)
{
    public async Task RaiseAsync(Uri log, string message, CancellationToken ct)
    {
        await error.WriteLineAsync($"ALERT {log}: {message}");
        if (webhook is null)
            return;
        try
        {
            using var response = await http.PostAsJsonAsync(webhook, new { log = log.ToString(), alert = message, time = DateTimeOffset.UtcNow }, ct);
            if (!response.IsSuccessStatusCode)
                await error.WriteLineAsync($"the webhook {webhook} answered {(int)response.StatusCode}");
        }
        catch (HttpRequestException e)
        {
            // The alert is already on standard error and in the exit code; a dead webhook must not hide it.
            await error.WriteLineAsync($"the webhook {webhook} could not be reached: {e.Message}");
        }
    }
}
