using System.Text.Json;
using CommunityAI.CommunityModel.Domain;
using CommunityAI.CommunityModel.Infrastructure;
using Marten;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace CommunityAI.CommunityModel.Apis;

/// <summary>
/// Predictions from the model served now. Each answer gets an id and is stored, so feedback can name it. The body is
/// read here rather than bound by the framework, so a malformed one is answered with a problem naming <c>body</c>.
/// </summary>
public static class PredictionsApi
{
    /// <summary>The request: <c>{"text": "..."}</c>.</summary>
    public sealed record PredictionRequest(string? Text);

    /// <summary>One label's probability.</summary>
    public sealed record LabelScore(string Label, float Probability);

    /// <summary>The answer: the prediction's id, the chosen label, every label's probability, and which model answered.</summary>
    /// <param name="SnapshotRoot">The data snapshot the model was trained on, or for a contributed model the one it won its evaluation on.</param>
    /// <param name="ContributionId">The <c>model</c> contribution that answered, or null for a model trained here.</param>
    public sealed record PredictionResult(string PredictionId, string Label, IReadOnlyList<LabelScore> Scores, string ModelHash, string SnapshotRoot,
        DateTimeOffset PredictedAt, string? ContributionId);

    /// <summary>A stored prediction as anyone holding its id sees it (without the text, which is the requester's).</summary>
    public sealed record PredictionView(string PredictionId, string Label, string ModelHash, DateTimeOffset PredictedAt);

    public static IEndpointRouteBuilder MapPredictionsApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/model/predictions").WithTags("Predictions");
        api.MapPost("/", PredictAsync);
        api.MapGet("/{predictionId}", GetAsync);
        return app;
    }

    public static async Task<Results<Created<PredictionResult>, ValidationProblem, ProblemHttpResult>> PredictAsync(
        HttpRequest request, Champion champion, IDocumentStore store, IOptions<ModelOptions> options, TimeProvider clock, CancellationToken ct)
    {
        PredictionRequest? body;
        try
        {
            body = await request.ReadFromJsonAsync<PredictionRequest>(ct);
        }
        catch (JsonException)
        {
            return Problems.Field("body", "must be a JSON object {\"text\": string}");
        }
        catch (InvalidOperationException)
        {
            return Problems.Of(StatusCodes.Status415UnsupportedMediaType, "Not JSON", "body", "the body must be application/json");
        }
        catch (BadHttpRequestException tooLarge) when (tooLarge.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return Problems.Of(StatusCodes.Status413PayloadTooLarge, "Request body too large", "body", tooLarge.Message);
        }
        var max = options.Value.MaxTextLength;
        if (string.IsNullOrWhiteSpace(body?.Text))
            return Problems.Field("text", "is required: the text to classify");
        if (body.Text.Length > max)
            return Problems.Field("text", $"must be at most {max} characters");

        if (await champion.PredictAsync(body.Text, ct) is not { } answer)
            return ModelApi.NoModel();
        var id = "prediction-" + Guid.CreateVersion7().ToString("N");
        var stored = new StoredPrediction(id, answer.Model.ModelHash, body.Text, answer.Label, clock.GetUtcNow());
        await using (var session = store.LightweightSession())
        {
            session.Insert(stored);
            await session.SaveChangesAsync(ct);
        }
        var scores = answer.Labels.Select((label, i) => new LabelScore(label, i < answer.Scores.Count ? answer.Scores[i] : 0f)).ToList();
        return TypedResults.Created($"/api/model/predictions/{id}",
            new PredictionResult(id, answer.Label, scores, answer.Model.ModelHash, answer.Model.Trained?.SnapshotRoot ?? answer.Model.Contributed!.SnapshotRoot,
                stored.PredictedAt, answer.Model.Contributed?.ContributionId));
    }

    public static async Task<Results<Ok<PredictionView>, ProblemHttpResult>> GetAsync(string predictionId, IDocumentStore store, CancellationToken ct)
    {
        await using var session = store.QuerySession();
        return predictionId.Length <= 64 && await session.LoadAsync<StoredPrediction>(predictionId, ct) is { } p
            ? TypedResults.Ok(new PredictionView(p.Id, p.Label, p.ModelHash, p.PredictedAt))
            : Problems.Of(StatusCodes.Status404NotFound, "No such prediction", "predictionId", "no prediction has this id");
    }
}
