// The review game: each attacker's earnings per review (and per contribution) against honest validators, decided by the
// scoring domain's own consensus, reputation and assignment and the ledger's validator pay. Deterministic per seed.
//   dotnet run -c Release --project benchmarks/ReviewGame [-- seed=17 epochs=4 perEpoch=150 cap=0 reviewers=3 quorum=2 appeals=1 panel=5 audit=1000 slash=10000 lean=10 inflate=19 exclude=10]
using System.Globalization;
using CommunityAI.Benchmarks.ReviewGame;

var settings = new GameSettings();
foreach (var arg in args)
{
    var (key, value) = arg.Split('=', 2) is [var k, var v] ? (k, int.Parse(v, CultureInfo.InvariantCulture)) : throw new ArgumentException($"expected key=value, got {arg}");
    settings = key switch
    {
        "seed" => settings with { Seed = value },
        "epochs" => settings with { Epochs = value },
        "perEpoch" => settings with { ContributionsPerEpoch = value },
        "cap" => settings with { MaxReviewsPerValidatorPerEpoch = value },
        "reviewers" => settings with { ReviewersPerContribution = value },
        "quorum" => settings with { Quorum = value },
        "appeals" => settings with { Appeals = value != 0 },
        "panel" => settings with { AppealReviewers = value },
        "audit" => settings with { AuditBasisPoints = value },
        "slash" => settings with { SlashBasisPoints = value },
        "lean" => settings with { LeanAuditPoints = value },
        "inflate" => settings with { ColluderInflation = value },
        "exclude" => settings with { LeanExclusionPoints = value },
        _ => throw new ArgumentException($"unknown setting {key} (seed, epochs, perEpoch, cap, reviewers, quorum, appeals, panel, audit, slash, lean, inflate, exclude)"),
    };
}
var started = System.Diagnostics.Stopwatch.StartNew();
var result = Game.Play(settings);
Console.WriteLine(GameTable.Markdown(result));
Console.WriteLine($"({result.Cases} cases in {started.Elapsed.TotalSeconds:F1} s)");
