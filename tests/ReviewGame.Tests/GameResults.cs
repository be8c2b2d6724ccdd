using CommunityAI.Benchmarks.ReviewGame;

namespace CommunityAI.ReviewGame.Tests;

/// <summary>
/// The games the tests read, each played once: the README's seed and two more, so no claim rests on one draw; each with
/// appeals (as the service runs) and without, so a test can show what the appeals changed.
/// </summary>
public sealed class GameResults
{
    public static readonly int[] Seeds = [17, 2, 3];

    public IReadOnlyDictionary<int, GameResult> BySeed { get; } =
        Seeds.AsParallel().Select(seed => (seed, Game.Play(new GameSettings(Seed: seed)))).ToDictionary(r => r.seed, r => r.Item2);

    public IReadOnlyDictionary<int, GameResult> WithoutAppeals { get; } =
        Seeds.AsParallel().Select(seed => (seed, Game.Play(new GameSettings(Seed: seed, Appeals: false)))).ToDictionary(r => r.seed, r => r.Item2);
}
