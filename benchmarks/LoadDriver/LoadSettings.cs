using System.Globalization;

namespace CommunityAI.Benchmarks.LoadDriver;

/// <summary>What to drive and for how long; defaults match the AppHost's local ports.</summary>
public sealed record LoadSettings
{
    public Uri Contributions { get; init; } = new("http://localhost:5101");
    public Uri Scoring { get; init; } = new("http://localhost:5102");
    /// <summary>Validators registered and reviewing during the run (at most the five genesis validators); 0 leaves scoring to the automated fallback.</summary>
    public int Validators { get; init; } = 5;
    public int Rate { get; init; } = 200;
    public TimeSpan Duration { get; init; } = TimeSpan.FromSeconds(20);
    public int Contributors { get; init; } = 50;
    public int LagSample { get; init; } = 50;
    /// <summary>How long the system's CPU is sampled at rest before the run, to subtract its idle use.</summary>
    public TimeSpan IdleSample { get; init; } = TimeSpan.FromSeconds(15);
    public TimeSpan LagTimeout { get; init; } = TimeSpan.FromSeconds(150);
    /// <summary>How long, after the lags are in, every accepted contribution may take to be scored, rewarded and anchored.</summary>
    public TimeSpan CompleteTimeout { get; init; } = TimeSpan.FromSeconds(300);
    /// <summary>How often each part's memory is sampled through the run (the soak's "memory flat").</summary>
    public TimeSpan MemoryInterval { get; init; } = TimeSpan.FromSeconds(10);
    public long ChainId { get; init; } = 31337;
    /// <summary>The deployment's HistoryAnchor, which signatures are bound to; the local development chain's by default.</summary>
    public string VerifyingContract { get; init; } = "0xe7f1725E7734CE288F8367e1Bb143E90bb3F0512";
    /// <summary>The EIP-712 domain (version 2) every submission, registration and review is signed in.</summary>
    public CommunityAI.Formats.Signing.SigningDomain Domain => new((ulong)ChainId, VerifyingContract);
    public string History { get; init; } = "Host=127.0.0.1;Port=55432;Username=postgres;Database=communityai";
    public string Broker { get; init; } = "amqp://guest:guest@127.0.0.1:55672/";

    public const string Options = "--contributions --scoring --rate --duration --contributors --validators --lag-sample --lag-timeout "
        + "--complete-timeout --memory-interval --idle-sample --chain-id --verifying-contract --history --broker";

    /// <summary>The settings <paramref name="args"/> give, each option followed by its value; null when help was asked for.</summary>
    public static LoadSettings? Parse(string[] args)
    {
        // A run is thousands of contributions into the system: a mistyped or lone option must stop it, not be skipped.
        if (args.Any(a => a is "--help" or "-h"))
            return null;
        var settings = new LoadSettings();
        for (var i = 0; i < args.Length; i += 2)
        {
            var value = i + 1 < args.Length ? args[i + 1] : throw new ArgumentException($"option {args[i]} needs a value");
            settings = args[i] switch
            {
                "--contributions" => settings with { Contributions = new Uri(value) },
                "--scoring" => settings with { Scoring = new Uri(value) },
                "--validators" => settings with { Validators = int.Parse(value, CultureInfo.InvariantCulture) },
                "--rate" => settings with { Rate = int.Parse(value, CultureInfo.InvariantCulture) },
                "--duration" => settings with { Duration = TimeSpan.FromSeconds(double.Parse(value, CultureInfo.InvariantCulture)) },
                "--contributors" => settings with { Contributors = int.Parse(value, CultureInfo.InvariantCulture) },
                "--lag-sample" => settings with { LagSample = int.Parse(value, CultureInfo.InvariantCulture) },
                "--idle-sample" => settings with { IdleSample = TimeSpan.FromSeconds(double.Parse(value, CultureInfo.InvariantCulture)) },
                "--lag-timeout" => settings with { LagTimeout = TimeSpan.FromSeconds(double.Parse(value, CultureInfo.InvariantCulture)) },
                "--complete-timeout" => settings with { CompleteTimeout = TimeSpan.FromSeconds(double.Parse(value, CultureInfo.InvariantCulture)) },
                "--memory-interval" => settings with { MemoryInterval = TimeSpan.FromSeconds(double.Parse(value, CultureInfo.InvariantCulture)) },
                "--chain-id" => settings with { ChainId = long.Parse(value, CultureInfo.InvariantCulture) },
                "--verifying-contract" => settings with { VerifyingContract = value },
                "--history" => settings with { History = value },
                "--broker" => settings with { Broker = value },
                _ => throw new ArgumentException($"unknown option {args[i]}; options: {Options}"),
            };
        }
        return settings.Rate < 1 || settings.Contributors < 1 || settings.Validators is < 0 or > 5 || settings.MemoryInterval <= TimeSpan.Zero
            ? throw new ArgumentException("rate, contributors and memory interval must be positive, validators 0 to 5 (the development genesis validators)") : settings;
    }
}
