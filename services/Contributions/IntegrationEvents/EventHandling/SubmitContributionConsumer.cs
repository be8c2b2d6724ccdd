using CommunityAI.Contracts;
using CommunityAI.Contributions.Domain;
using CommunityAI.Contributions.Infrastructure;
using CommunityAI.Formats.Signing;
using MassTransit;
using Microsoft.Extensions.Options;

namespace CommunityAI.Contributions.IntegrationEvents.EventHandling;

/// <summary>
/// Partner intake: the same checks as HTTP. A refused command becomes a <see cref="ContributionRejected"/> in the
/// history (published by the outbox); only a message that cannot be read at all lands in the error queue.
/// </summary>
public sealed class SubmitContributionConsumer(
    ContributionAppender appender, IOptions<IntakeOptions> options, SignedRequestCheck check, ContributorAllowance allowance, LicencesInForce licences)
    : IConsumer<SubmitContribution>
{
    public async Task Consume(ConsumeContext<SubmitContribution> context)
    {
        var command = context.Message;
        var now = check.Now;
        var allowed = (await licences.CurrentAsync(context.CancellationToken)).Licences;
        var decision = PartnerRefusal.Decide(command, request => ContributionIntake.Decide(request!, options.Value, allowed, check));
        var refusal = decision switch
        {
            // The signer's allowance is the same however its contributions arrive: over HTTP, in a batch or here.
            IntakeDecision.Accept(var submitted, var content) => await StoreAsync(submitted, content, context.CancellationToken),
            _ => PartnerRefusal.Of(decision),
        };
        if (refusal is not { } r)
            return;

        // One rejection per message: a redelivery hits the same stream key and records nothing new.
        var key = PartnerRefusal.Key(context.MessageId, command.CorrelationId);
        await appender.RejectAsync(key, PartnerRefusal.Rejection(command.CorrelationId, command.PartnerId, command.Contributor, r, now),
            context.CancellationToken);
    }

    private async Task<(string Field, string Reason, int Status)?> StoreAsync(ContributionSubmitted submitted, byte[]? content, CancellationToken ct)
    {
        var outcome = await allowance.AppendWithinAsync(submitted.Contributor, none => appender.AppendAsync(submitted, content, none), ct);
        if (outcome is null)
            return PartnerRefusal.OverQuota;
        IntakeMetrics.Stored("bus", outcome);
        return PartnerRefusal.Of(outcome);
    }
}
