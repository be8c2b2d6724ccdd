namespace CommunityAI.ChainBridge.Checkpoints;

/// <summary>Signed checkpoints and witnesses, from configuration section "Checkpoints".</summary>
public sealed class CheckpointOptions
{
    public const string Section = "Checkpoints";

    /// <summary>
    /// The log's private note key, <c>PRIVATE+KEY+&lt;origin&gt;+&lt;hash&gt;+&lt;base64&gt;</c> (golang.org/x/mod/sumdb/note's
    /// encoding); its name is the checkpoints' origin line. A secret: user secrets, environment or a secret store.
    /// Unset in Development, the published development key (<see cref="DevelopmentCheckpointKey"/>) signs.
    /// </summary>
    public string? SigningKey { get; set; }

    /// <summary>Verifier keys (<c>name+hash+base64</c>, type 0x04) of the witnesses whose cosignatures the bridge collects and serves.</summary>
    public string[] Witnesses { get; set; } = [];

    /// <summary>
    /// How many distinct known witnesses must have cosigned a tree size before <c>GET /checkpoint</c> serves it: 0 (the
    /// default) serves the newest head; k &gt; 0 serves the newest size k witnesses cosigned, or the newest head while none
    /// has. Witnesses cosign a head some time after it exists, and on a live log the newest head is always newer than that.
    /// <c>GET /checkpoint/latest</c> serves the newest head whatever this says; witnesses cosign what
    /// <c>GET /checkpoint/witness</c> offers.
    /// </summary>
    public int WitnessesRequired { get; set; }

    /// <summary>
    /// Seconds an offered witness checkpoint stays offered (<see cref="CheckpointOffer"/>): witnesses that poll at least this
    /// often all cosign the same sizes, and the witnessed checkpoint lags the head by about this plus their interval.
    /// 15 by default (the audit tool's witness polls every 10 s); 0 offers the newest head, as before.
    /// </summary>
    public int WitnessCadenceSeconds { get; set; } = 15;
}
