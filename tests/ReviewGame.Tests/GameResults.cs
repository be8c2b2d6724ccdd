using CommunityAI.Benchmarks.ReviewGame;

namespace CommunityAI.ReviewGame.Tests;

/// <summary>The games the tests read, each played once: the README's seed and two more, so no claim rests on one draw.</summary>
public sealed class GameResults
{
    public static readonly int[] Seeds = [17, 2, 3];

    public IReadOnlyDictionary<int, GameResult> BySeed { get; } =
        Seeds.AsParallel().Select(seed => (seed, Game.Play(new GameSettings(Seed: seed)))).ToDictionary(r => r.seed, r => r.Item2);
}
