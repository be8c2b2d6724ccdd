using System.Text.RegularExpressions;
using CommunityAI.Contracts;

namespace CommunityAI.ServiceDefaults.Messaging;

/// <summary>
/// The RabbitMQ users of the system. Each service logs in as its own user, which may publish only its own events and
/// read only its own queues, and partners as users that may publish only commands to <c>contributions-submit</c> (and its batch twin) and read
/// only the queue they are given, so a leaked login cannot forge another service's event nor read another's messages.
/// The names are the contract between the broker set-up (<see cref="BrokerSetup"/>), the AppHost and deploy/; each
/// service's lists must match what its Extensions.cs registers (its outbox routes and consumers), or its start or its
/// publishing is refused by the broker, which the end-to-end tests would show.
/// </summary>
public static partial class BrokerUsers
{
    public static readonly BrokerUser Contributions = new("contributions", "communityai-contributions",
        [typeof(ContributionSubmitted), typeof(ContributionRejected), typeof(ContributionErased), typeof(DatasetSnapshotted)],
        [typeof(SubmitContribution), typeof(SubmitContributions)],
        // The private content handoff: sent to quality-scoring's queue, which this send declares, so content handed
        // over before quality-scoring's first start waits in the queue. So contributions may also read and delete that
        // queue; it holds only content contributions stores anyway.
        [ScoringContent.QueueName]);

    public static readonly BrokerUser QualityScoring = new("quality-scoring", "communityai-quality-scoring",
        [typeof(ContributionScored), typeof(ScoringPolicyPublished), typeof(ValidatorRegistered), typeof(ReputationChanged)],
        [typeof(ContributionSubmitted), typeof(PolicyActivated)],
        []);

    public static readonly BrokerUser RewardLedger = new("reward-ledger", "communityai-reward-ledger",
        [typeof(ContributionRewarded), typeof(EpochClosed)],
        [typeof(PolicyActivated)],
        []);

    public static readonly BrokerUser ChainBridge = new("chain-bridge", "communityai-chain-bridge",
        [typeof(TreeHeadAnchored), typeof(ClaimRootPublished), typeof(LogEntriesAppended)],
        [typeof(EpochClosed)],
        []);

    public static readonly BrokerUser Governance = new("governance", "communityai-governance",
        [typeof(ProposalSubmitted), typeof(VoteCast), typeof(DelegationChanged), typeof(ProposalSucceeded), typeof(ProposalDefeated),
            typeof(ProposalQueued), typeof(ProposalVetoed), typeof(PolicyActivated)],
        [],
        []);

    /// <summary>The services that use the bus (the community model does not).</summary>
    public static IReadOnlyList<BrokerUser> All { get; } = [Contributions, QualityScoring, RewardLedger, ChainBridge, Governance];

    /// <summary>Reads queue depths for the autoscaler (passive declares need no permission) and can do nothing else.</summary>
    public const string Monitor = "communityai-monitor";

    /// <summary>The partners' way in: the contributions service's command queue (its endpoint exchange of that name).</summary>
    public const string PartnerCommands = "contributions-submit";

    /// <summary>The partners' way in for batches (<c>SubmitContributions</c>): the contributions service's batch queue.</summary>
    public const string PartnerBatchCommands = "contributions-submit-batch";

    /// <summary>Every event published on the bus: what a partner may be subscribed to.</summary>
    public static IReadOnlyList<Type> PublicEvents { get; } = All.SelectMany(u => u.Publishes).Distinct().ToList();

    public static BrokerUser Of(string service) =>
        All.FirstOrDefault(u => u.Service == service) ?? throw new ArgumentException($"no broker user for service '{service}'", nameof(service));

    /// <summary>MassTransit's exchange for a message type: "Namespace:TypeName".</summary>
    public static string ExchangeOf(Type messageType) => $"{messageType.Namespace}:{messageType.Name}";

    /// <summary>A partner's login (<c>partner-{name}</c>); names are lower-case letters, digits and single hyphens.</summary>
    public static string PartnerUser(string partner) => "partner-" + CheckPartner(partner);

    /// <summary>The queue the set-up gives a partner, bound to the public events it subscribed to.</summary>
    public static string PartnerQueue(string partner) => "partner-" + CheckPartner(partner) + "-events";

    /// <summary>
    /// A partner publishes commands to the <c>contributions-submit</c> and <c>contributions-submit-batch</c> exchanges only (not the default exchange, which
    /// reaches every queue by name) and reads only its own <c>partner-{name}-…</c> queues: it may declare those (a
    /// MassTransit client declares its queue), but never read an event exchange, so it can subscribe itself to nothing.
    /// </summary>
    public static BrokerPermissions PartnerPermissions(string partner)
    {
        var own = BrokerPermissions.Name("partner-" + CheckPartner(partner) + "-") + ".*";
        return new BrokerPermissions(
            BrokerPermissions.AnyOf([own]),
            BrokerPermissions.AnyOf([own, BrokerPermissions.Name(PartnerCommands), BrokerPermissions.Name(PartnerBatchCommands)]),
            BrokerPermissions.AnyOf([own]));
    }

    private static string CheckPartner(string partner) => PartnerName().IsMatch(partner)
        ? partner
        : throw new ArgumentException($"partner name '{partner}' must be lower-case letters and digits in hyphen-separated words (at most 40 characters)", nameof(partner));

    [GeneratedRegex("^(?=.{1,40}$)[a-z0-9]+(-[a-z0-9]+)*$")]
    private static partial Regex PartnerName();
}
