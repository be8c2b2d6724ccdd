using CommunityAI.CommunityModel.Infrastructure;
using CommunityAI.Contracts;
using CommunityAI.CommunityModel.Domain;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace CommunityAI.CommunityModel.Apis;

/// <summary>
/// The model itself: the one served now (the champion, <see cref="ModelHistory.ServedAsync"/>), and a training round on demand. A round
/// trains only on a snapshot not trained on yet, so asking again without new data changes nothing.
/// </summary>
public static class ModelApi
{
    public static IEndpointRouteBuilder MapModelApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/model").WithTags("Model");
        api.MapGet("/", CurrentAsync);
        api.MapGet("/trainings", RoundsAsync);
        api.MapGet("/contributions", ContributionsAsync);
        api.MapGet("/trainings/{snapshotRoot}", TrainedAsync);
        api.MapPost("/trainings", TrainAsync);
        return app;
    }

    /// <summary>A contributed champion as <c>GET /api/model</c> shows it: its evaluation, and the labels its scores are for.</summary>
    public sealed record ContributedModel(string ContributionId, string Contributor, string ModelHash, string SnapshotRoot, string Contract, long Period,
        int ComparedCount, int AccuracyBasisPoints, string? ChampionModelHash, int? ChampionAccuracyBasisPoints, int GainBasisPoints,
        DateTimeOffset EvaluatedAt, IReadOnlyList<string> Labels);

    /// <summary>The model served: its <see cref="ModelTrained"/>, or for a contributed champion its evaluation (<see cref="ContributedModel"/>).</summary>
    public static async Task<Results<Ok<ModelTrained>, Ok<ContributedModel>, ProblemHttpResult>> CurrentAsync(ModelHistory history,
        IOptions<ModelOptions> options, CancellationToken ct) =>
        await history.ServedAsync(ct) switch
        {
            { Trained: { } trained } => TypedResults.Ok(trained),
            { Contributed: { } c } => TypedResults.Ok(new ContributedModel(c.ContributionId, c.Contributor, c.ModelHash, c.SnapshotRoot, c.Contract, c.Period,
                c.ComparedCount, c.AccuracyBasisPoints, c.ChampionModelHash, c.ChampionAccuracyBasisPoints, c.GainBasisPoints, c.EvaluatedAt, options.Value.Labels)),
            _ => NoModel(),
        };

    /// <summary>The newest evaluations of <c>model</c> contributions, newest first: measured, refused, and which became champion.</summary>
    public static async Task<Results<Ok<IReadOnlyList<ModelContributionEvaluated>>, ValidationProblem>> ContributionsAsync(
        ModelHistory history, CancellationToken ct, int limit = 50)
    {
        if (limit is < 1 or > MaxRounds)
            return Problems.Field("limit", $"must be 1 to {MaxRounds}");
        return TypedResults.Ok(await history.ContributionEvaluationsAsync(limit, ct));
    }

    /// <summary>Most rounds one answer lists.</summary>
    public const int MaxRounds = 200;

    /// <summary>The newest rounds, newest first: each model trained and how it measured against the champion of its day.</summary>
    public static async Task<Results<Ok<IReadOnlyList<ModelHistory.Round>>, ValidationProblem>> RoundsAsync(
        ModelHistory history, CancellationToken ct, int limit = 50)
    {
        if (limit is < 1 or > MaxRounds)
            return Problems.Field("limit", $"must be 1 to {MaxRounds}");
        return TypedResults.Ok(await history.RoundsAsync(limit, ct));
    }

    public static async Task<Results<Ok<ModelTrained>, ValidationProblem, ProblemHttpResult>> TrainedAsync(
        string snapshotRoot, ModelHistory history, CancellationToken ct)
    {
        if (!Formats.Hex.TryDecode(snapshotRoot, out _, 32))
            return Problems.Field("snapshotRoot", "must be a snapshot root: 0x-prefixed hex of 32 bytes");
        return await history.LatestFromAsync(snapshotRoot.ToLowerInvariant(), ct) is { } trained
            ? TypedResults.Ok(trained)
            : Problems.Of(StatusCodes.Status404NotFound, "No model for this snapshot", "snapshotRoot", "no model was trained from this snapshot");
    }

    public static async Task<Results<Created<ModelTrained>, Ok<ModelTrained>, ProblemHttpResult>> TrainAsync(TrainingRound round, CancellationToken ct) =>
        await round.RunAsync(ct) switch
        {
            TrainingRound.Outcome.Trained done => TypedResults.Created($"/api/model/trainings/{done.Event.SnapshotRoot}", done.Event),
            TrainingRound.Outcome.AlreadyTrained same => TypedResults.Ok(same.Event),
            TrainingRound.Outcome.Refused refused => Problems.Of(refused.Status, refused.Title, refused.Field, refused.Detail),
            _ => throw new InvalidOperationException("unknown outcome"),
        };

    internal static ProblemHttpResult NoModel() =>
        Problems.Of(StatusCodes.Status404NotFound, "No model yet", "model", "no model has been trained yet; POST /api/model/trainings once labelled data is scored");
}
